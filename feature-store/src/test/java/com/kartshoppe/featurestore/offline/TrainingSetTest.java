package com.kartshoppe.featurestore.offline;

import static com.kartshoppe.featurestore.offline.SnapshotIndexTest.T0;
import static com.kartshoppe.featurestore.offline.SnapshotIndexTest.fraud;
import static com.kartshoppe.featurestore.offline.SnapshotIndexTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.catalog.FeatureCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link TrainingSet}. */
class TrainingSetTest {

    @TempDir Path dir;

    private static SnapshotIndex index(List<FeatureSnapshot> snapshots) {
        SnapshotIndex.Builder builder = SnapshotIndex.builder(FeatureCatalog.FRAUD_V1);
        snapshots.forEach(builder::add);
        return builder.build();
    }

    @Test
    void labelsGetTheValuesAsOfTheirTimeAndThoseWithoutAreOnlyCounted() {
        SnapshotIndex index =
                index(
                        List.of(
                                fraud("u-1", 2_000, 2),
                                snapshot("session_v1", "u-3", 0, 5),
                                fraud("u-1", 1_000, 1),
                                fraud("u-2", 3_000, 3)));
        List<Label> labels =
                List.of(
                        new Label("a", "u-1", T0.plusMillis(1_999), 1),
                        new Label("b", "u-2", T0.plusMillis(2_999), 0),
                        new Label(null, "u-1", T0.plusMillis(2_000), 0),
                        new Label("c", "u-3", T0.plusMillis(10_000), 1));

        TrainingSet set = TrainingSet.join(labels, index);

        assertThat(set.rows())
                .extracting(TrainingRow::id, TrainingRow::featureTime, r -> r.values())
                .containsExactly(
                        tuple("a", T0.plusMillis(1_000), Map.of("views_10m", 1.0)),
                        tuple(null, T0.plusMillis(2_000), Map.of("views_10m", 2.0)));
        assertThat(set.summary()).isEqualTo(new TrainingSet.Summary(4, 2, 2, "fraud_v1", 3));
    }

    @Test
    void writesOneRowPerJoinedLabelAndASummary() throws Exception {
        FeatureSnapshot snapshot =
                FeatureSnapshot.newBuilder(fraud("u-1", 1_000, 0))
                        .setValues(Map.of("zz_extra", 9.0, "orders_1h", 2.0, "views_10m", 0.25))
                        .build();
        TrainingSet set =
                TrainingSet.join(
                        List.of(
                                new Label("p-1", "u-1", T0.plusMillis(1_500), 1),
                                new Label("p-2", "u-1", T0.plusMillis(1_500), 0.75),
                                new Label("p-3", "u-1", T0, 0)),
                        index(List.of(snapshot)));

        Path file = set.write(dir.resolve("out"));

        assertThat(file).isEqualTo(dir.resolve("out").resolve(TrainingSet.ROWS_FILE));
        List<String> lines = Files.readAllLines(file);
        assertThat(lines)
                .containsExactly(
                        "{\"id\":\"p-1\",\"entityId\":\"u-1\",\"time\":\"2026-01-01T00:00:01.500Z\","
                            + "\"label\":1,\"featureSet\":\"fraud_v1\",\"featureSetVersion\":1,"
                            + "\"featureTime\":\"2026-01-01T00:00:01Z\",\"values\":"
                            + "{\"views_10m\":0.25,\"orders_1h\":2.0,\"zz_extra\":9.0}}",
                        "{\"id\":\"p-2\",\"entityId\":\"u-1\",\"time\":\"2026-01-01T00:00:01.500Z\","
                            + "\"label\":0.75,\"featureSet\":\"fraud_v1\",\"featureSetVersion\":1,"
                            + "\"featureTime\":\"2026-01-01T00:00:01Z\",\"values\":"
                            + "{\"views_10m\":0.25,\"orders_1h\":2.0,\"zz_extra\":9.0}}");
        JsonNode summary =
                new ObjectMapper()
                        .readTree(dir.resolve("out").resolve(TrainingSet.SUMMARY_FILE).toFile());
        assertThat(summary.get("labels").asLong()).isEqualTo(3);
        assertThat(summary.get("joined").asLong()).isEqualTo(2);
        assertThat(summary.get("withoutFeatures").asLong()).isEqualTo(1);
        assertThat(summary.get("featureSet").asText()).isEqualTo("fraud_v1");
        assertThat(summary.get("snapshots").asLong()).isEqualTo(1);
    }

    @Test
    void aWrittenSetReadsBackAsExamplesAndANonBinaryLabelIsNamedByLine() throws Exception {
        FeatureSnapshot snapshot =
                FeatureSnapshot.newBuilder(fraud("u-1", 1_000, 0))
                        .setValues(Map.of("orders_1h", 2.0, "views_10m", 0.25))
                        .build();
        Path out = dir.resolve("out");
        TrainingSet.join(
                        List.of(
                                new Label("p-1", "u-1", T0.plusMillis(1_500), 1),
                                new Label("p-2", "u-1", T0.plusMillis(2_500), 0)),
                        index(List.of(snapshot)))
                .write(out);

        List<LabeledExample> examples = TrainingSet.readExamples(out, UseCase.FRAUD);

        assertThat(examples)
                .extracting(
                        LabeledExample::getPredictionId,
                        LabeledExample::getEntityId,
                        LabeledExample::getEventTime,
                        LabeledExample::getFeatureSet,
                        LabeledExample::getFeatures,
                        LabeledExample::getLabel,
                        LabeledExample::getLabelSource,
                        LabeledExample::getUseCase)
                .containsExactly(
                        tuple(
                                "p-1",
                                "u-1",
                                T0.plusMillis(1_500),
                                "fraud_v1",
                                Map.of("views_10m", 0.25, "orders_1h", 2.0),
                                1,
                                TrainingSet.LABEL_SOURCE,
                                UseCase.FRAUD),
                        tuple(
                                "p-2",
                                "u-1",
                                T0.plusMillis(2_500),
                                "fraud_v1",
                                Map.of("views_10m", 0.25, "orders_1h", 2.0),
                                0,
                                TrainingSet.LABEL_SOURCE,
                                UseCase.FRAUD));
        Path file = out.resolve(TrainingSet.ROWS_FILE);
        Files.writeString(file, Files.readString(file).replace("\"label\":0,", "\"label\":0.75,"));
        assertThatThrownBy(() -> TrainingSet.readExamples(file, UseCase.FRAUD))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ":2: not a training-set row (label 0.75 is not 0 or 1)");
    }
}
