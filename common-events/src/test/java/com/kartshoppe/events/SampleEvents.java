package com.kartshoppe.events;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One fully populated record of every event type, at fixed instants, for serde tests. */
public final class SampleEvents {

    public static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

    private SampleEvents() {}

    public static ClickEvent click() {
        return ClickEvent.newBuilder()
                .setEventId("e-1")
                .setEventTime(T0)
                .setUserId("u-1")
                .setSessionId("s-1")
                .setType(ClickType.RECO_CLICK)
                .setProductId("p-7")
                .setCategory("books")
                .setQuery(null)
                .setRecoId("r-9")
                .setCampaignId("spring")
                .setDeviceId("d-1")
                .setIp("10.0.0.1")
                .setRecoPosition(2)
                .build();
    }

    public static OrderEvent order() {
        return OrderEvent.newBuilder()
                .setEventId("e-2")
                .setEventTime(T0)
                .setOrderId("o-1")
                .setUserId("u-1")
                .setAccountCreatedAt(T0.minusSeconds(86_400L * 400))
                .setSessionId("s-1")
                .setStatus(OrderStatus.PLACED)
                .setItems(
                        List.of(
                                new OrderItem("p-7", "books", 2, 1250L),
                                new OrderItem("p-8", "toys", 1, 999L)))
                .setAmountMinor(3499L)
                .setCurrency("EUR")
                .setCampaignId(null)
                .setShippingCountry("DE")
                .setDeviceId("d-1")
                .setIp("10.0.0.1")
                .build();
    }

    public static PaymentEvent payment() {
        return PaymentEvent.newBuilder()
                .setEventId("e-3")
                .setEventTime(T0)
                .setPaymentId("pay-1")
                .setOrderId("o-1")
                .setUserId("u-1")
                .setStatus(PaymentStatus.DECLINED)
                .setDeclineReason("insufficient_funds")
                .setCardFingerprint("c-1")
                .setBinCountry("FR")
                .setAmountMinor(3499L)
                .setCurrency("EUR")
                .setDeviceId("d-1")
                .setIp("10.0.0.1")
                .build();
    }

    public static LoginEvent login() {
        return LoginEvent.newBuilder()
                .setEventId("e-4")
                .setEventTime(T0)
                .setUserId("u-1")
                .setSuccess(false)
                .setFailureReason("bad_password")
                .setDeviceId("d-1")
                .setIp("10.0.0.1")
                .setCountry("DE")
                .build();
    }

    public static FraudLabel fraudLabel() {
        return FraudLabel.newBuilder()
                .setLabelId("l-1")
                .setEventTime(T0.plusSeconds(600))
                .setOrderId("o-1")
                .setUserId("u-1")
                .setOrderTime(T0)
                .setLabel(FraudLabelType.CHARGEBACK)
                .setFraudType("card-testing")
                .build();
    }

    public static FraudDecision fraudDecision() {
        return FraudDecision.newBuilder()
                .setDecisionId("dec-1")
                .setEventTime(T0)
                .setOrderId("o-1")
                .setUserId("u-1")
                .setScore(0.91)
                .setBaseScore(0.85)
                .setDecision(Decision.BLOCK)
                .setReasons(List.of("score>=0.9", "cep:card-testing"))
                .setModelName("fraud")
                .setModelVersion("3")
                .setAdapterVersion(7L)
                .setDecidedAt(T0.plusMillis(12))
                .setContributions(Map.of("decline_ratio_10m", 2.5, "account_age_days", -0.75))
                .setContributionMethod("linear")
                .setRuleSetId("default")
                .setRuleSetVersion(4L)
                .build();
    }

    public static Recommendation recommendation() {
        return Recommendation.newBuilder()
                .setRecoId("r-9")
                .setEventTime(T0)
                .setUserId("u-1")
                .setSessionId("s-1")
                .setTriggerProductId("p-7")
                .setItems(
                        List.of(
                                new RecommendedItem("p-8", 0.7, 0.6, false),
                                new RecommendedItem("p-9", 0.2, 0.3, true)))
                .setModelName("reco")
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .setCreatedAt(T0.plusMillis(3))
                .build();
    }

    public static PredictionLog prediction() {
        return PredictionLog.newBuilder()
                .setPredictionId("r-9:p-8")
                .setUseCase(UseCase.RECO)
                .setRequestId("r-9")
                .setEntityId("u-1")
                .setItemId("p-8")
                .setPosition(0)
                .setExplored(false)
                .setEventTime(T0)
                .setFeatureSet("reco_v1")
                .setFeatureSetVersion(1)
                .setFeatures(features())
                .setScore(0.7)
                .setBaseScore(0.6)
                .setModelName("reco")
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .build();
    }

    public static AdapterParams adapterParams() {
        return AdapterParams.newBuilder()
                .setModelName("fraud")
                .setBaseModelVersion("3")
                .setAdapterVersion(7L)
                .setFeatureNames(List.of("orders_1h", "decline_ratio_10m"))
                .setBias(-0.1)
                .setLogitWeight(0.05)
                .setWeights(List.of(0.3, 1.2))
                .setExamplesSeen(420L)
                .setTrainedUpTo(T0)
                .setPublishedAt(T0.plusSeconds(1))
                .build();
    }

    public static LabeledExample labeledExample() {
        return LabeledExample.newBuilder()
                .setPredictionId("dec-1")
                .setUseCase(UseCase.FRAUD)
                .setEntityId("u-1")
                .setItemId(null)
                .setEventTime(T0)
                .setLabelTime(T0.plusSeconds(600))
                .setFeatureSet("fraud_v1")
                .setFeatureSetVersion(1)
                .setFeatures(features())
                .setScore(0.91)
                .setBaseScore(0.85)
                .setModelName("fraud")
                .setModelVersion("3")
                .setAdapterVersion(7L)
                .setLabel(1)
                .setLabelSource("CHARGEBACK")
                .build();
    }

    public static FraudRuleSet fraudRuleSet() {
        return FraudRuleSet.newBuilder()
                .setRuleSetId("default")
                .setVersion(4L)
                .setDocument("{\"id\": \"default\", \"version\": 4, \"review\": 0.6}")
                .setPublishedAt(T0)
                .build();
    }

    public static FeatureSnapshot featureSnapshot() {
        return FeatureSnapshot.newBuilder()
                .setEntityId("u-1")
                .setFeatureSet("fraud_v1")
                .setFeatureSetVersion(1)
                .setEventTime(T0)
                .setValues(features())
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("shop.clicks")
                .setPartition(1)
                .setOffset(42L)
                .setKey(ByteBuffer.wrap(new byte[] {'u', '-', '1'}))
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setReason("decode.bad-header")
                .setDetail("not Avro")
                .setRecordTime(T0)
                .setDetectedAt(T0.plusSeconds(1))
                .setJob("test")
                .build();
    }

    /** One sample per {@link EventType#ALL} entry, in the same order. */
    public static List<Object> all() {
        return List.of(
                click(),
                order(),
                payment(),
                login(),
                fraudLabel(),
                fraudDecision(),
                recommendation(),
                prediction(),
                adapterParams(),
                labeledExample(),
                fraudRuleSet(),
                featureSnapshot(),
                deadLetter());
    }

    private static Map<String, Double> features() {
        Map<String, Double> values = new TreeMap<>();
        values.put("orders_1h", 2.0);
        values.put("decline_ratio_10m", 0.5);
        return values;
    }
}
