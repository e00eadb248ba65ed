package com.kartshoppe.feedback;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.feedback.outcome.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Fixed instants and factories of served predictions, fraud labels, shopper events, labelled
 * examples and outcomes, for the feedback job's tests. {@link #T0} starts a 5-minute accuracy
 * window.
 */
public final class FeedbackTestEvents {

    /** The reference instant every test counts from. */
    public static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    public static final String FRAUD_MODEL = "fraud-gbt";
    public static final String RECO_MODEL = "reco-ranker";

    private FeedbackTestEvents() {}

    public static Instant minutes(long m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    public static Instant seconds(long s) {
        return T0.plusSeconds(s);
    }

    public static long millis(Instant t) {
        return t.toEpochMilli();
    }

    /** The fraud adapter's default features. */
    public static Map<String, Double> fraudFeatures(
            double paymentAttempts, double newDevice, double orders) {
        return Map.of(
                "payment_attempts_10m",
                paymentAttempts,
                "new_device",
                newDevice,
                "orders_1h",
                orders);
    }

    /** The fraud model's (version 1, no adapter) prediction for order {@code orderId}. */
    public static PredictionLog fraudPrediction(String orderId, Instant t, double score) {
        return fraudPrediction(orderId, t, score, score, fraudFeatures(1, 0, 1));
    }

    public static PredictionLog fraudPrediction(
            String orderId,
            Instant t,
            double score,
            double baseScore,
            Map<String, Double> features) {
        return PredictionLog.newBuilder()
                .setPredictionId("fraud:" + orderId)
                .setUseCase(UseCase.FRAUD)
                .setRequestId(orderId)
                .setEntityId("u-" + orderId)
                .setItemId(null)
                .setPosition(null)
                .setExplored(false)
                .setEventTime(t)
                .setFeatureSet("fraud_v1")
                .setFeatureSetVersion(1)
                .setFeatures(features)
                .setScore(score)
                .setBaseScore(baseScore)
                .setModelName(FRAUD_MODEL)
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .build();
    }

    public static FraudLabel label(String orderId, FraudLabelType type, Instant t) {
        return FraudLabel.newBuilder()
                .setLabelId("label-" + orderId + "-" + type + "-" + t.toEpochMilli())
                .setEventTime(t)
                .setOrderId(orderId)
                .setUserId("u-" + orderId)
                .setOrderTime(T0)
                .setLabel(type)
                .setFraudType(type == FraudLabelType.CLEARED ? null : "stolen_card")
                .build();
    }

    /** The reco model's log of {@code product} shown at {@code position} of {@code recoId}. */
    public static PredictionLog recoItem(
            String recoId, String user, String product, int position, Instant t, double score) {
        return PredictionLog.newBuilder()
                .setPredictionId(recoId + ":" + product)
                .setUseCase(UseCase.RECO)
                .setRequestId(recoId)
                .setEntityId(user)
                .setItemId(product)
                .setPosition(position)
                .setExplored(false)
                .setEventTime(t)
                .setFeatureSet("reco_v1")
                .setFeatureSetVersion(1)
                .setFeatures(
                        Map.of(
                                "same_category",
                                position % 2 == 0 ? 1.0 : 0.0,
                                "viewed_in_session",
                                0.0,
                                "category_share",
                                0.5))
                .setScore(score)
                .setBaseScore(score)
                .setModelName(RECO_MODEL)
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .build();
    }

    /** The logs of a recommendation of {@code products}, in display order. */
    public static PredictionLog[] reco(String recoId, String user, Instant t, String... products) {
        PredictionLog[] items = new PredictionLog[products.length];
        for (int i = 0; i < products.length; i++) {
            items[i] = recoItem(recoId, user, products[i], i, t, 0.5 - i * 0.1);
        }
        return items;
    }

    public static ClickEvent recoClick(String user, String recoId, String product, Instant t) {
        return click(user, ClickType.RECO_CLICK, recoId, product, t);
    }

    public static ClickEvent click(
            String user, ClickType type, String recoId, String product, Instant t) {
        return ClickEvent.newBuilder()
                .setEventId("click-" + user + "-" + t.toEpochMilli() + "-" + product)
                .setEventTime(t)
                .setUserId(user)
                .setSessionId("s-" + user)
                .setType(type)
                .setProductId(product)
                .setCategory(product == null ? null : "cat")
                .setRecoId(recoId)
                .setRecoPosition(recoId == null ? null : 0)
                .setDeviceId("d-" + user)
                .setIp("10.0.0.1")
                .build();
    }

    public static OrderEvent order(
            String orderId, String user, Instant t, OrderStatus status, String... products) {
        return OrderEvent.newBuilder()
                .setEventId("order-" + orderId + "-" + status)
                .setEventTime(t)
                .setOrderId(orderId)
                .setUserId(user)
                .setAccountCreatedAt(Instant.parse("2025-06-01T00:00:00Z"))
                .setSessionId("s-" + user)
                .setStatus(status)
                .setItems(
                        Arrays.stream(products)
                                .map(p -> new OrderItem(p, "cat", 1, 1_999L))
                                .toList())
                .setAmountMinor(1_999L * products.length)
                .setCurrency("EUR")
                .setShippingCountry("de")
                .setDeviceId("d-" + user)
                .setIp("10.0.0.1")
                .build();
    }

    /** A labelled example of model {@code model}, version {@code version}. */
    public static LabeledExample example(
            String predictionId,
            UseCase useCase,
            String model,
            String version,
            Instant eventTime,
            Instant labelTime,
            double score,
            double baseScore,
            int label,
            Map<String, Double> features) {
        return LabeledExample.newBuilder()
                .setPredictionId(predictionId)
                .setUseCase(useCase)
                .setEntityId("u-" + predictionId)
                .setItemId(useCase == UseCase.RECO ? "p-" + predictionId : null)
                .setEventTime(eventTime)
                .setLabelTime(labelTime)
                .setFeatureSet(useCase == UseCase.FRAUD ? "fraud_v1" : "reco_v1")
                .setFeatureSetVersion(1)
                .setFeatures(features)
                .setScore(score)
                .setBaseScore(baseScore)
                .setModelName(model)
                .setModelVersion(version)
                .setAdapterVersion(0L)
                .setLabel(label)
                .setLabelSource(label == 1 ? "CHARGEBACK" : "MATURED")
                .build();
    }

    /** A fraud example of model version 1 with the default features. */
    public static LabeledExample fraudExample(
            String predictionId, Instant eventTime, double score, int label) {
        return example(
                predictionId,
                UseCase.FRAUD,
                FRAUD_MODEL,
                "1",
                eventTime,
                eventTime.plus(Duration.ofMinutes(10)),
                score,
                score,
                label,
                fraudFeatures(1, 0, 1));
    }

    /** The outcome of an example: labelled unless it is a maturity default. */
    public static Outcome outcome(LabeledExample example) {
        Outcome o = new Outcome();
        o.example = example;
        o.labelled =
                !example.getLabelSource().equals("MATURED")
                        && !example.getLabelSource().equals("NO_CLICK");
        o.requestItems = example.getUseCase() == UseCase.FRAUD ? 1 : 0;
        o.decidedAt =
                Math.max(
                        example.getLabelTime().toEpochMilli(),
                        example.getEventTime().toEpochMilli());
        return o;
    }
}
