package com.kartshoppe.playground.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Writes a report as {@value #JSON}, its figures for programs, and {@value #HTML}, one
 * self-contained page that plots them: the page's style, its script, Chart.js (from the WebJar the
 * dashboard serves) and the figures are all inlined, so it opens offline from the file and loads
 * nothing.
 *
 * <pre>{@code
 * ReportFiles.write(Path.of("reports/fraud"), FraudBacktestJson.of(report, decisions, labels, 0, null));
 * }</pre>
 */
public final class ReportFiles {

    public static final String JSON = "report.json";
    public static final String HTML = "report.html";

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String CHART_JS_POM =
            "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

    private ReportFiles() {}

    /**
     * Creates {@code dir} if needed and writes both files into it, each by an atomic move, so a
     * reader never sees half a report.
     */
    public static void write(Path dir, ObjectNode report) throws IOException {
        Files.createDirectories(dir);
        String json = MAPPER.writeValueAsString(report);
        replace(dir.resolve(JSON), json);
        replace(dir.resolve(HTML), html(report.path("title").asText("Report"), json));
    }

    /** The page, with everything it needs inlined. */
    static String html(String title, String json) {
        return resource("report/report.html")
                .replace("{{title}}", escapeHtml(title))
                .replace("/*{{style}}*/", resource("report/report.css"))
                .replace("/*{{chart.js}}*/", chartJs())
                .replace("/*{{script}}*/", resource("report/report.js"))
                // In a script element, "</script>" or "<!--" in a string would end it: JSON lets
                // every "<" be written as \u003c, and a "<" can only be in a string.
                .replace("{{data}}", json.replace("<", "\\u003c"));
    }

    /** Chart.js's UMD build, without its source-map comment (the map is not inlined). */
    static String chartJs() {
        Properties pom = new Properties();
        try (InputStream in = open(CHART_JS_POM)) {
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + CHART_JS_POM, e);
        }
        String js =
                resource(
                        "META-INF/resources/webjars/chart.js/"
                                + pom.getProperty("version")
                                + "/dist/chart.umd.js");
        return js.replaceAll("(?m)^//# sourceMappingURL=.*$", "");
    }

    private static String resource(String name) {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name + " from the class path", e);
        }
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = ReportFiles.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path");
        }
        return in;
    }

    private static void replace(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
