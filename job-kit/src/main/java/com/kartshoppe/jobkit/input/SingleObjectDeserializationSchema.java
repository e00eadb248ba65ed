package com.kartshoppe.jobkit.input;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Strict Flink {@link DeserializationSchema} for Avro single-object encoding: an undecodable record
 * throws a {@link DecodeException}. Sources of untrusted input use {@link KafkaEventDeserializer},
 * which turns such records into dead letters instead.
 */
public final class SingleObjectDeserializationSchema<T extends SpecificRecordBase>
        implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final EventType<T> type;
    private transient AvroCodec<T> codec;

    public SingleObjectDeserializationSchema(EventType<T> type) {
        this.type = type;
    }

    @Override
    public void open(InitializationContext context) {
        codec = AvroCodec.of(type);
    }

    @Override
    public T deserialize(byte[] message) throws DecodeException {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        return codec.decode(message);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return new AvroTypeInfo<>(type.recordClass());
    }
}
