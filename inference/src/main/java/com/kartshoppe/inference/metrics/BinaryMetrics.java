package com.kartshoppe.inference.metrics;

import java.util.Arrays;

/**
 * Quality of probabilistic binary predictions: ROC-AUC, log loss and Brier score, over parallel
 * arrays of scores and 0/1 labels.
 */
public final class BinaryMetrics {

    /** Probabilities are clipped this far from 0 and 1 for the log loss. */
    private static final double EPSILON = 1e-15;

    private BinaryMetrics() {}

    /**
     * Area under the ROC curve: the probability that a random positive scores above a random
     * negative, ties counting half (Mann-Whitney). NaN without both classes.
     */
    public static double auc(double[] scores, int[] labels) {
        int n = check(scores, labels);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1; // 1-based rank shared by the tie
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0)
                / ((double) positives * negatives);
    }

    /** Mean negative log-likelihood (natural log). */
    public static double logLoss(double[] scores, int[] labels) {
        int n = check(scores, labels);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double p = Math.min(1 - EPSILON, Math.max(EPSILON, scores[i]));
            sum -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Mean squared error of the probability against the label. */
    public static double brier(double[] scores, int[] labels) {
        int n = check(scores, labels);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = scores[i] - labels[i];
            sum += d * d;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * @return the number of examples
     * @throws IllegalArgumentException unless there is one label per score, each 0 or 1
     */
    static int check(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(
                    scores.length + " scores but " + labels.length + " labels");
        }
        for (int label : labels) {
            if (label != 0 && label != 1) {
                throw new IllegalArgumentException("labels must be 0 or 1, got " + label);
            }
        }
        return scores.length;
    }
}
