package com.kartshoppe.feedback.accuracy;

import static com.kartshoppe.feedback.FeedbackTestEvents.FRAUD_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.RECO_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.T0;
import static com.kartshoppe.feedback.FeedbackTestEvents.example;
import static com.kartshoppe.feedback.FeedbackTestEvents.fraudFeatures;
import static com.kartshoppe.feedback.FeedbackTestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.feedback.outcome.Outcome;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link AccuracyWindow}. */
class AccuracyWindowTest {

    private static final double[] THRESHOLDS = {0.5, 0.9};
    private static final long START = T0.toEpochMilli();
    private static final long END = minutes(5).toEpochMilli();

    private static LabeledExample fraud(
            String id, double score, double base, int label, long adapterVersion) {
        return LabeledExample.newBuilder(
                        example(
                                id,
                                UseCase.FRAUD,
                                FRAUD_MODEL,
                                "3",
                                minutes(1),
                                minutes(11),
                                score,
                                base,
                                label,
                                fraudFeatures(1, 0, 1)))
                .setAdapterVersion(adapterVersion)
                .build();
    }

    private static Outcome outcome(LabeledExample e, boolean labelled, int requestItems) {
        Outcome o = new Outcome();
        o.example = e;
        o.labelled = labelled;
        o.requestItems = requestItems;
        return o;
    }

    private static JsonNode parse(AccuracyWindow window, Duration maturity, long late)
            throws Exception {
        return new ObjectMapper().readTree(window.report(THRESHOLDS, maturity, late).toString());
    }

    @Test
    void aFraudReportCountsPredictionsAndScoresAdaptedAndBaseApart() throws Exception {
        double[] adapted = {0.95, 0.7, 0.2, 0.6, 0.1};
        double[] base = {0.6, 0.4, 0.3, 0.8, 0.05};
        int[] labels = {1, 1, 0, 0, 0};
        long[] adapterVersions = {2, 2, 0, 1, 2};
        boolean[] labelled = {true, true, true, false, false};
        AccuracyWindow window = null;
        for (int i = 0; i < labels.length; i++) {
            LabeledExample e = fraud("o-" + i, adapted[i], base[i], labels[i], adapterVersions[i]);
            if (window == null) {
                window = new AccuracyWindow(e, START, END);
            }
            window.add(outcome(e, labelled[i], 1), THRESHOLDS);
        }

        JsonNode r = parse(window, Duration.ofMinutes(30), 4);
        assertThat(r.get("type").asText()).isEqualTo("accuracy");
        assertThat(r.get("useCase").asText()).isEqualTo("FRAUD");
        assertThat(r.get("modelName").asText()).isEqualTo(FRAUD_MODEL);
        assertThat(r.get("modelVersion").asText()).isEqualTo("3");
        assertThat(r.get("windowStart").asText()).isEqualTo("2026-03-02T09:00:00Z");
        assertThat(r.get("windowEnd").asText()).isEqualTo("2026-03-02T09:05:00Z");
        assertThat(r.get("labelHorizon").asText()).isEqualTo("PT30M");
        assertThat(r.has("attributionWindow")).isFalse();
        assertThat(r.get("predictions").asLong()).isEqualTo(5);
        assertThat(r.get("positives").asLong()).isEqualTo(2);
        assertThat(r.get("labelled").asLong()).isEqualTo(3);
        assertThat(r.get("unlabelled").asLong()).isEqualTo(2);
        assertThat(r.get("lateLabels").asLong()).isEqualTo(4);
        assertThat(r.has("reco")).isFalse();

        JsonNode a = r.get("adapted");
        JsonNode b = r.get("base");
        assertThat(a.get("auc").asDouble()).isEqualTo(BinaryMetrics.auc(adapted, labels));
        assertThat(a.get("auc").asDouble()).isEqualTo(1.0);
        assertThat(b.get("auc").asDouble())
                .isCloseTo(BinaryMetrics.auc(base, labels), within(1e-12));
        assertThat(b.get("auc").asDouble()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(a.get("logLoss").asDouble())
                .isCloseTo(BinaryMetrics.logLoss(adapted, labels), within(1e-12));
        assertThat(b.get("logLoss").asDouble())
                .isCloseTo(BinaryMetrics.logLoss(base, labels), within(1e-12));
        assertThat(b.get("brier").asDouble())
                .isCloseTo(BinaryMetrics.brier(base, labels), within(1e-12));
        // At 0.5 the adapted score flags 0.95+, 0.7+, 0.6-; the base score 0.6+, 0.8-.
        assertThat(a.get("thresholds").get(0).get("flagged").asLong()).isEqualTo(3);
        assertThat(a.get("thresholds").get(0).get("recall").asDouble()).isEqualTo(1.0);
        assertThat(b.get("thresholds").get(0).get("flagged").asLong()).isEqualTo(2);
        assertThat(b.get("thresholds").get(0).get("precision").asDouble()).isEqualTo(0.5);
        assertThat(a.get("calibration")).isNotEmpty();

        JsonNode versions = r.get("adapterVersions");
        assertThat(versions).hasSize(3);
        long[][] expected = {{0, 1, 0}, {1, 1, 0}, {2, 3, 2}};
        for (int i = 0; i < expected.length; i++) {
            assertThat(versions.get(i).get("adapterVersion").asLong()).isEqualTo(expected[i][0]);
            assertThat(versions.get(i).get("predictions").asLong()).isEqualTo(expected[i][1]);
            assertThat(versions.get(i).get("positives").asLong()).isEqualTo(expected[i][2]);
        }
        // Each version's own metrics, on the served score of its predictions: version 2 scored
        // 0.95 and 0.7 (fraud) and 0.1 (not), version 0 only 0.2 (not).
        JsonNode two = versions.get(2);
        assertThat(two.get("auc").asDouble()).isEqualTo(1.0);
        assertThat(two.get("logLoss").asDouble())
                .isCloseTo(
                        BinaryMetrics.logLoss(new double[] {0.95, 0.7, 0.1}, new int[] {1, 1, 0}),
                        within(1e-12));
        assertThat(two.get("thresholds").get(0).get("threshold").asDouble()).isEqualTo(0.5);
        assertThat(two.get("thresholds").get(0).get("flagged").asLong()).isEqualTo(2);
        assertThat(two.get("thresholds").get(0).get("precision").asDouble()).isEqualTo(1.0);
        assertThat(two.get("thresholds").get(0).get("recall").asDouble()).isEqualTo(1.0);
        assertThat(two.get("thresholds").get(1).get("flagged").asLong()).isEqualTo(1);
        assertThat(two.get("thresholds").get(1).get("recall").asDouble()).isEqualTo(0.5);
        assertThat(two.has("calibration")).isFalse();
        JsonNode zero = versions.get(0);
        assertThat(zero.get("auc").isNull()).as("one class only").isTrue();
        assertThat(zero.get("thresholds").get(0).get("recall").isNull()).isTrue();
        assertThat(zero.get("thresholds").get(0).get("falsePositiveRate").asDouble()).isZero();
    }

    private static Outcome reco(
            String id,
            int label,
            boolean clicked,
            boolean purchased,
            int items,
            boolean hit,
            boolean bought) {
        LabeledExample e =
                example(
                        id,
                        UseCase.RECO,
                        RECO_MODEL,
                        "1",
                        minutes(2),
                        minutes(32),
                        0.3,
                        0.3,
                        label,
                        Map.of("same_category", 1.0));
        Outcome o = outcome(e, label == 1, items);
        o.clicked = clicked;
        o.purchased = purchased;
        o.requestHit = hit;
        o.requestPurchase = bought;
        return o;
    }

    @Test
    void aRecoReportHasClickThroughHitRateAndConversion() throws Exception {
        // Recommendation A (3 items): one clicked. B (2 items): one clicked and bought.
        // C (2 items): nothing.
        Outcome[] outcomes = {
            reco("a1", 0, false, false, 3, true, false),
            reco("a2", 1, true, false, 0, false, false),
            reco("a3", 0, false, false, 0, false, false),
            reco("b1", 1, true, true, 2, true, true),
            reco("b2", 0, false, false, 0, false, false),
            reco("c1", 0, false, false, 2, false, false),
            reco("c2", 0, false, false, 0, false, false),
        };
        AccuracyWindow window = new AccuracyWindow(outcomes[0].example, START, END);
        for (Outcome o : outcomes) {
            window.add(o, THRESHOLDS);
        }
        JsonNode r = parse(window, Duration.ofMinutes(20), 0);
        assertThat(r.get("useCase").asText()).isEqualTo("RECO");
        assertThat(r.get("attributionWindow").asText()).isEqualTo("PT20M");
        assertThat(r.has("labelHorizon")).isFalse();
        assertThat(r.get("predictions").asLong()).isEqualTo(7);
        assertThat(r.get("positives").asLong()).isEqualTo(2);
        assertThat(r.get("labelled").asLong()).isEqualTo(2);
        assertThat(r.get("adapted").get("thresholds")).as("no thresholds for ranking").isEmpty();
        assertThat(r.get("adapted").has("calibration")).isFalse();

        JsonNode reco = r.get("reco");
        assertThat(reco.get("recommendations").asLong()).isEqualTo(3);
        assertThat(reco.get("ctr").asDouble()).isCloseTo(2 / 7.0, within(1e-12));
        assertThat(reco.get("hitRate").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(reco.get("conversion").asDouble()).isCloseTo(1 / 3.0, within(1e-12));
    }

    @Test
    void aRecoWindowWithoutCountedRecommendationsHasNullRates() throws Exception {
        Outcome o = reco("x1", 0, false, false, 0, false, false);
        AccuracyWindow window = new AccuracyWindow(o.example, START, END);
        window.add(o, THRESHOLDS);
        JsonNode r = parse(window, Duration.ofMinutes(20), 0);
        assertThat(r.get("reco").get("recommendations").asLong()).isZero();
        assertThat(r.get("reco").get("ctr").asDouble()).isZero();
        assertThat(r.get("reco").get("hitRate").isNull()).isTrue();
        assertThat(r.get("reco").get("conversion").isNull()).isTrue();
        assertThat(r.get("adapted").get("auc").isNull()).isTrue();
    }
}
