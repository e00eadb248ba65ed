package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.config.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A job's output topic in a harness: created fresh for one run, then read back in full to check
 * what the job wrote (committed or not).
 *
 * <pre>{@code
 * OutputTopics.create(kafka, "bench.fraud.decisions.1", 4);
 * // ... run the job ...
 * OutputTopics.readAll(kafka.settings(), "bench.fraud.decisions.1", "read_committed", r -> ...);
 * }</pre>
 */
final class OutputTopics {

    /** Longest wait for the commit markers of the last transactions. */
    static final Duration MARKER_TIMEOUT = Duration.ofMinutes(2);

    private OutputTopics() {}

    /**
     * Creates {@code topic} without time-based retention, whatever the broker's default: jobs stamp
     * their output with the input's event time, the pre-filled traffic happened in January, and a
     * seven-day retention deletes such records at the broker's next retention check, before they
     * are counted.
     */
    static void create(EmbeddedKafka kafka, String topic, int partitions) {
        kafka.createTopics(
                List.of(
                        new NewTopic(topic, partitions, (short) 1)
                                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))));
    }

    /**
     * Hands every record of {@code topic}, from its start to the end offsets it has now, to {@code
     * each}, read with the given {@code isolation.level}. The broker writes commit markers after a
     * producer's commit returns; a read_committed consumer gets past the last record written only
     * once its transaction is committed or aborted, so this waits (up to {@link #MARKER_TIMEOUT})
     * for the markers.
     *
     * @throws IllegalStateException if transactions are still open after the timeout
     */
    static void readAll(
            KafkaSettings kafka,
            String topic,
            String isolation,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = assignFromStart(consumer, topic);
            Map<TopicPartition, Long> written = highWatermarks(kafka, partitions);
            long deadline = System.nanoTime() + MARKER_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < written.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            String.format(
                                    "%s: transactions still open after %s: end offsets %s, last"
                                            + " stable offsets %s",
                                    topic,
                                    MARKER_TIMEOUT,
                                    written.values(),
                                    consumer.endOffsets(partitions).values()));
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    /** Assigns every partition of {@code topic} to {@code consumer}, from its start. */
    static List<TopicPartition> assignFromStart(
            KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /** End offsets of {@code partitions} as a read_uncommitted consumer sees them. */
    private static Map<TopicPartition, Long> highWatermarks(
            KafkaSettings kafka, List<TopicPartition> partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        kafka.clientProperties(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            return consumer.endOffsets(partitions);
        }
    }
}
