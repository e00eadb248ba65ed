package com.kartshoppe.feedback.accuracy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Quality of one score (adapted or base) over a window's labelled predictions, in fixed-size state:
 * ROC-AUC from a 1,000-bin score histogram per class (ties within a bin count half, so it is exact
 * to 0.001 in score), exact log loss and Brier score sums, exact counts above each decision
 * threshold, and ten calibration buckets. Plain Java.
 */
public class ScoreStats {

    static final int BINS = 1000;
    static final int BUCKETS = 10;
    private static final double EPSILON = 1e-15;

    public long[] positiveBins = new long[BINS];
    public long[] negativeBins = new long[BINS];
    public double logLossSum;
    public double brierSum;
    public long[] flaggedPositives = {};
    public long[] flaggedNegatives = {};
    public long[] bucketCounts = new long[BUCKETS];
    public double[] bucketScores = new double[BUCKETS];
    public long[] bucketPositives = new long[BUCKETS];

    /** For Flink's POJO serializer. */
    public ScoreStats() {}

    void add(double score, int label, double[] thresholds) {
        if (flaggedPositives.length != thresholds.length) {
            flaggedPositives = new long[thresholds.length];
            flaggedNegatives = new long[thresholds.length];
        }
        double p = Double.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
        int bin = Math.min(BINS - 1, (int) (p * BINS));
        int bucket = Math.min(BUCKETS - 1, (int) (p * BUCKETS));
        (label == 1 ? positiveBins : negativeBins)[bin]++;
        double clipped = Math.min(1 - EPSILON, Math.max(EPSILON, p));
        logLossSum -= label == 1 ? Math.log(clipped) : Math.log(1 - clipped);
        brierSum += (p - label) * (p - label);
        for (int i = 0; i < thresholds.length; i++) {
            if (p >= thresholds[i]) {
                (label == 1 ? flaggedPositives : flaggedNegatives)[i]++;
            }
        }
        bucketCounts[bucket]++;
        bucketScores[bucket] += p;
        bucketPositives[bucket] += label;
    }

    /** Mann-Whitney AUC over the histogram; NaN without both classes. */
    double auc() {
        double sum = 0;
        long negativesBelow = 0;
        long positives = 0;
        long negatives = 0;
        for (int b = 0; b < BINS; b++) {
            sum += positiveBins[b] * (negativesBelow + negativeBins[b] / 2.0);
            negativesBelow += negativeBins[b];
            positives += positiveBins[b];
            negatives += negativeBins[b];
        }
        return positives == 0 || negatives == 0 ? Double.NaN : sum / positives / negatives;
    }

    /** Precision at threshold {@code i}: flagged positives over flagged; NaN if none flagged. */
    double precision(int i) {
        long tp = flaggedPositives.length == 0 ? 0 : flaggedPositives[i];
        long fp = flaggedNegatives.length == 0 ? 0 : flaggedNegatives[i];
        return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
    }

    /** Recall at threshold {@code i} of {@code positives}; NaN without positives. */
    double recall(int i, long positives) {
        long tp = flaggedPositives.length == 0 ? 0 : flaggedPositives[i];
        return positives == 0 ? Double.NaN : (double) tp / positives;
    }

    /** The metrics as JSON, for {@code n} predictions of which {@code positives} positive. */
    ObjectNode json(double[] thresholds, long n, long positives, boolean calibration) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode node = f.objectNode();
        number(node, "auc", auc());
        number(node, "logLoss", n == 0 ? Double.NaN : logLossSum / n);
        number(node, "brier", n == 0 ? Double.NaN : brierSum / n);
        ArrayNode at = node.putArray("thresholds");
        long negatives = n - positives;
        for (int i = 0; i < thresholds.length; i++) {
            long tp = flaggedPositives.length == 0 ? 0 : flaggedPositives[i];
            long fp = flaggedNegatives.length == 0 ? 0 : flaggedNegatives[i];
            ObjectNode t = at.addObject();
            t.put("threshold", thresholds[i]);
            t.put("flagged", tp + fp);
            number(t, "precision", precision(i));
            number(t, "recall", recall(i, positives));
            number(t, "falsePositiveRate", negatives == 0 ? Double.NaN : (double) fp / negatives);
        }
        if (calibration) {
            ArrayNode buckets = node.putArray("calibration");
            for (int b = 0; b < BUCKETS; b++) {
                if (bucketCounts[b] == 0) {
                    continue;
                }
                ObjectNode bucket = buckets.addObject();
                bucket.put("from", b / (double) BUCKETS);
                bucket.put("to", (b + 1) / (double) BUCKETS);
                bucket.put("predictions", bucketCounts[b]);
                bucket.put("meanScore", bucketScores[b] / bucketCounts[b]);
                bucket.put("positiveRate", bucketPositives[b] / (double) bucketCounts[b]);
            }
        }
        return node;
    }

    /** JSON has no NaN: an undefined metric is null. */
    public static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }
}
