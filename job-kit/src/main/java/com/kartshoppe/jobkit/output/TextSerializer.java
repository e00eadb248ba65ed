package com.kartshoppe.jobkit.output;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes records as UTF-8 text, for the topics analysts read with any Kafka client (JSON reports):
 * the record's key and value as its two functions give them.
 */
final class TextSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, String> value;

    TextSerializer(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, String> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T record, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                key.apply(record).getBytes(StandardCharsets.UTF_8),
                value.apply(record).getBytes(StandardCharsets.UTF_8));
    }
}
