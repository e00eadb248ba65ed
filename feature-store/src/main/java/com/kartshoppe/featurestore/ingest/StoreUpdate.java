package com.kartshoppe.featurestore.ingest;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.featurestore.store.OnlineStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one batch of {@code features.user}, in offset order, does to the online store: the keys
 * whose tombstones it holds are deleted, then its snapshots are written, except those of a key that
 * come before the key's last tombstone. Deleting first matters: a snapshot after a tombstone (a
 * shopper erased and back) may be older by event time than the value the tombstone removes, and
 * would lose to it under newest-wins.
 *
 * <pre>{@code
 * StoreUpdate update = new StoreUpdate();
 * update.snapshot(s);                       // in offset order
 * update.tombstone(new OnlineStore.Key("fraud_v1", "u-42"));
 * update.applyTo(store);
 * }</pre>
 */
final class StoreUpdate {

    private final List<FeatureSnapshot> snapshots = new ArrayList<>();
    private final List<Integer> positions = new ArrayList<>();

    /** Per key, the position of its last tombstone. */
    private final Map<OnlineStore.Key, Integer> tombstones = new HashMap<>();

    private int position;

    /** The next record is a snapshot. */
    void snapshot(FeatureSnapshot s) {
        snapshots.add(s);
        positions.add(++position);
    }

    /** The next record is a tombstone of {@code key}. */
    void tombstone(OnlineStore.Key key) {
        tombstones.put(key, ++position);
    }

    /** The keys to delete. */
    List<OnlineStore.Key> deletes() {
        return List.copyOf(tombstones.keySet());
    }

    /** The snapshots to write after the deletes, in offset order. */
    List<FeatureSnapshot> writes() {
        if (tombstones.isEmpty()) {
            return snapshots;
        }
        List<FeatureSnapshot> after = new ArrayList<>(snapshots.size());
        for (int i = 0; i < snapshots.size(); i++) {
            FeatureSnapshot s = snapshots.get(i);
            Integer deletedAt =
                    tombstones.get(new OnlineStore.Key(s.getFeatureSet(), s.getEntityId()));
            if (deletedAt == null || positions.get(i) > deletedAt) {
                after.add(s);
            }
        }
        return after;
    }

    /**
     * Deletes, then writes. Both are idempotent, so a retry after a store failure repeats them
     * safely.
     *
     * @return what the write did, and how many of the deleted keys held values
     * @throws com.kartshoppe.featurestore.store.StoreException when the store fails
     */
    Applied applyTo(OnlineStore store) {
        List<OnlineStore.Key> deletes = deletes();
        int deleted = deletes.isEmpty() ? 0 : store.delete(deletes);
        return new Applied(store.write(writes()), deleted);
    }

    /** What {@link #applyTo} did. */
    record Applied(OnlineStore.WriteResult written, int deleted) {}
}
