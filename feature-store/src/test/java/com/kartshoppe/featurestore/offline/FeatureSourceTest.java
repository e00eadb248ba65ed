package com.kartshoppe.featurestore.offline;

import static com.kartshoppe.featurestore.offline.SnapshotIndexTest.T0;
import static com.kartshoppe.featurestore.offline.SnapshotIndexTest.fraud;
import static com.kartshoppe.featurestore.offline.SnapshotIndexTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link FeatureSource}. */
class FeatureSourceTest {

    @TempDir Path dir;

    @Test
    void readsTheSnapshotsOfOneSetFromADirectoryOrAFile() throws Exception {
        FeatureSnapshot early = fraud("u-1", 1_000, 1);
        FeatureSnapshot session = snapshot("session_v1", "u-1", 1_500, 4);
        FeatureSnapshot late = fraud("u-1", 2_000, 2);
        Path file = JsonCodec.file(dir, EventType.FEATURE_SNAPSHOT);
        JsonCodec.of(EventType.FEATURE_SNAPSHOT).writeFile(file, List.of(late, session, early));

        for (String spec : List.of("jsonl:" + dir, "jsonl:" + file)) {
            SnapshotIndex fraud = FeatureSource.read(spec, FeatureCatalog.FRAUD_V1);
            assertThat(fraud.snapshots()).isEqualTo(2);
            assertThat(fraud.asOf("u-1", T0.plusMillis(1_999))).contains(early);
        }
        SnapshotIndex sessions = FeatureSource.read("jsonl:" + dir, FeatureCatalog.SESSION_V1);
        assertThat(sessions.snapshots()).isEqualTo(1);
        // every snapshot read, as read, for a progress line
        List<FeatureSnapshot> seen = new ArrayList<>();
        FeatureSource.read("jsonl:" + dir, FeatureCatalog.FRAUD_V1, seen::add);
        assertThat(seen).containsExactly(late, session, early);
        assertThat(sessions.asOf("u-1", T0.plusMillis(1_999))).contains(session);
    }

    @Test
    void aBadSpecAMissingFileOrABadLineIsNamed() throws Exception {
        assertThatThrownBy(() -> FeatureSource.read("file:/tmp/x", FeatureCatalog.FRAUD_V1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Features 'file:/tmp/x': use jsonl:PATH or kafka:BOOTSTRAP[/TOPIC]");
        assertThatThrownBy(() -> FeatureSource.read("jsonl:" + dir, FeatureCatalog.FRAUD_V1))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(JsonCodec.file(dir, EventType.FEATURE_SNAPSHOT).toString());

        Path file = JsonCodec.file(dir, EventType.FEATURE_SNAPSHOT);
        Files.writeString(
                file,
                JsonCodec.of(EventType.FEATURE_SNAPSHOT).toJson(fraud("u-1", 0, 1))
                        + "\n{\"entityId\":\"u-1\"}\n");
        assertThatThrownBy(() -> FeatureSource.read("jsonl:" + file, FeatureCatalog.FRAUD_V1))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + " line 2: FeatureSnapshot");
    }
}
