package com.kartshoppe.playground.kafka;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Raw producing and consuming against an {@link EmbeddedKafka}, for tests. */
public final class KafkaTestSupport {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private KafkaTestSupport() {}

    /** Sends the values with the key and waits until all are acknowledged. */
    public static void produce(EmbeddedKafka kafka, String topic, String key, List<byte[]> values) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        kafka.settings().clientProperties(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(
                        new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
    }

    /**
     * Reads a topic from the beginning (committed records only) until {@code expected} records
     * arrived, then once more to catch any surplus; fails after a minute.
     */
    public static List<ConsumerRecord<byte[], byte[]>> consume(
            EmbeddedKafka kafka, String topic, int expected) {
        Properties props = kafka.settings().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "Only " + records.size() + " of " + expected + " records on " + topic);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
