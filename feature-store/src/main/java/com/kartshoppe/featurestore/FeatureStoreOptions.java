package com.kartshoppe.featurestore;

import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Settings of the online feature store and its HTTP server; read once by {@link
 * FeatureStoreSettings#from}.
 */
public final class FeatureStoreOptions {

    /** Where the online store keeps its values. */
    public enum Backend {
        /** Embedded RocksDB in a local directory: nothing to install. */
        ROCKSDB,
        /** A Redis server, shared by any number of feature servers. */
        REDIS
    }

    public static final ConfigOption<Backend> BACKEND =
            ConfigOptions.key("feature-store.backend")
                    .enumType(Backend.class)
                    .defaultValue(Backend.ROCKSDB)
                    .withDescription(
                            "The online store: ROCKSDB (embedded, in feature-store.rocksdb.path)"
                                    + " or REDIS (at feature-store.redis.uri).");

    public static final ConfigOption<String> ROCKSDB_PATH =
            ConfigOptions.key("feature-store.rocksdb.path")
                    .stringType()
                    .defaultValue("feature-store-data")
                    .withDescription(
                            "Directory of the embedded RocksDB store, created when missing. Each"
                                    + " feature server with its own RocksDB needs its own"
                                    + " feature-store.group-id: servers sharing a group would"
                                    + " each get only part of the partitions.");

    public static final ConfigOption<String> REDIS_URI =
            ConfigOptions.key("feature-store.redis.uri")
                    .stringType()
                    .defaultValue("redis://127.0.0.1:6379")
                    .withDescription(
                            "Redis to use as the online store:"
                                + " redis://[user:password@]host:port[/db] or rediss:// for TLS.");

    public static final ConfigOption<String> REDIS_KEY_PATTERN =
            ConfigOptions.key("feature-store.redis.key-pattern")
                    .stringType()
                    .defaultValue("kartshoppe:features:{featureSet}:{entityId}")
                    .withDescription(
                            "Redis key of one entity's values in one feature set; must contain"
                                    + " {featureSet} and {entityId}. Each key is a hash: the"
                                    + " feature values by name, plus __version and __event_time"
                                    + " (epoch millis).");

    public static final ConfigOption<Duration> TTL =
            ConfigOptions.key("feature-store.ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "Values are dropped this long after their event time, so the store"
                                    + " holds only shoppers active in that period (Redis expires"
                                    + " the key; RocksDB hides it at once and deletes it at the"
                                    + " next purge). 0 keeps values for ever.");

    public static final ConfigOption<Duration> PURGE_INTERVAL =
            ConfigOptions.key("feature-store.rocksdb.purge-interval")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "How often the embedded RocksDB store deletes the values that"
                                    + " feature-store.ttl has expired.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("feature-store.group-id")
                    .stringType()
                    .defaultValue("kartshoppe-feature-store")
                    .withDescription(
                            "Kafka consumer group of the materialiser. It commits its offsets"
                                    + " after each batch is written, and resumes from them after a"
                                    + " restart; a store that has never been filled is rebuilt"
                                    + " from the start of the topic whatever the group committed.");

    public static final ConfigOption<Duration> RETRY_BACKOFF =
            ConfigOptions.key("feature-store.retry-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "Wait before writing a batch again after the store failed (e.g. Redis"
                                    + " down). The batch is retried until it is written, so no"
                                    + " snapshot is skipped; /health reports DOWN meanwhile.");

    public static final ConfigOption<String> SERVER_HOST =
            ConfigOptions.key("feature-store.server.host")
                    .stringType()
                    .defaultValue("127.0.0.1")
                    .withDescription(
                            "Address the feature server binds to: loopback by default. Set"
                                    + " 0.0.0.0 to serve other hosts, with"
                                    + " feature-store.server.token set.");

    public static final ConfigOption<Integer> SERVER_PORT =
            ConfigOptions.key("feature-store.server.port")
                    .intType()
                    .defaultValue(8088)
                    .withDescription("Port of the feature server; 0 picks a free one.");

    public static final ConfigOption<String> SERVER_TOKEN =
            ConfigOptions.key("feature-store.server.token")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Bearer token every request but GET /health must carry"
                                    + " (Authorization: Bearer <token>); others get 401. Unset:"
                                    + " no authentication.");

    public static final ConfigOption<Integer> SERVER_THREADS =
            ConfigOptions.key("feature-store.server.threads")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Worker threads that look values up in the store; one event-loop"
                                    + " thread accepts connections, parses requests and writes"
                                    + " responses.");

    public static final ConfigOption<Integer> MAX_BATCH =
            ConfigOptions.key("feature-store.server.max-batch")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Most entity ids one batch lookup may ask for (more: 400).");

    public static final ConfigOption<Duration> MAX_AGE =
            ConfigOptions.key("feature-store.server.max-age")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "POST /get-online-features answers values older than this (wall clock"
                                    + " minus event time) with status OUTSIDE_MAX_AGE and a null"
                                    + " value, as Feast does past a feature view's TTL. 0: no"
                                    + " limit but feature-store.ttl.");

    public static final ConfigOption<String> TLS_KEY_STORE =
            ConfigOptions.key("feature-store.server.tls.key-store")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Key store (PKCS12 or JKS file) with the server's private key and"
                                    + " certificate chain. Set: the server speaks HTTPS only."
                                    + " Unset: plain HTTP.");

    public static final ConfigOption<String> TLS_KEY_STORE_PASSWORD =
            ConfigOptions.key("feature-store.server.tls.key-store-password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of feature-store.server.tls.key-store.");

    public static final ConfigOption<String> TLS_KEY_STORE_TYPE =
            ConfigOptions.key("feature-store.server.tls.key-store-type")
                    .stringType()
                    .defaultValue("PKCS12")
                    .withDescription("Type of feature-store.server.tls.key-store: PKCS12 or JKS.");

    /** Every option of the feature store, Kafka's and the topics it reads and writes. */
    public static final List<ConfigOption<?>> ALL = all();

    private FeatureStoreOptions() {}

    private static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all =
                new ArrayList<>(
                        List.of(
                                BACKEND,
                                ROCKSDB_PATH,
                                REDIS_URI,
                                REDIS_KEY_PATTERN,
                                TTL,
                                PURGE_INTERVAL,
                                GROUP_ID,
                                RETRY_BACKOFF,
                                SERVER_HOST,
                                SERVER_PORT,
                                SERVER_TOKEN,
                                SERVER_THREADS,
                                MAX_BATCH,
                                MAX_AGE,
                                TLS_KEY_STORE,
                                TLS_KEY_STORE_PASSWORD,
                                TLS_KEY_STORE_TYPE,
                                Topics.FEATURES_USER,
                                Topics.DLQ));
        all.addAll(KafkaOptions.ALL);
        return List.copyOf(all);
    }
}
