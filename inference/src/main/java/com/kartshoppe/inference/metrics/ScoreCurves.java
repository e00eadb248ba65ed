package com.kartshoppe.inference.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The curves behind a binary scorer's quality, over parallel arrays of scores in [0, 1] and 0/1
 * labels: the operating points of every threshold (ROC and precision-recall), calibration and score
 * histograms per class. Reports plot them; {@link BinaryMetrics} gives the single numbers.
 *
 * <pre>{@code
 * List<OperatingPoint> points = ScoreCurves.operatingPoints(scores, labels);
 * double fpr = points.get(3).falsePositiveRate();
 * List<CalibrationBin> calibration = ScoreCurves.calibration(scores, labels, 10);
 * }</pre>
 */
public final class ScoreCurves {

    private ScoreCurves() {}

    /**
     * What flagging every score at or above {@code threshold} gives.
     *
     * @param positives positives in all
     * @param negatives negatives in all
     */
    public record OperatingPoint(
            double threshold, int truePositives, int falsePositives, int positives, int negatives) {

        /** Recall; NaN without positives. */
        public double truePositiveRate() {
            return ratio(truePositives, positives);
        }

        /** Share of negatives flagged; NaN without negatives. */
        public double falsePositiveRate() {
            return ratio(falsePositives, negatives);
        }

        /** Share of flagged that are positive; 1 when nothing is flagged (the usual convention). */
        public double precision() {
            int flagged = truePositives + falsePositives;
            return flagged == 0 ? 1 : truePositives / (double) flagged;
        }
    }

    /**
     * One equal-width score bin of a calibration plot.
     *
     * @param meanScore mean score in the bin; NaN if empty
     * @param positiveRate share of positives in the bin; NaN if empty
     */
    public record CalibrationBin(
            double lower, double upper, int count, double meanScore, double positiveRate) {}

    /**
     * Counts of scores per equal-width bin over [0, 1], per class.
     *
     * @param edges {@code bins + 1} bin edges, from 0 to 1
     */
    public record Histogram(double[] edges, int[] positives, int[] negatives) {}

    /**
     * The operating point of every distinct score as threshold, from the highest score down,
     * preceded by the point that flags nothing (threshold +infinity). Ties share one point. The
     * last point flags everything.
     */
    public static List<OperatingPoint> operatingPoints(double[] scores, int[] labels) {
        BinaryMetrics.check(scores, labels);
        int n = scores.length;
        Integer[] order = new Integer[n];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            positives += labels[i];
        }
        int negatives = n - positives;
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        List<OperatingPoint> points = new ArrayList<>();
        points.add(new OperatingPoint(Double.POSITIVE_INFINITY, 0, 0, positives, negatives));
        int tp = 0;
        int fp = 0;
        int i = 0;
        while (i < n) {
            double threshold = scores[order[i]];
            while (i < n && scores[order[i]] == threshold) {
                if (labels[order[i]] == 1) {
                    tp++;
                } else {
                    fp++;
                }
                i++;
            }
            points.add(new OperatingPoint(threshold, tp, fp, positives, negatives));
        }
        return points;
    }

    /**
     * At most {@code max} of {@code points}, evenly spaced by index, always with the first and the
     * last: enough to draw a curve of many thousand thresholds.
     */
    public static <T> List<T> thin(List<T> points, int max) {
        if (max < 2) {
            throw new IllegalArgumentException("max must be at least 2, got " + max);
        }
        if (points.size() <= max) {
            return List.copyOf(points);
        }
        List<T> kept = new ArrayList<>(max);
        double step = (points.size() - 1) / (double) (max - 1);
        for (int j = 0; j < max; j++) {
            kept.add(points.get((int) Math.round(j * step)));
        }
        return kept;
    }

    /**
     * Average precision: precision at each threshold weighted by the recall it adds (the step area
     * under the precision-recall curve). NaN without positives.
     */
    public static double averagePrecision(double[] scores, int[] labels) {
        List<OperatingPoint> points = operatingPoints(scores, labels);
        if (points.get(0).positives() == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int j = 1; j < points.size(); j++) {
            OperatingPoint p = points.get(j);
            double added = p.truePositiveRate() - points.get(j - 1).truePositiveRate();
            sum += added * p.precision();
        }
        return sum;
    }

    /**
     * Calibration in {@code bins} equal-width bins over [0, 1]: per bin, the mean score against the
     * share of positives. A score of exactly 1 falls in the last bin; scores outside [0, 1] in the
     * nearest.
     */
    public static List<CalibrationBin> calibration(double[] scores, int[] labels, int bins) {
        BinaryMetrics.check(scores, labels);
        int[] count = new int[bins];
        int[] positive = new int[bins];
        double[] sum = new double[bins];
        for (int i = 0; i < scores.length; i++) {
            int b = bin(scores[i], bins);
            count[b]++;
            positive[b] += labels[i];
            sum[b] += scores[i];
        }
        List<CalibrationBin> out = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            out.add(
                    new CalibrationBin(
                            b / (double) bins,
                            (b + 1) / (double) bins,
                            count[b],
                            ratio(sum[b], count[b]),
                            ratio(positive[b], count[b])));
        }
        return out;
    }

    /** Counts per class in {@code bins} equal-width bins over [0, 1], binned as calibration. */
    public static Histogram histogram(double[] scores, int[] labels, int bins) {
        BinaryMetrics.check(scores, labels);
        int[] positives = new int[bins];
        int[] negatives = new int[bins];
        for (int i = 0; i < scores.length; i++) {
            (labels[i] == 1 ? positives : negatives)[bin(scores[i], bins)]++;
        }
        double[] edges = new double[bins + 1];
        for (int b = 0; b <= bins; b++) {
            edges[b] = b / (double) bins;
        }
        return new Histogram(edges, positives, negatives);
    }

    private static int bin(double score, int bins) {
        int b = (int) Math.floor(score * bins);
        return Math.max(0, Math.min(bins - 1, b));
    }

    private static double ratio(double a, int b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
