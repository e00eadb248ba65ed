package com.kartshoppe.featurestore.erasure;

import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.featurestore.store.OnlineStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Erases one shopper's features (a deletion request): a tombstone per feature set on {@code
 * features.user}, so that compaction drops the shopper's snapshots and no rebuild of any store
 * brings them back, and, if given, the shopper's keys deleted from an online store at once. A
 * running feature store applies the tombstones itself; the direct delete is for a store no
 * materialiser is running on (a stopped RocksDB store) or for a shared Redis, which then forgets
 * the shopper without waiting for the materialiser.
 *
 * <p>It does not erase what other topics hold about the shopper (logged predictions, training
 * examples, labels, dead letters) nor the running jobs' keyed state: see the README's "Deleting a
 * shopper".
 *
 * <pre>{@code
 * ShopperErasure.Result r = ShopperErasure.erase(kafka, "features.user", "u-42",
 *         List.of("fraud_v1", "session_v1"), Optional.of(store));
 * }</pre>
 */
public final class ShopperErasure {

    private static final long SEND_TIMEOUT_SECONDS = 60;

    private ShopperErasure() {}

    /**
     * What an erasure did.
     *
     * @param tombstones the Kafka keys tombstoned, {@code <featureSet>:<entityId>}, with where each
     *     was written ({@code topic-partition@offset})
     * @param deletedFromStore how many of the keys the store held, if a store was given
     */
    public record Result(List<String> tombstones, Optional<Integer> deletedFromStore) {}

    /**
     * Writes the tombstones (acknowledged by every in-sync replica) and deletes the keys from
     * {@code store}, if present.
     *
     * @throws IllegalArgumentException if {@code entityId} is blank or no feature set is named
     * @throws IllegalStateException if a tombstone is not acknowledged; the store is then left
     *     alone, and the erasure can be run again
     */
    public static Result erase(
            KafkaSettings kafka,
            String topic,
            String entityId,
            Collection<String> featureSets,
            Optional<OnlineStore> store) {
        if (entityId == null || entityId.isBlank()) {
            throw new IllegalArgumentException("the shopper's id must not be blank");
        }
        if (featureSets.isEmpty()) {
            throw new IllegalArgumentException("name at least one feature set");
        }
        List<OnlineStore.Key> keys = new ArrayList<>();
        for (String set : featureSets) {
            keys.add(new OnlineStore.Key(set, entityId));
        }
        List<String> tombstones = tombstone(kafka, topic, keys);
        return new Result(tombstones, store.map(s -> s.delete(keys)));
    }

    private static List<String> tombstone(
            KafkaSettings kafka, String topic, List<OnlineStore.Key> keys) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        List<String> written = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (OnlineStore.Key k : keys) {
                sends.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        kafkaKey(k).getBytes(StandardCharsets.UTF_8),
                                        null)));
            }
            for (int i = 0; i < keys.size(); i++) {
                RecordMetadata at = sends.get(i).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                written.add(
                        kafkaKey(keys.get(i))
                                + " at "
                                + at.topic()
                                + "-"
                                + at.partition()
                                + "@"
                                + at.offset());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot write tombstones to " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Tombstones to "
                            + topic
                            + " not acknowledged within "
                            + SEND_TIMEOUT_SECONDS
                            + " s at "
                            + kafka.bootstrapServers(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted writing tombstones to " + topic, e);
        }
        return written;
    }

    /** The key of the shopper's snapshots of one feature set on {@code features.user}. */
    static String kafkaKey(OnlineStore.Key k) {
        return k.featureSet() + ":" + k.entityId();
    }
}
