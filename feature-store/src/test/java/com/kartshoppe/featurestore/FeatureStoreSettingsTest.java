package com.kartshoppe.featurestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link FeatureStoreSettings}. */
class FeatureStoreSettingsTest {

    private static FeatureStoreSettings from(Map<String, String> values) {
        return FeatureStoreSettings.from(Configuration.fromMap(values));
    }

    @Test
    void defaultsAreLocalAndSafe() {
        FeatureStoreSettings s = from(Map.of());

        assertThat(s.backend()).isEqualTo(FeatureStoreOptions.Backend.ROCKSDB);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.token()).isEmpty();
        assertThat(s.topic()).isEqualTo("features.user");
        assertThat(s.redisKey("fraud_v1", "u-1")).isEqualTo("kartshoppe:features:fraud_v1:u-1");
    }

    @Test
    void eachInvalidValueNamesItsKey() {
        Map<String, String> invalid =
                Map.of(
                        "feature-store.redis.key-pattern", "features:{entityId}",
                        "feature-store.redis.uri", "http://localhost:6379",
                        "feature-store.server.port", "70000",
                        "feature-store.server.token", " ",
                        "feature-store.ttl", "-1 s",
                        "feature-store.rocksdb.purge-interval", "0 s",
                        "feature-store.server.threads", "0",
                        "feature-store.server.max-batch", "0",
                        "feature-store.group-id", " ",
                        "kafka.bootstrap-servers", "nohost");
        invalid.forEach(
                (key, value) ->
                        assertThatThrownBy(() -> from(Map.of(key, value)))
                                .as(key)
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessageContaining(key));
    }

    @Test
    void readsTheRedisSettings() {
        FeatureStoreSettings s =
                from(
                        Map.of(
                                "feature-store.backend", "REDIS",
                                "feature-store.redis.uri", "rediss://cache.internal:6380/2",
                                "feature-store.redis.key-pattern", "fs/{featureSet}/{entityId}"));

        assertThat(s.backend()).isEqualTo(FeatureStoreOptions.Backend.REDIS);
        assertThat(s.redisUri().getPort()).isEqualTo(6380);
        assertThat(s.redisKey("session_v1", "u-9")).isEqualTo("fs/session_v1/u-9");
    }
}
