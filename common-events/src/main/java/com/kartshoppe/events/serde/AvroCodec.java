package com.kartshoppe.events.serde;

import com.kartshoppe.events.EventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding for one event type: a 2-byte marker, the writer schema's 8-byte
 * fingerprint, then the Avro binary body. Decoding resolves the writer schema from {@link
 * SchemaHistory}, so records written with any released version read into the current class.
 *
 * <p>Thread-safe. Not {@code Serializable}: Flink functions create it in {@code open}.
 *
 * <pre>{@code
 * AvroCodec<ClickEvent> codec = AvroCodec.of(EventType.CLICK);
 * ClickEvent back = codec.decode(codec.encode(click));
 * }</pre>
 */
public final class AvroCodec<T extends SpecificRecordBase> {

    static {
        AvroLimits.applyDefaults();
    }

    private final EventType<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroCodec(EventType<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type.recordClass());
        Schema current = type.schema();
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current);
        for (Schema writer : SchemaHistory.versions(type)) {
            decoder.addSchema(writer);
        }
    }

    public static <T extends SpecificRecordBase> AvroCodec<T> of(EventType<T> type) {
        return new AvroCodec<>(type);
    }

    public EventType<T> type() {
        return type;
    }

    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + type.name(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes one single-object-encoded record.
     *
     * @throws DecodeException with a reason code from {@link DecodeException}'s constants
     */
    public T decode(byte[] bytes) throws DecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new DecodeException(DecodeException.EMPTY, type.name() + ": empty value", null);
        }
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        T record;
        try {
            record = decoder.decode(in);
        } catch (BadHeaderException e) {
            throw new DecodeException(
                    DecodeException.BAD_HEADER,
                    type.name() + ": not Avro single-object encoded (" + e.getMessage() + ")",
                    e);
        } catch (MissingSchemaException e) {
            throw new DecodeException(
                    DecodeException.UNKNOWN_SCHEMA,
                    type.name() + ": writer schema is no released version (" + e.getMessage() + ")",
                    e);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(
                    DecodeException.MALFORMED,
                    type.name() + ": body does not parse (" + e + ")",
                    e);
        }
        // The body's length follows from its schema, so bytes left over mean the value is not one
        // record (two concatenated, or a record with garbage appended), whatever parsed first.
        if (in.available() > 0) {
            throw new DecodeException(
                    DecodeException.MALFORMED,
                    type.name()
                            + ": "
                            + in.available()
                            + " bytes left over after the record's "
                            + (bytes.length - in.available())
                            + " bytes",
                    null);
        }
        return record;
    }
}
