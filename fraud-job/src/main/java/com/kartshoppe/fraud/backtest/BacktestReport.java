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
 * decision above ALLOW, an alert. Fraudsters' orders are the fraud orders whose label names a
 * tactic: all but {@link FraudLabels#FRIENDLY_FRAUD}, which nothing in an order can reveal.
 *
 * <pre>{@code
 * BacktestReport report = BacktestReport.of(result.get(EventType.FRAUD_DECISION), labels);
 * System.out.print(report.format());
 * }</pre>
 *
 * @param alerts orders decided REVIEW or BLOCK
 * @param auc ROC-AUC of the scores; NaN without both classes or without model scores
 * @param fraudsterAuc ROC-AUC of the scores on fraudsters' orders against orders not labelled fraud
 *     (friendly fraud left out: a score cannot rank what no order shows)
 * @param fraudsters fraudsters' orders: [orders, caught]
 * @param caughtByFraudType per fraud type on the labels: [orders, caught]
 * @param flaggedByReason per reason: [orders, of which fraud]
 * @param ruleSets the rule sets the decisions were made under ({@code <id> v<version>}) and how
 *     many of them each
 */
public record BacktestReport(
        int orders,
        int fraud,
        int alerts,
        Map<Decision, Integer> byDecision,
        double auc,
        double fraudsterAuc,
        double reviewPrecision,
        double reviewRecall,
        double blockPrecision,
        double blockRecall,
        double legitFalsePositiveRate,
        int[] fraudsters,
        Map<String, int[]> caughtByFraudType,
        Map<String, int[]> flaggedByReason,
        Map<String, Integer> ruleSets) {

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
        Map<String, Integer> ruleSets = new TreeMap<>();
        List<Double> scores = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        List<Double> scoresButFriendly = new ArrayList<>();
        List<Integer> truthButFriendly = new ArrayList<>();
        int fraud = 0;
        int legitCaught = 0;
        int[] review = new int[2]; // [caught, caught and fraud]
        int[] block = new int[2];
        int[] fraudsters = new int[2]; // [orders, caught]
        for (FraudDecision d : decisions) {
            FraudLabel label = fraudByOrder.get(d.getOrderId());
            boolean isFraud = label != null;
            boolean caught = d.getDecision() != Decision.ALLOW;
            boolean blocked = d.getDecision() == Decision.BLOCK;
            byDecision.merge(d.getDecision(), 1, Integer::sum);
            ruleSets.merge(ruleSet(d), 1, Integer::sum);
            fraud += isFraud ? 1 : 0;
            count(review, caught, isFraud);
            count(block, blocked, isFraud);
            if (!isFraud && caught) {
                legitCaught++;
            }
            boolean friendly = isFraud && FraudLabels.FRIENDLY_FRAUD.equals(fraudType(label));
            if (isFraud && !friendly) {
                fraudsters[0]++;
                fraudsters[1] += caught ? 1 : 0;
            }
            if (isFraud) {
                int[] t = byType.computeIfAbsent(fraudType(label), k -> new int[2]);
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
                if (!friendly) {
                    scoresButFriendly.add(d.getScore());
                    truthButFriendly.add(isFraud ? 1 : 0);
                }
            }
        }
        int legit = decisions.size() - fraud;
        return new BacktestReport(
                decisions.size(),
                fraud,
                review[0],
                byDecision,
                auc(scores, truth),
                auc(scoresButFriendly, truthButFriendly),
                ratio(review[1], review[0]),
                ratio(review[1], fraud),
                ratio(block[1], block[0]),
                ratio(block[1], fraud),
                ratio(legitCaught, legit),
                fraudsters,
                byType,
                byReason,
                ruleSets);
    }

    /** The rule set a decision names: {@code <id> v<version>}. */
    public static String ruleSet(FraudDecision d) {
        return d.getRuleSetId() + " v" + d.getRuleSetVersion();
    }

    private static double auc(List<Double> scores, List<Integer> truth) {
        return BinaryMetrics.auc(
                scores.stream().mapToDouble(Double::doubleValue).toArray(),
                truth.stream().mapToInt(Integer::intValue).toArray());
    }

    private static String fraudType(FraudLabel label) {
        return String.valueOf(label.getFraudType());
    }

    /** Alerts per order decided; NaN without orders. */
    public double alertShare() {
        return ratio(alerts, orders);
    }

    /** Fraud orders by the labels per order decided; NaN without orders. */
    public double fraudShare() {
        return ratio(fraud, orders);
    }

    /** The share of fraudsters' orders caught (friendly fraud left out); NaN without any. */
    public double fraudsterRecall() {
        return ratio(fraudsters[1], fraudsters[0]);
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
        s.append(String.format(Locale.ROOT, "rule set           %s%n", ruleSets));
        s.append(
                String.format(
                        Locale.ROOT,
                        "orders decided     %d (%d fraud by the labels: %.2f%%)%n",
                        orders,
                        fraud,
                        100 * fraudShare()));
        s.append(String.format(Locale.ROOT, "decisions          %s%n", byDecision));
        s.append(
                String.format(
                        Locale.ROOT,
                        "alerts             %d REVIEW or BLOCK: %.2f%% of orders, %.2fx the fraud"
                                + " share%n",
                        alerts,
                        100 * alertShare(),
                        alertShare() / fraudShare()));
        s.append(
                String.format(
                        Locale.ROOT,
                        "ROC-AUC of scores  %.4f (fraudsters' orders against the rest, %s left"
                                + " out: %.4f)%n",
                        auc,
                        FraudLabels.FRIENDLY_FRAUD,
                        fraudsterAuc));
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
        s.append(
                String.format(
                        Locale.ROOT,
                        "fraudsters' orders %d, caught %d: recall %.3f (fraud but %s)%n",
                        fraudsters[0],
                        fraudsters[1],
                        fraudsterRecall(),
                        FraudLabels.FRIENDLY_FRAUD));
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
