package com.kartshoppe.simulator;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;

/**
 * Writes one {@code <topic>.jsonl} file per topic into a directory, one Avro-JSON record per line
 * ({@code \n}-terminated), in emission order. Garbage records become a line of non-JSON text.
 */
public final class JsonLinesSink implements EventSink {

    /** The topics the simulator writes: the shop's inputs and the fraud labels. */
    public static final List<EventType<?>> TOPICS =
            List.of(
                    EventType.CLICK,
                    EventType.ORDER,
                    EventType.PAYMENT,
                    EventType.LOGIN,
                    EventType.FRAUD_LABEL);

    private final Map<EventType<?>, BufferedWriter> writers = new LinkedHashMap<>();
    private final Map<EventType<?>, JsonCodec<?>> codecs = new LinkedHashMap<>();

    /** Files named after the default topic names. */
    public JsonLinesSink(Path dir) throws IOException {
        this(dir, new Configuration());
    }

    /**
     * Creates the directory if needed and truncates any earlier files of the same topics.
     *
     * @param topics topic names ({@code topics.*} options) the files are named after
     */
    public JsonLinesSink(Path dir, Configuration topics) throws IOException {
        Files.createDirectories(dir);
        for (EventType<?> type : TOPICS) {
            writers.put(
                    type,
                    Files.newBufferedWriter(
                            JsonCodec.file(dir, topics.get(type.topic())), StandardCharsets.UTF_8));
            codecs.put(type, JsonCodec.of(type));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
            throws IOException {
        writeLine(type, ((JsonCodec<T>) codecs.get(type)).toJson(record));
    }

    @Override
    public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
            throws IOException {
        writeLine(type, new String(payload, StandardCharsets.US_ASCII));
    }

    private void writeLine(EventType<?> type, String line) throws IOException {
        BufferedWriter writer = writers.get(type);
        if (writer == null) {
            throw new IllegalArgumentException("The simulator does not write " + type);
        }
        writer.write(line);
        writer.write('\n');
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (BufferedWriter writer : writers.values()) {
            try {
                writer.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
