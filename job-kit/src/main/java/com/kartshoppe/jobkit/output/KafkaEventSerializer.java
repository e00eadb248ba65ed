package com.kartshoppe.jobkit.output;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The {@link KafkaRecordSerializationSchema} of a KafkaSink for one event type: the key per the
 * README's topic table as UTF-8, the value in Avro single-object encoding, and the record timestamp
 * taken from the record itself ({@link EventType#eventTime}; for a dead letter, when it was
 * detected), never from the stream element's timestamp, which for a rejected record may be absurd.
 *
 * <pre>{@code
 * KafkaSink.<FraudDecision>builder()
 *         .setRecordSerializer(KafkaEventSerializer.forTopic(EventType.FRAUD_DECISION, topic))
 * }</pre>
 */
public final class KafkaEventSerializer<T extends SpecificRecordBase>
        implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final EventType<T> type;
    private final String topic;
    private transient AvroCodec<T> codec;

    private KafkaEventSerializer(EventType<T> type, String topic) {
        this.type = type;
        this.topic = topic;
    }

    public static <T extends SpecificRecordBase> KafkaEventSerializer<T> forTopic(
            EventType<T> type, String topic) {
        return new KafkaEventSerializer<>(type, topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long elementTimestamp) {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        return new ProducerRecord<>(
                topic,
                null,
                type.eventTime(element).toEpochMilli(),
                type.key(element).getBytes(StandardCharsets.UTF_8),
                codec.encode(element));
    }
}
