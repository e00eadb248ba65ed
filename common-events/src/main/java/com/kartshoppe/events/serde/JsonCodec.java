package com.kartshoppe.events.serde;

import com.kartshoppe.events.EventType;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonDecoder;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro's JSON encoding of one event type, one record per line: the format of the simulator's and
 * the backtests' {@code jsonl} files. Lines carry no fingerprint, so they are read with the current
 * schema.
 *
 * <p>Not thread-safe: it reuses its encoder and decoder.
 */
public final class JsonCodec<T extends SpecificRecordBase> {

    static {
        AvroLimits.applyDefaults();
    }

    private final EventType<T> type;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final SpecificData model;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private final JsonEncoder encoder;
    private final List<Set<String>> versionFields;
    private JsonDecoder decoder;

    private JsonCodec(EventType<T> type) {
        this.type = type;
        Schema schema = type.schema();
        this.model = SpecificData.getForClass(type.recordClass());
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.reader = new SpecificDatumReader<>(schema, schema, model);
        this.versionFields =
                SchemaHistory.versions(type).stream()
                        .map(
                                v ->
                                        v.getFields().stream()
                                                .map(Schema.Field::name)
                                                .collect(Collectors.toUnmodifiableSet()))
                        .toList();
        try {
            this.encoder = EncoderFactory.get().jsonEncoder(schema, buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T extends SpecificRecordBase> JsonCodec<T> of(EventType<T> type) {
        return new JsonCodec<>(type);
    }

    /** The record as one line of JSON, without the line terminator. */
    public String toJson(T record) {
        buffer.reset();
        try {
            encoder.configure(buffer);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + type.name() + " as JSON", e);
        }
        return buffer.toString(StandardCharsets.UTF_8).strip();
    }

    /**
     * Parses one line: one JSON object, nothing after it, with the fields of a released version of
     * the type (the newest whose fields include the line's).
     *
     * @throws DecodeException with reason {@link DecodeException#MALFORMED_JSON}, naming the
     *     problem (not one JSON object, a field no version has, or what the newest version that
     *     could have written the line reports, for instance the missing field)
     */
    public T fromJson(String line) throws DecodeException {
        Set<String> fields = JsonObjectLine.fieldNames(type.name(), line);
        List<Schema> versions = SchemaHistory.versions(type);
        Exception newest = null;
        for (int v = versions.size() - 1; v >= 0; v--) {
            // A version without one of the line's fields did not write it: falling back to it
            // would drop a field of the current schema whose value is wrong instead of failing.
            if (!versionFields.get(v).containsAll(fields)) {
                continue;
            }
            try {
                return v == versions.size() - 1 ? readCurrent(line) : readAs(versions.get(v), line);
            } catch (IOException | RuntimeException e) {
                if (newest == null) {
                    newest = e;
                }
            }
        }
        if (newest == null) {
            Set<String> unknown = new TreeSet<>(fields);
            versionFields.forEach(unknown::removeAll);
            throw new DecodeException(
                    DecodeException.MALFORMED_JSON,
                    type.name()
                            + ": "
                            + (unknown.isEmpty()
                                    ? "mixes fields of different versions " + new TreeSet<>(fields)
                                    : "no released version has the field(s) " + unknown),
                    null);
        }
        throw new DecodeException(
                DecodeException.MALFORMED_JSON,
                type.name()
                        + ": not valid JSON for the schema ("
                        + (newest.getMessage() == null ? newest.toString() : newest.getMessage())
                        + ")",
                newest);
    }

    private T readCurrent(String line) throws IOException {
        if (decoder == null) {
            decoder = DecoderFactory.get().jsonDecoder(type.schema(), line);
        } else {
            decoder.configure(line);
        }
        return reader.read(null, decoder);
    }

    private T readAs(Schema writerSchema, String line) throws IOException {
        return new SpecificDatumReader<T>(writerSchema, type.schema(), model)
                .read(null, DecoderFactory.get().jsonDecoder(writerSchema, line));
    }

    /** The JSON-lines file of a topic's records in {@code dir}: {@code <dir>/<topic>.jsonl}. */
    public static Path file(Path dir, String topic) {
        return dir.resolve(topic + ".jsonl");
    }

    /** The JSON-lines file of a type's records in {@code dir}, under its default topic name. */
    public static Path file(Path dir, EventType<?> type) {
        return file(dir, type.topic().defaultValue());
    }

    /**
     * Every record of a JSON-lines file, blank lines skipped.
     *
     * @throws IOException naming the file and line of a record that does not parse
     */
    public List<T> readFile(Path file) throws IOException {
        List<T> records = new ArrayList<>();
        read(file, true, records::add);
        return records;
    }

    /**
     * Hands every record of a JSON-lines file to {@code each} without keeping them, blank lines
     * skipped: for files larger than the records a caller keeps.
     *
     * @return the number of records read
     * @throws IOException naming the file and line of a record that does not parse
     */
    public long readFile(Path file, Consumer<? super T> each) throws IOException {
        return read(file, true, each);
    }

    /**
     * The records of a JSON-lines file that decode, skipping the others: recorded traffic that
     * holds deliberately malformed records (as the simulator's does), read for evaluation.
     */
    public List<T> readValid(Path file) throws IOException {
        List<T> records = new ArrayList<>();
        read(file, false, records::add);
        return records;
    }

    private long read(Path file, boolean strict, Consumer<? super T> each) throws IOException {
        long[] read = {0};
        forEachLine(
                file,
                (number, line) -> {
                    T record;
                    try {
                        record = fromJson(line);
                    } catch (DecodeException e) {
                        if (strict) {
                            throw new IOException(
                                    file + " line " + number + ": " + e.getMessage(), e);
                        }
                        return;
                    }
                    each.accept(record);
                    read[0]++;
                });
        return read[0];
    }

    /** What {@link #forEachLine} hands each line to. */
    @FunctionalInterface
    public interface Line {
        void accept(int number, String line) throws IOException;
    }

    /**
     * Calls {@code each} with every non-blank line of a JSON-lines file and its number (from 1), in
     * order: the reading loop of every JSON-lines input, whatever it parses.
     */
    public static void forEachLine(Path file, Line each) throws IOException {
        try (BufferedReader lines = Files.newBufferedReader(file)) {
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    each.accept(number, line);
                }
            }
        }
    }

    /** Writes the records to {@code file}, one per line, replacing it. */
    public void writeFile(Path file, Iterable<T> records) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (T record : records) {
                out.write(toJson(record));
                out.newLine();
            }
        }
    }
}
