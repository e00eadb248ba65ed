package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreService;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.store.LocalRedis;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
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
import redis.clients.jedis.RedisClient;

/**
 * Tests for {@link FeatureStoreService} on the embedded broker: materialising features.user into
 * RocksDB and a real redis-server, the newest value per key whatever the arrival order, dead
 * letters, resuming from committed offsets after a restart, and rebuilding from the topic.
 */
class FeatureStoreITCase {

    /**
     * The snapshots' event times start an hour before the test: Redis expires keys at event time +
     * TTL by its own wall clock, so the data is built relative to it.
     */
    private static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);

    private static final AvroCodec<FeatureSnapshot> CODEC =
            AvroCodec.of(EventType.FEATURE_SNAPSHOT);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir static Path dir;

    private static EmbeddedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;
    private static final Random RANDOM = new Random(8);

    /** What the topic holds, in the order produced (one partition per key keeps that order). */
    private static final List<FeatureSnapshot> produced = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
        kafka.createProjectTopics(new Configuration());
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
    void materialisesResumesAndRebuildsTheSameContents() throws Exception {
        // 60 shoppers x 2 feature sets, 8 snapshots each, shuffled: older ones often arrive last.
        List<FeatureSnapshot> first = snapshots(0, 60, 8);
        send(first);
        sendRaw("fraud_v1:u-x", "not avro".getBytes(StandardCharsets.UTF_8));
        send(List.of(snapshot("bad set", "u-1", T0, 1)));
        int firstRecords = first.size() + 2;

        Configuration conf = conf("rocksdb-a", "fs-a");
        try (FeatureStoreService service = start(conf)) {
            awaitRead(service, firstRecords);
            assertHoldsNewest(service, keys());
            assertThat(service.metrics().deadLetters()).isEqualTo(2);
            assertThat(httpGet(service, "/health").get("status").asText()).isEqualTo("UP");
            JsonNode served = httpGet(service, "/features/fraud_v1/u-7");
            FeatureSnapshot expected = newest().get("fraud_v1:u-7");
            assertThat(served.get("eventTime").asText())
                    .isEqualTo(expected.getEventTime().toString());
            assertThat(served.get("values").get("orders_1h").asDouble())
                    .isEqualTo(expected.getValues().get("orders_1h"));
        }
        List<DeadLetter> dead =
                CommittedRecords.readAll(kafka, EventType.DEAD_LETTER, Topics.DLQ.defaultValue());
        assertThat(dead)
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder("decode.bad-header", "validation.invalid-snapshot");
        assertThat(dead).allMatch(d -> d.getJob().equals("feature-store"));

        // While it is down, more arrive: newer values, and stale ones for other shoppers.
        List<FeatureSnapshot> second = snapshots(40, 80, 3);
        send(second);

        try (FeatureStoreService restarted = start(conf)) {
            // Only what arrived since: it resumed from the committed offsets.
            awaitRead(restarted, second.size());
            assertHoldsNewest(restarted, keys());
        }

        // A new store, a new group: rebuilt from the topic, the same contents.
        try (FeatureStoreService rebuilt = start(conf("rocksdb-b", "fs-b"))) {
            awaitRead(rebuilt, firstRecords + second.size());
            assertHoldsNewest(rebuilt, keys());
        }

        try (LocalRedis redis = LocalRedis.start();
                RedisClient client = RedisClient.create(redis.uri())) {
            Configuration redisConf = conf("unused", "fs-redis");
            redisConf.set(FeatureStoreOptions.BACKEND, FeatureStoreOptions.Backend.REDIS);
            redisConf.set(FeatureStoreOptions.REDIS_URI, redis.uri().toString());
            try (FeatureStoreService service = start(redisConf)) {
                awaitRead(service, firstRecords + second.size());
                assertHoldsNewest(service, keys());
            }
            // Redis lost everything, the group's offsets remain: the store is rebuilt from the
            // start, not resumed into an empty store.
            client.flushAll();
            try (FeatureStoreService service = start(redisConf)) {
                awaitRead(service, firstRecords + second.size());
                assertHoldsNewest(service, keys());
            }
        }
    }

    /**
     * A rebuild from the topic replays old snapshots; the online store answers for now, so one past
     * the TTL is counted as expired and never served, exactly as it would have expired had the
     * store followed the topic live. Time comes from the clock injected into the service.
     */
    @Test
    void aRebuildDropsSnapshotsAlreadyPastTheTtlAndServesTheRest() throws Exception {
        String topic = "features.user.replay";
        kafka.createTopics(List.of(new NewTopic(topic, 2, (short) 1)));
        Instant now = Instant.parse("2031-02-03T04:05:06Z");
        Duration ttl = FeatureStoreOptions.TTL.defaultValue();
        FeatureSnapshot expired = snapshot("fraud_v1", "u-old", now.minus(ttl), 1);
        FeatureSnapshot lastFresh = snapshot("fraud_v1", "u-kept", now.minus(ttl).plusMillis(1), 2);
        FeatureSnapshot recent = snapshot("session_v1", "u-kept", now.minusSeconds(60), 3);
        for (FeatureSnapshot s : List.of(expired, lastFresh, recent)) {
            sendRaw(topic, EventType.FEATURE_SNAPSHOT.key(s), CODEC.encode(s));
        }
        Configuration conf = conf("rocksdb-replay", "fs-replay");
        conf.set(Topics.FEATURES_USER, topic);

        try (FeatureStoreService service = start(conf, Clock.fixed(now, ZoneOffset.UTC))) {
            awaitRead(service, 3);

            assertThat(service.metrics().snapshotsExpired.getLongValue()).isEqualTo(1);
            assertThat(service.metrics().snapshotsWritten.getLongValue()).isEqualTo(2);
            assertThat(service.store().get("fraud_v1", "u-old")).isEmpty();
            assertThat(service.store().get("fraud_v1", "u-kept")).contains(lastFresh);
            assertThat(service.store().get("session_v1", "u-kept")).contains(recent);
        }
    }

    @Test
    void healthIsDownUntilTheTopicIsAssigned() throws Exception {
        Configuration conf = conf("rocksdb-unreachable", "fs-unreachable");
        try (ServerSocket closed = new ServerSocket(0)) {
            // A port nothing answers Kafka on.
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "127.0.0.1:" + closed.getLocalPort());
        }
        try (FeatureStoreService service = start(conf)) {
            HttpResponse<String> health =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(service.uri().resolve("/health"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("no partition of features.user assigned yet");
        }
    }

    private static Configuration conf(String storeDir, String group) {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(FeatureStoreOptions.ROCKSDB_PATH, dir.resolve(storeDir).toString());
        conf.set(FeatureStoreOptions.GROUP_ID, group);
        conf.set(FeatureStoreOptions.SERVER_PORT, 0);
        return conf;
    }

    private static FeatureStoreService start(Configuration conf) throws Exception {
        return start(conf, Clock.systemUTC());
    }

    private static FeatureStoreService start(Configuration conf, Clock clock) throws Exception {
        return FeatureStoreService.start(
                FeatureStoreSettings.from(conf), FeatureCatalog.ALL, clock);
    }

    private static List<FeatureSnapshot> snapshots(int fromUser, int toUser, int perKey) {
        List<FeatureSnapshot> all = new ArrayList<>();
        for (int u = fromUser; u < toUser; u++) {
            for (String set : List.of("fraud_v1", "session_v1")) {
                for (int i = 0; i < perKey; i++) {
                    // Whole seconds apart, and some equal times: ties go to the later record.
                    all.add(snapshot(set, "u-" + u, T0.plusSeconds(RANDOM.nextInt(perKey * 2)), i));
                }
            }
        }
        Collections.shuffle(all, RANDOM);
        return all;
    }

    private static FeatureSnapshot snapshot(String set, String user, Instant time, double value) {
        return FeatureSnapshot.newBuilder()
                .setFeatureSet(set)
                .setFeatureSetVersion(1)
                .setEntityId(user)
                .setEventTime(time)
                .setValues(Map.of("orders_1h", value, "noise", RANDOM.nextDouble()))
                .build();
    }

    private static void send(List<FeatureSnapshot> snapshots) throws Exception {
        for (FeatureSnapshot s : snapshots) {
            sendRaw(EventType.FEATURE_SNAPSHOT.key(s), CODEC.encode(s));
            if (s.getFeatureSet().matches("[a-z0-9_]+")) {
                produced.add(s);
            }
        }
        producer.flush();
    }

    private static void sendRaw(String key, byte[] value) throws Exception {
        sendRaw(Topics.FEATURES_USER.defaultValue(), key, value);
    }

    private static void sendRaw(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    /** The expected contents: per key the greatest event time, at ties the last produced. */
    private static Map<String, FeatureSnapshot> newest() {
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
        return newest;
    }

    private static List<String> keys() {
        List<String> keys = new ArrayList<>(newest().keySet());
        keys.add("fraud_v1:u-nobody");
        return keys;
    }

    private static void assertHoldsNewest(FeatureStoreService service, List<String> keys) {
        Map<String, FeatureSnapshot> expected = newest();
        for (String key : keys) {
            int colon = key.indexOf(':');
            assertThat(service.store().get(key.substring(0, colon), key.substring(colon + 1)))
                    .as(key)
                    .isEqualTo(Optional.ofNullable(expected.get(key)));
        }
    }

    /** Waits until the materialiser caught up, then checks it read {@code records}. */
    private static void awaitRead(FeatureStoreService service, long records) throws Exception {
        assertThat(service.materializer().awaitCaughtUp(TIMEOUT))
                .as("caught up within %s; problem: %s", TIMEOUT, service.materializer().problem())
                .isTrue();
        assertThat(service.metrics().snapshotsRead.getLongValue()).isEqualTo(records);
    }

    private static JsonNode httpGet(FeatureStoreService service, String path) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(service.uri().resolve(path)).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
