package com.kartshoppe.playground.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ReportFiles}. */
class ReportFilesTest {

    @TempDir Path dir;

    @Test
    void writesTheJsonAndAPageWithEverythingInlined() throws Exception {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("kind", "training");
        report.put("title", "a <b> & c");
        report.put("examples", "jsonl:/tmp/</script><!--x");
        report.putNull("auc");
        Path out = dir.resolve("new/reports");

        ReportFiles.write(out, report);

        assertThat(new ObjectMapper().readTree(out.resolve("report.json").toFile()))
                .isEqualTo(report);
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html)
                .contains("<title>KartShoppe RT-ML: a &lt;b&gt; &amp; c</title>")
                // Chart.js, the script and the style are inlined; no placeholder is left
                .contains("Chart.js v4")
                .contains("document.body.dataset.rendered")
                .contains("--bg: #f5f6f8")
                .doesNotContain("{{")
                .doesNotContain("sourceMappingURL")
                .doesNotContain("<script src")
                .doesNotContain("<link rel=\"stylesheet\"")
                // the figures cannot end their script element early
                .contains("jsonl:/tmp/\\u003c/script>\\u003c!--x")
                .doesNotContain("</script><!--x");
        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("report.json", "report.html");
        }
    }
}
