package com.kartshoppe.simulator;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Closes the loop in live mode: consumes the recommendations topic on a background thread and hands
 * every recommendation to a consumer, normally {@link Simulation#offer}, whose shoppers then click,
 * view and buy according to their preferences.
 *
 * <p>The constructor returns once the topic's partitions are assigned and their start positions
 * fixed, so nothing produced afterwards is missed. If the thread dies, {@link #failure()} says why.
 */
public final class RecommendationFeed implements AutoCloseable {

    private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /**
     * @param fromBeginning read the topic's whole history instead of only what arrives from now on
     * @throws IllegalStateException if no partition is assigned within 30 seconds
     */
    public RecommendationFeed(
            KafkaSettings kafka,
            String topic,
            boolean fromBeginning,
            Consumer<Recommendation> recommendations)
            throws InterruptedException {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kartshoppe-simulator-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        CountDownLatch assigned = new CountDownLatch(1);
        consumer.subscribe(
                List.of(topic),
                new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        // Resolve the start offsets now, so later records cannot be skipped.
                        partitions.forEach(consumer::position);
                        assigned.countDown();
                    }

                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
                });
        AvroCodec<Recommendation> codec = AvroCodec.of(EventType.RECOMMENDATION);
        this.thread =
                new Thread(
                        () -> {
                            try {
                                while (true) {
                                    for (ConsumerRecord<byte[], byte[]> r :
                                            consumer.poll(Duration.ofSeconds(1))) {
                                        try {
                                            recommendations.accept(codec.decode(r.value()));
                                        } catch (DecodeException e) {
                                            undecodable.incrementAndGet();
                                        }
                                    }
                                }
                            } catch (WakeupException e) {
                                // close() asked us to stop
                            } catch (RuntimeException e) {
                                failure.set(e);
                            } finally {
                                consumer.close();
                                assigned.countDown();
                            }
                        },
                        "recommendation-feed");
        thread.setDaemon(true);
        thread.start();
        if (!assigned.await(ASSIGNMENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                || failure.get() != null) {
            close();
            throw new IllegalStateException(
                    "No partition of "
                            + topic
                            + " was assigned within "
                            + ASSIGNMENT_TIMEOUT
                            + (failure.get() == null ? "" : ": " + failure.get()),
                    failure.get());
        }
    }

    /** Recommendations on the topic that could not be decoded, and were ignored. */
    public long undecodable() {
        return undecodable.get();
    }

    /** Why the feed stopped by itself, or null while it runs (or after a normal close). */
    public Exception failure() {
        return failure.get();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join();
    }
}
