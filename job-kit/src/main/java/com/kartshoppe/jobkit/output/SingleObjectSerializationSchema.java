package com.kartshoppe.jobkit.output;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Flink {@link SerializationSchema} writing Avro single-object encoding, the wire format of every
 * Avro topic.
 */
public final class SingleObjectSerializationSchema<T extends SpecificRecordBase>
        implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final EventType<T> type;
    private transient AvroCodec<T> codec;

    public SingleObjectSerializationSchema(EventType<T> type) {
        this.type = type;
    }

    @Override
    public void open(InitializationContext context) {
        codec = AvroCodec.of(type);
    }

    @Override
    public byte[] serialize(T element) {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        return codec.encode(element);
    }
}
