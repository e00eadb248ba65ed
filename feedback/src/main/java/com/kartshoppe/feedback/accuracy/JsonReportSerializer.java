package com.kartshoppe.feedback.accuracy;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes {@link JsonReport}s as UTF-8 JSON values keyed by model name. */
public final class JsonReportSerializer implements KafkaRecordSerializationSchema<JsonReport> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public JsonReportSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            JsonReport report, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                report.key.getBytes(StandardCharsets.UTF_8),
                report.json.getBytes(StandardCharsets.UTF_8));
    }
}
