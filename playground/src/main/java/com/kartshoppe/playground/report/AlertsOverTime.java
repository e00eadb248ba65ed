package com.kartshoppe.playground.report;

import com.kartshoppe.events.Decision;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.outcomes.FraudLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A fraud backtest's alert share and recall per event-time window, overall and per fraud type (the
 * tactic on the label), counted as {@code BacktestReport} counts them: an order is fraud when it
 * has a label other than CLEARED, caught when it was decided above ALLOW. Windows are aligned to
 * the epoch and as wide as the first of {@link #WIDTHS} that gives at most {@code maxWindows}
 * windows between the first and the last decision; windows without decisions are kept, so the time
 * axis is even.
 *
 * <pre>{@code
 * AlertsOverTime overTime = AlertsOverTime.of(decisions, labels, 48);
 * double recall = overTime.windows().get(0).recall();
 * }</pre>
 */
public record AlertsOverTime(Duration width, List<Window> windows) {

    /** The window widths on offer, narrowest first. */
    static final List<Duration> WIDTHS =
            List.of(
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(10),
                    Duration.ofMinutes(15),
                    Duration.ofMinutes(30),
                    Duration.ofHours(1),
                    Duration.ofHours(2),
                    Duration.ofHours(3),
                    Duration.ofHours(6),
                    Duration.ofHours(12),
                    Duration.ofDays(1),
                    Duration.ofDays(7),
                    Duration.ofDays(30),
                    Duration.ofDays(365));

    /** Fraud orders and how many of them were caught. */
    public record Caught(int fraud, int caught) {
        /** The share caught; NaN without fraud. */
        public double recall() {
            return fraud == 0 ? Double.NaN : caught / (double) fraud;
        }
    }

    /**
     * One window's counts.
     *
     * @param byFraudType fraud orders and caught per fraud type, for every type seen in any window
     */
    public record Window(
            Instant start, int orders, int alerts, Caught fraud, Map<String, Caught> byFraudType) {

        /** Alerts per order decided; NaN without orders. */
        public double alertShare() {
            return orders == 0 ? Double.NaN : alerts / (double) orders;
        }

        /** The share of fraud orders caught; NaN without fraud. */
        public double recall() {
            return fraud.recall();
        }
    }

    public static AlertsOverTime of(
            List<FraudDecision> decisions, List<FraudLabel> labels, int maxWindows) {
        if (maxWindows < 1) {
            throw new IllegalArgumentException("maxWindows must be at least 1, got " + maxWindows);
        }
        Map<String, String> fraudTypeByOrder = new HashMap<>();
        for (FraudLabel label : labels) {
            if (FraudLabels.isFraud(label)) {
                fraudTypeByOrder.put(label.getOrderId(), String.valueOf(label.getFraudType()));
            }
        }
        if (decisions.isEmpty()) {
            return new AlertsOverTime(WIDTHS.get(0), List.of());
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (FraudDecision d : decisions) {
            first = Math.min(first, d.getEventTime().toEpochMilli());
            last = Math.max(last, d.getEventTime().toEpochMilli());
        }
        Duration width = width(first, last, maxWindows);
        long w = width.toMillis();
        long start = Math.floorDiv(first, w) * w;
        int n = (int) (Math.floorDiv(last, w) - Math.floorDiv(first, w)) + 1;
        int[] orders = new int[n];
        int[] alerts = new int[n];
        int[][] fraud = new int[n][2];
        Map<String, int[][]> byType = new TreeMap<>();
        fraudTypeByOrder.values().forEach(type -> byType.computeIfAbsent(type, t -> new int[n][2]));
        for (FraudDecision d : decisions) {
            int i = (int) ((d.getEventTime().toEpochMilli() - start) / w);
            boolean caught = d.getDecision() != Decision.ALLOW;
            orders[i]++;
            alerts[i] += caught ? 1 : 0;
            String type = fraudTypeByOrder.get(d.getOrderId());
            if (type != null) {
                fraud[i][0]++;
                fraud[i][1] += caught ? 1 : 0;
                byType.get(type)[i][0]++;
                byType.get(type)[i][1] += caught ? 1 : 0;
            }
        }
        List<Window> windows =
                IntStream.range(0, n)
                        .mapToObj(
                                i -> {
                                    Map<String, Caught> types = new TreeMap<>();
                                    byType.forEach(
                                            (type, c) ->
                                                    types.put(type, new Caught(c[i][0], c[i][1])));
                                    return new Window(
                                            Instant.ofEpochMilli(start + i * w),
                                            orders[i],
                                            alerts[i],
                                            new Caught(fraud[i][0], fraud[i][1]),
                                            types);
                                })
                        .toList();
        return new AlertsOverTime(width, windows);
    }

    /** The narrowest width that gives at most {@code maxWindows} aligned windows. */
    static Duration width(long first, long last, int maxWindows) {
        for (Duration width : WIDTHS) {
            long w = width.toMillis();
            if (Math.floorDiv(last, w) - Math.floorDiv(first, w) + 1 <= maxWindows) {
                return width;
            }
        }
        return WIDTHS.get(WIDTHS.size() - 1);
    }
}
