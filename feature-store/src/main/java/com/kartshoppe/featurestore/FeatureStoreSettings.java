package com.kartshoppe.featurestore;

import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.featurestore.FeatureStoreOptions.Backend;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The feature store's settings, read and checked once.
 *
 * <pre>{@code
 * FeatureStoreSettings settings = FeatureStoreSettings.from(conf);
 * }</pre>
 */
public record FeatureStoreSettings(
        Backend backend,
        Path rocksDbPath,
        URI redisUri,
        String redisKeyPattern,
        Duration ttl,
        Duration purgeInterval,
        String groupId,
        Duration retryBackoff,
        String host,
        int port,
        Optional<String> token,
        int threads,
        int maxBatch,
        Duration maxAge,
        Optional<Tls> tls,
        String topic,
        String deadLetterTopic,
        KafkaSettings kafka) {

    /**
     * The server's TLS key store.
     *
     * @param type PKCS12 or JKS
     */
    public record Tls(Path keyStore, String password, String type) {
        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + ", type=" + type + "]";
        }
    }

    /**
     * Reads and checks every feature-store option of {@code conf}.
     *
     * @throws IllegalArgumentException naming the key of an invalid value
     */
    public static FeatureStoreSettings from(Configuration conf) {
        String pattern = conf.get(FeatureStoreOptions.REDIS_KEY_PATTERN);
        if (!pattern.contains("{featureSet}") || !pattern.contains("{entityId}")) {
            throw invalid(
                    FeatureStoreOptions.REDIS_KEY_PATTERN,
                    "'" + pattern + "' must contain {featureSet} and {entityId}");
        }
        int port = conf.get(FeatureStoreOptions.SERVER_PORT);
        if (port < 0 || port > 65535) {
            throw invalid(FeatureStoreOptions.SERVER_PORT, port + " is not a port (0 to 65535)");
        }
        Optional<String> token =
                conf.getOptional(FeatureStoreOptions.SERVER_TOKEN).map(String::trim);
        if (token.isPresent() && token.get().isEmpty()) {
            throw invalid(FeatureStoreOptions.SERVER_TOKEN, "must not be blank (unset it instead)");
        }
        return new FeatureStoreSettings(
                conf.get(FeatureStoreOptions.BACKEND),
                Path.of(nonBlank(conf, FeatureStoreOptions.ROCKSDB_PATH)),
                redisUri(conf.get(FeatureStoreOptions.REDIS_URI)),
                pattern,
                notNegative(conf, FeatureStoreOptions.TTL),
                positive(conf, FeatureStoreOptions.PURGE_INTERVAL),
                nonBlank(conf, FeatureStoreOptions.GROUP_ID),
                positive(conf, FeatureStoreOptions.RETRY_BACKOFF),
                nonBlank(conf, FeatureStoreOptions.SERVER_HOST),
                port,
                token,
                atLeastOne(conf, FeatureStoreOptions.SERVER_THREADS),
                atLeastOne(conf, FeatureStoreOptions.MAX_BATCH),
                notNegative(conf, FeatureStoreOptions.MAX_AGE),
                tls(conf),
                nonBlank(conf, Topics.FEATURES_USER),
                nonBlank(conf, Topics.DLQ),
                KafkaSettings.from(conf));
    }

    private static Optional<Tls> tls(Configuration conf) {
        Optional<String> keyStore =
                conf.getOptional(FeatureStoreOptions.TLS_KEY_STORE).map(String::trim);
        if (keyStore.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(keyStore.get());
        if (!Files.isReadable(path)) {
            throw invalid(
                    FeatureStoreOptions.TLS_KEY_STORE, "cannot read " + path.toAbsolutePath());
        }
        String password =
                conf.getOptional(FeatureStoreOptions.TLS_KEY_STORE_PASSWORD)
                        .orElseThrow(
                                () ->
                                        invalid(
                                                FeatureStoreOptions.TLS_KEY_STORE_PASSWORD,
                                                "must be set with "
                                                        + FeatureStoreOptions.TLS_KEY_STORE.key()));
        String type =
                conf.get(FeatureStoreOptions.TLS_KEY_STORE_TYPE).trim().toUpperCase(Locale.ROOT);
        if (!type.equals("PKCS12") && !type.equals("JKS")) {
            throw invalid(
                    FeatureStoreOptions.TLS_KEY_STORE_TYPE,
                    "'" + type + "': expected PKCS12 or JKS");
        }
        return Optional.of(new Tls(path, password, type));
    }

    /** The Redis key of one entity's values in one feature set. */
    public String redisKey(String featureSet, String entityId) {
        return redisKeyPattern.replace("{featureSet}", featureSet).replace("{entityId}", entityId);
    }

    private static URI redisUri(String value) {
        try {
            URI uri = new URI(value.trim());
            if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
                    || uri.getHost() == null) {
                throw invalid(
                        FeatureStoreOptions.REDIS_URI,
                        "'" + value + "': expected redis://host:port or rediss://host:port");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid(FeatureStoreOptions.REDIS_URI, "'" + value + "': " + e.getMessage());
        }
    }

    private static String nonBlank(Configuration conf, ConfigOption<String> option) {
        String value = conf.get(option).trim();
        if (value.isEmpty()) {
            throw invalid(option, "must not be blank");
        }
        return value;
    }

    private static Duration notNegative(Configuration conf, ConfigOption<Duration> option) {
        Duration value = conf.get(option);
        if (value.isNegative()) {
            throw invalid(option, value + " is negative");
        }
        return value;
    }

    private static Duration positive(Configuration conf, ConfigOption<Duration> option) {
        Duration value = notNegative(conf, option);
        if (value.isZero()) {
            throw invalid(option, "must be positive");
        }
        return value;
    }

    private static int atLeastOne(Configuration conf, ConfigOption<Integer> option) {
        int value = conf.get(option);
        if (value < 1) {
            throw invalid(option, value + " is less than 1");
        }
        return value;
    }

    private static IllegalArgumentException invalid(ConfigOption<?> option, String why) {
        return new IllegalArgumentException(option.key() + ": " + why);
    }
}
