package com.kartshoppe.feedback.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link ScoreStats}. */
class ScoreStatsTest {

    private static final double[] THRESHOLDS = {0.5, 0.9};

    private static ScoreStats stats(double[] scores, int[] labels) {
        ScoreStats stats = new ScoreStats();
        for (int i = 0; i < scores.length; i++) {
            stats.add(scores[i], labels[i], THRESHOLDS);
        }
        return stats;
    }

    /** Parsed back from text, as a consumer of the topic reads it. */
    private static JsonNode json(ScoreStats stats, long n, long positives) throws Exception {
        return new ObjectMapper().readTree(stats.json(THRESHOLDS, n, positives, true).toString());
    }

    /** Scores whose labels are positive with probability equal to the score: AUC about 5/6. */
    private static void sample(long seed, double[] scores, int[] labels) {
        Random random = new Random(seed);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextDouble();
            labels[i] = random.nextDouble() < scores[i] ? 1 : 0;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void histogramAucMatchesTheExactAucWithinAThousandth(long seed) {
        double[] scores = new double[5_000];
        int[] labels = new int[scores.length];
        sample(seed, scores, labels);
        double exact = BinaryMetrics.auc(scores, labels);
        assertThat(exact).isBetween(0.8, 0.87);
        assertThat(stats(scores, labels).auc()).isCloseTo(exact, within(0.001));
    }

    @Test
    void tiedScoresCountHalfAsInTheExactAuc() {
        // Scores on a 0.05 grid: every tie falls into one bin, so the histogram AUC is exact.
        Random random = new Random(7);
        double[] scores = new double[2_000];
        int[] labels = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextInt(21) * 0.05;
            labels[i] = random.nextDouble() < scores[i] ? 1 : 0;
        }
        assertThat(stats(scores, labels).auc())
                .isCloseTo(BinaryMetrics.auc(scores, labels), within(1e-12));

        // One positive tied with one negative, a positive above a negative: (0.5 + 1) / 2.
        assertThat(stats(new double[] {0.3, 0.3, 0.8, 0.1}, new int[] {1, 0, 1, 0}).auc())
                .isEqualTo(
                        BinaryMetrics.auc(
                                new double[] {0.3, 0.3, 0.8, 0.1}, new int[] {1, 0, 1, 0}));
    }

    @Test
    void logLossAndBrierEqualTheExactMetrics() throws Exception {
        double[] scores = new double[1_000];
        int[] labels = new int[scores.length];
        sample(11, scores, labels);
        scores[0] = 0.0; // clipped, as BinaryMetrics does
        labels[0] = 1;
        scores[1] = 1.0;
        labels[1] = 1;
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        JsonNode json = json(stats(scores, labels), scores.length, positives);
        assertThat(json.get("logLoss").asDouble())
                .isCloseTo(BinaryMetrics.logLoss(scores, labels), within(1e-12));
        assertThat(json.get("brier").asDouble())
                .isCloseTo(BinaryMetrics.brier(scores, labels), within(1e-12));
        assertThat(json.get("auc").asDouble())
                .isCloseTo(BinaryMetrics.auc(scores, labels), within(0.001));
    }

    @Test
    void precisionRecallAndFalsePositiveRateAtEachThreshold() throws Exception {
        // Flagged at 0.5: 0.99+, 0.95+, 0.9-, 0.6+, 0.5- (tp 3, fp 2); at 0.9: 0.99+, 0.95+, 0.9-.
        double[] scores = {0.99, 0.95, 0.9, 0.6, 0.5, 0.4, 0.1};
        int[] labels = {1, 1, 0, 1, 0, 1, 0};
        JsonNode at = json(stats(scores, labels), 7, 4).get("thresholds");
        assertThat(at).hasSize(2);

        assertThat(at.get(0).get("threshold").asDouble()).isEqualTo(0.5);
        assertThat(at.get(0).get("flagged").asLong()).isEqualTo(5);
        assertThat(at.get(0).get("precision").asDouble()).isCloseTo(3 / 5.0, within(1e-12));
        assertThat(at.get(0).get("recall").asDouble()).isCloseTo(3 / 4.0, within(1e-12));
        assertThat(at.get(0).get("falsePositiveRate").asDouble()).isCloseTo(2 / 3.0, within(1e-12));

        assertThat(at.get(1).get("threshold").asDouble()).isEqualTo(0.9);
        assertThat(at.get(1).get("flagged").asLong()).isEqualTo(3);
        assertThat(at.get(1).get("precision").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(at.get(1).get("recall").asDouble()).isCloseTo(2 / 4.0, within(1e-12));
        assertThat(at.get(1).get("falsePositiveRate").asDouble()).isCloseTo(1 / 3.0, within(1e-12));
    }

    @Test
    void calibrationBucketsHoldMeanScoreAndPositiveRate() throws Exception {
        // Out-of-range and non-finite scores are clipped to [0, 1]: NaN counts as 0.
        double[] scores = {0.12, 0.18, 0.15, 1.0, 1.7, 0.95, -0.2, Double.NaN};
        int[] labels = {0, 1, 0, 1, 1, 0, 0, 0};
        JsonNode buckets = json(stats(scores, labels), 8, 3).get("calibration");
        assertThat(buckets).hasSize(3);

        assertThat(buckets.get(0).get("from").asDouble()).isEqualTo(0.0);
        assertThat(buckets.get(0).get("to").asDouble()).isEqualTo(0.1);
        assertThat(buckets.get(0).get("predictions").asLong()).isEqualTo(2);
        assertThat(buckets.get(0).get("meanScore").asDouble()).isEqualTo(0.0);
        assertThat(buckets.get(0).get("positiveRate").asDouble()).isEqualTo(0.0);

        assertThat(buckets.get(1).get("from").asDouble()).isEqualTo(0.1);
        assertThat(buckets.get(1).get("predictions").asLong()).isEqualTo(3);
        assertThat(buckets.get(1).get("meanScore").asDouble()).isCloseTo(0.15, within(1e-12));
        assertThat(buckets.get(1).get("positiveRate").asDouble()).isCloseTo(1 / 3.0, within(1e-12));

        assertThat(buckets.get(2).get("from").asDouble()).isEqualTo(0.9);
        assertThat(buckets.get(2).get("to").asDouble()).isEqualTo(1.0);
        assertThat(buckets.get(2).get("predictions").asLong()).isEqualTo(3);
        assertThat(buckets.get(2).get("meanScore").asDouble())
                .isCloseTo((1.0 + 1.0 + 0.95) / 3, within(1e-12));
        assertThat(buckets.get(2).get("positiveRate").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
    }

    @Test
    void undefinedMetricsAreJsonNulls() throws Exception {
        JsonNode empty = json(new ScoreStats(), 0, 0);
        assertThat(empty.get("auc").isNull()).isTrue();
        assertThat(empty.get("logLoss").isNull()).isTrue();
        assertThat(empty.get("brier").isNull()).isTrue();
        JsonNode none = empty.get("thresholds").get(0);
        assertThat(none.get("flagged").asLong()).isZero();
        assertThat(none.get("precision").isNull()).as("nothing flagged").isTrue();
        assertThat(none.get("recall").isNull()).as("no positives").isTrue();
        assertThat(none.get("falsePositiveRate").isNull()).as("no negatives").isTrue();
        assertThat(empty.get("calibration")).isEmpty();

        JsonNode negativesOnly = json(stats(new double[] {0.2, 0.7}, new int[] {0, 0}), 2, 0);
        assertThat(negativesOnly.get("auc").isNull()).as("one class").isTrue();
        assertThat(negativesOnly.get("logLoss").isNumber()).isTrue();
        assertThat(negativesOnly.get("thresholds").get(0).get("recall").isNull()).isTrue();
        assertThat(negativesOnly.get("thresholds").get(0).get("falsePositiveRate").asDouble())
                .isEqualTo(0.5);

        ObjectNode node = JsonNodeFactory.instance.objectNode();
        ScoreStats.number(node, "nan", Double.NaN);
        ScoreStats.number(node, "infinite", Double.POSITIVE_INFINITY);
        ScoreStats.number(node, "finite", 0.25);
        assertThat(node.toString()).isEqualTo("{\"nan\":null,\"infinite\":null,\"finite\":0.25}");
    }
}
