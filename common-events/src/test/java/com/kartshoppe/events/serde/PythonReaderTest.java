package com.kartshoppe.events.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for the documented Python reader, {@code tools/python/kartshoppe_avro.py}: it decodes what
 * {@link AvroCodec} writes for every topic's value type, and a value written with an older released
 * schema, into plain JSON with the same values. Runs where {@code python3} has {@code fastavro}
 * ({@code .ci/run} installs it); it fails, never skips, without them.
 */
class PythonReaderTest {

    private static final Path SCRIPT = Path.of("..", "tools", "python", "kartshoppe_avro.py");
    private static final Path SCHEMAS = Path.of("src", "main", "avro");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void readsEveryTopicsValuesAndOlderVersionsAsPlainJson() throws Exception {
        assertThat(fastavroAvailable())
                .as(
                        "python3 with fastavro, which the reader needs: `python3 -m pip install"
                                + " fastavro` (.ci/run installs it)")
                .isTrue();
        List<byte[]> values = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        List<Object> samples = SampleEvents.all();
        for (int i = 0; i < EventType.ALL.size(); i++) {
            values.add(encode(EventType.ALL.get(i), samples.get(i)));
            expected.add(plain((SpecificRecordBase) samples.get(i)));
        }
        // a click written by a ClickEvent v1 producer: the current schema's default fills in
        values.add(clickV1(SampleEvents.click()));
        ClickEvent withDefault =
                ClickEvent.newBuilder(SampleEvents.click()).setRecoPosition(null).build();
        expected.add(plain(withDefault));

        List<JsonNode> read = run(values);

        assertThat(read).hasSameSizeAs(expected);
        for (int i = 0; i < read.size(); i++) {
            JsonNode want = expected.get(i);
            JsonNode got = read.get(i);
            assertThat(got.get("type").asText()).isEqualTo(want.get("type").asText());
            assertThat(got.get("value").equals(NUMBERS_BY_VALUE, want.get("value")))
                    .as("%s%nread     %s%nexpected %s", want.get("type"), got, want)
                    .isTrue();
        }
        // nullable fields are plain values or null, not {"string": ...}
        assertThat(read.get(0).get("value").get("recoId").asText()).isEqualTo("r-9");
        assertThat(read.get(0).get("value").get("query").isNull()).isTrue();
        assertThat(read.get(read.size() - 1).get("value").get("recoPosition").isNull()).isTrue();
    }

    /** Numbers equal by value (Python and Java pick different JSON number types). */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
            (a, b) -> {
                if (a.isNumber() && b.isNumber()) {
                    return Double.compare(a.doubleValue(), b.doubleValue());
                }
                return a.equals(b) ? 0 : 1;
            };

    @SuppressWarnings("unchecked")
    private static byte[] encode(EventType<?> type, Object record) {
        return ((AvroCodec<SpecificRecordBase>) AvroCodec.of(type))
                .encode((SpecificRecordBase) record);
    }

    private static byte[] clickV1(ClickEvent current) throws IOException {
        Schema v1 = SchemaHistory.versions(EventType.CLICK).get(0);
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            old.put(
                    field.name(),
                    switch (field.name()) {
                        case "eventTime" -> current.getEventTime().toEpochMilli();
                        case "type" ->
                                new GenericData.EnumSymbol(
                                        field.schema(), current.getType().name());
                        default -> current.get(field.name());
                    });
        }
        ByteBuffer buffer =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** What the reader should print for a record: its full name and its values, plain. */
    private static JsonNode plain(SpecificRecordBase record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", record.getSchema().getFullName());
        line.put("value", plainValue(record));
        return JSON.valueToTree(line);
    }

    private static Object plainValue(Object value) {
        if (value instanceof GenericRecord r) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Schema.Field f : r.getSchema().getFields()) {
                fields.put(f.name(), plainValue(r.get(f.pos())));
            }
            return fields;
        }
        if (value instanceof Instant t) {
            return t.toEpochMilli();
        }
        if (value instanceof CharSequence || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof ByteBuffer b) {
            ByteBuffer copy = b.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(k.toString(), plainValue(v)));
            return map;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(PythonReaderTest::plainValue).toList();
        }
        return value;
    }

    /** Runs the reader over the values framed as kcat -f '%S:%s' writes them. */
    private List<JsonNode> run(List<byte[]> values) throws Exception {
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        for (byte[] v : values) {
            framed.write((v.length + ":").getBytes(StandardCharsets.US_ASCII));
            framed.write(v);
        }
        Path input = dir.resolve("values.bin");
        Files.write(input, framed.toByteArray());
        Path output = dir.resolve("values.jsonl");
        Path errors = dir.resolve("errors.txt");
        Process python =
                new ProcessBuilder("python3", SCRIPT.toString(), "--schemas", SCHEMAS.toString())
                        .redirectInput(input.toFile())
                        .redirectOutput(output.toFile())
                        .redirectError(errors.toFile())
                        .start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(Files.readString(errors)).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static boolean fastavroAvailable() {
        try {
            Process p =
                    new ProcessBuilder("python3", "-c", "import fastavro")
                            .redirectErrorStream(true)
                            .start();
            try (OutputStream ignored = p.getOutputStream()) {
                p.getInputStream().readAllBytes();
            }
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
