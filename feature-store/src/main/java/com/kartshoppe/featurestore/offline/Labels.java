package com.kartshoppe.featurestore.offline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads labels from a JSON-lines file, one object per line:
 *
 * <pre>{@code
 * {"id": "fraud-o-42", "entityId": "u-7", "time": "2026-01-01T00:10:00Z", "label": 1}
 * {"entityId": "u-8", "time": 1767226200000, "label": 0}
 *
 * List<Label> labels = Labels.read(Path.of("labels.jsonl"));
 * }</pre>
 *
 * <p>{@code entityId} (a string), {@code time} (an ISO-8601 instant such as {@code
 * 2026-01-01T00:10:00Z}, an offset like {@code +01:00} converted to UTC, or whole epoch
 * milliseconds) and {@code label} (a number) are required; {@code id} (a string) is optional and
 * echoed. Other fields are ignored, a field given twice is an error, blank lines are skipped. The
 * first bad line fails the read, naming the file, the line number and the field.
 */
public final class Labels {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Labels() {}

    /**
     * Every label of the file, in file order; blank lines are skipped.
     *
     * @throws IOException naming the file, line and field of the first malformed label
     */
    public static List<Label> read(Path file) throws IOException {
        List<Label> labels = new ArrayList<>();
        JsonCodec.forEachLine(
                file,
                (number, line) -> {
                    try {
                        labels.add(parse(line));
                    } catch (IllegalArgumentException e) {
                        throw new IOException(file + " line " + number + ": " + e.getMessage(), e);
                    }
                });
        return labels;
    }

    /**
     * One label from one line of JSON.
     *
     * @throws IllegalArgumentException naming the offending field, or the JSON error
     */
    static Label parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return new Label(
                id(node.get("id")),
                entityId(node.get("entityId")),
                time(node.get("time")),
                label(node.get("label")));
    }

    private static String id(JsonNode id) {
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual()) {
            throw new IllegalArgumentException("field 'id': expected a string but got " + id);
        }
        return id.textValue();
    }

    private static String entityId(JsonNode entityId) {
        if (entityId == null || entityId.isNull()) {
            throw new IllegalArgumentException("field 'entityId' is missing");
        }
        if (!entityId.isTextual() || entityId.textValue().isBlank()) {
            throw new IllegalArgumentException(
                    "field 'entityId': expected a non-blank string but got " + entityId);
        }
        return entityId.textValue();
    }

    private static Instant time(JsonNode time) {
        if (time == null || time.isNull()) {
            throw new IllegalArgumentException("field 'time' is missing");
        }
        if (time.isIntegralNumber() && time.canConvertToLong()) {
            return Instant.ofEpochMilli(time.longValue());
        }
        if (time.isTextual()) {
            try {
                return Instant.parse(time.textValue());
            } catch (DateTimeParseException e) {
                // reported below, with the expected forms
            }
        }
        throw new IllegalArgumentException(
                "field 'time': expected an ISO-8601 instant such as \"2026-01-01T00:00:00Z\" or"
                        + " whole epoch milliseconds but got "
                        + time);
    }

    private static double label(JsonNode label) {
        if (label == null || label.isNull()) {
            throw new IllegalArgumentException("field 'label' is missing");
        }
        if (!label.isNumber() || !Double.isFinite(label.doubleValue())) {
            throw new IllegalArgumentException("field 'label': expected a number but got " + label);
        }
        return label.doubleValue();
    }
}
