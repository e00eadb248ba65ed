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
import com.kartshoppe.featurestore.store.LocalRedis;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.OnlineStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link FeatureMaterializer} when Redis is down for longer than the Kafka consumer's
 * {@code max.poll.interval.ms}, on the embedded broker and a real redis-server. Redis runs without
 * persistence, so it comes back empty and the materialiser has to rebuild the store from the topic.
 */
class FeatureMaterializerRedisOutageITCase {

    /** The consumer's max.poll.interval.ms: the outages below last at least twice as long. */
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(3);

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Redis expires keys at event time + TTL by its own clock: event times are relative to now. */
    private static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);

    private static final AvroCodec<FeatureSnapshot> CODEC =
            AvroCodec.of(EventType.FEATURE_SNAPSHOT);

    @TempDir static Path dir;

    private static EmbeddedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
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
    void recoversFromARedisOutageLongerThanThePollIntervalAndLosesNothing() throws Exception {
        try (Outage outage = new Outage("features.user.outage")) {
            outage.produceAndAwaitMaterialised(snapshots(0, 20, 1));

            outage.stopRedisAndProduce(snapshots(10, 30, 2));
            outage.awaitLongerThanThePollInterval();

            outage.restartRedisAndAssertRecovered();
        }
    }

    @Test
    void aRebalanceDuringTheOutageLosesNothing() throws Exception {
        try (Outage outage = new Outage("features.user.rebalance")) {
            outage.produceAndAwaitMaterialised(snapshots(0, 20, 1));

            outage.stopRedisAndProduce(snapshots(10, 30, 2));
            // A second member joins and leaves: the materialiser loses and regains partitions
            // while its batch waits for the store.
            try (KafkaConsumer<byte[], byte[]> other = outage.otherMember()) {
                other.subscribe(List.of(outage.topic));
                await(
                        () -> {
                            other.poll(Duration.ofMillis(100));
                            return !other.assignment().isEmpty();
                        },
                        () -> "the other member got partitions");
            }
            outage.awaitLongerThanThePollInterval();

            outage.restartRedisAndAssertRecovered();
        }
    }

    /** One materialiser on its own topic and group, writing to its own redis-server. */
    private static final class Outage implements AutoCloseable {

        final String topic;
        final LocalRedis redis;
        final FeatureStoreMetrics metrics = new FeatureStoreMetrics();
        final OnlineStore store;
        final FeatureMaterializer materializer;
        final List<FeatureSnapshot> produced = new ArrayList<>();
        long stoppedAt;

        Outage(String topic) throws Exception {
            this.topic = topic;
            kafka.createTopics(List.of(new NewTopic(topic, 4, (short) 1)));
            redis = LocalRedis.start();
            Configuration conf = new Configuration();
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            conf.setString(
                    KafkaOptions.PASSTHROUGH_PREFIX + ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                    Long.toString(POLL_INTERVAL.toMillis()));
            conf.set(Topics.FEATURES_USER, topic);
            conf.set(FeatureStoreOptions.GROUP_ID, "fs-" + topic);
            conf.set(FeatureStoreOptions.BACKEND, FeatureStoreOptions.Backend.REDIS);
            conf.set(FeatureStoreOptions.REDIS_URI, redis.uri().toString());
            conf.set(FeatureStoreOptions.ROCKSDB_PATH, dir.resolve(topic).toString());
            conf.set(FeatureStoreOptions.RETRY_BACKOFF, Duration.ofMillis(200));
            FeatureStoreSettings settings = FeatureStoreSettings.from(conf);
            store = OnlineStores.open(settings, Clock.systemUTC());
            materializer = new FeatureMaterializer(settings, store, metrics, Clock.systemUTC());
            materializer.start();
        }

        void produceAndAwaitMaterialised(List<FeatureSnapshot> snapshots) throws Exception {
            produce(snapshots);
            assertThat(materializer.awaitCaughtUp(TIMEOUT))
                    .as("caught up; problem: %s", materializer.problem())
                    .isTrue();
            assertHoldsNewest();
            assertThat(materializer.problem()).isNull();
        }

        void stopRedisAndProduce(List<FeatureSnapshot> snapshots) throws Exception {
            redis.stop();
            stoppedAt = System.nanoTime();
            produce(snapshots);
        }

        /** Waits until the store has failed for twice the poll interval, without a write. */
        void awaitLongerThanThePollInterval() throws Exception {
            long errorsBefore = metrics.storeErrors.getLongValue();
            await(
                    () ->
                            metrics.storeErrors.getLongValue() > errorsBefore
                                    && System.nanoTime() - stoppedAt > 2 * POLL_INTERVAL.toNanos(),
                    () -> "store errors for twice the poll interval");
            assertThat(materializer.problem())
                    .as("/health's problem during the outage")
                    .contains("Cannot write to the Redis feature store at " + redis.uri());
        }

        void restartRedisAndAssertRecovered() throws Exception {
            redis.restart();

            await(
                    () -> materializer.problem() == null,
                    () -> "problem() null again, but it is: " + materializer.problem());
            assertThat(materializer.awaitCaughtUp(TIMEOUT))
                    .as("caught up after the outage; problem: %s", materializer.problem())
                    .isTrue();
            // Rebuilt from the topic's start: the snapshots written before the outage are back.
            assertHoldsNewest();
            assertThat(store.initialized()).isTrue();
            assertThat(materializer.problem()).isNull();

            // Still running: what arrives next is materialised too.
            produceAndAwaitMaterialised(snapshots(25, 35, 3));
        }

        private void produce(List<FeatureSnapshot> snapshots) throws Exception {
            for (FeatureSnapshot s : snapshots) {
                producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        EventType.FEATURE_SNAPSHOT
                                                .key(s)
                                                .getBytes(StandardCharsets.UTF_8),
                                        CODEC.encode(s)))
                        .get();
                produced.add(s);
            }
        }

        /** Per key the greatest event time, at ties the last produced. */
        private void assertHoldsNewest() {
            Map<String, FeatureSnapshot> newest = new HashMap<>();
            for (FeatureSnapshot s : produced) {
                newest.merge(
                        EventType.FEATURE_SNAPSHOT.key(s),
                        s,
                        (held, incoming) ->
                                incoming.getEventTime().isBefore(held.getEventTime())
                                        ? held
                                        : incoming);
            }
            for (FeatureSnapshot expected : newest.values()) {
                assertThat(store.get(expected.getFeatureSet(), expected.getEntityId()))
                        .as(EventType.FEATURE_SNAPSHOT.key(expected))
                        .isEqualTo(Optional.of(expected));
            }
        }

        KafkaConsumer<byte[], byte[]> otherMember() {
            Properties props = kafka.settings().clientProperties();
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "fs-" + topic);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            return new KafkaConsumer<>(
                    props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public void close() {
            materializer.close();
            store.close();
            redis.close();
        }
    }

    /**
     * Snapshots of users {@code [fromUser, toUser)} in two feature sets, a second apart per key
     * starting at {@code T0 + round} seconds: a later round is newer.
     */
    private static List<FeatureSnapshot> snapshots(int fromUser, int toUser, int round) {
        List<FeatureSnapshot> all = new ArrayList<>();
        for (int u = fromUser; u < toUser; u++) {
            for (String set : List.of("fraud_v1", "session_v1")) {
                all.add(
                        FeatureSnapshot.newBuilder()
                                .setFeatureSet(set)
                                .setFeatureSetVersion(1)
                                .setEntityId("u-" + u)
                                .setEventTime(T0.plusSeconds(round * 100L + u))
                                .setValues(Map.of("orders_1h", (double) round, "user", (double) u))
                                .build());
            }
        }
        return all;
    }

    /** Polls {@code condition} until it holds, failing after {@link #TIMEOUT}. */
    private static void await(BooleanSupplier condition, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Expected within " + TIMEOUT + ": " + what.get());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
