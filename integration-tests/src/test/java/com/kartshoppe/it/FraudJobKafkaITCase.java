package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreService;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fraud job end to end on the embedded broker, with RocksDB and checkpoints: the same simulated
 * traffic through Kafka and through files, and what the job commits to Kafka (read with
 * read_committed) equals what the backtest of the files gives, in both delivery modes. Kafka input
 * is put in event-time order ({@code ingest.event-time-order}), as a replay of a backlog should be,
 * so the two runs see every shopper's events in the same order.
 */
class FraudJobKafkaITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @TempDir static Path dir;

    private static EmbeddedKafka kafka;
    private static Path models;
    private static CollectedOutputs backtest;

    private static SimulatorConfig config() {
        return SimulatorConfig.builder()
                .seed(31)
                .users(800)
                .duration(Duration.ofHours(1))
                .driftAt(Duration.ofMinutes(20))
                .malformedRate(0.01)
                .build();
    }

    @BeforeAll
    static void simulateAndBacktest() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        kafka.createProjectTopics(new Configuration());
        try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), new Configuration())) {
            new Simulation(config()).run(sink);
        }
        Path files = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(files)) {
            new Simulation(config()).run(sink);
        }
        models = dir.resolve("models");
        StarterModels.install(models);
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        backtest = Scoring.backtest(FraudDetectionJob.DESCRIPTION, conf, files);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @ParameterizedTest
    @EnumSource(
            value = DeliveryGuarantee.class,
            names = {"EXACTLY_ONCE", "AT_LEAST_ONCE"})
    void whatTheJobCommitsToKafkaEqualsTheBacktest(DeliveryGuarantee guarantee) throws Exception {
        String suffix = "." + guarantee.name().toLowerCase();
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(KafkaSinks.DELIVERY_GUARANTEE, guarantee);
        conf.set(FeatureOptions.EVENT_TIME_ORDER, true);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        for (var topic :
                List.of(
                        Topics.FRAUD_DECISIONS,
                        Topics.PREDICTIONS,
                        Topics.FEATURES_USER,
                        Topics.DLQ)) {
            conf.set(topic, topic.defaultValue() + suffix);
        }
        kafka.createProjectTopics(conf);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestSupport.PARALLELISM);
        String group = "it-fraud" + suffix;
        // Bounded: the job reads the topics to the offsets they have at start, and its final
        // checkpoint commits the last transaction.
        Input topics = Input.kafka(kafka.settings(), group, true);
        new FraudDetectionJob(conf, topics, topics).build(env).sinkToKafka(conf, group);
        env.execute("fraud job on Kafka, " + guarantee);

        List<FraudDecision> decisions =
                readAll(EventType.FRAUD_DECISION, conf.get(Topics.FRAUD_DECISIONS));
        List<PredictionLog> predictions =
                readAll(EventType.PREDICTION, conf.get(Topics.PREDICTIONS));

        assertThat(backtest.get(EventType.FRAUD_DECISION)).hasSizeGreaterThan(200);
        assertThat(decisions).hasSameSizeAs(backtest.get(EventType.FRAUD_DECISION));
        assertThat(byKey(decisions, FraudDecision::getDecisionId, FraudJobKafkaITCase::undated))
                .isEqualTo(
                        byKey(
                                backtest.get(EventType.FRAUD_DECISION),
                                FraudDecision::getDecisionId,
                                FraudJobKafkaITCase::undated));
        assertThat(predictions).hasSameSizeAs(backtest.get(EventType.PREDICTION));
        assertThat(byKey(predictions, PredictionLog::getPredictionId, Function.identity()))
                .isEqualTo(
                        byKey(
                                backtest.get(EventType.PREDICTION),
                                PredictionLog::getPredictionId,
                                Function.identity()));
        // features.user is compacted: the broker may keep only each shopper's newest snapshot.
        assertThat(newest(readAll(EventType.FEATURE_SNAPSHOT, conf.get(Topics.FEATURES_USER))))
                .isEqualTo(newest(backtest.get(EventType.FEATURE_SNAPSHOT)));
        assertThat(readAll(EventType.DEAD_LETTER, conf.get(Topics.DLQ)))
                .hasSameSizeAs(backtest.get(EventType.DEAD_LETTER))
                .isNotEmpty();

        // The feature store materialises the committed snapshots: each shopper's newest.
        Configuration storeConf = new Configuration();
        storeConf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        storeConf.set(Topics.FEATURES_USER, conf.get(Topics.FEATURES_USER));
        storeConf.set(FeatureStoreOptions.ROCKSDB_PATH, dir.resolve("store" + suffix).toString());
        storeConf.set(FeatureStoreOptions.GROUP_ID, "it-feature-store" + suffix);
        storeConf.set(FeatureStoreOptions.SERVER_PORT, 0);
        // The store's clock stands just after the simulated hour, so the default TTL keeps
        // every value whatever the date the test runs on.
        Clock afterTheTraffic =
                Clock.fixed(config().end().plus(Duration.ofHours(1)), ZoneOffset.UTC);
        try (FeatureStoreService store =
                FeatureStoreService.start(
                        FeatureStoreSettings.from(storeConf),
                        FeatureCatalog.ALL,
                        afterTheTraffic)) {
            assertThat(store.materializer().awaitCaughtUp(Duration.ofMinutes(1))).isTrue();
            Map<String, FeatureSnapshot> expected =
                    newest(backtest.get(EventType.FEATURE_SNAPSHOT));
            assertThat(expected.size()).isGreaterThan(150);
            expected.forEach(
                    (user, snapshot) ->
                            assertThat(store.store().get("fraud_v1", user))
                                    .as(user)
                                    .contains(snapshot));
            assertThat(store.metrics().deadLetters()).isZero();
        }
    }

    /** The decision without its wall-clock time, which differs between any two runs. */
    private static FraudDecision undated(FraudDecision d) {
        return FraudDecision.newBuilder(d).setDecidedAt(Instant.EPOCH).build();
    }

    private static <T, V> Map<String, V> byKey(
            List<T> records, Function<T, String> key, Function<T, V> value) {
        return records.stream().collect(Collectors.toMap(key, value));
    }

    /** Each shopper's newest snapshot. */
    private static Map<String, FeatureSnapshot> newest(List<FeatureSnapshot> snapshots) {
        return snapshots.stream()
                .collect(
                        Collectors.toMap(
                                FeatureSnapshot::getEntityId,
                                Function.identity(),
                                (a, b) -> a.getEventTime().isAfter(b.getEventTime()) ? a : b));
    }

    private static <T extends SpecificRecordBase> List<T> readAll(EventType<T> type, String topic) {
        return CommittedRecords.readAll(kafka, type, topic);
    }
}
