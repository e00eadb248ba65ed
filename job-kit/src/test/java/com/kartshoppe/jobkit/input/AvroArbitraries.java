package com.kartshoppe.jobkit.input;

import com.kartshoppe.events.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Valid records of any Avro schema, generated from the schema itself (so a field added to an event
 * is fuzzed without touching the tests), and the two encodings a job reads: single-object bytes and
 * one line of Avro JSON. Strings are valid Unicode without line breaks, lengths include the empty
 * and the long, numbers include their extremes.
 */
final class AvroArbitraries {

    private AvroArbitraries() {}

    /** A record of the type's current schema. */
    static Arbitrary<GenericRecord> records(EventType<?> type) {
        return records(type.schema());
    }

    @SuppressWarnings("unchecked")
    static Arbitrary<GenericRecord> records(Schema schema) {
        return (Arbitrary<GenericRecord>) (Arbitrary<?>) values(schema);
    }

    private static Arbitrary<?> values(Schema schema) {
        switch (schema.getType()) {
            case RECORD:
                {
                    List<Arbitrary<Object>> fields = new ArrayList<>();
                    for (Schema.Field field : schema.getFields()) {
                        fields.add(values(field.schema()).map(v -> (Object) v));
                    }
                    return Combinators.combine(fields)
                            .as(
                                    values -> {
                                        GenericRecord record = new GenericData.Record(schema);
                                        for (int i = 0; i < values.size(); i++) {
                                            record.put(i, values.get(i));
                                        }
                                        return record;
                                    });
                }
            case STRING:
                return strings();
            case BYTES:
                return Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(ByteBuffer::wrap);
            case INT:
                return Arbitraries.integers();
            case LONG:
                return Arbitraries.longs();
            case FLOAT:
                return Arbitraries.floats()
                        .withSpecialValue(Float.NaN)
                        .withSpecialValue(Float.POSITIVE_INFINITY);
            case DOUBLE:
                return Arbitraries.doubles()
                        .withSpecialValue(Double.NaN)
                        .withSpecialValue(Double.NEGATIVE_INFINITY)
                        .withSpecialValue(Double.MAX_VALUE);
            case BOOLEAN:
                return Arbitraries.of(true, false);
            case NULL:
                return Arbitraries.just(null);
            case ENUM:
                return Arbitraries.of(schema.getEnumSymbols())
                        .map(s -> new GenericData.EnumSymbol(schema, s));
            case ARRAY:
                return values(schema.getElementType()).list().ofMaxSize(4);
            case MAP:
                // Short keys: Jackson, which Avro's JSON decoder uses, refuses names over 50,000
                // characters, which no map of these schemas gets near.
                return Arbitraries.maps(text().ofMaxLength(12), values(schema.getValueType()))
                        .ofMaxSize(4);
            case UNION:
                {
                    List<Arbitrary<Object>> branches = new ArrayList<>();
                    for (Schema branch : schema.getTypes()) {
                        branches.add(values(branch).map(v -> (Object) v));
                    }
                    return Arbitraries.oneOf(branches);
                }
            case FIXED:
                return Arbitraries.bytes()
                        .array(byte[].class)
                        .ofSize(schema.getFixedSize())
                        .map(b -> new GenericData.Fixed(schema, b));
            default:
                throw new IllegalArgumentException("No generator for " + schema);
        }
    }

    /** Short strings mostly, sometimes long ones; valid UTF-16 without line breaks. */
    static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, text().ofMaxLength(12)), Tuple.of(1, text().ofLength(5_000)));
    }

    private static StringArbitrary text() {
        return Arbitraries.strings()
                .withCharRange(' ', '~')
                .withCharRange('\u00a0', '\ud7ff')
                .withChars('\t', '"', '\\', '\u0000', '\u2028');
    }

    /** The record in single-object encoding, as a producer on its current schema writes it. */
    static byte[] singleObject(GenericRecord record) {
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), record.getSchema())
                    .encode(record)
                    .array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record as one line of Avro JSON, as the simulator writes it. */
    static String jsonLine(GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8).strip();
    }
}
