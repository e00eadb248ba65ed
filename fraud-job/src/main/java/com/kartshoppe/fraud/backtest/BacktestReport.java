package com.kartshoppe.fraud.backtest;

import com.kartshoppe.events.Decision;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.outcomes.FraudLabels;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a fraud job's decisions compare with the fraud labels of the same orders. An order is fraud
 * when it has a label other than CLEARED; unlabelled orders count as legitimate. "Caught" means any
 * decision above ALLOW.
 *
 * <pre>{@code
 * BacktestReport report = BacktestReport.of(result.get(EventType.FRAUD_DECISION), labels);
 * System.out.print(report.format());
 * }</pre>
 *
 * @param auc ROC-AUC of the scores; NaN without both classes or without model scores
 * @param caughtByFraudType per fraud type on the labels: [orders, caught]
 * @param flaggedByReason per reason: [orders, of which fraud]
 */
public record BacktestReport(
        int orders,
        int fraud,
        Map<Decision, Integer> byDecision,
        double auc,
        double reviewPrecision,
        double reviewRecall,
        double blockPrecision,
        double blockRecall,
        double legitFalsePositiveRate,
        Map<String, int[]> caughtByFraudType,
        Map<String, int[]> flaggedByReason) {

    public static BacktestReport of(List<FraudDecision> decisions, List<FraudLabel> labels) {
        Map<String, FraudLabel> fraudByOrder = new HashMap<>();
        for (FraudLabel label : labels) {
            if (FraudLabels.isFraud(label)) {
                fraudByOrder.put(label.getOrderId(), label);
            }
        }
        Map<Decision, Integer> byDecision = new EnumMap<>(Decision.class);
        Map<String, int[]> byType = new TreeMap<>();
        Map<String, int[]> byReason = new TreeMap<>();
        List<Double> scores = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        int fraud = 0;
        int legitCaught = 0;
        int[] review = new int[2]; // [caught, caught and fraud]
        int[] block = new int[2];
        for (FraudDecision d : decisions) {
            FraudLabel label = fraudByOrder.get(d.getOrderId());
            boolean isFraud = label != null;
            boolean caught = d.getDecision() != Decision.ALLOW;
            boolean blocked = d.getDecision() == Decision.BLOCK;
            byDecision.merge(d.getDecision(), 1, Integer::sum);
            fraud += isFraud ? 1 : 0;
            count(review, caught, isFraud);
            count(block, blocked, isFraud);
            if (!isFraud && caught) {
                legitCaught++;
            }
            if (isFraud) {
                int[] t =
                        byType.computeIfAbsent(
                                String.valueOf(label.getFraudType()), k -> new int[2]);
                t[0]++;
                t[1] += caught ? 1 : 0;
            }
            for (String reason : d.getReasons()) {
                int[] r = byReason.computeIfAbsent(reason, k -> new int[2]);
                r[0]++;
                r[1] += isFraud ? 1 : 0;
            }
            if (!d.getModelVersion().isEmpty()) {
                scores.add(d.getScore());
                truth.add(isFraud ? 1 : 0);
            }
        }
        int legit = decisions.size() - fraud;
        return new BacktestReport(
                decisions.size(),
                fraud,
                byDecision,
                BinaryMetrics.auc(
                        scores.stream().mapToDouble(Double::doubleValue).toArray(),
                        truth.stream().mapToInt(Integer::intValue).toArray()),
                ratio(review[1], review[0]),
                ratio(review[1], fraud),
                ratio(block[1], block[0]),
                ratio(block[1], fraud),
                ratio(legitCaught, legit),
                byType,
                byReason);
    }

    private static void count(int[] counts, boolean hit, boolean fraud) {
        if (hit) {
            counts[0]++;
            counts[1] += fraud ? 1 : 0;
        }
    }

    private static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : a / (double) b;
    }

    /** The share of {@code fraudType}'s orders caught; NaN if there were none. */
    public double caughtRate(String fraudType) {
        int[] t = caughtByFraudType.get(fraudType);
        return t == null ? Double.NaN : ratio(t[1], t[0]);
    }

    /** A few lines for a terminal. */
    public String format() {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "orders decided     %d (%d fraud by the labels)%n",
                        orders,
                        fraud));
        s.append(String.format(Locale.ROOT, "decisions          %s%n", byDecision));
        s.append(String.format(Locale.ROOT, "ROC-AUC of scores  %.4f%n", auc));
        s.append(
                String.format(
                        Locale.ROOT,
                        "REVIEW or above    precision %.3f  recall %.3f%n",
                        reviewPrecision,
                        reviewRecall));
        s.append(
                String.format(
                        Locale.ROOT,
                        "BLOCK              precision %.3f  recall %.3f%n",
                        blockPrecision,
                        blockRecall));
        s.append(
                String.format(
                        Locale.ROOT, "legit orders above ALLOW  %.4f%n", legitFalsePositiveRate));
        s.append("caught by fraud type (orders, caught, rate):\n");
        caughtByFraudType.forEach(
                (type, t) ->
                        s.append(
                                String.format(
                                        Locale.ROOT,
                                        "  %-20s %6d %6d  %.3f%n",
                                        type,
                                        t[0],
                                        t[1],
                                        ratio(t[1], t[0]))));
        s.append("reasons (orders, fraud, precision):\n");
        flaggedByReason.forEach(
                (reason, r) ->
                        s.append(
                                String.format(
                                        Locale.ROOT,
                                        "  %-20s %6d %6d  %.3f%n",
                                        reason,
                                        r[0],
                                        r[1],
                                        ratio(r[1], r[0]))));
        return s.toString();
    }
}
