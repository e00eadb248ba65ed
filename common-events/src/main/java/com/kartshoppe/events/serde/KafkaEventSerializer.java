package com.kartshoppe.events.serde;

import com.kartshoppe.events.EventType;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

/** Builds the {@link KafkaRecordSerializationSchema} of a KafkaSink for one event type. */
public final class KafkaEventSerializer {

    private KafkaEventSerializer() {}

    /**
     * Values in Avro single-object encoding, keys as UTF-8 per the README's topic table; the Kafka
     * record timestamp is the element's event-time timestamp.
     */
    public static <T extends SpecificRecordBase> KafkaRecordSerializationSchema<T> forTopic(
            EventType<T> type, String topic) {
        return KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new KeySchema<>(type))
                .setValueSerializationSchema(new SingleObjectSerializationSchema<>(type))
                .build();
    }

    /** The record key as UTF-8 bytes. */
    private static final class KeySchema<T extends SpecificRecordBase>
            implements SerializationSchema<T> {

        private static final long serialVersionUID = 1L;

        private final EventType<T> type;

        private KeySchema(EventType<T> type) {
            this.type = type;
        }

        @Override
        public byte[] serialize(T element) {
            return type.key(element).getBytes(StandardCharsets.UTF_8);
        }
    }
}
