package com.kartshoppe.featurestore.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.OnlineStore.Key;
import com.kartshoppe.featurestore.store.OnlineStore.WriteResult;
import com.kartshoppe.featurestore.store.RocksDbStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link StoreUpdate}, applied to a real RocksDB store. */
class StoreUpdateTest {

    private static final Instant NOW = Instant.parse("2031-06-01T12:00:00Z");
    private static final Key U1 = new Key("fraud_v1", "u-1");

    @TempDir Path dir;

    private OnlineStore store;

    @BeforeEach
    void open() {
        store = RocksDbStore.open(dir, Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void withoutTombstonesEverySnapshotIsWritten() {
        StoreUpdate update = new StoreUpdate();
        update.snapshot(snapshot("u-1", 1));
        update.snapshot(snapshot("u-2", 2));

        assertThat(update.deletes()).isEmpty();
        assertThat(update.applyTo(store))
                .isEqualTo(new StoreUpdate.Applied(new WriteResult(2, 0, 0), 0));
    }

    @Test
    void snapshotsBeforeATombstoneAreDroppedAndTheKeyDeleted() {
        store.write(List.of(snapshot("u-1", 5)));
        StoreUpdate update = new StoreUpdate();
        update.snapshot(snapshot("u-1", 6));
        update.snapshot(snapshot("u-2", 1));
        update.tombstone(U1);

        assertThat(update.writes()).containsExactly(snapshot("u-2", 1));
        assertThat(update.applyTo(store).deleted()).isEqualTo(1);
        assertThat(store.get("fraud_v1", "u-1")).isEmpty();
        assertThat(store.get("fraud_v1", "u-2")).contains(snapshot("u-2", 1));
    }

    @Test
    void aSnapshotAfterTheTombstoneWinsEvenIfOlderThanTheErasedValue() {
        // The store holds minute 5; the shopper is erased and comes back with a snapshot of
        // minute 0 (say, a replay): written after the delete, it does not lose to minute 5.
        store.write(List.of(snapshot("u-1", 5)));
        StoreUpdate update = new StoreUpdate();
        update.snapshot(snapshot("u-1", 6));
        update.tombstone(U1);
        update.snapshot(snapshot("u-1", 0));

        assertThat(update.deletes()).containsExactly(U1);
        assertThat(update.writes()).containsExactly(snapshot("u-1", 0));
        update.applyTo(store);

        assertThat(store.get("fraud_v1", "u-1")).contains(snapshot("u-1", 0));
    }

    @Test
    void onlyTheLastTombstoneOfAKeyCounts() {
        StoreUpdate update = new StoreUpdate();
        update.tombstone(U1);
        update.snapshot(snapshot("u-1", 1));
        update.tombstone(U1);
        update.snapshot(snapshot("u-1", 2));

        assertThat(update.writes()).containsExactly(snapshot("u-1", 2));
        assertThat(update.applyTo(store).written()).isEqualTo(new WriteResult(1, 0, 0));
        assertThat(store.get("fraud_v1", "u-1")).contains(snapshot("u-1", 2));
    }

    @Test
    void tombstoneKeysAreFeatureSetColonEntity() {
        assertThat(FeatureMaterializer.tombstoneKey("fraud_v1:u-1:x".getBytes()))
                .isEqualTo(new Key("fraud_v1", "u-1:x"));
        assertThat(FeatureMaterializer.tombstoneKey(null)).isNull();
        assertThat(FeatureMaterializer.tombstoneKey("u-1".getBytes())).isNull();
        assertThat(FeatureMaterializer.tombstoneKey("fraud v1:u-1".getBytes())).isNull();
        assertThat(FeatureMaterializer.tombstoneKey("fraud_v1: ".getBytes())).isNull();
    }

    private static FeatureSnapshot snapshot(String user, int minute) {
        return FeatureSnapshot.newBuilder()
                .setFeatureSet("fraud_v1")
                .setFeatureSetVersion(1)
                .setEntityId(user)
                .setEventTime(NOW.minus(Duration.ofHours(1)).plus(Duration.ofMinutes(minute)))
                .setValues(Map.of("orders_1h", (double) minute))
                .build();
    }
}
