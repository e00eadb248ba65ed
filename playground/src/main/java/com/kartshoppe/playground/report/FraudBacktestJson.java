package com.kartshoppe.playground.report;

import static com.kartshoppe.playground.report.ScoresJson.put;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.outcomes.FraudLabels;
import com.kartshoppe.fraud.backtest.BacktestReport;
import com.kartshoppe.playground.report.AlertsOverTime.Caught;
import com.kartshoppe.playground.report.AlertsOverTime.Window;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The report of a fraud backtest: under {@code summary} the figures of its {@link BacktestReport},
 * the ones the terminal shows; under {@code scores} the curves of the model scores against the
 * labels (decisions with a model version, as the report's ROC-AUC); under {@code overTime} alert
 * share and recall per event-time window and fraud type ({@link AlertsOverTime}); the model
 * versions that decided; and under {@code ruleSets} the rule sets they were made under, with how
 * many decisions each ({@code <id> v<version>}, as the report counts them).
 *
 * <pre>{@code
 * ObjectNode json = FraudBacktestJson.of(report, decisions, labels, deadLetters);
 * ReportFiles.write(dir, json);
 * }</pre>
 */
public final class FraudBacktestJson {

    public static final String KIND = "fraud-backtest";

    /** At most this many event-time windows. */
    static final int MAX_WINDOWS = 48;

    private FraudBacktestJson() {}

    /**
     * @param report the report of {@code decisions} against {@code labels}
     * @param deadLetters the backtest's dead letters
     */
    public static ObjectNode of(
            BacktestReport report,
            List<FraudDecision> decisions,
            List<FraudLabel> labels,
            int deadLetters) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("kind", KIND);
        json.put("title", "Fraud backtest");
        ObjectNode ruleSets = json.putObject("ruleSets");
        report.ruleSets().forEach(ruleSets::put);
        json.set(
                "models",
                ModelsJson.of(
                        decisions,
                        d ->
                                new ModelsJson.Served(
                                        d.getModelName(),
                                        d.getModelVersion(),
                                        d.getAdapterVersion())));
        json.put("deadLetters", deadLetters);
        json.put("fraudLabels", labels.size());
        json.set("summary", summary(report));
        json.set("scores", scores(decisions, labels));
        json.set("overTime", overTime(AlertsOverTime.of(decisions, labels, MAX_WINDOWS)));
        return json;
    }

    /** The report's figures, named as its accessors. */
    static ObjectNode summary(BacktestReport r) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("orders", r.orders());
        s.put("fraud", r.fraud());
        put(s, "fraudShare", r.fraudShare());
        s.put("alerts", r.alerts());
        put(s, "alertShare", r.alertShare());
        ObjectNode byDecision = s.putObject("byDecision");
        r.byDecision().forEach((decision, n) -> byDecision.put(decision.name(), n));
        put(s, "auc", r.auc());
        put(s, "fraudsterAuc", r.fraudsterAuc());
        put(s, "reviewPrecision", r.reviewPrecision());
        put(s, "reviewRecall", r.reviewRecall());
        put(s, "blockPrecision", r.blockPrecision());
        put(s, "blockRecall", r.blockRecall());
        put(s, "legitFalsePositiveRate", r.legitFalsePositiveRate());
        ObjectNode fraudsters = s.putObject("fraudsters");
        fraudsters.put("orders", r.fraudsters()[0]);
        fraudsters.put("caught", r.fraudsters()[1]);
        put(fraudsters, "recall", r.fraudsterRecall());
        ObjectNode byType = s.putObject("caughtByFraudType");
        r.caughtByFraudType()
                .forEach(
                        (type, t) -> {
                            ObjectNode o = byType.putObject(type);
                            o.put("orders", t[0]);
                            o.put("caught", t[1]);
                            put(o, "rate", r.caughtRate(type));
                        });
        ObjectNode byReason = s.putObject("flaggedByReason");
        r.flaggedByReason()
                .forEach(
                        (reason, n) -> {
                            ObjectNode o = byReason.putObject(reason);
                            o.put("orders", n[0]);
                            o.put("fraud", n[1]);
                            put(o, "precision", n[0] == 0 ? Double.NaN : n[1] / (double) n[0]);
                        });
        return s;
    }

    /** The scores of the decisions with a model version against fraud by the labels. */
    private static ObjectNode scores(List<FraudDecision> decisions, List<FraudLabel> labels) {
        Set<String> fraud = new HashSet<>();
        for (FraudLabel label : labels) {
            if (FraudLabels.isFraud(label)) {
                fraud.add(label.getOrderId());
            }
        }
        List<FraudDecision> scored =
                decisions.stream().filter(d -> !d.getModelVersion().isEmpty()).toList();
        double[] scores = new double[scored.size()];
        int[] truth = new int[scored.size()];
        for (int i = 0; i < scored.size(); i++) {
            scores[i] = scored.get(i).getScore();
            truth[i] = fraud.contains(scored.get(i).getOrderId()) ? 1 : 0;
        }
        return ScoresJson.of(scores, truth);
    }

    private static ObjectNode overTime(AlertsOverTime overTime) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("windowMs", overTime.width().toMillis());
        ArrayNode windows = json.putArray("windows");
        for (Window w : overTime.windows()) {
            ObjectNode o = windows.addObject();
            o.put("start", w.start().toString());
            o.put("orders", w.orders());
            o.put("alerts", w.alerts());
            put(o, "alertShare", w.alertShare());
            o.put("fraud", w.fraud().fraud());
            o.put("caught", w.fraud().caught());
            put(o, "recall", w.recall());
            ObjectNode types = o.putObject("byFraudType");
            w.byFraudType().forEach((type, c) -> types.set(type, caught(c)));
        }
        return json;
    }

    private static ObjectNode caught(Caught c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("fraud", c.fraud());
        o.put("caught", c.caught());
        put(o, "recall", c.recall());
        return o;
    }
}
