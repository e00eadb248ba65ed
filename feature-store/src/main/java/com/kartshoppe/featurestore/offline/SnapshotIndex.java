package com.kartshoppe.featurestore.offline;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The snapshots of one feature set, by entity and event time, for as-of look-ups: which values were
 * current for an entity at a given time, and never later ones.
 *
 * <pre>{@code
 * SnapshotIndex.Builder builder = SnapshotIndex.builder(FeatureCatalog.FRAUD_V1);
 * snapshots.forEach(builder::add); // snapshots of other feature sets are skipped
 * SnapshotIndex index = builder.build();
 * Optional<FeatureSnapshot> asOf = index.asOf("u-7", Instant.parse("2026-01-01T00:10:00Z"));
 * }</pre>
 *
 * <p>The rule: of the entity's snapshots with {@code eventTime <= time}, the one with the greatest
 * event time; of several at that same event time, the one added last, which is what the online
 * store and a compacted topic keep. A snapshot with {@code eventTime > time} is never returned,
 * however it was ordered in the input: that would leak the future into a training row.
 *
 * <p>Known limit: the index holds every snapshot of its feature set in memory (the input is read
 * once, other sets are not kept). Look-ups are a hash look-up and a binary search.
 */
public final class SnapshotIndex {

    private final FeatureSet featureSet;
    private final Map<String, Timeline> byEntity;
    private final long snapshots;

    private SnapshotIndex(FeatureSet featureSet, Map<String, Timeline> byEntity, long snapshots) {
        this.featureSet = featureSet;
        this.byEntity = byEntity;
        this.snapshots = snapshots;
    }

    /** An empty index of {@code featureSet}'s snapshots, matched by the set's name. */
    public static Builder builder(FeatureSet featureSet) {
        return new Builder(featureSet);
    }

    public FeatureSet featureSet() {
        return featureSet;
    }

    /** Snapshots of the feature set held. */
    public long snapshots() {
        return snapshots;
    }

    /** Entities with at least one snapshot. */
    public int entities() {
        return byEntity.size();
    }

    /**
     * The entity's snapshot that was current at {@code time}: the newest with {@code eventTime <=
     * time}, the last added among equals; empty if the entity had none by then.
     */
    public Optional<FeatureSnapshot> asOf(String entityId, Instant time) {
        Timeline timeline = byEntity.get(entityId);
        return timeline == null ? Optional.empty() : timeline.asOf(time.toEpochMilli());
    }

    /** One entity's snapshots, sorted by event time, ties in the order they were added. */
    private record Timeline(long[] times, FeatureSnapshot[] snapshots) {

        Optional<FeatureSnapshot> asOf(long time) {
            // The first position whose event time is after `time`; the one before it is the answer.
            int low = 0;
            int high = times.length;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (times[mid] <= time) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low == 0 ? Optional.empty() : Optional.of(snapshots[low - 1]);
        }
    }

    /** Collects snapshots in input order; {@link #build()} sorts them once. */
    public static final class Builder {

        private final FeatureSet featureSet;
        private final Map<String, List<FeatureSnapshot>> byEntity = new HashMap<>();
        private long snapshots;

        private Builder(FeatureSet featureSet) {
            this.featureSet = Objects.requireNonNull(featureSet, "featureSet");
        }

        /** Adds a snapshot if it is of this index's feature set; skips it otherwise. */
        public Builder add(FeatureSnapshot snapshot) {
            if (featureSet.name().equals(snapshot.getFeatureSet())) {
                byEntity.computeIfAbsent(snapshot.getEntityId(), e -> new ArrayList<>())
                        .add(snapshot);
                snapshots++;
            }
            return this;
        }

        public SnapshotIndex build() {
            Map<String, Timeline> timelines = new HashMap<>(byEntity.size() * 2);
            for (Map.Entry<String, List<FeatureSnapshot>> e : byEntity.entrySet()) {
                List<FeatureSnapshot> list = e.getValue();
                // List.sort is stable: snapshots at the same event time stay in input order, so
                // the last of them is the one the online store and a compacted topic keep.
                list.sort(Comparator.comparing(FeatureSnapshot::getEventTime));
                long[] times = new long[list.size()];
                for (int i = 0; i < times.length; i++) {
                    times[i] = list.get(i).getEventTime().toEpochMilli();
                }
                timelines.put(
                        e.getKey(), new Timeline(times, list.toArray(FeatureSnapshot[]::new)));
            }
            return new SnapshotIndex(featureSet, timelines, snapshots);
        }
    }
}
