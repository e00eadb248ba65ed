package com.kartshoppe.featurestore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.FeatureSnapshot;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Tests for {@link RedisStore}, against a real redis-server. */
class RedisStoreTest extends OnlineStoreContract {

    private static LocalRedis redis;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = LocalRedis.start();
        client = RedisClient.create(redis.uri());
    }

    @AfterAll
    static void stopRedis() {
        client.close();
        redis.close();
    }

    /**
     * Redis expires keys at event time + TTL by its own wall clock, which no test can move: the
     * test's clock starts at the real now, and event times are built relative to it.
     */
    @Override
    Instant clockStart() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    OnlineStore open(MutableClock clock) {
        client.flushAll();
        return RedisStore.open(redis.uri(), RedisStoreTest::key, TTL, clock);
    }

    private static String key(String featureSet, String entityId) {
        return "test:" + featureSet + ":" + entityId;
    }

    @Test
    void storesAHashPerEntityAtTheConfiguredKeyExpiringAtEventTimePlusTtl() {
        store.write(List.of(snapshot("fraud_v1", "u-1", t0, 2)));

        assertThat(client.hgetAll("test:fraud_v1:u-1"))
                .isEqualTo(
                        Map.of(
                                "__event_time", Long.toString(t0.toEpochMilli()),
                                "__version", "1",
                                "orders_1h", "2.0",
                                "amount_1h_eur", "21.0"));
        // Redis expires the key by its own clock, at event time + TTL.
        assertThat(client.pexpireTime("test:fraud_v1:u-1")).isEqualTo(t0.plus(TTL).toEpochMilli());
    }

    @Test
    void writesAgainAfterRedisLostItsScripts() {
        client.scriptFlush();
        FeatureSnapshot s = snapshot("fraud_v1", "u-1", t0, 2);

        assertThat(store.write(List.of(s)).written()).isEqualTo(1);
        assertThat(store.get("fraud_v1", "u-1")).contains(s);
    }

    @Test
    void anUnreachableServerIsNamed() {
        URI nowhere = URI.create("redis://127.0.0.1:1");
        assertThatThrownBy(() -> RedisStore.open(nowhere, RedisStoreTest::key, TTL, clock))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("redis://127.0.0.1:1");
    }

    @Test
    void aFlushedServerIsNoLongerInitialized() {
        store.markInitialized();
        client.flushAll();

        assertThat(store.initialized()).isFalse();
    }
}
