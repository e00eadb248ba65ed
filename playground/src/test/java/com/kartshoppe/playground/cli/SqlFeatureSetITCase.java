package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.outcomes.FraudLabels;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.quality.EventValidator;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreService;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.inference.model.ModelRegistry;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.Scorer;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link SqlCommand} with {@code --feature-set}: the SQL-defined {@code
 * shopper_sessions_v1}, written to the features topic of an embedded broker, materialised by the
 * feature store and answered by its server, equals a brute-force computation over the files.
 */
class SqlFeatureSetITCase {

    @TempDir Path dir;

    @Test
    void aFeatureSetDefinedInSqlIsServedByTheFeatureStore() throws Exception {
        Path events = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(events)) {
            new Simulation(
                            SimulatorConfig.builder()
                                    .seed(11)
                                    .users(60)
                                    .duration(Duration.ofMinutes(40))
                                    .build())
                    .run(sink);
        }
        Map<String, double[]> expected = bruteForce(events);

        // To files: the newest snapshot of each shopper is the brute force's.
        Path files = dir.resolve("snapshots");
        sessionsToFiles(events, files);
        Map<String, FeatureSnapshot> newest = new TreeMap<>();
        for (FeatureSnapshot s :
                JsonCodec.of(EventType.FEATURE_SNAPSHOT)
                        .readFile(JsonCodec.file(files, EventType.FEATURE_SNAPSHOT))) {
            newest.merge(
                    s.getEntityId(),
                    s,
                    (a, b) -> b.getEventTime().isBefore(a.getEventTime()) ? a : b);
        }
        assertThat(newest.keySet()).isEqualTo(expected.keySet());
        newest.forEach(
                (user, s) ->
                        assertThat(s.getValues().get("avg_session_sec"))
                                .as("mean session of %s", user)
                                .isCloseTo(expected.get(user)[1], within(1e-9)));

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());

            CliRunner run =
                    CliRunner.run(
                            "sql",
                            "--events",
                            "jsonl:" + events,
                            "--file",
                            "../feature-ops/src/main/resources/sql/session_duration.sql",
                            "--feature-set",
                            "shopper_sessions_v1",
                            "--out",
                            "kafka:" + kafka.bootstrapServers());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).startsWith("Wrote the shopper_sessions_v1 snapshots to");
            Configuration conf = new Configuration();
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            conf.set(FeatureStoreOptions.ROCKSDB_PATH, dir.resolve("store").toString());
            conf.set(FeatureStoreOptions.SERVER_PORT, 0);
            // The simulation's dates are fixed in the past: keep values whatever today is.
            conf.set(FeatureStoreOptions.TTL, Duration.ZERO);
            try (FeatureStoreService store =
                    FeatureStoreService.start(
                            FeatureStoreSettings.from(conf),
                            FeatureCatalog.ALL,
                            Clock.systemUTC())) {
                assertThat(store.materializer().awaitCaughtUp(Duration.ofSeconds(60)))
                        .as("caught up; problem: %s", store.materializer().problem())
                        .isTrue();

                assertThat(expected).hasSizeGreaterThan(20);
                for (Map.Entry<String, double[]> e : expected.entrySet()) {
                    FeatureSnapshot s =
                            store.store().get("shopper_sessions_v1", e.getKey()).orElseThrow();
                    assertThat(s.getValues().get("sessions")).isEqualTo(e.getValue()[0]);
                    assertThat(s.getValues().get("avg_session_sec"))
                            .as("mean session of %s", e.getKey())
                            .isCloseTo(e.getValue()[1], within(1e-9));
                    assertThat(s.getEventTime().toEpochMilli()).isEqualTo((long) e.getValue()[2]);
                }
                String user = expected.keySet().iterator().next();
                JsonNode served =
                        new ObjectMapper()
                                .readTree(
                                        HttpClient.newHttpClient()
                                                .send(
                                                        HttpRequest.newBuilder(
                                                                        store.uri()
                                                                                .resolve(
                                                                                        "/features/shopper_sessions_v1/"
                                                                                                + user))
                                                                .build(),
                                                        HttpResponse.BodyHandlers.ofString())
                                                .body());
                assertThat(served.get("values").get("sessions").asDouble())
                        .isEqualTo(expected.get(user)[0]);
            }
        }
    }

    @Test
    void aModelTakesTheSqlFeatureSetAsInput() throws Exception {
        Path events = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(events)) {
            new Simulation(
                            SimulatorConfig.builder()
                                    .seed(12)
                                    .users(300)
                                    .duration(Duration.ofHours(2))
                                    .build())
                    .run(sink);
        }
        Path snapshots = dir.resolve("snapshots");
        sessionsToFiles(events, snapshots);
        // A label per placed order, at its time: whether it turned out to be fraud.
        Set<String> fraud = new HashSet<>();
        for (FraudLabel l :
                JsonCodec.of(EventType.FRAUD_LABEL)
                        .readFile(JsonCodec.file(events, EventType.FRAUD_LABEL))) {
            if (FraudLabels.isFraud(l)) {
                fraud.add(l.getOrderId());
            }
        }
        Path labels = dir.resolve("labels.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        Set<String> orders = new HashSet<>();
        for (String line : Files.readAllLines(JsonCodec.file(events, EventType.ORDER))) {
            OrderEvent o;
            try {
                o = JsonCodec.of(EventType.ORDER).fromJson(line);
            } catch (DecodeException garbage) {
                continue;
            }
            if (o.getStatus() == OrderStatus.PLACED && orders.add(o.getOrderId())) {
                lines.add(
                        json.createObjectNode()
                                .put("id", o.getOrderId())
                                .put("entityId", o.getUserId())
                                .put("time", o.getEventTime().toString())
                                .put("label", fraud.contains(o.getOrderId()) ? 1 : 0)
                                .toString());
            }
        }
        Files.write(labels, lines);
        Path trainingSet = dir.resolve("training-set");
        CliRunner joined =
                CliRunner.run(
                        "training-set",
                        "--labels",
                        "jsonl:" + labels,
                        "--features",
                        "jsonl:" + snapshots,
                        "--feature-set",
                        "shopper_sessions_v1",
                        "--out",
                        "jsonl:" + trainingSet);
        assertThat(joined.exitCode()).as(joined.err()).isZero();
        Path model = dir.resolve("models").resolve("shopper").resolve("1.onnx");

        CliRunner trained =
                CliRunner.run(
                        "train",
                        "--use-case",
                        "fraud",
                        "--examples",
                        "jsonl:" + trainingSet,
                        "--out",
                        model.toString());

        assertThat(trained.exitCode()).as(trained.err()).isZero();
        long rows = Files.readAllLines(trainingSet.resolve("training-set.jsonl")).size();
        assertThat(rows).isGreaterThan(100);
        assertThat(trained.out())
                .contains("on " + rows + " fraud examples of shopper_sessions_v1")
                .contains("(version 1, 2 input features, examples from ");
        CliRunner valid =
                CliRunner.run(
                        "models",
                        "validate",
                        model.toString(),
                        "--feature-set",
                        "shopper_sessions_v1");
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        assertThat(valid.out())
                .contains(
                        "valid for shopper_sessions_v1 v1, 2 input features [avg_session_sec,"
                                + " sessions]");
        // Served like any model: the registry loads it and scores the feature set's values.
        try (ModelRegistry registry =
                ModelRegistry.builder(
                                dir.resolve("models"),
                                "shopper",
                                FeatureCatalog.SHOPPER_SESSIONS_V1)
                        .build()
                        .start()) {
            List<Score> scores =
                    new Scorer(registry, 1)
                            .score(
                                    List.of(
                                            Map.of("sessions", 1.0, "avg_session_sec", 30.0),
                                            Map.of("sessions", 12.0, "avg_session_sec", 600.0)),
                                    null,
                                    0);
            assertThat(scores).hasSize(2);
            assertThat(scores)
                    .allSatisfy(
                            sc -> {
                                assertThat(sc.modelVersion()).isEqualTo("1");
                                assertThat(sc.score()).isBetween(0.0, 1.0);
                            });
            assertThat(scores.get(0).score()).isNotEqualTo(scores.get(1).score());
        }
    }

    /** {@code kartshoppe sql} writing the shopper_sessions_v1 snapshots of {@code events}. */
    private static void sessionsToFiles(Path events, Path out) {
        CliRunner run =
                CliRunner.run(
                        "sql",
                        "--events",
                        "jsonl:" + events,
                        "--file",
                        "../feature-ops/src/main/resources/sql/session_duration.sql",
                        "--feature-set",
                        "shopper_sessions_v1",
                        "--out",
                        "jsonl:" + out);
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    /**
     * Per shopper from the files (valid records, first copies): sessions, their mean duration in
     * seconds, and the newest event time.
     */
    private static Map<String, double[]> bruteForce(Path events) throws Exception {
        EventValidator validator = ShopEvents.validator(new Configuration(), Clock.systemUTC());
        Set<String> seen = new HashSet<>();
        Map<String, long[]> spans = new HashMap<>();
        for (EventType<?> type : List.of(EventType.CLICK, EventType.ORDER)) {
            for (String line : Files.readAllLines(JsonCodec.file(events, type))) {
                SpecificRecordBase r;
                try {
                    r = JsonCodec.of(type).fromJson(line);
                } catch (DecodeException garbage) {
                    continue;
                }
                if (validator.check(r) != null || !seen.add((String) r.get("eventId"))) {
                    continue;
                }
                if (r instanceof ClickEvent c) {
                    span(spans, c.getUserId(), c.getSessionId(), c.getEventTime().toEpochMilli());
                } else if (r instanceof OrderEvent o
                        && o.getStatus() == OrderStatus.PLACED
                        && o.getSessionId() != null) {
                    span(spans, o.getUserId(), o.getSessionId(), o.getEventTime().toEpochMilli());
                }
            }
        }
        Map<String, double[]> byUser = new TreeMap<>();
        spans.forEach(
                (key, s) -> {
                    double[] v =
                            byUser.computeIfAbsent(
                                    key.substring(0, key.indexOf('|')), u -> new double[3]);
                    v[0]++;
                    v[1] += (s[1] - s[0]) / 1000.0;
                    v[2] = Math.max(v[2], s[1]);
                });
        byUser.values().forEach(v -> v[1] /= v[0]);
        return byUser;
    }

    private static void span(Map<String, long[]> spans, String user, String session, long t) {
        long[] s = spans.computeIfAbsent(user + "|" + session, k -> new long[] {t, t});
        s[0] = Math.min(s[0], t);
        s[1] = Math.max(s[1], t);
    }
}
