package com.kartshoppe.features.sql;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.features.sql.KartshoppeAvroFormatFactory.OnError;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Decodes one single-object-encoded value of one event type ({@link AvroCodec}: every released
 * writer schema) into a row; the runtime side of {@link KartshoppeAvroFormatFactory}. A value that
 * does not decode is counted in {@code eventsDecoded}'s sibling {@code eventsUndecodable} and
 * skipped, or fails the job, as {@link OnError} says.
 */
public final class SingleObjectRowDeserializer implements DeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final EventType<?> type;
    private final RowType rowType;
    private final TypeInformation<RowData> producedType;
    private final OnError onError;

    private transient AvroCodec<? extends SpecificRecordBase> codec;
    private transient AvroRows.Converter converter;
    private transient Counter decoded;
    private transient Counter undecodable;

    public SingleObjectRowDeserializer(
            EventType<?> type,
            RowType rowType,
            TypeInformation<RowData> producedType,
            OnError onError) {
        this.type = Objects.requireNonNull(type, "type");
        this.rowType = Objects.requireNonNull(rowType, "rowType");
        this.producedType = Objects.requireNonNull(producedType, "producedType");
        this.onError = Objects.requireNonNull(onError, "onError");
    }

    @Override
    public void open(InitializationContext context) {
        codec = AvroCodec.of(type);
        converter = AvroRows.converter(type.schema(), rowType);
        decoded = context.getMetricGroup().counter("eventsDecoded");
        undecodable = context.getMetricGroup().counter("eventsUndecodable");
    }

    /**
     * @return the row, or {@code null} (skipped) for a value that does not decode under {@link
     *     OnError#SKIP}
     * @throws IOException the {@link DecodeException}, with its reason code, under {@link
     *     OnError#FAIL}
     */
    @Override
    public RowData deserialize(byte[] message) throws IOException {
        SpecificRecordBase record;
        try {
            record = codec.decode(message);
        } catch (DecodeException e) {
            undecodable.inc();
            if (onError == OnError.FAIL) {
                throw e;
            }
            return null;
        }
        decoded.inc();
        return converter.convert(record);
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return false;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
