package com.kartshoppe.it;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What jobs committed to a topic of the embedded broker, read with read_committed. */
final class CommittedRecords {

    private CommittedRecords() {}

    /** Every committed record of a topic, up to its end offsets when called. */
    static <T extends SpecificRecordBase> List<T> readAll(
            EmbeddedKafka kafka, EventType<T> type, String topic) {
        return read(
                kafka, topic, decoder(type, topic), records -> false, Duration.ofMinutes(1), true);
    }

    /**
     * Reads the committed records of a topic from the start until what has been read satisfies
     * {@code done}.
     *
     * @throws AssertionError if it does not within {@code timeout}
     */
    static <T extends SpecificRecordBase> List<T> await(
            EmbeddedKafka kafka,
            EventType<T> type,
            String topic,
            Predicate<List<T>> done,
            Duration timeout) {
        return read(kafka, topic, decoder(type, topic), done, timeout, false);
    }

    private static <T extends SpecificRecordBase> Function<byte[], T> decoder(
            EventType<T> type, String topic) {
        AvroCodec<T> codec = AvroCodec.of(type);
        return bytes -> {
            try {
                return codec.decode(bytes);
            } catch (DecodeException e) {
                throw new AssertionError("A job wrote an undecodable record to " + topic, e);
            }
        };
    }

    /**
     * Reads a text topic from the start until what has been read satisfies {@code done}.
     *
     * @throws AssertionError if it does not within {@code timeout}, with what was read
     */
    static List<String> awaitText(
            EmbeddedKafka kafka, String topic, Predicate<List<String>> done, Duration timeout) {
        return read(kafka, topic, CommittedRecords::text, done, timeout, false);
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    private static <T> List<T> read(
            EmbeddedKafka kafka,
            String topic,
            Function<byte[], T> decode,
            Predicate<List<T>> done,
            Duration timeout,
            boolean toEnd) {
        Properties props = kafka.settings().clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // The high watermark, not this consumer's last stable offset: a transaction's commit
            // returns before the broker has written its markers, so right after a job the LSO can
            // still stand before its last transaction. A read_committed position reaches the high
            // watermark only once every transaction below it is decided.
            Map<TopicPartition, Long> end = highWatermarks(kafka, partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (toEnd
                    ? partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    : !done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "Reading "
                                    + topic
                                    + (toEnd ? " to its end " + end : " until done")
                                    + " took longer than "
                                    + timeout
                                    + "; read "
                                    + records.size()
                                    + (toEnd || records.isEmpty()
                                            ? ""
                                            : ", the last: " + records.get(records.size() - 1)));
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(decode.apply(r.value()));
                }
            }
        }
        return records;
    }

    private static Map<TopicPartition, Long> highWatermarks(
            EmbeddedKafka kafka, List<TopicPartition> partitions) {
        Properties props = kafka.settings().clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(partitions);
        }
    }
}
