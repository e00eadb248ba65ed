package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.ingest.FeatureMaterializer;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.store.LocalRedis;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.OnlineStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link FeaturesCommand}: {@code features delete} on the embedded broker, with a real
 * RocksDB store and a real redis-server. The shopper is gone from the store at once, and neither a
 * materialiser that resumes nor a rebuild of a new store from the topic brings them back. An
 * ITCase: the CI run under a shifted clock (faketime), where redis-server cannot start, leaves it
 * out.
 */
class FeaturesCommandITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /**
     * Redis expires keys at event time + TTL by its own clock, so event times are relative to the
     * wall clock here (an hour ago, far within the 7-day TTL), never to a calendar date.
     */
    private static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));

    private static final AvroCodec<FeatureSnapshot> CODEC =
            AvroCodec.of(EventType.FEATURE_SNAPSHOT);

    @TempDir static Path dir;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void deleteErasesTheShopperFromARocksDbStoreAndARebuildDoesNotBringThemBack() throws Exception {
        String topic = "features.user.rocksdb";
        produceTwoShoppers(topic);
        Path path = dir.resolve("store");
        materialiseUntilCaughtUp(settings(topic, "fs-a", path, null));

        // The feature server is stopped: the command opens its RocksDB directory.
        CliRunner run =
                CliRunner.run(
                        "features",
                        "delete",
                        "--user",
                        "u-1",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--store",
                        "rocksdb:" + path,
                        "-D",
                        "topics.features-user=" + topic);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Deleted 2 of 4 keys of u-1 from rocksdb:" + path.toAbsolutePath())
                .contains("Tombstone fraud_v1:u-1 at " + topic + "-")
                .contains("Tombstone session_v1:u-1 at " + topic + "-")
                .contains("Tombstone shopper_sessions_v1:u-1 at " + topic + "-");
        FeatureStoreSettings same = settings(topic, "fs-a", path, null);
        try (OnlineStore store = OnlineStores.open(same, Clock.systemUTC())) {
            assertErased(store);
        }
        // The server starts again, resuming from its committed offsets: it reads the tombstones.
        materialiseUntilCaughtUp(same);
        try (OnlineStore store = OnlineStores.open(same, Clock.systemUTC())) {
            assertErased(store);
        }
        // A new store rebuilt from the topic's start.
        FeatureStoreSettings rebuilt = settings(topic, "fs-b", dir.resolve("rebuilt"), null);
        materialiseUntilCaughtUp(rebuilt);
        try (OnlineStore store = OnlineStores.open(rebuilt, Clock.systemUTC())) {
            assertErased(store);
        }
    }

    @Test
    void deleteErasesTheShopperFromRedisAndARebuildDoesNotBringThemBack() throws Exception {
        String topic = "features.user.redis";
        produceTwoShoppers(topic);
        try (LocalRedis redis = LocalRedis.start()) {
            FeatureStoreSettings settings =
                    settings(topic, "fs-redis", dir.resolve("unused"), redis.uri().toString());
            materialiseUntilCaughtUp(settings);

            CliRunner run =
                    CliRunner.run(
                            "features",
                            "delete",
                            "--user",
                            "u-1",
                            "--feature-set",
                            "fraud_v1",
                            "--feature-set",
                            "session_v1",
                            "--bootstrap",
                            kafka.bootstrapServers(),
                            "--store",
                            redis.uri().toString(),
                            "-D",
                            "topics.features-user=" + topic);

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out())
                    .contains("Deleted 2 of 2 keys of u-1 from redis:")
                    .doesNotContain("shopper_sessions_v1");
            try (OnlineStore store = OnlineStores.open(settings, Clock.systemUTC())) {
                assertErased(store);
            }
            // Redis flushed: the materialiser rebuilds it from the topic's start.
            redis.stop();
            redis.restart();
            materialiseUntilCaughtUp(settings);
            try (OnlineStore store = OnlineStores.open(settings, Clock.systemUTC())) {
                assertErased(store);
            }
        }
    }

    @Test
    void refusesAStoreItCannotName() {
        CliRunner run =
                CliRunner.run(
                        "features",
                        "delete",
                        "--user",
                        "u-1",
                        "--bootstrap",
                        "localhost:9092",
                        "--store",
                        "/data/fs");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--store: '/data/fs': expected rocksdb:PATH");
    }

    /** Two versions of u-1's and u-2's fraud_v1 and session_v1 snapshots. */
    private static void produceTwoShoppers(String topic) throws Exception {
        kafka.createTopics(List.of(new NewTopic(topic, 2, (short) 1)));
        Properties props = kafka.settings().clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int v = 1; v <= 2; v++) {
                for (String user : List.of("u-1", "u-2")) {
                    for (String set : List.of("fraud_v1", "session_v1")) {
                        FeatureSnapshot s = snapshot(set, user, v);
                        producer.send(
                                        new ProducerRecord<>(
                                                topic,
                                                EventType.FEATURE_SNAPSHOT
                                                        .key(s)
                                                        .getBytes(StandardCharsets.UTF_8),
                                                CODEC.encode(s)))
                                .get();
                    }
                }
            }
        }
    }

    private static void assertErased(OnlineStore store) {
        assertThat(store.get("fraud_v1", "u-1")).isEmpty();
        assertThat(store.get("session_v1", "u-1")).isEmpty();
        assertThat(store.get("fraud_v1", "u-2")).contains(snapshot("fraud_v1", "u-2", 2));
        assertThat(store.get("session_v1", "u-2")).contains(snapshot("session_v1", "u-2", 2));
    }

    /** Runs a materialiser until it has read everything the topic holds, then stops it. */
    private static void materialiseUntilCaughtUp(FeatureStoreSettings settings) throws Exception {
        try (OnlineStore store = OnlineStores.open(settings, Clock.systemUTC());
                FeatureMaterializer materializer =
                        new FeatureMaterializer(
                                settings, store, new FeatureStoreMetrics(), Clock.systemUTC())) {
            materializer.start();
            assertThat(materializer.awaitCaughtUp(DEADLINE))
                    .as("caught up; problem: %s", materializer.problem())
                    .isTrue();
        }
    }

    private static FeatureStoreSettings settings(
            String topic, String group, Path rocksDb, String redisUri) {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(Topics.FEATURES_USER, topic);
        conf.set(FeatureStoreOptions.GROUP_ID, group);
        conf.set(FeatureStoreOptions.ROCKSDB_PATH, rocksDb.toString());
        if (redisUri != null) {
            conf.set(FeatureStoreOptions.BACKEND, FeatureStoreOptions.Backend.REDIS);
            conf.set(FeatureStoreOptions.REDIS_URI, redisUri);
        }
        return FeatureStoreSettings.from(conf);
    }

    private static FeatureSnapshot snapshot(String featureSet, String user, int v) {
        return FeatureSnapshot.newBuilder()
                .setFeatureSet(featureSet)
                .setFeatureSetVersion(1)
                .setEntityId(user)
                .setEventTime(T0.plus(Duration.ofMinutes(v)))
                .setValues(Map.of("orders_1h", (double) v))
                .build();
    }
}
