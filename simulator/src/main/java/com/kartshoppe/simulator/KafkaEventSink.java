package com.kartshoppe.simulator;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.serde.AvroCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces simulated records to Kafka in the platform's wire format: Avro single-object encoding,
 * keys per the topic table. Record timestamps are left to the producer (the send time), as a real
 * shop's producers do: event time lives in the payload, and a historical simulation is not deleted
 * by the broker's time-based retention. Idempotent, acks=all; the first failed send fails the next
 * write and {@link #close()}.
 */
public final class KafkaEventSink implements EventSink {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Configuration topics;
    private final Map<EventType<?>, AvroCodec<?>> codecs = new HashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /** How long the producer waits to fill a batch by default: throughput over latency. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);

    /**
     * Checks that the topics exist, then connects; batches wait up to {@link #DEFAULT_LINGER}.
     *
     * @param topics topic-name overrides ({@code topics.*} options); defaults apply otherwise
     * @throws IllegalStateException naming a missing topic, or if the brokers cannot be reached
     */
    public KafkaEventSink(KafkaSettings kafka, Configuration topics) {
        this(kafka, topics, DEFAULT_LINGER);
    }

    /**
     * As {@link #KafkaEventSink(KafkaSettings, Configuration)}, with the producer's {@code
     * linger.ms}: 0 or 1 ms for a shop that produces for low latency.
     */
    public KafkaEventSink(KafkaSettings kafka, Configuration topics, Duration linger) {
        this.topics = topics;
        requireTopics(kafka, topics);
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(linger.toMillis()));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kartshoppe-simulator");
        this.producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void requireTopics(KafkaSettings kafka, Configuration topics) {
        List<String> names = JsonLinesSink.TOPICS.stream().map(t -> topics.get(t.topic())).toList();
        Properties props = kafka.clientProperties();
        try (Admin admin = Admin.create(props)) {
            admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException(
                        "Missing topic among "
                                + names
                                + " at "
                                + kafka.bootstrapServers()
                                + ": create them first (`kartshoppe kafka` creates every project"
                                + " topic)",
                        e.getCause());
            }
            throw new IllegalStateException(
                    "Cannot check topics at " + kafka.bootstrapServers() + ": " + e.getCause(),
                    e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot reach Kafka at " + kafka.bootstrapServers() + ": " + e, e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
            throws IOException {
        AvroCodec<T> codec = (AvroCodec<T>) codecs.computeIfAbsent(type, t -> AvroCodec.of(type));
        send(type, type.key(record), codec.encode(record));
    }

    @Override
    public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
            throws IOException {
        send(type, key, payload);
    }

    private void send(EventType<?> type, String key, byte[] value) throws IOException {
        throwIfFailed();
        producer.send(
                new ProducerRecord<>(
                        topics.get(type.topic()), key.getBytes(StandardCharsets.UTF_8), value),
                (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
    }

    private void throwIfFailed() throws IOException {
        Exception e = failure.get();
        if (e != null) {
            throw new IOException("Producing to Kafka failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            producer.flush();
        } finally {
            producer.close();
        }
        throwIfFailed();
    }
}
