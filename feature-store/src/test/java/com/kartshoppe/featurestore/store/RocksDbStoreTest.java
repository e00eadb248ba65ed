package com.kartshoppe.featurestore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.FeatureSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link RocksDbStore}. */
class RocksDbStoreTest extends OnlineStoreContract {

    @TempDir Path dir;

    @Override
    OnlineStore open(MutableClock clock) {
        return RocksDbStore.open(dir.resolve("db"), TTL, clock);
    }

    @Test
    void keepsValuesAndTheMarkerAcrossARestart() {
        FeatureSnapshot s = snapshot("fraud_v1", "u-1", t0, 2);
        store.write(List.of(s));
        store.markInitialized();
        store.close();

        store = open(clock);

        assertThat(store.get("fraud_v1", "u-1")).contains(s);
        assertThat(store.initialized()).isTrue();
    }

    @Test
    void purgeDeletesExactlyTheExpiredValues() {
        store.write(
                List.of(
                        snapshot("fraud_v1", "u-1", t0, 1),
                        snapshot("fraud_v1", "u-2", t0.plus(Duration.ofDays(1)), 2)));
        store.markInitialized();
        clock.advance(Duration.ofDays(7));

        assertThat(store.purgeExpired()).isEqualTo(1);
        assertThat(store.purgeExpired()).isZero();

        assertThat(store.get("fraud_v1", "u-2")).isPresent();
        assertThat(store.initialized()).isTrue();
    }

    @Test
    void aSecondProcessCannotOpenTheSameDirectory() {
        assertThatThrownBy(() -> RocksDbStore.open(dir.resolve("db"), TTL, clock))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(dir.resolve("db").toString());
    }
}
