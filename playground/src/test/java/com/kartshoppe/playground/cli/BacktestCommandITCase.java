package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.Decision;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link BacktestCommand}. */
class BacktestCommandITCase {

    @TempDir static Path dir;

    private static Path events;
    private static Path models;

    @BeforeAll
    static void simulate() throws Exception {
        events = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(events)) {
            new Simulation(
                            SimulatorConfig.builder()
                                    .seed(3)
                                    .users(400)
                                    .duration(Duration.ofHours(1))
                                    .build())
                    .run(sink);
        }
        models = dir.resolve("models");
        StarterModels.install(models);
    }

    @Test
    void backtestDecidesEveryOrderWritesTheOutputsAndSummarises() throws Exception {
        Path out = dir.resolve("out");
        CliRunner run =
                CliRunner.run(
                        "backtest",
                        "fraud",
                        "--events",
                        "jsonl:" + events,
                        "--models",
                        models.toString(),
                        "--out",
                        "jsonl:" + out,
                        "-D",
                        "cep.velocity.min-orders=2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        long placed =
                JsonCodec.of(EventType.ORDER)
                        .readFile(JsonCodec.file(events, EventType.ORDER))
                        .stream()
                        .filter(o -> o.getStatus() == OrderStatus.PLACED)
                        .map(o -> o.getOrderId())
                        .distinct()
                        .count();
        List<FraudDecision> decisions =
                JsonCodec.of(EventType.FRAUD_DECISION)
                        .readFile(JsonCodec.file(out, EventType.FRAUD_DECISION));
        assertThat(decisions).hasSize((int) placed);
        assertThat(run.out())
                .contains("orders decided     " + placed + " (")
                .contains("ROC-AUC of scores")
                .contains("caught by fraud type")
                .contains("promo-abuse")
                .contains("cep:velocity"); // flagged after two orders, as -D asked
        assertThat(JsonCodec.file(out, EventType.PREDICTION)).exists();
        assertThat(JsonCodec.file(out, EventType.FEATURE_SNAPSHOT)).exists();
        assertThat(JsonCodec.file(out, EventType.DEAD_LETTER)).exists();
    }

    @Test
    void compareRulesDecidesTheSameEventsUnderTwoRuleSetsAndListsTheOrdersThatDiffer()
            throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), "{\"id\": \"default\", \"version\": 0}");
        Path b =
                Files.writeString(
                        dir.resolve("b.json"),
                        "{\"id\": \"default\", \"version\": 1, \"thresholds\": {\"review\":"
                                + " 0.3}, \"patterns\": {\"velocity\": {\"enabled\": false}}}");
        Path out = dir.resolve("compare-out");

        CliRunner run =
                CliRunner.run(
                        "backtest",
                        "fraud",
                        "--events",
                        "jsonl:" + events,
                        "--models",
                        models.toString(),
                        "--compare-rules",
                        a.toString(),
                        b.toString(),
                        "--show-differences",
                        "3",
                        "--out",
                        "jsonl:" + out,
                        "-D",
                        "cep.velocity.min-orders=2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<FraudDecision> underA = decisions(out.resolve("a"));
        List<FraudDecision> underB = decisions(out.resolve("b"));
        assertThat(underA).hasSameSizeAs(underB).hasSizeGreaterThan(100);
        assertThat(underA).allMatch(d -> d.getRuleSetVersion() == 0);
        assertThat(underB).allMatch(d -> d.getRuleSetVersion() == 1);
        assertThat(underA).anyMatch(d -> d.getReasons().contains("cep:velocity"));
        assertThat(underB).noneMatch(d -> d.getReasons().contains("cep:velocity"));
        assertThat(underB)
                .filteredOn(d -> d.getScore() >= 0.3)
                .isNotEmpty()
                .allMatch(d -> d.getDecision() != Decision.ALLOW);
        Map<String, Decision> decidedA =
                underA.stream()
                        .collect(
                                Collectors.toMap(
                                        FraudDecision::getOrderId, FraudDecision::getDecision));
        long differ =
                underB.stream()
                        .filter(d -> decidedA.get(d.getOrderId()) != d.getDecision())
                        .count();
        assertThat(differ).isPositive();
        assertThat(run.out())
                .containsPattern("alerts +" + alerts(underA) + " +" + alerts(underB) + "\\R")
                .containsPattern(" +a.json +b.json\\R")
                .containsPattern("rule set +default v0 +default v1\\R")
                .contains(differ + " orders decided differently")
                .contains("... and " + (differ - 3) + " more");

        CliRunner alone =
                CliRunner.run(
                        "backtest",
                        "fraud",
                        "--events",
                        "jsonl:" + events,
                        "--models",
                        models.toString(),
                        "--rules",
                        b.toString(),
                        "--out",
                        "jsonl:" + dir.resolve("rules-out"),
                        "-D",
                        "cep.velocity.min-orders=2");
        assertThat(alone.exitCode()).as(alone.err()).isZero();
        assertThat(alone.out()).contains("rule set           {default v1=" + underB.size() + "}");
        assertThat(undated(decisions(dir.resolve("rules-out")))).isEqualTo(undated(underB));
    }

    private static List<FraudDecision> decisions(Path dir) throws Exception {
        return JsonCodec.of(EventType.FRAUD_DECISION)
                .readFile(JsonCodec.file(dir, EventType.FRAUD_DECISION));
    }

    private static long alerts(List<FraudDecision> decisions) {
        return decisions.stream().filter(d -> d.getDecision() != Decision.ALLOW).count();
    }

    /** By order id, without the wall-clock time of deciding. */
    private static Map<String, FraudDecision> undated(List<FraudDecision> decisions) {
        return decisions.stream()
                .collect(
                        Collectors.toMap(
                                FraudDecision::getOrderId,
                                d ->
                                        FraudDecision.newBuilder(d)
                                                .setDecidedAt(Instant.EPOCH)
                                                .build()));
    }

    @Test
    void recoBacktestWritesRecommendationsAndComparesWithBothBaselines() throws Exception {
        Path out = dir.resolve("reco-out");
        CliRunner run =
                CliRunner.run(
                        "backtest",
                        "reco",
                        "--events",
                        "jsonl:" + events,
                        "--models",
                        models.toString(),
                        "--out",
                        "jsonl:" + out,
                        "-D",
                        "reco.top-k=5");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Recommendation> recos =
                JsonCodec.of(EventType.RECOMMENDATION)
                        .readFile(JsonCodec.file(out, EventType.RECOMMENDATION));
        assertThat(recos).isNotEmpty().allMatch(r -> r.getItems().size() <= 5);
        assertThat(run.out())
                .contains(recos.size() + " recommendations, ")
                .containsPattern("hit@5 +NDCG@5 +MRR@5")
                .contains("NEXT PURCHASE")
                .contains("any next view or purchase")
                .contains("popularity baseline")
                .contains("co-view baseline")
                .contains("job / popularity")
                .contains("job / co-view")
                .contains("with an explored last slot");
        assertThat(JsonCodec.file(out, EventType.PREDICTION)).exists();
    }

    @Test
    void feedbackBacktestLabelsEveryPredictionAndItsExamplesTrainAModel() throws Exception {
        Path predictions = dir.resolve("feedback-predictions");
        CliRunner fraud =
                CliRunner.run(
                        "backtest",
                        "fraud",
                        "--events",
                        "jsonl:" + events,
                        "--models",
                        models.toString(),
                        "--out",
                        "jsonl:" + predictions);
        assertThat(fraud.exitCode()).as(fraud.err()).isZero();
        Path out = dir.resolve("feedback-out");
        CliRunner run =
                CliRunner.run(
                        "backtest",
                        "feedback",
                        "--events",
                        "jsonl:" + events,
                        "--predictions",
                        "jsonl:" + predictions,
                        "--out",
                        "jsonl:" + out,
                        "-D",
                        "feedback.fraud.publish-every=20");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<PredictionLog> logged =
                JsonCodec.of(EventType.PREDICTION)
                        .readFile(JsonCodec.file(predictions, EventType.PREDICTION));
        Map<String, FraudLabel> labels =
                JsonCodec.of(EventType.FRAUD_LABEL)
                        .readFile(JsonCodec.file(events, EventType.FRAUD_LABEL))
                        .stream()
                        .collect(Collectors.toMap(FraudLabel::getOrderId, l -> l, (a, b) -> a));
        List<LabeledExample> examples =
                JsonCodec.of(EventType.LABELED_EXAMPLE)
                        .readFile(JsonCodec.file(out, EventType.LABELED_EXAMPLE));
        // The simulator's labels come 5-15 min after the order, within the 30 min horizon: one
        // example per prediction, labelled as the order's label says, or matured as legitimate.
        assertThat(examples).hasSameSizeAs(logged);
        for (LabeledExample e : examples) {
            String orderId = e.getPredictionId().substring("fraud-".length());
            FraudLabel label = labels.get(orderId);
            if (label == null) {
                assertThat(e.getLabelSource()).isEqualTo("MATURED");
                assertThat(e.getLabel()).isZero();
            } else {
                assertThat(e.getLabelSource()).isEqualTo(label.getLabel().name());
                assertThat(e.getLabel())
                        .isEqualTo(label.getLabel() == FraudLabelType.CLEARED ? 0 : 1);
            }
        }
        List<String> reports = Files.readAllLines(out.resolve("ml.feedback-accuracy.jsonl"));
        assertThat(reports)
                .anyMatch(r -> r.startsWith("{\"type\":\"accuracy\""))
                .anyMatch(r -> r.startsWith("{\"type\":\"adapter-update\""));
        assertThat(run.out())
                .contains(examples.size() + " labelled examples")
                .contains("fraud v1")
                .contains("ROC-AUC adapted");

        Path model = dir.resolve("feedback-model/fraud/1.onnx");
        CliRunner train =
                CliRunner.run(
                        "train",
                        "--use-case",
                        "fraud",
                        "--examples",
                        "jsonl:" + out,
                        "--out",
                        model.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(model).exists();
    }

    @Test
    void feedbackNeedsPredictions() {
        CliRunner run = CliRunner.run("backtest", "feedback", "--events", "jsonl:" + events);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("feedback needs --predictions");
    }

    @Test
    void anUnknownJobOrSettingIsRefusedByName() {
        CliRunner job =
                CliRunner.run(
                        "backtest", "shipping", "--events", "jsonl:" + events, "--models", "m");
        assertThat(job.exitCode()).isEqualTo(2);
        assertThat(job.err()).contains("Unknown job 'shipping'");

        CliRunner setting =
                CliRunner.run(
                        "backtest",
                        "fraud",
                        "--events",
                        "jsonl:" + events,
                        "--models",
                        "m",
                        "-D",
                        "cep.velocity.min-order=2");
        assertThat(setting.exitCode()).isEqualTo(2);
        assertThat(setting.err()).contains("-D: Unknown setting 'cep.velocity.min-order'");
    }
}
