package com.kartshoppe.jobkit.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.events.serde.SchemaHistory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.ArrayArbitrary;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Tests for {@link KafkaEventDeserializer}, {@link SingleObjectDeserializationSchema} and {@link
 * JsonLinesFormat} on generated input, for every event type: valid records (generated from the
 * current schema) decode to what was written; random bytes, truncations, bodies of the wrong type,
 * claims of huge strings, deep nesting, huge numbers and values of the wrong JSON type each become
 * a dead letter whose reason and detail say what was wrong; nothing ever throws.
 */
class DecoderFuzzTest {

    private static final Set<String> REASONS =
            Set.of(
                    DecodeException.EMPTY,
                    DecodeException.BAD_HEADER,
                    DecodeException.UNKNOWN_SCHEMA,
                    DecodeException.MALFORMED,
                    DecodeException.MALFORMED_JSON);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;

    @BeforeContainer
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("decoder-fuzz");
    }

    @AfterContainer
    static void deleteDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    // ---- single-object bytes, as KafkaEventDeserializer reads them ----

    @Property(tries = 200)
    void validRecordsDecodeToWhatWasWritten(@ForAll("validBinary") Input in) {
        Either<DeadLetter, ? extends Sourced<?>> out = deserialize(in);

        assertThat(out.isRight()).as(() -> "dead-lettered: " + out.left()).isTrue();
        assertThat(asJson(in.type, out.right().record)).isEqualTo(asJson(in.record));
    }

    @Property(tries = 300)
    void badBytesBecomeDeadLettersWithAReason(@ForAll("badBinary") Input in) {
        Either<DeadLetter, ? extends Sourced<?>> out = deserialize(in);

        assertThat(out.isLeft()).as(() -> in.kind + " decoded as " + out.right()).isTrue();
        assertNamesWhatWasWrong(out.left(), in);
        assertThat(out.left().getPayload()).isEqualTo(ByteBuffer.wrap(in.bytes));
        // The strict schema (for trusted topics) throws the same reason, and nothing else.
        assertThatThrownBy(
                        () ->
                                new SingleObjectDeserializationSchema<>(in.type)
                                        .deserialize(in.bytes))
                .isInstanceOfSatisfying(
                        DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(out.left().getReason()));
    }

    /** Bytes that may or may not happen to decode: either way the outcome is a value. */
    @Property(tries = 200)
    void corruptedBytesDecodeOrBecomeDeadLetters(@ForAll("corruptedBinary") Input in) {
        Either<DeadLetter, ? extends Sourced<?>> out = deserialize(in);

        if (out.isLeft()) {
            assertNamesWhatWasWrong(out.left(), in);
        } else {
            assertThat(reencode(in.type, out.right().record)).isNotEmpty();
        }
    }

    @Provide
    Arbitrary<Input> validBinary() {
        return types().flatMap(
                        t ->
                                AvroArbitraries.records(t)
                                        .map(
                                                r ->
                                                        new Input(
                                                                t,
                                                                AvroArbitraries.singleObject(r),
                                                                "valid",
                                                                r)));
    }

    @Provide
    Arbitrary<Input> badBinary() {
        return types().flatMap(t -> validBinaryOf(t).flatMap(valid -> badBinary(t, valid)));
    }

    @Provide
    Arbitrary<Input> corruptedBinary() {
        return types().flatMap(
                        t ->
                                validBinaryOf(t)
                                        .flatMap(
                                                valid ->
                                                        Arbitraries.oneOf(
                                                                flipped(t, valid), randomBody(t))));
    }

    private static Arbitrary<byte[]> validBinaryOf(EventType<?> t) {
        return AvroArbitraries.records(t).map(AvroArbitraries::singleObject);
    }

    static Arbitrary<Input> badBinary(EventType<?> t, byte[] valid) {
        ArrayArbitrary<Byte, byte[]> random =
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Arbitraries.oneOf(
                random.map(b -> new Input(t, b, "random bytes")),
                Arbitraries.integers()
                        .between(0, valid.length - 1)
                        .map(n -> new Input(t, Arrays.copyOf(valid, n), "truncated at " + n)),
                random.ofMinSize(1)
                        .map(b -> new Input(t, concat(valid, b), "valid + " + b.length + " bytes")),
                Arbitraries.longs()
                        .filter(f -> !isReleased(t, f))
                        .map(f -> new Input(t, withFingerprint(valid, f), "unknown fingerprint")),
                otherTypes(t)
                        .flatMap(u -> validBinaryOf(u))
                        .map(b -> new Input(t, b, "record of another type")),
                hugeLengths()
                        .map(
                                n ->
                                        new Input(
                                                t,
                                                concat(
                                                        Arrays.copyOf(valid, 10),
                                                        zigZagVarint(n),
                                                        "abc".getBytes(StandardCharsets.UTF_8)),
                                                "first string claims " + n + " bytes")));
    }

    private static Arbitrary<Input> flipped(EventType<?> t, byte[] valid) {
        return Arbitraries.integers()
                .between(10, Math.max(10, valid.length - 1))
                .list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .flatMap(
                        positions ->
                                Arbitraries.bytes()
                                        .map(
                                                x -> {
                                                    byte[] b = valid.clone();
                                                    for (int p : positions) {
                                                        if (p < b.length) {
                                                            b[p] ^= (byte) (x | 1);
                                                        }
                                                    }
                                                    return new Input(t, b, "flipped " + positions);
                                                }));
    }

    private static Arbitrary<Input> randomBody(EventType<?> t) {
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(200)
                .map(b -> new Input(t, concat(header(t), b), "random body"));
    }

    // ---- JSON lines, as JsonLinesFormat reads them ----

    @Property(tries = 150)
    void validLinesDecodeToWhatWasWritten(@ForAll("validRecord") Record in) throws IOException {
        Either<DeadLetter, ? extends Sourced<?>> out =
                readLines(in.type, List.of(AvroArbitraries.jsonLine(in.record))).get(0);

        assertThat(out.isRight()).as(() -> "dead-lettered: " + out.left()).isTrue();
        assertThat(asJson(in.type, out.right().record)).isEqualTo(asJson(in.record));
    }

    @Property(tries = 200)
    void badLinesBecomeDeadLettersWithAReason(@ForAll("badLine") Line in) throws IOException {
        Either<DeadLetter, ? extends Sourced<?>> out = readLines(in.type, List.of(in.text)).get(0);

        assertThat(out.isLeft()).as(() -> in.kind + " decoded as " + out.right()).isTrue();
        DeadLetter letter = out.left();
        assertThat(REASONS).contains(letter.getReason());
        assertThat(letter.getDetail())
                .as(in.kind)
                .startsWith(in.type.name())
                .doesNotContain("(null)");
        assertThat(letter.getOffset()).isEqualTo(1L);
        assertThat(letter.getSourceTopic()).isEqualTo("fuzzed." + in.type.name());
    }

    /** Bad lines among good ones: every line has its own outcome, at its own line number. */
    @Property(tries = 40)
    void aFileOfMixedLinesKeepsEveryLineApart(@ForAll("mixedFile") List<Line> lines)
            throws IOException {
        EventType<?> type = lines.get(0).type;
        List<Either<DeadLetter, ? extends Sourced<?>>> out =
                readLines(type, lines.stream().map(l -> l.text).toList());

        assertThat(out).hasSameSizeAs(lines);
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            Either<DeadLetter, ? extends Sourced<?>> o = out.get(i);
            assertThat(o.isRight()).as("line %d: %s", i + 1, line.kind).isEqualTo(line.valid);
            assertThat(o.isRight() ? o.right().offset : o.left().getOffset()).isEqualTo(i + 1L);
        }
    }

    @Provide
    Arbitrary<Record> validRecord() {
        return types().flatMap(t -> AvroArbitraries.records(t).map(r -> new Record(t, r)));
    }

    @Provide
    Arbitrary<Line> badLine() {
        return types().flatMap(t -> AvroArbitraries.records(t).flatMap(r -> badLine(t, r)));
    }

    @Provide
    Arbitrary<List<Line>> mixedFile() {
        return types().flatMap(
                        t ->
                                AvroArbitraries.records(t)
                                        .flatMap(
                                                r ->
                                                        Arbitraries.oneOf(
                                                                Arbitraries.just(
                                                                        new Line(
                                                                                t,
                                                                                AvroArbitraries
                                                                                        .jsonLine(
                                                                                                r),
                                                                                "valid",
                                                                                true)),
                                                                badLine(t, r)))
                                        .list()
                                        .ofMinSize(1)
                                        .ofMaxSize(12));
    }

    static Arbitrary<Line> badLine(EventType<?> t, GenericRecord record) {
        String valid = AvroArbitraries.jsonLine(record);
        ObjectNode tree = parse(valid);
        List<Schema.Field> fields = t.schema().getFields();
        Arbitrary<Schema.Field> field = Arbitraries.of(fields);
        return Arbitraries.oneOf(
                Arbitraries.strings()
                        .ofMaxLength(200)
                        .map(s -> s.replace('\n', ' ').replace('\r', ' '))
                        .map(s -> new Line(t, s, "random text", false)),
                Arbitraries.integers()
                        .between(0, valid.length() - 1)
                        .map(n -> new Line(t, valid.substring(0, n), "truncated at " + n, false)),
                Arbitraries.of(" " + valid, "x", " {}", "[]")
                        .map(tail -> new Line(t, valid + tail, "valid + " + tail, false)),
                otherTypes(t)
                        .flatMap(u -> AvroArbitraries.records(u))
                        .map(
                                r ->
                                        new Line(
                                                t,
                                                AvroArbitraries.jsonLine(r),
                                                "line of " + r.getSchema().getName(),
                                                false)),
                field.flatMap(
                        f ->
                                wrongValues(f.schema())
                                        .map(
                                                v ->
                                                        new Line(
                                                                t,
                                                                with(tree, f.name(), v),
                                                                f.name() + " = " + abbreviate(v),
                                                                false))),
                Combinators.combine(
                                field,
                                Arbitraries.integers().between(2, 2_000),
                                Arbitraries.of("[", "{\"a\":"))
                        .as(
                                (f, depth, open) ->
                                        new Line(
                                                t,
                                                with(tree, f.name(), nested(open, depth)),
                                                f.name() + " nested " + depth + " deep",
                                                false)),
                Arbitraries.integers()
                        .between(2, 2_000)
                        .map(
                                depth ->
                                        new Line(
                                                t,
                                                nested("[", depth),
                                                depth + " nested arrays",
                                                false)));
    }

    /** JSON values that no value of {@code schema} is written as. */
    private static Arbitrary<String> wrongValues(Schema schema) {
        List<String> candidates =
                new ArrayList<>(
                        List.of(
                                "\"x\"",
                                "true",
                                "12",
                                "1.5",
                                "null",
                                "[1]",
                                "{\"a\":1}",
                                "{\"nonsense\":1}",
                                "1" + "0".repeat(30),
                                "-9" + "9".repeat(2_000),
                                "1e400"));
        candidates.removeIf(v -> fits(schema, v));
        return Arbitraries.of(candidates);
    }

    /** Whether Avro's JSON encoding of some value of {@code schema} could be {@code value}. */
    private static boolean fits(Schema schema, String value) {
        switch (schema.getType()) {
            case STRING:
            case BYTES:
                return value.equals("\"x\"");
            case BOOLEAN:
                return value.equals("true");
            case INT:
            case LONG:
                return value.equals("12");
            case FLOAT:
            case DOUBLE:
                // 1e400 is read as infinity, a double Avro can hold.
                return value.equals("12") || value.equals("1.5") || value.startsWith("1");
            case NULL:
                return value.equals("null");
            case ARRAY:
                return value.equals("[1]") && fits(schema.getElementType(), "12");
            case MAP:
                return value.equals("{\"a\":1}") && fits(schema.getValueType(), "12")
                        || value.equals("{\"nonsense\":1}") && fits(schema.getValueType(), "12");
            case UNION:
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL && value.equals("null")) {
                        return true;
                    }
                    // A non-null branch is written as {"<type name>": value}.
                    if (value.startsWith("{\"" + branch.getFullName() + "\":")) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    // ---- what every dead letter must say ----

    private static void assertNamesWhatWasWrong(DeadLetter letter, Input in) {
        assertThat(REASONS).as(in.kind).contains(letter.getReason());
        assertThat(letter.getDetail())
                .as(in.kind)
                .startsWith(in.type.name())
                .doesNotContain("(null)");
        assertThat(letter.getSourceTopic()).isEqualTo("fuzzed");
        assertThat(letter.getPartition()).isEqualTo(3);
        assertThat(letter.getOffset()).isEqualTo(42L);
        assertThat(letter.getJob()).isEqualTo("fuzz");
    }

    // ---- running the decoders ----

    private static <T extends SpecificRecordBase>
            Either<DeadLetter, ? extends Sourced<?>> deserialize(Input in) {
        @SuppressWarnings("unchecked")
        EventType<T> type = (EventType<T>) in.type;
        KafkaEventDeserializer<T> deserializer = new KafkaEventDeserializer<>(type, "fuzz");
        deserializer.open(CONTEXT);
        List<Either<DeadLetter, Sourced<T>>> out = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>("fuzzed", 3, 42L, null, in.bytes), new ListCollector<>(out));
        assertThat(out).as(in.kind).hasSize(1);
        return out.get(0);
    }

    private static <T extends SpecificRecordBase>
            List<Either<DeadLetter, ? extends Sourced<?>>> readLines(
                    EventType<T> type, List<String> lines) throws IOException {
        Path file = Files.createTempFile(dir, "lines", ".jsonl");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        List<Either<DeadLetter, ? extends Sourced<?>>> out = new ArrayList<>();
        try (StreamFormat.Reader<Either<DeadLetter, Sourced<T>>> reader =
                new JsonLinesFormat<>(type, "fuzzed." + type.name(), "fuzz")
                        .createReader(
                                new Configuration(),
                                FileSystem.getLocalFileSystem()
                                        .open(new org.apache.flink.core.fs.Path(file.toUri())),
                                Files.size(file),
                                Files.size(file))) {
            for (Either<DeadLetter, Sourced<T>> r = reader.read(); r != null; r = reader.read()) {
                out.add(r);
            }
        } finally {
            Files.delete(file);
        }
        return out;
    }

    /**
     * A record as a JSON tree: equal for equal records, whatever order their maps iterate in (a
     * decoded record's maps are hash maps).
     */
    private static JsonNode asJson(GenericRecord record) {
        return tree(AvroArbitraries.jsonLine(record));
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecordBase> JsonNode asJson(
            EventType<T> type, Object record) {
        return tree(JsonCodec.of(type).toJson((T) record));
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecordBase> byte[] reencode(
            EventType<T> type, Object record) {
        return AvroCodec.of(type).encode((T) record);
    }

    private static final DeserializationSchema.InitializationContext CONTEXT =
            new DeserializationSchema.InitializationContext() {
                @Override
                public MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public UserCodeClassLoader getUserCodeClassLoader() {
                    return SimpleUserCodeClassLoader.create(DecoderFuzzTest.class.getClassLoader());
                }
            };

    private static final class ListCollector<T> implements Collector<T> {
        private final List<T> list;

        ListCollector(List<T> list) {
            this.list = list;
        }

        @Override
        public void collect(T record) {
            list.add(record);
        }

        @Override
        public void close() {}
    }

    // ---- building inputs ----

    private static Arbitrary<EventType<?>> types() {
        return Arbitraries.of(EventType.ALL);
    }

    private static Arbitrary<EventType<?>> otherTypes(EventType<?> t) {
        return types().filter(u -> u != t);
    }

    /** String lengths past the 8 MiB limit, up to what a long can claim. */
    private static Arbitrary<Long> hugeLengths() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between((8L << 20) + 1, Integer.MAX_VALUE),
                Arbitraries.longs().between(Integer.MAX_VALUE, Long.MAX_VALUE));
    }

    private static byte[] header(EventType<?> t) {
        List<Schema> versions = SchemaHistory.versions(t);
        long fingerprint = SchemaHistory.fingerprint(versions.get(versions.size() - 1));
        return ByteBuffer.allocate(10)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xC3)
                .put((byte) 0x01)
                .putLong(fingerprint)
                .array();
    }

    private static boolean isReleased(EventType<?> t, long fingerprint) {
        return SchemaHistory.versions(t).stream()
                .anyMatch(s -> SchemaHistory.fingerprint(s) == fingerprint);
    }

    private static byte[] withFingerprint(byte[] valid, long fingerprint) {
        byte[] b = valid.clone();
        ByteBuffer.wrap(b, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(fingerprint);
        return b;
    }

    private static byte[] zigZagVarint(long n) {
        long v = (n << 1) ^ (n >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record's JSON with one field's value replaced by raw JSON text. */
    private static String with(ObjectNode tree, String field, String rawValue) {
        ObjectNode copy = tree.deepCopy();
        copy.put(field, "\u0001PLACEHOLDER\u0001");
        String text = copy.toString();
        return text.replace("\"\\u0001PLACEHOLDER\\u0001\"", rawValue);
    }

    private static String nested(String open, int depth) {
        String close = open.equals("[") ? "]" : "}";
        return open.repeat(depth) + "1" + close.repeat(depth);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "... (" + s.length() + " chars)";
    }

    /** Bytes for a decoder of {@code type}, and what was done to them. */
    record Input(EventType<?> type, byte[] bytes, String kind, GenericRecord record) {
        Input(EventType<?> type, byte[] bytes, String kind) {
            this(type, bytes, kind, null);
        }

        @Override
        public String toString() {
            return type.name() + " " + kind + " (" + bytes.length + " bytes)";
        }
    }

    /** A valid record of {@code type}. */
    record Record(EventType<?> type, GenericRecord record) {}

    /** One JSON line for a reader of {@code type}, and whether it is a valid record. */
    record Line(EventType<?> type, String text, String kind, boolean valid) {
        @Override
        public String toString() {
            return type.name() + " " + kind + ": " + abbreviate(text);
        }
    }
}
