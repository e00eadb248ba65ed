package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.feedback.FeedbackJob;
import com.kartshoppe.feedback.FeedbackOptions;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback loop end to end on the embedded broker: the fraud job and the feedback job run as
 * two Flink jobs (at-least-once sinks, RocksDB, checkpoints every second) while the simulator plays
 * traffic live, {@value #SPEEDUP} times faster than real time, with a new fraud tactic (gift-card
 * cash-out, which the starter model mostly misses) from {@link #DRIFT_AT}. Predictions flow to the
 * feedback job, adapters flow back through {@code ml.model-params}, and later decisions carry them.
 *
 * <p>The drift test: per 15-minute window of order time, the accuracy reports give recall at the
 * REVIEW threshold (0.5) of the served, adapted score and of the base model's score for the same
 * orders, which is what the run would have scored with adaptation off. The curve is written to
 * {@code target/feedback-loop/} (CSV and PNG) and documented in docs/learning.md.
 */
class FeedbackLoopITCase {

    private static final double SPEEDUP = 60;
    private static final Duration DURATION = Duration.ofMinutes(270);
    private static final Duration DRIFT_AT = Duration.ofMinutes(60);
    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final Duration HORIZON = FeedbackOptions.LABEL_HORIZON.defaultValue();

    /** How long after the drift recall is expected back: the span the test documents. */
    private static final Duration RECOVERY = Duration.ofMinutes(60);

    /** Recovered: adapted recall after the recovery span, as a share of recall before drift. */
    private static final double RECOVERED = 0.75;

    /** Not recovered: the base model's recall over the same windows stays below this share. */
    private static final double NOT_RECOVERED = 0.7;

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2 * FlinkTestSupport.PARALLELISM)
                            .setConfiguration(FlinkTestSupport.configuration())
                            .build());

    @TempDir Path dir;

    @Test
    void adaptersLearnedFromFeedbackReachTheFraudJobAndRecoverRecallAfterDrift() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Configuration conf = FlinkTestSupport.configuration();
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            // At-least-once: a record is visible as soon as it is written, not at the next
            // checkpoint. With exactly-once each hop of the loop (predictions to the feedback
            // job, parameters back) waits for a checkpoint, and at 60 times real speed a few
            // seconds of checkpointing under load are minutes of event time.
            conf.set(KafkaSinks.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
            conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
            Path models = dir.resolve("models");
            StarterModels.install(models);
            conf.set(InferenceOptions.MODELS_DIR, models.toString());
            conf.set(FeedbackOptions.ACCURACY_WINDOW, WINDOW);
            // Traffic 60 times faster than real time is a backlog to the fraud job: an order
            // waits for the watermark, so the events just before it (seconds of event time,
            // milliseconds here) are in its features, as they are live at real speed.
            conf.set(FeatureOptions.EVENT_TIME_ORDER, true);
            kafka.createProjectTopics(conf);

            Instant now = Instant.now();
            SimulatorConfig simulation =
                    SimulatorConfig.builder()
                            .seed(11)
                            .users(1500)
                            .duration(DURATION)
                            .driftAt(DRIFT_AT)
                            .driftAttacksPerHour(12)
                            .speedup(SPEEDUP)
                            // Ends (in event time) no later than the paced run (wall clock):
                            // event times are never in the future. Starting on a window boundary
                            // makes the windows, and so the base model's curve, the same in
                            // every run.
                            .start(
                                    floor(
                                            now.minus(DURATION)
                                                    .plusMillis(
                                                            (long)
                                                                    (DURATION.toMillis()
                                                                            / SPEEDUP))))
                            .build();

            JobClient fraud = submit(conf, "it-loop-fraud", true);
            JobClient feedback = submit(conf, "it-loop-feedback", false);
            try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), conf)) {
                new Simulation(simulation).run(sink);
            }
            Instant start = simulation.start();
            Instant driftStart = simulation.driftStart();
            Instant evaluatedUntil =
                    floor(start.plus(DURATION).minus(HORIZON).minus(Duration.ofMinutes(1)));
            List<String> documents =
                    CommittedRecords.awaitText(
                            kafka,
                            conf.get(Topics.FEEDBACK_ACCURACY),
                            read ->
                                    reports(read).stream()
                                            .anyMatch(r -> end(r).equals(evaluatedUntil)),
                            Duration.ofMinutes(4));
            List<FraudDecision> decisions =
                    CommittedRecords.readAll(
                            kafka, EventType.FRAUD_DECISION, conf.get(Topics.FRAUD_DECISIONS));
            fraud.cancel().get();
            feedback.cancel().get();

            List<JsonNode> reports = reports(documents);
            reports.forEach(FeedbackLoopITCase::assertWellFormed);
            List<JsonNode> updates =
                    parse(documents).stream()
                            .filter(d -> d.get("type").asText().equals("adapter-update"))
                            .toList();
            assertThat(updates).anyMatch(u -> u.get("published").asBoolean());

            // Adapters reach the fraud job: none before any feedback, newer ones later.
            Map<Instant, List<Long>> versions =
                    decisions.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            d -> floor(d.getEventTime()),
                                            TreeMap::new,
                                            Collectors.mapping(
                                                    FraudDecision::getAdapterVersion,
                                                    Collectors.toList())));
            List<Long> maxPerWindow =
                    versions.values().stream()
                            .map(v -> v.stream().mapToLong(Long::longValue).max().orElse(0))
                            .toList();
            assertThat(versions.values().iterator().next()).containsOnly(0L);
            long distinct =
                    decisions.stream().map(FraudDecision::getAdapterVersion).distinct().count();
            assertThat(distinct).isGreaterThanOrEqualTo(4);
            assertThat(maxPerWindow.get(maxPerWindow.size() - 1))
                    .isGreaterThan(maxPerWindow.get(maxPerWindow.size() / 3));

            // The drift test.
            List<Row> curve = curve(reports, start);
            write(curve, driftStart, start);
            Recall before = Recall.over(curve, start, driftStart);
            Recall after = Recall.over(curve, driftStart.plus(RECOVERY), evaluatedUntil);
            assertThat(before.positives).isGreaterThan(30);
            assertThat(after.positives).isGreaterThan(30);
            String figures =
                    String.format(
                            "recall@0.5 before drift adapted %.3f base %.3f; from drift + %s:"
                                    + " adapted %.3f base %.3f",
                            before.adapted(),
                            before.base(),
                            RECOVERY,
                            after.adapted(),
                            after.base());
            Files.writeString(Path.of("target", "feedback-loop", "summary.txt"), figures + "\n");
            assertThat(after.adapted())
                    .as(figures)
                    .isGreaterThanOrEqualTo(RECOVERED * before.adapted());
            assertThat(after.base()).as(figures).isLessThan(NOT_RECOVERED * before.base());
        }
    }

    private static JobClient submit(Configuration conf, String group, boolean fraud)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestSupport.PARALLELISM);
        Input topics = Input.kafka(KafkaSettings.from(conf), group, false);
        if (fraud) {
            new FraudDetectionJob(conf, topics, topics).build(env).sinkToKafka(conf, group);
        } else {
            new FeedbackJob(conf, topics, topics).build(env).sinkToKafka(conf, group);
        }
        return env.executeAsync(group);
    }

    private static Instant floor(Instant t) {
        long size = WINDOW.toMillis();
        return Instant.ofEpochMilli(t.toEpochMilli() - Math.floorMod(t.toEpochMilli(), size));
    }

    private static List<JsonNode> parse(List<String> documents) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String d : documents) {
            try {
                nodes.add(JSON.readTree(d));
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + d, e);
            }
        }
        return nodes;
    }

    private static List<JsonNode> reports(List<String> documents) {
        return parse(documents).stream()
                .filter(d -> d.get("type").asText().equals("accuracy"))
                .filter(d -> d.get("useCase").asText().equals("FRAUD"))
                .toList();
    }

    private static Instant end(JsonNode report) {
        return Instant.parse(report.get("windowEnd").asText());
    }

    private static void assertWellFormed(JsonNode r) {
        assertThat(r.get("modelName").asText()).isEqualTo("fraud");
        assertThat(r.get("modelVersion").asText()).isEqualTo("1");
        assertThat(Duration.between(Instant.parse(r.get("windowStart").asText()), end(r)))
                .isEqualTo(WINDOW);
        assertThat(r.get("labelHorizon").asText()).isEqualTo(HORIZON.toString());
        long predictions = r.get("predictions").asLong();
        assertThat(predictions).isPositive();
        assertThat(r.get("labelled").asLong() + r.get("unlabelled").asLong())
                .isEqualTo(predictions);
        assertThat(r.get("positives").asLong()).isBetween(0L, predictions);
        long byVersion = 0;
        for (JsonNode v : r.get("adapterVersions")) {
            byVersion += v.get("predictions").asLong();
        }
        assertThat(byVersion).isEqualTo(predictions);
        for (String block : List.of("adapted", "base")) {
            JsonNode b = r.get(block);
            assertThat(b.get("thresholds")).hasSize(2);
            assertThat(b.get("thresholds").get(0).get("threshold").asDouble()).isEqualTo(0.5);
            assertThat(b.get("logLoss").asDouble()).isPositive();
            if (!b.get("auc").isNull()) {
                assertThat(b.get("auc").asDouble()).isBetween(0.0, 1.0);
            }
            long calibrated = 0;
            for (JsonNode bucket : b.get("calibration")) {
                calibrated += bucket.get("predictions").asLong();
            }
            assertThat(calibrated).isEqualTo(predictions);
        }
    }

    /** One window of the curve: positives and those caught at 0.5 by each score. */
    private record Row(
            Instant windowStart,
            long positives,
            long caughtAdapted,
            long caughtBase,
            double falsePositiveRateAdapted,
            double falsePositiveRateBase,
            long maxAdapterVersion) {}

    private record Recall(long positives, long adaptedCaught, long baseCaught) {
        static Recall over(List<Row> curve, Instant from, Instant until) {
            long p = 0;
            long a = 0;
            long b = 0;
            for (Row row : curve) {
                if (!row.windowStart.isBefore(from)
                        && !row.windowStart.plus(WINDOW).isAfter(until)) {
                    p += row.positives;
                    a += row.caughtAdapted;
                    b += row.caughtBase;
                }
            }
            return new Recall(p, a, b);
        }

        double adapted() {
            return adaptedCaught / (double) positives;
        }

        double base() {
            return baseCaught / (double) positives;
        }
    }

    private static List<Row> curve(List<JsonNode> reports, Instant start) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : reports) {
            long positives = r.get("positives").asLong();
            long maxVersion = 0;
            for (JsonNode v : r.get("adapterVersions")) {
                maxVersion = Math.max(maxVersion, v.get("adapterVersion").asLong());
            }
            rows.add(
                    new Row(
                            Instant.parse(r.get("windowStart").asText()),
                            positives,
                            caught(r.get("adapted"), positives),
                            caught(r.get("base"), positives),
                            r.get("adapted")
                                    .get("thresholds")
                                    .get(0)
                                    .get("falsePositiveRate")
                                    .asDouble(),
                            r.get("base")
                                    .get("thresholds")
                                    .get(0)
                                    .get("falsePositiveRate")
                                    .asDouble(),
                            maxVersion));
        }
        return rows;
    }

    /** Positives at or above the REVIEW threshold: recall x positives. */
    private static long caught(JsonNode block, long positives) {
        JsonNode recall = block.get("thresholds").get(0).get("recall");
        return recall.isNull() ? 0 : Math.round(recall.asDouble() * positives);
    }

    private static void write(List<Row> curve, Instant driftStart, Instant start)
            throws IOException {
        Path out = Path.of("target", "feedback-loop");
        Files.createDirectories(out);
        List<String> csv = new ArrayList<>();
        csv.add(
                "window_start,minutes_from_start,positives,recall_adapted,recall_base,"
                        + "fpr_adapted,fpr_base,max_adapter_version");
        double[] x = new double[curve.size()];
        double[] adapted = new double[curve.size()];
        double[] base = new double[curve.size()];
        for (int i = 0; i < curve.size(); i++) {
            Row row = curve.get(i);
            x[i] =
                    Duration.between(start, row.windowStart.plus(WINDOW.dividedBy(2))).toSeconds()
                            / 60.0;
            adapted[i] =
                    row.positives == 0 ? Double.NaN : row.caughtAdapted / (double) row.positives;
            base[i] = row.positives == 0 ? Double.NaN : row.caughtBase / (double) row.positives;
            csv.add(
                    String.format(
                            "%s,%.1f,%d,%.3f,%.3f,%.4f,%.4f,%d",
                            row.windowStart,
                            x[i],
                            row.positives,
                            adapted[i],
                            base[i],
                            row.falsePositiveRateAdapted,
                            row.falsePositiveRateBase,
                            row.maxAdapterVersion));
        }
        Files.write(out.resolve("drift-recall.csv"), csv);
        LinePlot.write(
                out.resolve("drift-recall.png"),
                "Fraud recall at the REVIEW threshold (0.5), per 15-min window of order time",
                "minutes of simulated traffic",
                "recall",
                List.of(
                        new LinePlot.Series(
                                "adapted (online learning on)", new Color(0, 114, 178), x, adapted),
                        new LinePlot.Series(
                                "base model (adaptation off)", new Color(213, 94, 0), x, base)),
                Duration.between(start, driftStart).toSeconds() / 60.0,
                "drift: gift-card cash-out starts");
    }
}
