package com.kartshoppe.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link NewestSnapshots}. */
class NewestSnapshotsTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(30);

    private static FeatureSnapshot snapshot(String set, String user, int second, double value) {
        return FeatureSnapshot.newBuilder()
                .setFeatureSet(set)
                .setFeatureSetVersion(1)
                .setEntityId(user)
                .setEventTime(T0.plusSeconds(second))
                .setValues(Map.of("orders_1h", value))
                .build();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, FeatureSnapshot, FeatureSnapshot>
            harness(Backend backend) throws Exception {
        return Harnesses.keyed(
                new NewestSnapshots(RETENTION), EventType.FEATURE_SNAPSHOT::key, backend);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void dropsASnapshotOlderThanTheLastPassedForItsFeatureSetAndEntity(Backend backend)
            throws Exception {
        try (var h = harness(backend)) {
            List<FeatureSnapshot> in =
                    List.of(
                            snapshot("fraud_v1", "u-1", 10, 1),
                            snapshot("fraud_v1", "u-1", 5, 2), // out of order: dropped
                            snapshot("session_v1", "u-1", 5, 3), // another feature set
                            snapshot("fraud_v1", "u-2", 5, 4), // another shopper
                            snapshot("fraud_v1", "u-1", 10, 5), // same time: passes
                            snapshot("fraud_v1", "u-1", 11, 6));
            for (FeatureSnapshot s : in) {
                h.processElement(new StreamRecord<>(s));
            }

            assertThat(h.extractOutputValues())
                    .containsExactly(in.get(0), in.get(2), in.get(3), in.get(4), in.get(5));
            assertThat(Harnesses.stateEntries(h, backend, "last-event-time")).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void forgetsAnEntityAfterTheRetention(Backend backend) throws Exception {
        try (var h = harness(backend)) {
            h.setStateTtlProcessingTime(0);
            h.processElement(new StreamRecord<>(snapshot("fraud_v1", "u-1", 10, 1)));
            h.setStateTtlProcessingTime(RETENTION.toMillis() + 1);
            FeatureSnapshot older = snapshot("fraud_v1", "u-1", 5, 2);
            h.processElement(new StreamRecord<>(older));

            assertThat(h.extractOutputValues()).hasSize(2).endsWith(older);
        }
    }
}
