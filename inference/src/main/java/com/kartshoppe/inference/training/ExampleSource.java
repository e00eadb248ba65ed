package com.kartshoppe.inference.training;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where training examples come from: {@code jsonl:PATH} (a JSON-lines file of {@code
 * LabeledExample}s, or a directory holding {@code ml.training-examples.jsonl}, as the simulator and
 * the feedback job write them) or {@code kafka:BOOTSTRAP[/TOPIC]} (everything on the topic, default
 * {@code ml.training-examples}, up to its end when read).
 */
public final class ExampleSource {

    static final String DEFAULT_TOPIC = EventType.LABELED_EXAMPLE.topic().defaultValue();

    /** A read that gets no record for this long, short of the topic's end, fails. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private ExampleSource() {}

    /**
     * The examples of one use case in {@code spec}, the newest one per prediction id (the feedback
     * job writes a second example for a prediction whose label came late or was corrected).
     *
     * @throws IllegalArgumentException for a spec of neither form, naming it
     * @throws IOException naming the file and line of an unreadable example
     */
    public static List<LabeledExample> read(String spec, UseCase useCase) throws IOException {
        List<LabeledExample> all;
        if (spec.startsWith("jsonl:")) {
            all = readJsonLines(Path.of(spec.substring("jsonl:".length())));
        } else if (spec.startsWith("kafka:")) {
            String target = spec.substring("kafka:".length());
            int slash = target.indexOf('/');
            all =
                    slash < 0
                            ? readKafka(target, DEFAULT_TOPIC)
                            : readKafka(target.substring(0, slash), target.substring(slash + 1));
        } else {
            throw new IllegalArgumentException(
                    "Examples '" + spec + "': use jsonl:PATH or kafka:BOOTSTRAP[/TOPIC]");
        }
        // Newest per prediction id: a late label's example corrects the matured one before it
        // (the topic is keyed by prediction id, so their order is kept).
        Map<String, LabeledExample> newest = new LinkedHashMap<>();
        for (LabeledExample e : all) {
            if (e.getUseCase() == useCase) {
                newest.remove(e.getPredictionId());
                newest.put(e.getPredictionId(), e);
            }
        }
        return List.copyOf(newest.values());
    }

    static List<LabeledExample> readJsonLines(Path path) throws IOException {
        Path file =
                Files.isDirectory(path) ? JsonCodec.file(path, EventType.LABELED_EXAMPLE) : path;
        return JsonCodec.of(EventType.LABELED_EXAMPLE).readFile(file);
    }

    static List<LabeledExample> readKafka(String bootstrap, String topic) throws IOException {
        Properties props = KafkaSettings.of(bootstrap).clientProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroCodec<LabeledExample> codec = AvroCodec.of(EventType.LABELED_EXAMPLE);
        List<LabeledExample> examples = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            if (partitions.isEmpty()) {
                throw new IOException("Topic " + topic + " does not exist at " + bootstrap);
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
                            "No progress reading " + topic + " at " + bootstrap + " for " + STALL);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    try {
                        examples.add(codec.decode(record.value()));
                    } catch (DecodeException e) {
                        throw new IOException(
                                topic
                                        + "-"
                                        + record.partition()
                                        + "@"
                                        + record.offset()
                                        + ": "
                                        + e.getMessage(),
                                e);
                    }
                }
            }
        }
        return examples;
    }
}
