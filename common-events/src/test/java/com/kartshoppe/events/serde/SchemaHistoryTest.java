package com.kartshoppe.events.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link SchemaHistory}. */
class SchemaHistoryTest {

    static List<EventType<?>> types() {
        return EventType.ALL;
    }

    @ParameterizedTest
    @MethodSource("types")
    void newestReleasedVersionIsTheCompiledSchema(EventType<?> type) {
        List<Schema> versions = SchemaHistory.versions(type);
        Schema newest = versions.get(versions.size() - 1);

        assertThat(SchemaHistory.fingerprint(newest))
                .as(
                        "%s: edit the schema only by adding history/%s/v%d.avsc",
                        type, type, versions.size() + 1)
                .isEqualTo(SchemaHistory.fingerprint(type.schema()));
        // Defaults and docs are not in the fingerprint; compare them too.
        assertThat(newest.toString()).isEqualTo(withoutJavaStringHints(type.schema()));
    }

    /** The generated class's schema carries the compiler's string-type hints; drop them. */
    private static String withoutJavaStringHints(Schema schema) {
        return schema.toString()
                .replace(",\"avro.java.string\":\"String\"", "")
                .replace("{\"type\":\"string\"}", "\"string\"");
    }

    @ParameterizedTest
    @MethodSource("types")
    void everyReleasedWriterIsReadableByTheCurrentReader(EventType<?> type) {
        for (Schema writer : SchemaHistory.versions(type)) {
            SchemaCompatibility.SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(type.schema(), writer);
            assertThat(result.getType())
                    .as("%s reading %s: %s", type, writer, result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void versionsAreDistinct(EventType<?> type) {
        Set<Long> fingerprints = new HashSet<>();
        for (Schema version : SchemaHistory.versions(type)) {
            assertThat(fingerprints.add(SchemaHistory.fingerprint(version)))
                    .as("%s has two identical versions", type)
                    .isTrue();
        }
    }

    @Test
    void clickEventShipsARealSecondVersion() {
        List<Schema> versions = SchemaHistory.versions(EventType.CLICK);

        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).getField("recoPosition")).isNull();
        Schema.Field added = versions.get(1).getField("recoPosition");
        assertThat(added).isNotNull();
        assertThat(added.hasDefaultValue()).isTrue();
    }

    @Test
    void oldReaderCanStillReadTheNewWriter() {
        // Forward compatibility: services still on ClickEvent v1 can read v2 records.
        List<Schema> versions = SchemaHistory.versions(EventType.CLICK);
        assertThat(
                        SchemaCompatibility.checkReaderWriterCompatibility(
                                        versions.get(0), versions.get(1))
                                .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    static List<EventType<?>> explained() {
        return List.of(EventType.FRAUD_DECISION, EventType.PREDICTION);
    }

    @Test
    void decisionsAddTheirRuleSetInAThirdVersionThatV1AndV2ReadersRead() {
        List<Schema> versions = SchemaHistory.versions(EventType.FRAUD_DECISION);

        assertThat(versions).hasSize(3);
        assertThat(versions.get(1).getField("ruleSetId")).isNull();
        for (String added : List.of("ruleSetId", "ruleSetVersion")) {
            assertThat(versions.get(2).getField(added).hasDefaultValue()).as(added).isTrue();
        }
        for (Schema older : versions.subList(0, 2)) {
            assertThat(
                            SchemaCompatibility.checkReaderWriterCompatibility(
                                            older, versions.get(2))
                                    .getType())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("explained")
    void decisionsAndPredictionsAddContributionsInASecondVersion(EventType<?> type) {
        List<Schema> versions = SchemaHistory.versions(type);

        // Decisions added their rule set in a third version; predictions have two.
        assertThat(versions).hasSize(type == EventType.FRAUD_DECISION ? 3 : 2);
        assertThat(versions.get(0).getField("contributions")).isNull();
        for (String added : List.of("contributions", "contributionMethod")) {
            assertThat(versions.get(1).getField(added).hasDefaultValue())
                    .as("%s.%s has a default", type, added)
                    .isTrue();
        }
        // Consumers still on v1 (the shop, older feedback jobs) read v2 records.
        assertThat(
                        SchemaCompatibility.checkReaderWriterCompatibility(
                                        versions.get(0), versions.get(1))
                                .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
}
