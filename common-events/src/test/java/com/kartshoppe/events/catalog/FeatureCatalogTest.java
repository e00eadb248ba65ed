package com.kartshoppe.events.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link FeatureCatalog} and {@link FeatureSet}, and that the README documents them. */
class FeatureCatalogTest {

    @Test
    void theReadmeDocumentsEveryFeatureWithItsWindowAndUnit() throws Exception {
        String readme =
                Files.readString(
                        Path.of("..", "README.md").toAbsolutePath().normalize(),
                        StandardCharsets.UTF_8);
        for (FeatureSet set : FeatureCatalog.ALL) {
            assertThat(readme).as(set.name()).contains("`" + set.name() + "`");
            for (FeatureDefinition d : set.definitions()) {
                String row =
                        readme.lines()
                                .filter(
                                        l ->
                                                l.startsWith(
                                                        "| `"
                                                                + d.name()
                                                                + "` | `"
                                                                + set.name()
                                                                + "` |"))
                                .filter(l -> l.contains(d.unit()))
                                .findFirst()
                                .orElse(null);
                assertThat(row).as("README row for %s (%s)", d.name(), set.name()).isNotNull();
                assertThat(row).contains("| " + d.window() + " |");
                assertThat(row)
                        .contains(
                                d.kind() == FeatureDefinition.Kind.AS_OF_EVENT
                                        ? "as-of-event"
                                        : "windowed");
            }
        }
    }

    @Test
    void valuesMapInDefinitionOrder() {
        FeatureSet set =
                new FeatureSet(
                        "t",
                        3,
                        List.of(
                                new FeatureDefinition(
                                        "b",
                                        FeatureDefinition.ValueType.COUNT,
                                        "x",
                                        FeatureDefinition.Kind.AS_OF_EVENT,
                                        "-",
                                        0,
                                        "b"),
                                new FeatureDefinition(
                                        "a",
                                        FeatureDefinition.ValueType.REAL,
                                        "x",
                                        FeatureDefinition.Kind.AS_OF_EVENT,
                                        "-",
                                        7,
                                        "a")));

        Map<String, Double> map = set.toMap(new double[] {1, 2});

        assertThat(map.keySet()).containsExactly("b", "a");
        assertThat(set.indexOf("a")).isEqualTo(1);
        assertThat(set.definition("a").defaultValue()).isEqualTo(7);
        assertThatThrownBy(() -> set.definition("c"))
                .hasMessageContaining("t v3 has no feature 'c'");
    }

    @Test
    void snapshotsAndVectorsRoundTripWithDefaultsForMissingFeatures() {
        FeatureSet set = FeatureCatalog.FRAUD_V1;
        double[] values = new double[set.size()];
        values[set.indexOf("orders_1h")] = 3;

        var snapshot = set.snapshot("u-1", 1_000L, values);
        snapshot.getValues().remove("minutes_since_last_login");
        double[] back = new double[set.size()];
        int defaulted = set.fill(snapshot.getValues(), back);

        assertThat(snapshot.getFeatureSet()).isEqualTo("fraud_v1");
        assertThat(snapshot.getEventTime().toEpochMilli()).isEqualTo(1_000L);
        assertThat(defaulted).isEqualTo(1);
        assertThat(back[set.indexOf("orders_1h")]).isEqualTo(3);
        assertThat(back[set.indexOf("minutes_since_last_login")])
                .isEqualTo(FeatureCatalog.MINUTES_CAP);
    }

    @Test
    void badDefinitionsAreRefused() {
        assertThatThrownBy(
                        () ->
                                new FeatureDefinition(
                                        "Bad Name",
                                        FeatureDefinition.ValueType.FLAG,
                                        "",
                                        FeatureDefinition.Kind.WINDOWED,
                                        "-",
                                        0,
                                        ""))
                .hasMessageContaining("snake_case");
        FeatureDefinition d =
                new FeatureDefinition(
                        "x",
                        FeatureDefinition.ValueType.FLAG,
                        "",
                        FeatureDefinition.Kind.WINDOWED,
                        "-",
                        0,
                        "");
        assertThatThrownBy(() -> new FeatureSet("s", 1, List.of(d, d)))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> FeatureCatalog.byName("fraud_v9"))
                .hasMessageContaining("fraud_v1");
    }
}
