package com.kartshoppe.featurestore.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.OnlineStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link FeatureMaterializer} rebuilding a RocksDB store from a {@code features.user}
 * topic that the embedded broker's log cleaner has really compacted: several versions per key and
 * tombstones, segments that roll on every append, a cleaner that runs as soon as there is anything
 * to clean. The store must hold the newest snapshot per key and nothing of a tombstoned key.
 */
class FeatureMaterializerCompactionITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** The store's clock; snapshots are an hour or less older, well within the TTL. */
    private static final Instant NOW = Instant.parse("2031-06-01T12:00:00Z");

    /**
     * The Kafka timestamp of the first record; each next one is a second later. A segment rolls
     * when an append's timestamp is segment.ms past its first record's: here on every append, so
     * every segment but the last becomes cleanable. Fixed instants, in the past on any date.
     */
    private static final long FIRST_RECORD_TIME = 1_000_000L;

    private static final AvroCodec<FeatureSnapshot> CODEC =
            AvroCodec.of(EventType.FEATURE_SNAPSHOT);

    @TempDir static Path dir;

    private static EmbeddedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        try (Admin admin = Admin.create(kafka.settings().clientProperties())) {
            // The cleaner otherwise looks for work every 15 s; a dynamic broker setting.
            admin.incrementalAlterConfigs(
                            Map.of(
                                    new ConfigResource(ConfigResource.Type.BROKER, ""),
                                    List.of(
                                            new AlterConfigOp(
                                                    new ConfigEntry(
                                                            "log.cleaner.backoff.ms", "100"),
                                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties props = kafka.settings().clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        kafka.close();
    }

    @Test
    void aRebuildFromACompactedTopicHoldsTheNewestSnapshotPerKeyAndNoTombstonedKey()
            throws Exception {
        String topic = "features.user.compacted";
        createCompactedTopic(topic);
        Topic log = new Topic(topic);
        // Four versions of six shoppers' fraud_v1 and one session_v1, one append (segment) each.
        for (int version = 1; version <= 4; version++) {
            for (int user = 1; user <= 6; user++) {
                log.append(snapshot("fraud_v1", "u-" + user, version));
            }
            log.append(snapshot("session_v1", "u-1", version));
        }
        log.tombstone("fraud_v1", "u-5");
        // The active segment is never cleaned: one more append closes the tombstone's.
        log.append(snapshot("fraud_v1", "u-6", 5));

        awaitCompacted(log, "fraud_v1:u-5");

        // Not yet compacted: a tombstone and a newer version after the compacted part.
        log.tombstone("fraud_v1", "u-3");
        log.append(snapshot("fraud_v1", "u-2", 6));
        // A shopper erased and back: the new snapshot is older by event time than the erased one,
        // and must not lose to it.
        log.tombstone("fraud_v1", "u-4");
        log.append(snapshot("fraud_v1", "u-4", 0));

        try (OnlineStore store =
                        OnlineStores.open(settings(topic), Clock.fixed(NOW, ZoneOffset.UTC));
                FeatureMaterializer materializer =
                        new FeatureMaterializer(
                                settings(topic),
                                store,
                                new FeatureStoreMetrics(),
                                Clock.fixed(NOW, ZoneOffset.UTC))) {
            materializer.start();
            assertThat(materializer.awaitCaughtUp(DEADLINE))
                    .as("caught up; problem: %s", materializer.problem())
                    .isTrue();

            Map<String, FeatureSnapshot> expected = log.newest();
            assertThat(expected.keySet()).hasSize(5).doesNotContain("fraud_v1:u-3", "fraud_v1:u-5");
            for (FeatureSnapshot s : expected.values()) {
                assertThat(store.get(s.getFeatureSet(), s.getEntityId()))
                        .as(EventType.FEATURE_SNAPSHOT.key(s))
                        .contains(s);
            }
            assertThat(store.get("fraud_v1", "u-3")).isEmpty();
            assertThat(store.get("fraud_v1", "u-5")).isEmpty();
            assertThat(store.initialized()).isTrue();
        }
    }

    private static void createCompactedTopic(String topic) {
        kafka.createTopics(
                List.of(
                        new NewTopic(topic, 1, (short) 1)
                                .configs(
                                        Map.of(
                                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                                TopicConfig.CLEANUP_POLICY_COMPACT,
                                                TopicConfig.SEGMENT_MS_CONFIG,
                                                "100",
                                                TopicConfig.SEGMENT_BYTES_CONFIG,
                                                Integer.toString(1024 * 1024),
                                                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                                                "0.01",
                                                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                                                "0",
                                                // Tombstones outlive the test: the rebuild
                                                // must apply them, not just miss their keys.
                                                TopicConfig.DELETE_RETENTION_MS_CONFIG,
                                                Long.toString(Duration.ofHours(1).toMillis())))));
    }

    /**
     * Waits, reading from the earliest offset, until the cleaner has compacted the log up to {@code
     * tombstoned}'s tombstone: no snapshot of that key is left, and fewer records than written.
     */
    private static void awaitCompacted(Topic log, String tombstoned) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<ConsumerRecord<byte[], byte[]>> held;
        while (true) {
            held = readAll(log.name);
            boolean olderVersionsGone =
                    held.stream()
                            .noneMatch(
                                    r ->
                                            r.value() != null
                                                    && new String(r.key(), StandardCharsets.UTF_8)
                                                            .equals(tombstoned));
            if (olderVersionsGone && held.size() < log.written) {
                break;
            }
            assertThat(System.nanoTime())
                    .as(
                            "compacted within %s: %d of %d records left",
                            DEADLINE, held.size(), log.written)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
        // Compacted: one record per key (a tombstone for u-5), and u-6's in the active segment.
        assertThat(log.written).isEqualTo(4 * 7 + 2);
        assertThat(held).hasSizeLessThanOrEqualTo(7 + 1);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = kafka.settings().clientProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            while (consumer.position(p) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static FeatureStoreSettings settings(String topic) {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(Topics.FEATURES_USER, topic);
        conf.set(FeatureStoreOptions.GROUP_ID, "fs-" + topic);
        conf.set(FeatureStoreOptions.BACKEND, FeatureStoreOptions.Backend.ROCKSDB);
        conf.set(FeatureStoreOptions.ROCKSDB_PATH, dir.resolve(topic).toString());
        return FeatureStoreSettings.from(conf);
    }

    /** Version {@code v} of a shopper's feature set: an event time {@code v} minutes later. */
    static FeatureSnapshot snapshot(String featureSet, String user, int v) {
        return FeatureSnapshot.newBuilder()
                .setFeatureSet(featureSet)
                .setFeatureSetVersion(1)
                .setEntityId(user)
                .setEventTime(NOW.minus(Duration.ofHours(1)).plus(Duration.ofMinutes(v)))
                .setValues(Map.of("orders_1h", (double) v, "amount_1h_eur", v * 10.5))
                .build();
    }

    /** What was written to one topic, and what its log must come down to per key. */
    private static final class Topic {
        final String name;
        final Map<String, Optional<FeatureSnapshot>> last = new LinkedHashMap<>();
        int written;

        Topic(String name) {
            this.name = name;
        }

        void append(FeatureSnapshot s) throws Exception {
            String key = EventType.FEATURE_SNAPSHOT.key(s);
            send(key, CODEC.encode(s));
            last.put(key, Optional.of(s));
        }

        void tombstone(String featureSet, String user) throws Exception {
            String key = featureSet + ":" + user;
            send(key, null);
            last.put(key, Optional.empty());
        }

        /** Each append on its own: one produce request, so one segment, each. */
        private void send(String key, byte[] value) throws Exception {
            producer.send(
                            new ProducerRecord<>(
                                    name,
                                    0,
                                    FIRST_RECORD_TIME + written * 1000L,
                                    key.getBytes(StandardCharsets.UTF_8),
                                    value))
                    .get();
            written++;
        }

        Map<String, FeatureSnapshot> newest() {
            Map<String, FeatureSnapshot> newest = new HashMap<>();
            last.forEach((key, s) -> s.ifPresent(v -> newest.put(key, v)));
            return newest;
        }
    }
}
