package com.kartshoppe.events.serde;

import com.kartshoppe.events.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every released version of every event schema, read from the classpath at {@code
 * avro/history/<Name>/v<n>.avsc} (sources in {@code common-events/src/main/avro/history}).
 *
 * <p>Releasing a schema change means adding the next {@code v<n>.avsc}; a released file is never
 * edited. Readers resolve a record's writer schema from its single-object fingerprint against this
 * list, so any released writer version stays readable.
 */
public final class SchemaHistory {

    private static final String ROOT = "avro/history/";
    private static final Map<String, List<Schema>> CACHE = new ConcurrentHashMap<>();

    private SchemaHistory() {}

    /** All released versions of a type, oldest first; the last one is the current schema. */
    public static List<Schema> versions(EventType<?> type) {
        return CACHE.computeIfAbsent(type.name(), SchemaHistory::load);
    }

    /** The 64-bit Rabin fingerprint that single-object encoding puts in each record's header. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static List<Schema> load(String name) {
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = ROOT + name + "/v" + v + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history file " + path, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException(
                    "No schema history for " + name + ": expected " + ROOT + name + "/v1.avsc");
        }
        return List.copyOf(versions);
    }
}
