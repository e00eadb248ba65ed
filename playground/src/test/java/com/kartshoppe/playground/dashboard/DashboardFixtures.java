package com.kartshoppe.playground.dashboard;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.Decision;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.fraud.rules.RuleSet;
import com.kartshoppe.playground.kafka.KafkaTestSupport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;

/**
 * The records the dashboard tests produce, encoded as the jobs encode them: Avro single-object
 * encoding through {@link AvroCodec}, decision reasons from the fraud job's own {@link RuleSet},
 * and accuracy reports in the JSON shape the feedback job writes.
 */
final class DashboardFixtures {

    /**
     * The fraud job's rules with REVIEW at 0.5, BLOCK at 0.9; card testing blocks, a shared device
     * goes to review, the other patterns only add their reason.
     */
    static final RuleSet RULES = rules();

    private static RuleSet rules() {
        Configuration conf = new Configuration();
        conf.set(FraudPattern.CARD_TESTING.atLeastOption(), Decision.BLOCK);
        conf.set(FraudPattern.SHARED_DEVICE.atLeastOption(), Decision.REVIEW);
        conf.set(FraudPattern.VELOCITY.atLeastOption(), Decision.ALLOW);
        conf.set(FraudPattern.ACCOUNT_TAKEOVER.atLeastOption(), Decision.ALLOW);
        return RuleSet.fromConfiguration(conf);
    }

    private static final AvroCodec<FraudDecision> DECISIONS =
            AvroCodec.of(EventType.FRAUD_DECISION);
    private static final AvroCodec<Recommendation> RECOS = AvroCodec.of(EventType.RECOMMENDATION);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(EventType.DEAD_LETTER);
    private static final AvroCodec<AdapterParams> PARAMS = AvroCodec.of(EventType.ADAPTER_PARAMS);

    private DashboardFixtures() {}

    static FraudDecision decision(
            String orderId,
            String userId,
            double score,
            Set<FraudPattern> flagged,
            String modelVersion,
            long adapterVersion,
            Instant decidedAt) {
        OrderEvent order =
                OrderEvent.newBuilder(SampleEvents.order())
                        .setOrderId(orderId)
                        .setUserId(userId)
                        .build();
        FraudCase placed =
                new FraudCase(
                        new Featured(
                                ShopEvent.of(order),
                                FeatureCatalog.FRAUD_V1.snapshot(
                                        userId, 0L, new double[FeatureCatalog.FRAUD_V1.size()])));
        flagged.forEach(placed::flag);
        RULES.applyTo(placed);
        FraudCase.Verdict verdict = placed.verdict(score);
        return FraudDecision.newBuilder()
                .setDecisionId("d-" + orderId)
                .setEventTime(decidedAt.minusMillis(40))
                .setOrderId(orderId)
                .setUserId(userId)
                .setScore(score)
                .setBaseScore(score * 0.9)
                .setDecision(verdict.decision())
                .setReasons(verdict.reasons())
                .setModelName("fraud")
                .setModelVersion(modelVersion)
                .setAdapterVersion(adapterVersion)
                .setDecidedAt(decidedAt)
                .setContributions(contributions(score))
                .setContributionMethod("linear")
                .setRuleSetId(placed.ruleSetId)
                .setRuleSetVersion(placed.ruleSetVersion)
                .build();
    }

    /** Four contributions, as the fraud job keeps them; the page shows the three largest. */
    static Map<String, Double> contributions(double score) {
        return Map.of(
                "decline_ratio_10m", 3 * score,
                "account_age_days", -1.25,
                "new_device", 0.5,
                "orders_1h", 0.125);
    }

    static Recommendation recommendation(
            String recoId, String userId, Instant createdAt, String... productIds) {
        List<RecommendedItem> items = new ArrayList<>();
        for (int i = 0; i < productIds.length; i++) {
            double score = 0.9 - 0.1 * i;
            items.add(new RecommendedItem(productIds[i], score, score - 0.05, i == 2));
        }
        return Recommendation.newBuilder()
                .setRecoId(recoId)
                .setEventTime(createdAt.minusMillis(30))
                .setUserId(userId)
                .setSessionId("s-" + userId)
                .setTriggerProductId(null)
                .setItems(items)
                .setModelName("reco")
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .setCreatedAt(createdAt)
                .build();
    }

    static DeadLetter deadLetter(String reason, long offset, Instant at) {
        return DeadLetter.newBuilder()
                .setSourceTopic("shop.orders")
                .setPartition(0)
                .setOffset(offset)
                .setKey(null)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setReason(reason)
                .setDetail("test")
                .setRecordTime(null)
                .setDetectedAt(at)
                .setJob("fraud")
                .build();
    }

    static AdapterParams params(String model, String baseVersion, long adapterVersion, Instant at) {
        return AdapterParams.newBuilder()
                .setModelName(model)
                .setBaseModelVersion(baseVersion)
                .setAdapterVersion(adapterVersion)
                .setFeatureNames(List.of("amount_eur"))
                .setBias(0.1)
                .setLogitWeight(0.0)
                .setWeights(List.of(0.2))
                .setExamplesSeen(50 * adapterVersion)
                .setTrainedUpTo(at.minusSeconds(60))
                .setPublishedAt(at)
                .build();
    }

    /**
     * A fraud accuracy report exactly as {@code AccuracyReports} writes it (see the README's
     * "Accuracy reports"), with thresholds 0.5 and 0.9.
     */
    static String fraudReport(
            String version,
            Instant windowEnd,
            double adaptedAuc,
            double baseAuc,
            double adaptedRecall,
            double baseRecall) {
        Instant start = windowEnd.minus(Duration.ofMinutes(5));
        return "{\"type\":\"accuracy\",\"useCase\":\"FRAUD\",\"modelName\":\"fraud\","
                + "\"modelVersion\":\""
                + version
                + "\",\"windowStart\":\""
                + start
                + "\",\"windowEnd\":\""
                + windowEnd
                + "\",\"labelHorizon\":\"PT30M\",\"predictions\":68,\"positives\":12,"
                + "\"labelled\":27,\"unlabelled\":41,\"lateLabels\":0,"
                + "\"adapted\":"
                + scores(adaptedAuc, adaptedRecall, true)
                + ",\"base\":"
                + scores(baseAuc, baseRecall, true)
                + ",\"adapterVersions\":[{\"adapterVersion\":0,\"predictions\":68,"
                + "\"positives\":12}]}";
    }

    /** A reco accuracy report: no thresholds, no calibration, a {@code reco} block. */
    static String recoReport(String version, Instant windowEnd, double ctr, Double adaptedAuc) {
        Instant start = windowEnd.minus(Duration.ofMinutes(5));
        String auc = adaptedAuc == null ? "null" : adaptedAuc.toString();
        return "{\"type\":\"accuracy\",\"useCase\":\"RECO\",\"modelName\":\"reco\","
                + "\"modelVersion\":\""
                + version
                + "\",\"windowStart\":\""
                + start
                + "\",\"windowEnd\":\""
                + windowEnd
                + "\",\"attributionWindow\":\"PT30M\",\"predictions\":400,\"positives\":31,"
                + "\"labelled\":400,\"unlabelled\":0,\"lateLabels\":0,"
                + "\"adapted\":{\"auc\":"
                + auc
                + ",\"logLoss\":0.25,\"brier\":0.07,\"thresholds\":[]},"
                + "\"base\":{\"auc\":null,\"logLoss\":0.26,\"brier\":0.07,\"thresholds\":[]},"
                + "\"reco\":{\"recommendations\":100,\"ctr\":"
                + ctr
                + ",\"hitRate\":0.2,\"conversion\":0.05},"
                + "\"adapterVersions\":[{\"adapterVersion\":0,\"predictions\":400,"
                + "\"positives\":31}]}";
    }

    private static String scores(double auc, double recall, boolean calibration) {
        return "{\"auc\":"
                + auc
                + ",\"logLoss\":0.097,\"brier\":0.024,\"thresholds\":["
                + "{\"threshold\":0.5,\"flagged\":13,\"precision\":0.923,\"recall\":"
                + recall
                + ",\"falsePositiveRate\":0.018},"
                + "{\"threshold\":0.9,\"flagged\":7,\"precision\":1.0,\"recall\":0.5,"
                + "\"falsePositiveRate\":0.0}]"
                + (calibration
                        ? ",\"calibration\":[{\"from\":0.0,\"to\":0.1,\"predictions\":45,"
                                + "\"meanScore\":0.019,\"positiveRate\":0.0}]"
                        : "")
                + "}";
    }

    /** An adapter update decision, as {@code AdapterTraining} writes it. */
    static String adapterUpdate(String model, long adapterVersion, Instant trainedUpTo) {
        return "{\"type\":\"adapter-update\",\"modelName\":\""
                + model
                + "\",\"baseModelVersion\":\"1\",\"published\":true,\"adapterVersion\":"
                + adapterVersion
                + ",\"decision\":\"published\",\"examplesSeen\":100,\"trainedUpTo\":\""
                + trainedUpTo
                + "\",\"holdoutExamples\":20,\"holdoutLogLossBase\":0.31,"
                + "\"holdoutLogLossAdapted\":0.29}";
    }

    static void produceDecisions(EmbeddedKafka kafka, FraudDecision... decisions) {
        for (FraudDecision d : decisions) {
            KafkaTestSupport.produce(
                    kafka, "fraud.decisions", d.getOrderId(), List.of(DECISIONS.encode(d)));
        }
    }

    static void produceRecommendations(EmbeddedKafka kafka, Recommendation... recos) {
        for (Recommendation r : recos) {
            KafkaTestSupport.produce(
                    kafka, "reco.recommendations", r.getUserId(), List.of(RECOS.encode(r)));
        }
    }

    static void produceDeadLetters(EmbeddedKafka kafka, DeadLetter... deadLetters) {
        List<byte[]> values = new ArrayList<>();
        for (DeadLetter d : deadLetters) {
            values.add(DEAD_LETTERS.encode(d));
        }
        KafkaTestSupport.produce(kafka, "dlq.events", "shop.orders", values);
    }

    static void produceParams(EmbeddedKafka kafka, AdapterParams... params) {
        for (AdapterParams p : params) {
            KafkaTestSupport.produce(
                    kafka, "ml.model-params", p.getModelName(), List.of(PARAMS.encode(p)));
        }
    }

    static void produceReports(EmbeddedKafka kafka, String key, String... json) {
        List<byte[]> values = new ArrayList<>();
        for (String j : json) {
            values.add(j.getBytes(StandardCharsets.UTF_8));
        }
        KafkaTestSupport.produce(kafka, "ml.feedback-accuracy", key, values);
    }

    /** Input records: opaque bytes, which the view counts without decoding. */
    static void produceInputs(EmbeddedKafka kafka, String topic, int count) {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(("raw " + topic + " " + i).getBytes(StandardCharsets.UTF_8));
        }
        KafkaTestSupport.produce(kafka, topic, "u-000001", values);
    }
}
