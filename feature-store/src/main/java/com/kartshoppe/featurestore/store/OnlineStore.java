package com.kartshoppe.featurestore.store;

import com.kartshoppe.events.FeatureSnapshot;
import java.util.List;
import java.util.Optional;

/**
 * The newest feature values per (feature set, entity id), by event time: a snapshot never replaces
 * one with a later event time (at equal event times the later write wins, as in a compacted topic).
 * Values older than the store's TTL are neither written nor returned. Reads are thread-safe; one
 * writer (the materialiser) at a time.
 *
 * <pre>{@code
 * try (OnlineStore store = OnlineStores.open(settings, Clock.systemUTC())) {
 *     store.write(List.of(snapshot));
 *     Optional<FeatureSnapshot> newest = store.get("fraud_v1", "u-42");
 * }
 * }</pre>
 */
public interface OnlineStore extends AutoCloseable {

    /**
     * Writes each snapshot unless the store holds a newer one for its key or it has expired.
     *
     * @throws StoreException when the store cannot be written; nothing is then known written
     */
    WriteResult write(List<FeatureSnapshot> snapshots);

    /**
     * Removes the values of each (feature set, entity id) key, so that a snapshot with any event
     * time can be written for it again: what a tombstone on the topic, or an erasure, does.
     *
     * @param keys pairs of feature set and entity id
     * @return how many keys held values
     * @throws StoreException when the store cannot be written; nothing is then known deleted
     */
    int delete(List<Key> keys);

    /** The newest values of {@code entityId} in {@code featureSet}, if any and not expired. */
    Optional<FeatureSnapshot> get(String featureSet, String entityId);

    /** {@link #get} for many entities at once, in their order. */
    List<Optional<FeatureSnapshot>> getAll(String featureSet, List<String> entityIds);

    /**
     * Whether this store was ever filled by a materialiser: a store that was not (new, wiped or
     * flushed) must be rebuilt from the start of the topic, whatever offsets a group committed.
     */
    boolean initialized();

    /** Records that the store holds everything up to the offsets committed next. */
    void markInitialized();

    /**
     * Deletes values the TTL has expired; returns how many. Stores that expire keys themselves do
     * nothing.
     */
    default long purgeExpired() {
        return 0;
    }

    /** What the store is and where, for logs and /health, e.g. {@code rocksdb:/data/fs}. */
    String describe();

    @Override
    void close();

    /** One entity's values in one feature set. */
    record Key(String featureSet, String entityId) {}

    /** What one {@link #write} did with its snapshots. */
    record WriteResult(int written, int stale, int expired) {}
}
