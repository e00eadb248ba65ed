package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.featurestore.offline.TrainingSet;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.training.ExampleSource;
import com.kartshoppe.playground.kafka.KafkaTestSupport;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link TrainingSetCommand}: a training set built from the simulator's history must
 * hold, for every prediction, exactly the features the fraud job served with it, and never a
 * snapshot from after the label's time.
 */
class TrainingSetCommandITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Labels this long before each prediction too: many of them precede a shopper's first order.
     */
    private static final Duration EARLY = Duration.ofMinutes(20);

    private static final List<String> FRAUD_V1_NAMES =
            FeatureCatalog.FRAUD_V1.definitions().stream().map(d -> d.name()).toList();

    @TempDir static Path dir;

    private static Path backtest;
    private static List<LabeledExample> examples;
    private static List<FeatureSnapshot> snapshots;
    private static Path labels;

    @BeforeAll
    static void simulateBacktestAndLabel() throws Exception {
        Path events = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(events)) {
            new Simulation(
                            SimulatorConfig.builder()
                                    .seed(11)
                                    .users(600)
                                    .duration(Duration.ofHours(2))
                                    .build())
                    .run(sink);
        }
        Path models = dir.resolve("models");
        StarterModels.install(models);
        backtest = dir.resolve("backtest");
        CliRunner fraud =
                CliRunner.run(
                        "backtest",
                        "fraud",
                        "--events",
                        "jsonl:" + events,
                        "--models",
                        models.toString(),
                        "--out",
                        "jsonl:" + backtest);
        assertThat(fraud.exitCode()).as(fraud.err()).isZero();
        Path feedback = dir.resolve("feedback");
        CliRunner outcomes =
                CliRunner.run(
                        "backtest",
                        "feedback",
                        "--events",
                        "jsonl:" + events,
                        "--predictions",
                        "jsonl:" + backtest,
                        "--out",
                        "jsonl:" + feedback);
        assertThat(outcomes.exitCode()).as(outcomes.err()).isZero();

        examples = ExampleSource.read("jsonl:" + feedback, UseCase.FRAUD);
        snapshots =
                JsonCodec.of(EventType.FEATURE_SNAPSHOT)
                        .readFile(JsonCodec.file(backtest, EventType.FEATURE_SNAPSHOT));
        labels = dir.resolve("labels.jsonl");
        writeLabels(labels, examples);
    }

    /**
     * One label per prediction (its shopper, its event time, id = prediction id), and one {@link
     * #EARLY} before it; times alternate between ISO-8601 and epoch millis.
     */
    private static void writeLabels(Path file, List<LabeledExample> examples) throws Exception {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            int n = 0;
            for (LabeledExample e : examples) {
                for (Instant time : List.of(e.getEventTime(), e.getEventTime().minus(EARLY))) {
                    ObjectNode label = JSON.createObjectNode();
                    label.put(
                            "id",
                            time.equals(e.getEventTime())
                                    ? e.getPredictionId()
                                    : "early:" + e.getPredictionId());
                    label.put("entityId", e.getEntityId());
                    if (n++ % 2 == 0) {
                        label.put("time", time.toString());
                    } else {
                        label.put("time", time.toEpochMilli());
                    }
                    label.put("label", e.getLabel());
                    out.write(JSON.writeValueAsString(label));
                    out.newLine();
                }
            }
        }
    }

    @Test
    void theTrainingSetHoldsWhatWasServedAndNothingFromAfterTheLabel() throws Exception {
        Path out = dir.resolve("training-set");
        CliRunner run =
                CliRunner.run(
                        "training-set",
                        "--labels",
                        "jsonl:" + labels,
                        "--features",
                        "jsonl:" + backtest,
                        "--feature-set",
                        "fraud_v1",
                        "--out",
                        "jsonl:" + out);
        assertThat(run.exitCode()).as(run.err()).isZero();

        Map<String, List<FeatureSnapshot>> byEntity = new HashMap<>();
        for (FeatureSnapshot s : snapshots) {
            assertThat(s.getFeatureSet()).isEqualTo("fraud_v1");
            byEntity.computeIfAbsent(s.getEntityId(), k -> new ArrayList<>()).add(s);
        }
        List<JsonNode> labelLines = readLines(labels);
        List<JsonNode> rows = readLines(out.resolve(TrainingSet.ROWS_FILE));
        Map<String, LabeledExample> served =
                examples.stream()
                        .collect(Collectors.toMap(LabeledExample::getPredictionId, e -> e));

        // (c) labels without features, counted by brute force over every snapshot
        long withoutFeatures =
                labelLines.stream().filter(l -> bruteForceAsOf(byEntity, l) == null).count();
        assertThat(withoutFeatures).isPositive();
        assertThat(rows).hasSize(labelLines.size() - (int) withoutFeatures);
        JsonNode summary = JSON.readTree(out.resolve(TrainingSet.SUMMARY_FILE).toFile());
        assertThat(summary.get("labels").asLong()).isEqualTo(labelLines.size());
        assertThat(summary.get("joined").asLong()).isEqualTo(rows.size());
        assertThat(summary.get("withoutFeatures").asLong()).isEqualTo(withoutFeatures);
        assertThat(summary.get("featureSet").asText()).isEqualTo("fraud_v1");
        assertThat(summary.get("snapshots").asLong()).isEqualTo(snapshots.size());
        assertThat(run.out())
                .contains("labels                    " + labelLines.size())
                .contains("joined                    " + rows.size())
                .contains("without features yet      " + withoutFeatures)
                .contains(out.resolve(TrainingSet.ROWS_FILE).toString());

        // (a) never a snapshot after the label; exactly the newest one not after it
        int laterSnapshotExisted = 0;
        int agreeing = 0;
        int predictionRows = 0;
        List<String> disagreements = new ArrayList<>();
        for (JsonNode row : rows) {
            Instant time = Instant.parse(row.get("time").asText());
            Instant featureTime = Instant.parse(row.get("featureTime").asText());
            assertThat(featureTime).isBeforeOrEqualTo(time);
            FeatureSnapshot expected = bruteForceAsOf(byEntity, row);
            assertThat(expected).as(row.toString()).isNotNull();
            assertThat(featureTime).isEqualTo(expected.getEventTime());
            assertThat(values(row)).as(row.get("id").asText()).isEqualTo(expected.getValues());
            if (byEntity.get(row.get("entityId").asText()).stream()
                    .anyMatch(s -> s.getEventTime().isAfter(time))) {
                laterSnapshotExisted++;
            }
            // (b) the values agree with the features logged when the prediction was served
            LabeledExample example = served.get(row.get("id").asText());
            if (example != null) {
                predictionRows++;
                assertThat(row.get("label").asInt()).isEqualTo(example.getLabel());
                assertThat(values(row).keySet()).containsExactlyElementsOf(FRAUD_V1_NAMES);
                assertThat(example.getFeatures().keySet())
                        .containsAll(FRAUD_V1_NAMES)
                        .filteredOn(name -> !FRAUD_V1_NAMES.contains(name))
                        .allMatch(name -> name.startsWith("cep_"));
                if (agree(values(row), example.getFeatures())) {
                    agreeing++;
                } else {
                    disagreements.add(example.getPredictionId());
                }
            }
        }
        double guarded = (double) laterSnapshotExisted / rows.size();
        double agreement = (double) agreeing / predictionRows;
        System.out.printf(
                "training-set ITCase: %d labels, %d rows, %d without features; %.1f%% of rows had"
                        + " a later snapshot of the shopper; served features agree for %d of %d"
                        + " predictions (%.2f%%)%n",
                labelLines.size(),
                rows.size(),
                withoutFeatures,
                100 * guarded,
                agreeing,
                predictionRows,
                100 * agreement);
        assertThat(predictionRows).isEqualTo(examples.size());
        assertThat(guarded).as("rows with a later snapshot of the shopper").isGreaterThan(0.3);
        assertThat(disagreements).as("predictions whose served features differ").isEmpty();
    }

    @Test
    void snapshotsReadFromKafkaGiveTheSameTrainingSet() throws Exception {
        Path fromFiles = dir.resolve("from-files");
        Path fromKafka = dir.resolve("from-kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());
            try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), new Configuration())) {
                for (FeatureSnapshot s : snapshots) {
                    sink.write(EventType.FEATURE_SNAPSHOT, s);
                }
            }
            assertThat(trainingSet("jsonl:" + backtest, fromFiles).exitCode()).isZero();
            CliRunner run = trainingSet("kafka:" + kafka.bootstrapServers(), fromKafka);
            assertThat(run.exitCode()).as(run.err()).isZero();

            // One record that is not a snapshot: the error names where it is.
            kafka.createTopics(List.of(new NewTopic("features.broken", 1, (short) 1)));
            AvroCodec<FeatureSnapshot> codec = AvroCodec.of(EventType.FEATURE_SNAPSHOT);
            KafkaTestSupport.produce(
                    kafka,
                    "features.broken",
                    "fraud_v1:u-1",
                    List.of(
                            codec.encode(snapshots.get(0)),
                            "not avro".getBytes(StandardCharsets.UTF_8)));
            CliRunner broken =
                    trainingSet(
                            "kafka:" + kafka.bootstrapServers() + "/features.broken",
                            dir.resolve("broken"));
            assertThat(broken.exitCode()).isEqualTo(1);
            assertThat(broken.err()).contains("features.broken-0@1: FeatureSnapshot: not Avro");
        }
        assertThat(Files.readAllLines(fromKafka.resolve(TrainingSet.ROWS_FILE)))
                .isNotEmpty()
                .containsExactlyElementsOf(
                        Files.readAllLines(fromFiles.resolve(TrainingSet.ROWS_FILE)));
        assertThat(Files.readString(fromKafka.resolve(TrainingSet.SUMMARY_FILE)))
                .isEqualTo(Files.readString(fromFiles.resolve(TrainingSet.SUMMARY_FILE)));
    }

    @Test
    void anUnknownFeatureSetIsRefusedListingTheKnownOnes() {
        CliRunner run =
                CliRunner.run(
                        "training-set",
                        "--labels",
                        "jsonl:" + labels,
                        "--features",
                        "jsonl:" + backtest,
                        "--feature-set",
                        "fraud_v9",
                        "--out",
                        "jsonl:" + dir.resolve("unknown"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(
                        "'--feature-set': Unknown feature set 'fraud_v9'; known: [fraud_v1,"
                                + " session_v1, reco_v1, shopper_sessions_v1]");
    }

    @Test
    void aMalformedLabelFailsNamingItsLineAndField() throws Exception {
        Path bad = dir.resolve("bad-labels.jsonl");
        Files.write(
                bad,
                List.of(
                        Files.readAllLines(labels).get(0),
                        "{\"entityId\":\"u-1\",\"time\":\"noon\",\"label\":1}"));

        CliRunner run = trainingSet("jsonl:" + backtest, dir.resolve("bad"), bad);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(bad + " line 2: field 'time': expected an ISO-8601");
    }

    private static CliRunner trainingSet(String features, Path out) {
        return trainingSet(features, out, labels);
    }

    private static CliRunner trainingSet(String features, Path out, Path labelFile) {
        return CliRunner.run(
                "training-set",
                "--labels",
                "jsonl:" + labelFile,
                "--features",
                features,
                "--feature-set",
                "fraud_v1",
                "--out",
                "jsonl:" + out);
    }

    /**
     * The snapshot a label must get, found the slow way: of all the shopper's snapshots in input
     * order, the last one with the greatest event time not after the label's time.
     */
    private static FeatureSnapshot bruteForceAsOf(
            Map<String, List<FeatureSnapshot>> byEntity, JsonNode label) {
        JsonNode t = label.get("time");
        Instant time = t.isNumber() ? Instant.ofEpochMilli(t.asLong()) : Instant.parse(t.asText());
        FeatureSnapshot best = null;
        for (FeatureSnapshot s : byEntity.getOrDefault(label.get("entityId").asText(), List.of())) {
            if (!s.getEventTime().isAfter(time)
                    && (best == null || !s.getEventTime().isBefore(best.getEventTime()))) {
                best = s;
            }
        }
        return best;
    }

    /**
     * Whether every feature set value of the row is the one served. The served row has more: the
     * fraud job adds its CEP pattern flags ({@code cep_*}) to the model input, and those are no
     * part of {@code fraud_v1} or its snapshots.
     */
    private static boolean agree(Map<String, Double> joined, Map<String, Double> served) {
        return joined.entrySet().stream()
                .allMatch(
                        e ->
                                served.containsKey(e.getKey())
                                        && Math.abs(e.getValue() - served.get(e.getKey())) <= 1e-9);
    }

    private static Map<String, Double> values(JsonNode row) {
        Map<String, Double> values = new LinkedHashMap<>();
        row.get("values")
                .fields()
                .forEachRemaining(e -> values.put(e.getKey(), e.getValue().asDouble()));
        return values;
    }

    private static List<JsonNode> readLines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
