package com.kartshoppe.events.serde;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.KafkaSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic once, outside Flink: every committed record from the beginning up to the end
 * offsets the topic had when the read started, decoded with {@link AvroCodec}. For tools that
 * export or join what a topic holds (training examples, feature snapshots); no consumer group, no
 * committed offsets.
 *
 * <pre>{@code
 * List<LabeledExample> all = TopicReader.readAll("127.0.0.1:9092", EventType.LABELED_EXAMPLE);
 * TopicReader.forEach("127.0.0.1:9092/my.features", EventType.FEATURE_SNAPSHOT, index::add);
 * }</pre>
 *
 * <p>A compacted topic gives what it still holds: the newest record per key, plus whatever older
 * records compaction has not removed yet.
 */
public final class TopicReader {

    /** A read that gets no record for this long, short of the topic's end, fails. */
    public static final Duration STALL = Duration.ofSeconds(60);

    private TopicReader() {}

    /**
     * Every record of a topic, in partition order (records of one key keep their order).
     *
     * @param target {@code BOOTSTRAP[/TOPIC]}; without a topic, the type's default topic
     * @throws IOException if the topic does not exist, stalls, or holds a record that does not
     *     decode (naming its {@code topic-partition@offset})
     */
    public static <T extends SpecificRecordBase> List<T> readAll(String target, EventType<T> type)
            throws IOException {
        List<T> records = new ArrayList<>();
        forEach(target, type, records::add);
        return records;
    }

    /**
     * Hands every record of a topic to {@code each}, as {@link #readAll(String, EventType)} reads
     * them, without keeping them.
     *
     * @return the number of records read
     */
    public static <T extends SpecificRecordBase> long forEach(
            String target, EventType<T> type, Consumer<? super T> each) throws IOException {
        int slash = target.indexOf('/');
        return slash < 0
                ? forEach(KafkaSettings.of(target), type.topic().defaultValue(), type, each)
                : forEach(
                        KafkaSettings.of(target.substring(0, slash)),
                        target.substring(slash + 1),
                        type,
                        each);
    }

    /**
     * Hands every record of {@code topic} to {@code each}, reading with {@code kafka}'s client
     * properties (security settings included) at isolation level {@code read_committed}.
     *
     * @return the number of records read
     * @throws IOException if the topic does not exist, stalls for {@link #STALL}, or holds a record
     *     that does not decode (naming its {@code topic-partition@offset})
     */
    public static <T extends SpecificRecordBase> long forEach(
            KafkaSettings kafka, String topic, EventType<T> type, Consumer<? super T> each)
            throws IOException {
        return forEach(kafka, topic, type, each, null);
    }

    /**
     * As {@link #forEach(KafkaSettings, String, EventType, Consumer)}, but a record that does not
     * decode is handed to {@code undecodable} ({@code <topic>-<partition>@<offset>: <reason>})
     * instead of failing the read, unless that is null.
     *
     * @return the number of records decoded
     */
    public static <T extends SpecificRecordBase> long forEach(
            KafkaSettings kafka,
            String topic,
            EventType<T> type,
            Consumer<? super T> each,
            Consumer<String> undecodable)
            throws IOException {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroCodec<T> codec = AvroCodec.of(type);
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            if (partitions.isEmpty()) {
                throw new IOException(
                        "Topic " + topic + " does not exist at " + kafka.bootstrapServers());
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long idleSince = System.nanoTime();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
                if (!records.isEmpty()) {
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > STALL.toNanos()) {
                    throw new IOException(
                            "No progress reading "
                                    + topic
                                    + " at "
                                    + kafka.bootstrapServers()
                                    + " for "
                                    + STALL);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    T value;
                    try {
                        value = codec.decode(record.value());
                    } catch (DecodeException e) {
                        String where =
                                topic
                                        + "-"
                                        + record.partition()
                                        + "@"
                                        + record.offset()
                                        + ": "
                                        + e.getMessage();
                        if (undecodable == null) {
                            throw new IOException(where, e);
                        }
                        undecodable.accept(where);
                        continue;
                    }
                    each.accept(value);
                    read++;
                }
            }
        }
        return read;
    }
}
