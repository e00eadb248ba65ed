package com.kartshoppe.fraud.backtest;

import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.outcomes.FraudLabels;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two backtests of the fraud job over the same events under two rule sets, side by side: alerts,
 * alert share, precision and recall at REVIEW, recall per tactic, and the orders decided
 * differently.
 *
 * <pre>{@code
 * RuleComparison c = RuleComparison.of("a.json", decisionsA, "b.json", decisionsB, labels);
 * System.out.print(c.format(20));
 * }</pre>
 *
 * @param differences the orders whose decision differs, by order id
 */
public record RuleComparison(
        String nameA,
        BacktestReport a,
        String nameB,
        BacktestReport b,
        List<Difference> differences) {

    /** An order decided differently: both decisions, and its label's fraud type (null: none). */
    public record Difference(FraudDecision a, FraudDecision b, String fraudType) {}

    /**
     * @throws IllegalArgumentException when the two runs did not decide the same orders
     */
    public static RuleComparison of(
            String nameA,
            List<FraudDecision> a,
            String nameB,
            List<FraudDecision> b,
            List<FraudLabel> labels) {
        Map<String, FraudDecision> byOrder = new HashMap<>();
        for (FraudDecision d : b) {
            byOrder.put(d.getOrderId(), d);
        }
        if (byOrder.size() != a.size()) {
            throw new IllegalArgumentException(
                    "the runs decided different orders: " + a.size() + " and " + b.size());
        }
        Map<String, String> fraudType = new HashMap<>();
        for (FraudLabel label : labels) {
            if (FraudLabels.isFraud(label)) {
                fraudType.put(label.getOrderId(), String.valueOf(label.getFraudType()));
            }
        }
        Map<String, Difference> differences = new TreeMap<>();
        for (FraudDecision da : a) {
            FraudDecision db = byOrder.get(da.getOrderId());
            if (db == null) {
                throw new IllegalArgumentException(
                        "order " + da.getOrderId() + " was decided in " + nameA + " only");
            }
            if (da.getDecision() != db.getDecision()) {
                differences.put(
                        da.getOrderId(), new Difference(da, db, fraudType.get(da.getOrderId())));
            }
        }
        return new RuleComparison(
                nameA,
                BacktestReport.of(a, labels),
                nameB,
                BacktestReport.of(b, labels),
                List.copyOf(differences.values()));
    }

    /** The figures side by side, then at most {@code shown} of the orders decided differently. */
    public String format(int shown) {
        StringBuilder s = new StringBuilder();
        row(s, "", nameA, nameB);
        row(
                s,
                "rule set",
                String.join(", ", a.ruleSets().keySet()),
                String.join(", ", b.ruleSets().keySet()));
        row(s, "orders decided", a.orders(), b.orders());
        row(s, "alerts", a.alerts(), b.alerts());
        row(s, "alert share", percent(a.alertShare()), percent(b.alertShare()));
        row(s, "fraud share", percent(a.fraudShare()), percent(b.fraudShare()));
        row(s, "REVIEW+ precision", fixed(a.reviewPrecision()), fixed(b.reviewPrecision()));
        row(s, "REVIEW+ recall", fixed(a.reviewRecall()), fixed(b.reviewRecall()));
        row(s, "BLOCK precision", fixed(a.blockPrecision()), fixed(b.blockPrecision()));
        row(s, "BLOCK recall", fixed(a.blockRecall()), fixed(b.blockRecall()));
        row(s, "fraudsters' recall", fixed(a.fraudsterRecall()), fixed(b.fraudsterRecall()));
        TreeSet<String> tactics = new TreeSet<>(a.caughtByFraudType().keySet());
        tactics.addAll(b.caughtByFraudType().keySet());
        for (String tactic : tactics) {
            row(s, "recall " + tactic, fixed(a.caughtRate(tactic)), fixed(b.caughtRate(tactic)));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "%d orders decided differently%s%n",
                        differences.size(),
                        differences.isEmpty()
                                ? ""
                                : " (order, user, label: "
                                        + nameA
                                        + " -> "
                                        + nameB
                                        + ", reasons)"));
        for (Difference d : differences.subList(0, Math.min(shown, differences.size()))) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "  %s %s %s: %s %s -> %s %s%n",
                            d.a().getOrderId(),
                            d.a().getUserId(),
                            d.fraudType() == null ? "legit" : d.fraudType(),
                            d.a().getDecision(),
                            d.a().getReasons(),
                            d.b().getDecision(),
                            d.b().getReasons()));
        }
        if (differences.size() > shown) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "  ... and %d more (--out writes every decision of both runs)%n",
                            differences.size() - shown));
        }
        return s.toString();
    }

    private static void row(StringBuilder s, String what, Object a, Object b) {
        s.append(String.format(Locale.ROOT, "%-26s %14s %14s%n", what, a, b));
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
