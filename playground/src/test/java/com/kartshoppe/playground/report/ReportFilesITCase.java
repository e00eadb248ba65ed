package com.kartshoppe.playground.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.fraud.backtest.BacktestReport;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.training.ExampleSource;
import com.kartshoppe.inference.training.ModelTrainer;
import com.kartshoppe.inference.training.ModelTrainer.Algorithm;
import com.kartshoppe.inference.training.ModelTrainer.TrainingReport;
import com.kartshoppe.playground.cli.CliRunner;
import com.kartshoppe.playground.dashboard.HeadlessChromium;
import com.kartshoppe.reco.backtest.Baselines;
import com.kartshoppe.reco.backtest.NextActions;
import com.kartshoppe.reco.backtest.RecoReport;
import com.kartshoppe.reco.backtest.RecoReport.Quality;
import com.kartshoppe.reco.backtest.RecoReport.Slice;
import com.kartshoppe.reco.backtest.RecoReport.Target;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link ReportFiles} and the reports of {@code kartshoppe backtest} and {@code train}:
 * real backtests over a simulation, their report.json against the report objects, and their
 * report.html in a real headless Chromium.
 */
class ReportFilesITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();

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
    void fraudBacktestReportHoldsTheSummaryFiguresAndPlotsThem() throws Exception {
        Path out = dir.resolve("fraud-out");
        Path reportDir = dir.resolve("fraud-report");
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
                        "--report",
                        reportDir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Wrote the report to " + reportDir.resolve("report.json"));

        List<FraudDecision> decisions =
                JsonCodec.of(EventType.FRAUD_DECISION)
                        .readFile(JsonCodec.file(out, EventType.FRAUD_DECISION));
        List<FraudLabel> labels =
                JsonCodec.of(EventType.FRAUD_LABEL)
                        .readFile(JsonCodec.file(events, EventType.FRAUD_LABEL));
        BacktestReport expected = BacktestReport.of(decisions, labels);
        // The figures the terminal printed are those of this report...
        assertThat(run.out()).contains(expected.format());
        // ...and report.json holds them.
        JsonNode json = MAPPER.readTree(reportDir.resolve("report.json").toFile());
        assertThat(json.get("kind").asText()).isEqualTo("fraud-backtest");
        // the rule sets the decisions name, as the report (and the terminal) count them
        assertThat(fieldNames(json.get("ruleSets")))
                .containsExactlyElementsOf(expected.ruleSets().keySet())
                .isNotEmpty();
        expected.ruleSets()
                .forEach((r, n) -> assertThat(json.get("ruleSets").get(r).asInt()).isEqualTo(n));
        assertThat(json.get("fraudLabels").asInt()).isEqualTo(labels.size());
        JsonNode s = json.get("summary");
        assertThat(s.get("orders").asInt()).isEqualTo(expected.orders()).isPositive();
        assertThat(s.get("fraud").asInt()).isEqualTo(expected.fraud()).isPositive();
        assertThat(s.get("alerts").asInt()).isEqualTo(expected.alerts()).isPositive();
        assertNumber(s.get("fraudShare"), expected.fraudShare());
        assertNumber(s.get("alertShare"), expected.alertShare());
        expected.byDecision()
                .forEach(
                        (d, n) ->
                                assertThat(s.get("byDecision").get(d.name()).asInt()).isEqualTo(n));
        assertThat(s.get("byDecision").size()).isEqualTo(expected.byDecision().size());
        assertNumber(s.get("auc"), expected.auc());
        assertNumber(s.get("fraudsterAuc"), expected.fraudsterAuc());
        assertNumber(s.get("reviewPrecision"), expected.reviewPrecision());
        assertNumber(s.get("reviewRecall"), expected.reviewRecall());
        assertNumber(s.get("blockPrecision"), expected.blockPrecision());
        assertNumber(s.get("blockRecall"), expected.blockRecall());
        assertNumber(s.get("legitFalsePositiveRate"), expected.legitFalsePositiveRate());
        assertThat(s.get("fraudsters").get("orders").asInt()).isEqualTo(expected.fraudsters()[0]);
        assertThat(s.get("fraudsters").get("caught").asInt()).isEqualTo(expected.fraudsters()[1]);
        assertNumber(s.get("fraudsters").get("recall"), expected.fraudsterRecall());
        assertThat(fieldNames(s.get("caughtByFraudType")))
                .containsExactlyElementsOf(expected.caughtByFraudType().keySet())
                .contains("promo-abuse");
        expected.caughtByFraudType()
                .forEach(
                        (type, t) -> {
                            JsonNode o = s.get("caughtByFraudType").get(type);
                            assertThat(o.get("orders").asInt()).isEqualTo(t[0]);
                            assertThat(o.get("caught").asInt()).isEqualTo(t[1]);
                            assertNumber(o.get("rate"), expected.caughtRate(type));
                        });
        assertThat(fieldNames(s.get("flaggedByReason")))
                .containsExactlyElementsOf(expected.flaggedByReason().keySet());
        expected.flaggedByReason()
                .forEach(
                        (reason, r) -> {
                            JsonNode o = s.get("flaggedByReason").get(reason);
                            assertThat(o.get("orders").asInt()).isEqualTo(r[0]);
                            assertThat(o.get("fraud").asInt()).isEqualTo(r[1]);
                        });

        // The curves are over the scored decisions, and agree with the report's AUC.
        JsonNode scores = json.get("scores");
        assertThat(scores.get("scored").asInt())
                .isEqualTo(decisions.stream().filter(d -> !d.getModelVersion().isEmpty()).count());
        assertNumber(scores.get("auc"), expected.auc());
        JsonNode last = scores.get("operatingPoints").get(scores.get("operatingPoints").size() - 1);
        assertThat(last.get("truePositiveRate").asDouble()).isEqualTo(1);
        assertThat(last.get("falsePositiveRate").asDouble()).isEqualTo(1);
        int histogram = 0;
        for (JsonNode n : scores.get("histogram").get("positives")) {
            histogram += n.asInt();
        }
        assertThat(histogram).isEqualTo(scores.get("positives").asInt());
        // Every decision falls in one window; per fraud type the windows add up to the report.
        int orders = 0;
        int alerts = 0;
        Map<String, int[]> byType = new TreeMap<>();
        for (JsonNode w : json.get("overTime").get("windows")) {
            orders += w.get("orders").asInt();
            alerts += w.get("alerts").asInt();
            w.get("byFraudType")
                    .fields()
                    .forEachRemaining(
                            e -> {
                                int[] c = byType.computeIfAbsent(e.getKey(), k -> new int[2]);
                                c[0] += e.getValue().get("fraud").asInt();
                                c[1] += e.getValue().get("caught").asInt();
                            });
        }
        assertThat(orders).isEqualTo(expected.orders());
        assertThat(alerts).isEqualTo(expected.alerts());
        assertThat(byType.keySet()).isEqualTo(expected.caughtByFraudType().keySet());
        byType.forEach(
                (type, c) -> assertThat(c).isEqualTo(expected.caughtByFraudType().get(type)));
        JsonNode model = json.get("models").get(0);
        assertThat(model.get("model").asText()).isEqualTo("fraud");
        assertThat(model.get("version").asText()).isEqualTo(decisions.get(0).getModelVersion());

        // ROC, precision-recall, calibration, histogram, by fraud type, and two over time.
        assertDrawn(reportDir, 7);
    }

    @Test
    void recoBacktestReportHoldsTheSummaryFiguresAndTheClickThroughOfEachList() throws Exception {
        Path out = dir.resolve("reco-out");
        Path reportDir = dir.resolve("reco-report");
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
                        "--report",
                        reportDir.toString(),
                        "-D",
                        "reco.top-k=5");
        assertThat(run.exitCode()).as(run.err()).isZero();

        List<Recommendation> recos =
                JsonCodec.of(EventType.RECOMMENDATION)
                        .readFile(JsonCodec.file(out, EventType.RECOMMENDATION));
        NextActions actions = NextActions.read(events);
        long horizon = Duration.ofMinutes(30).toMillis();
        long window = FeatureOptions.POPULARITY_WINDOW.defaultValue().toMillis();
        long gap = FeatureOptions.SESSION_GAP.defaultValue().toMillis();
        RecoReport expected = RecoReport.of(recos, actions, horizon, window, gap, 5);
        assertThat(run.out()).contains(expected.format());

        JsonNode json = MAPPER.readTree(reportDir.resolve("report.json").toFile());
        assertThat(json.get("kind").asText()).isEqualTo("reco-backtest");
        JsonNode s = json.get("summary");
        assertThat(s.get("k").asInt()).isEqualTo(5);
        assertThat(s.get("horizonMs").asLong()).isEqualTo(horizon);
        assertThat(s.get("popularityWindowMs").asLong()).isEqualTo(window);
        assertThat(s.get("recommendations").asInt()).isEqualTo(recos.size()).isPositive();
        assertThat(s.get("explored").asInt()).isEqualTo(expected.explored());
        assertThat(s.get("coViewShort").asInt()).isEqualTo(expected.coViewShort());
        assertTarget(s.get("purchase"), expected.purchase());
        assertTarget(s.get("newPurchase"), expected.newPurchase());
        assertTarget(s.get("anyNext"), expected.anyNext());
        assertThat(expected.anyNext().judged()).isPositive();

        ClickThrough ctr =
                ClickThrough.of(
                        recos, actions, horizon, Baselines.of(recos, actions, window, gap, 5));
        JsonNode c = json.get("clickThrough");
        assertRate(c.get("job"), ctr.job());
        assertRate(c.get("popularity"), ctr.popularity());
        assertRate(c.get("coView"), ctr.coView());
        assertThat(c.get("job").get("impressions").asLong()).isPositive();
        assertThat(c.get("job").get("relevant").asLong()).isPositive();
        assertThat(json.get("models").get(0).get("model").asText()).isEqualTo("reco");

        // One chart per target, and CTR per slot.
        assertDrawn(reportDir, 4);
    }

    @Test
    void trainingReportHoldsTheHeldOutFiguresAndPlotsTheHeldOutScores() throws Exception {
        Path examples = dir.resolve("examples");
        CliRunner made =
                CliRunner.run(
                        "examples",
                        "--use-case",
                        "fraud",
                        "--from",
                        events.toString(),
                        "--out",
                        examples.toString());
        assertThat(made.exitCode()).as(made.err()).isZero();
        Path reportDir = dir.resolve("train-report");
        CliRunner run =
                CliRunner.run(
                        "train",
                        "--use-case",
                        "fraud",
                        "--examples",
                        "jsonl:" + examples,
                        "--out",
                        dir.resolve("trained/fraud/1.onnx").toString(),
                        "--epochs",
                        "3",
                        "--seed",
                        "11",
                        "--report",
                        reportDir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        // Training is deterministic: the same examples and seed give the report's figures.
        List<LabeledExample> read = ExampleSource.read("jsonl:" + examples, UseCase.FRAUD);
        TrainingReport expected =
                new ModelTrainer(FeatureCatalog.FRAUD_V1, Algorithm.LOGISTIC, 11, 3)
                        .train(read, dir.resolve("expected/fraud/1.onnx"));
        assertThat(run.out())
                .contains(
                        String.format(
                                Locale.ROOT,
                                "AUC %.4f, log loss %.4f",
                                expected.heldOutAuc(),
                                expected.heldOutLogLoss()));
        JsonNode json = MAPPER.readTree(reportDir.resolve("report.json").toFile());
        assertThat(json.get("kind").asText()).isEqualTo("training");
        JsonNode s = json.get("summary");
        assertThat(s.get("trainExamples").asInt()).isEqualTo(expected.trainExamples());
        assertThat(s.get("heldOutExamples").asInt()).isEqualTo(expected.heldOutExamples());
        assertThat(s.get("heldOutPositives").asInt()).isEqualTo(expected.heldOutPositives());
        assertNumber(s.get("heldOutAuc"), expected.heldOutAuc());
        assertNumber(s.get("heldOutLogLoss"), expected.heldOutLogLoss());
        assertNumber(s.get("heldOutBrier"), expected.heldOutBrier());
        JsonNode model = json.get("model");
        assertThat(model.get("algorithm").asText()).isEqualTo("LOGISTIC");
        assertThat(model.get("version").asLong()).isEqualTo(1);
        assertThat(model.get("windowStart").asText()).isEqualTo(expected.windowStart().toString());
        assertThat(model.get("windowEnd").asText()).isEqualTo(expected.windowEnd().toString());
        assertThat(model.get("seed").asLong()).isEqualTo(11);
        assertThat(model.get("featureSet").asText()).isEqualTo(FeatureCatalog.FRAUD_V1.name());
        assertThat(fieldValues(model.get("features"))).isEqualTo(expected.features());
        assertThat(json.get("scores").get("scored").asInt()).isEqualTo(expected.heldOutExamples());
        assertNumber(
                json.get("scores").get("auc"),
                BinaryMetrics.auc(expected.heldOutScores(), expected.heldOutLabels()));

        // ROC, precision-recall, calibration and histogram.
        assertDrawn(reportDir, 4);
    }

    /**
     * Opens report.html from the file in a headless Chromium: it renders without a console error
     * and without loading anything, and each of its {@code charts} canvases holds a Chart.js chart
     * that drew data points.
     */
    private static void assertDrawn(Path reportDir, int charts) throws Exception {
        Path html = reportDir.resolve("report.html");
        assertThat(Files.readString(html))
                .doesNotContain("src=\"http")
                .doesNotContain("<link rel=\"stylesheet\"");
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(html.toUri());
            browser.await(
                    () -> "true".equals(browser.script("return document.body.dataset.rendered")),
                    TIMEOUT,
                    "the report to render");
            @SuppressWarnings("unchecked")
            List<Long> points =
                    (List<Long>)
                            browser.script(
                                    "return Array.from(document.querySelectorAll('canvas'))"
                                            + ".map((c) => { const chart = Chart.getChart(c);"
                                            + " if (!chart) return -1;"
                                            + " return chart.data.datasets.reduce((n, d, i) =>"
                                            + " n + chart.getDatasetMeta(i).data.length, 0); })");
            assertThat(points).hasSize(charts).allMatch(n -> n > 0);
            assertThat(browser.script("return performance.getEntriesByType('resource').length"))
                    .isEqualTo(0L);
            assertThat(browser.severeConsoleMessages()).isEmpty();
            browser.screenshot(Path.of("target", reportDir.getFileName() + ".png"));
        }
    }

    private static void assertTarget(JsonNode json, Target t) {
        assertThat(json.get("judged").asInt()).isEqualTo(t.judged());
        assertQuality(json.get("job"), t.job());
        assertQuality(json.get("popularity"), t.popularity());
        assertQuality(json.get("coView"), t.coView());
        assertSlice(json.get("withExplored"), t.withExplored());
        assertSlice(json.get("withoutExplored"), t.withoutExplored());
    }

    private static void assertQuality(JsonNode json, Quality q) {
        assertNumber(json.get("hitRate"), q.hitRate());
        assertNumber(json.get("ndcg"), q.ndcg());
        assertNumber(json.get("mrr"), q.mrr());
    }

    private static void assertSlice(JsonNode json, Slice s) {
        assertThat(json.get("judged").asInt()).isEqualTo(s.judged());
        assertQuality(json, s.quality());
        assertNumber(json.get("lastSlotHitRate"), s.lastSlotHitRate());
    }

    private static void assertRate(JsonNode json, ClickThrough.Rate r) {
        assertNumber(json.get("rate"), r.rate());
        for (int p = 0; p < r.impressions().length; p++) {
            JsonNode slot = json.get("byPosition").get(p);
            assertThat(slot.get("impressions").asLong()).isEqualTo(r.impressions()[p]);
            assertThat(slot.get("relevant").asLong()).isEqualTo(r.relevant()[p]);
            assertNumber(slot.get("rate"), r.rate(p));
        }
    }

    /** The JSON number is the figure exactly; null where the figure is NaN. */
    private static void assertNumber(JsonNode json, double figure) {
        if (Double.isNaN(figure)) {
            assertThat(json.isNull()).as("null for NaN, got %s", json).isTrue();
        } else {
            assertThat(json.isNumber()).as("a number, got %s", json).isTrue();
            assertThat(json.asDouble()).isEqualTo(figure);
        }
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> fieldValues(JsonNode json) {
        List<String> values = new ArrayList<>();
        json.forEach(n -> values.add(n.asText()));
        return values;
    }
}
