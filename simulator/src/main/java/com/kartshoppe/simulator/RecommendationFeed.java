package com.kartshoppe.simulator;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the loop in live mode: consumes the recommendations topic on a background thread and hands
 * every recommendation to a consumer, normally {@link Simulation#offer}, whose shoppers then click,
 * view and buy according to their preferences.
 */
public final class RecommendationFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecommendationFeed.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicLong undecodable = new AtomicLong();

    /**
     * @param fromBeginning read the topic's whole history instead of only what arrives from now on
     */
    public RecommendationFeed(
            KafkaSettings kafka,
            String topic,
            boolean fromBeginning,
            Consumer<Recommendation> recommendations) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kartshoppe-simulator-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
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
                                LOG.error("Recommendation feed stopped", e);
                            } finally {
                                consumer.close();
                            }
                        },
                        "recommendation-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Recommendations on the topic that could not be decoded, and were ignored. */
    public long undecodable() {
        return undecodable.get();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join();
    }
}
