package com.kartshoppe.featurestore.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.catalog.FeatureDefinition;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.events.outcomes.LabeledExamples;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A point-in-time training set: every label joined with the values its entity had in one feature
 * set at the label's time (see {@link SnapshotIndex} for the exact rule).
 *
 * <pre>{@code
 * SnapshotIndex index = FeatureSource.read("jsonl:/tmp/backtest", FeatureCatalog.FRAUD_V1);
 * TrainingSet set = TrainingSet.join(Labels.read(Path.of("labels.jsonl")), index);
 * set.write(Path.of("/tmp/training-set")); // training-set.jsonl and summary.json
 * }</pre>
 *
 * <p>A label whose entity had no snapshot by its time gets no row: a model cannot be trained on
 * features that did not exist yet, and defaults in their place would teach it values it never sees
 * in serving. Such labels are counted ({@link Summary#withoutFeatures()}).
 */
public final class TrainingSet {

    /** The rows' file in the output directory, one JSON object per line. */
    public static final String ROWS_FILE = "training-set.jsonl";

    /** The summary's file in the output directory. */
    public static final String SUMMARY_FILE = "summary.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<TrainingRow> rows;
    private final Summary summary;

    private TrainingSet(List<TrainingRow> rows, Summary summary) {
        this.rows = rows;
        this.summary = summary;
    }

    /**
     * What a training set holds.
     *
     * @param labels labels read
     * @param joined labels with features, one row each
     * @param withoutFeatures labels whose entity had no snapshot by their time: no row
     * @param featureSet the feature set's name
     * @param snapshots snapshots of that feature set read
     */
    public record Summary(
            long labels, long joined, long withoutFeatures, String featureSet, long snapshots) {}

    /** Joins every label, in order, with its entity's values as of the label's time. */
    public static TrainingSet join(List<Label> labels, SnapshotIndex index) {
        FeatureSet set = index.featureSet();
        List<TrainingRow> rows = new ArrayList<>(labels.size());
        for (Label label : labels) {
            Optional<FeatureSnapshot> asOf = index.asOf(label.entityId(), label.time());
            asOf.ifPresent(
                    s ->
                            rows.add(
                                    new TrainingRow(
                                            label.id(),
                                            label.entityId(),
                                            label.time(),
                                            label.label(),
                                            set.name(),
                                            s.getFeatureSetVersion(),
                                            s.getEventTime(),
                                            inDefinitionOrder(set, s.getValues()))));
        }
        return new TrainingSet(
                Collections.unmodifiableList(rows),
                new Summary(
                        labels.size(),
                        rows.size(),
                        labels.size() - rows.size(),
                        set.name(),
                        index.snapshots()));
    }

    public List<TrainingRow> rows() {
        return rows;
    }

    public Summary summary() {
        return summary;
    }

    /**
     * Writes {@value #ROWS_FILE} (one row per line: id, entityId, time, label, featureSet,
     * featureSetVersion, featureTime, values; times as ISO-8601) and {@value #SUMMARY_FILE} into
     * {@code dir}, creating it, replacing both files.
     *
     * @return the rows' file
     */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(ROWS_FILE);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (TrainingRow row : rows) {
                out.write(JSON.writeValueAsString(toJson(row)));
                out.newLine();
            }
        }
        ObjectNode summaryJson = JSON.createObjectNode();
        summaryJson.put("labels", summary.labels());
        summaryJson.put("joined", summary.joined());
        summaryJson.put("withoutFeatures", summary.withoutFeatures());
        summaryJson.put("featureSet", summary.featureSet());
        summaryJson.put("snapshots", summary.snapshots());
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve(SUMMARY_FILE).toFile(), summaryJson);
        return file;
    }

    /**
     * A written training set as the examples {@code kartshoppe train} learns from: one unscored
     * {@link LabeledExample} of {@code useCase} per row, its values as the features, its label 0 or
     * 1, its id as the prediction id, {@code training-set} as the label source.
     *
     * @param path the output directory of {@link #write}, or its {@value #ROWS_FILE}
     * @throws IOException naming the file and line of a row that does not parse, or whose label is
     *     not 0 or 1 (a binary classifier is what is trained)
     */
    public static List<LabeledExample> readExamples(Path path, UseCase useCase) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(ROWS_FILE) : path;
        List<LabeledExample> examples = new ArrayList<>();
        JsonCodec.forEachLine(
                file,
                (line, json) -> {
                    try {
                        examples.add(example(JSON.readTree(json), useCase));
                    } catch (IOException | RuntimeException e) {
                        throw new IOException(
                                file
                                        + ":"
                                        + line
                                        + ": not a training-set row ("
                                        + e.getMessage()
                                        + ")",
                                e);
                    }
                });
        return examples;
    }

    private static LabeledExample example(JsonNode row, UseCase useCase) {
        double label = row.path("label").asDouble(Double.NaN);
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("label " + row.path("label") + " is not 0 or 1");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        row.path("values")
                .fields()
                .forEachRemaining(f -> values.put(f.getKey(), f.getValue().asDouble()));
        return LabeledExamples.unscored(
                row.path("id").asText(),
                useCase,
                row.path("entityId").asText(),
                null,
                Instant.parse(row.path("time").asText()),
                row.path("featureSet").asText(),
                row.path("featureSetVersion").asInt(),
                values,
                (int) label,
                LABEL_SOURCE);
    }

    /** The label source of the examples {@link #readExamples} makes. */
    public static final String LABEL_SOURCE = "training-set";

    private static ObjectNode toJson(TrainingRow row) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", row.id());
        json.put("entityId", row.entityId());
        json.put("time", row.time().toString());
        // A whole label is written as an integer, as labels usually are given.
        if (row.label() == Math.rint(row.label()) && Math.abs(row.label()) < 0x1p53) {
            json.put("label", (long) row.label());
        } else {
            json.put("label", row.label());
        }
        json.put("featureSet", row.featureSet());
        json.put("featureSetVersion", row.featureSetVersion());
        json.put("featureTime", row.featureTime().toString());
        ObjectNode values = json.putObject("values");
        row.values().forEach(values::put);
        return json;
    }

    private static Map<String, Double> inDefinitionOrder(
            FeatureSet set, Map<String, Double> values) {
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (FeatureDefinition d : set.definitions()) {
            Double v = values.get(d.name());
            if (v != null) {
                ordered.put(d.name(), v);
            }
        }
        if (ordered.size() < values.size()) {
            new TreeMap<>(values).forEach(ordered::putIfAbsent);
        }
        return Collections.unmodifiableMap(ordered);
    }
}
