package com.kartshoppe.featurestore.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Labels}. */
class LabelsTest {

    @TempDir Path dir;

    private static final String GOOD =
            "{\"id\":\"p-1\",\"entityId\":\"u-1\",\"time\":\"2026-01-01T00:00:00Z\",\"label\":1}";

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("labels.jsonl"), java.util.List.of(lines));
    }

    @Test
    void readsIsoAndEpochMillisTimesOptionalIdsAndAnyNumberAsLabel() throws Exception {
        Path file =
                file(
                        GOOD,
                        "",
                        "{\"entityId\":\"u-2\",\"time\":1767225600001,\"label\":0.25,\"note\":\"x\"}",
                        "{\"id\":null,\"entityId\":\"u-3\",\"time\":\"2026-01-01T01:00:00+01:00\","
                                + "\"label\":-2}");

        assertThat(Labels.read(file))
                .containsExactly(
                        new Label("p-1", "u-1", Instant.parse("2026-01-01T00:00:00Z"), 1),
                        new Label(null, "u-2", Instant.parse("2026-01-01T00:00:00.001Z"), 0.25),
                        new Label(null, "u-3", Instant.parse("2026-01-01T00:00:00Z"), -2));
    }

    @Test
    void aMalformedLineIsNamedByFileLineAndField() throws Exception {
        assertFails(
                file(GOOD, "{\"entityId\":\"u-1\",\"label\":1}"),
                "line 2: field 'time' is missing");
        assertFails(
                file(GOOD, GOOD, "{\"entityId\":\"u-1\",\"time\":\"yesterday\",\"label\":1}"),
                "line 3: field 'time': expected an ISO-8601 instant");
        assertFails(
                file("{\"entityId\":\"u-1\",\"time\":1.5,\"label\":1}"),
                "line 1: field 'time': expected");
        assertFails(
                file("{\"entityId\":\"u-1\",\"time\":0,\"label\":\"yes\"}"),
                "line 1: field 'label': expected a number but got \"yes\"");
        assertFails(file("{\"entityId\":\"u-1\",\"time\":0}"), "line 1: field 'label' is missing");
        assertFails(
                file("{\"entityId\":42,\"time\":0,\"label\":1}"),
                "line 1: field 'entityId': expected a non-blank string but got 42");
        assertFails(file("{\"time\":0,\"label\":1}"), "line 1: field 'entityId' is missing");
        assertFails(
                file("{\"id\":7,\"entityId\":\"u-1\",\"time\":0,\"label\":1}"),
                "line 1: field 'id': expected a string but got 7");
        assertFails(
                file("{\"entityId\":\"u-1\",\"time\":0,\"label\":1,\"label\":0}"),
                "line 1: invalid JSON (Duplicate field 'label')");
        assertFails(file(GOOD, "[1, 2]"), "line 2: not a JSON object");
        assertFails(file("{\"entityId\":"), "line 1: invalid JSON");
    }

    private static void assertFails(Path file, String message) {
        assertThatThrownBy(() -> Labels.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + " ")
                .hasMessageContaining(message);
    }
}
