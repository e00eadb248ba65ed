package com.kartshoppe.featurestore.offline;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureCatalog;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link SnapshotIndex}. */
class SnapshotIndexTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A fraud_v1 snapshot of {@code entity} at T0 + {@code millis}, marked by one value. */
    static FeatureSnapshot fraud(String entity, long millis, double views) {
        return snapshot("fraud_v1", entity, millis, views);
    }

    static FeatureSnapshot snapshot(String set, String entity, long millis, double views) {
        return FeatureSnapshot.newBuilder()
                .setEntityId(entity)
                .setFeatureSet(set)
                .setFeatureSetVersion(1)
                .setEventTime(T0.plusMillis(millis))
                .setValues(Map.of("views_10m", views))
                .build();
    }

    private static SnapshotIndex index(FeatureSnapshot... snapshots) {
        SnapshotIndex.Builder builder = SnapshotIndex.builder(FeatureCatalog.FRAUD_V1);
        for (FeatureSnapshot s : snapshots) {
            builder.add(s);
        }
        return builder.build();
    }

    @Test
    void aSnapshotAtExactlyTheLabelTimeIsUsedAndOneAMillisecondLaterIsNot() {
        FeatureSnapshot at = fraud("u-1", 1_000, 1);
        FeatureSnapshot later = fraud("u-1", 1_001, 2);
        SnapshotIndex index = index(at, later);

        assertThat(index.asOf("u-1", T0.plusMillis(1_000))).contains(at);
        assertThat(index.asOf("u-1", T0.plusMillis(1_001))).contains(later);
        assertThat(index.asOf("u-1", T0.plusMillis(999))).isEmpty();
    }

    @Test
    void theNewestSnapshotNotAfterTheLabelTimeWinsEvenWhenLaterOnesArriveFirst() {
        FeatureSnapshot third = fraud("u-1", 3_000, 3);
        FeatureSnapshot first = fraud("u-1", 1_000, 1);
        FeatureSnapshot fifth = fraud("u-1", 5_000, 5);
        FeatureSnapshot second = fraud("u-1", 2_000, 2);
        SnapshotIndex index = index(third, first, fifth, second);

        assertThat(index.asOf("u-1", T0.plusMillis(2_500))).contains(second);
        assertThat(index.asOf("u-1", T0.plusMillis(4_999))).contains(third);
        assertThat(index.asOf("u-1", T0.plusMillis(1_000))).contains(first);
        assertThat(index.asOf("u-1", T0.plusMillis(9_000))).contains(fifth);
    }

    @Test
    void ofSnapshotsAtTheSameEventTimeTheLastInInputOrderWins() {
        FeatureSnapshot order = fraud("u-1", 1_000, 1);
        FeatureSnapshot payment = fraud("u-1", 1_000, 2);
        FeatureSnapshot earlier = fraud("u-1", 500, 0);

        assertThat(index(order, payment, earlier).asOf("u-1", T0.plusMillis(1_000)))
                .contains(payment);
        assertThat(index(payment, earlier, order).asOf("u-1", T0.plusMillis(1_500)))
                .contains(order);
    }

    @Test
    void aLabelBeforeEverySnapshotOrOfAnUnknownEntityHasNone() {
        SnapshotIndex index = index(fraud("u-1", 1_000, 1), fraud("u-1", 2_000, 2));

        assertThat(index.asOf("u-1", T0)).isEmpty();
        assertThat(index.asOf("u-1", T0.minusSeconds(3600))).isEmpty();
        assertThat(index.asOf("u-2", T0.plusMillis(5_000))).isEmpty();
    }

    @Test
    void snapshotsOfOtherFeatureSetsAndEntitiesAreIgnored() {
        FeatureSnapshot mine = fraud("u-1", 1_000, 1);
        FeatureSnapshot session = snapshot("session_v1", "u-1", 1_500, 9);
        FeatureSnapshot otherShopper = fraud("u-2", 1_600, 7);
        SnapshotIndex index = index(mine, session, otherShopper);

        assertThat(index.asOf("u-1", T0.plusMillis(2_000))).contains(mine);
        assertThat(index.snapshots()).isEqualTo(2);
        assertThat(index.entities()).isEqualTo(2);
        assertThat(index.featureSet()).isSameAs(FeatureCatalog.FRAUD_V1);
    }
}
