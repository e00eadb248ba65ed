package com.kartshoppe.featurestore.ingest;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DeadLetterRecords;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises the {@code features.user} topic into an {@link OnlineStore}: one thread polls the
 * topic, writes each batch (newest by event time wins), sends undecodable or invalid records to the
 * dead-letter topic, and only then commits the batch's offsets. After a restart it resumes from the
 * committed offsets; a store that was never filled is rebuilt from the topic's start. Writing is
 * idempotent, so a batch written again after a crash changes nothing. A batch the store refuses
 * (e.g. Redis down) is retried until it is written: no snapshot is skipped.
 *
 * <pre>{@code
 * try (FeatureMaterializer m = new FeatureMaterializer(settings, store, metrics, Clock.systemUTC())) {
 *     m.start();
 *     ...
 * }
 * }</pre>
 */
public final class FeatureMaterializer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureMaterializer.class);

    static final String JOB = "feature-store";

    /** Feature-set names the stores can key safely. */
    private static final Pattern FEATURE_SET = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private static final Duration POLL = Duration.ofMillis(100);

    private static final AvroCodec<FeatureSnapshot> SNAPSHOTS =
            AvroCodec.of(EventType.FEATURE_SNAPSHOT);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(EventType.DEAD_LETTER);

    private final FeatureStoreSettings settings;
    private final OnlineStore store;
    private final FeatureStoreMetrics metrics;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean initialized;
    private volatile int assigned;
    private volatile String problem;
    private final Object progress = new Object();
    private boolean caughtUp;
    private Instant nextPurge;

    public FeatureMaterializer(
            FeatureStoreSettings settings,
            OnlineStore store,
            FeatureStoreMetrics metrics,
            Clock clock) {
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        Properties consumerProps = settings.kafka().clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer =
                new KafkaConsumer<>(
                        consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties producerProps = settings.kafka().clientProperties();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer =
                new KafkaProducer<>(
                        producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "feature-store-materializer");
        this.thread.setDaemon(true);
    }

    /** Starts polling on its own thread. */
    public void start() {
        initialized = store.initialized();
        nextPurge = clock.instant().plus(settings.purgeInterval());
        thread.start();
    }

    /** Null while healthy; otherwise why the store is not being kept up to date. */
    public String problem() {
        if (!running) {
            return "stopped";
        }
        if (problem == null && assigned == 0) {
            return "no partition of "
                    + settings.topic()
                    + " assigned yet (group "
                    + settings.groupId()
                    + ", brokers "
                    + settings.kafka().bootstrapServers()
                    + ")";
        }
        return problem;
    }

    /**
     * Waits until a poll finds nothing left to read: everything the topic held when that poll
     * fetched is in the store and committed.
     *
     * @return false if that did not happen within {@code timeout} or the materialiser stopped
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!caughtUp && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return caughtUp;
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.topic()), new RebuildIfNew());
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    materialize(records);
                }
                updateLag(records.isEmpty());
                purgeIfDue();
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            problem = "materialiser failed: " + e;
            LOG.error("The feature-store materialiser stopped", e);
        } finally {
            running = false;
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private void materialize(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        List<FeatureSnapshot> snapshots = new ArrayList<>(records.count());
        List<DeadLetter> dead = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            metrics.snapshotsRead.inc();
            next.put(
                    new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
            try {
                FeatureSnapshot s = SNAPSHOTS.decode(record.value());
                String invalid = invalid(s);
                if (invalid == null) {
                    snapshots.add(s);
                } else {
                    dead.add(deadLetter(record, "validation.invalid-snapshot", invalid));
                }
            } catch (DecodeException e) {
                dead.add(deadLetter(record, e.reason(), e.getMessage()));
            }
        }
        writeUntilDone(snapshots);
        for (DeadLetter d : dead) {
            producer.send(
                    new ProducerRecord<>(
                            settings.deadLetterTopic(),
                            d.getSourceTopic().getBytes(StandardCharsets.UTF_8),
                            DEAD_LETTERS.encode(d)));
            metrics.deadLetter(d.getReason());
        }
        // The dead letters are on the broker before their offsets are committed: none is lost.
        producer.flush();
        consumer.commitSync(next);
        if (!initialized) {
            store.markInitialized();
            initialized = true;
        }
    }

    /** Writes the batch, retrying until the store takes it; throws WakeupException on close. */
    private void writeUntilDone(List<FeatureSnapshot> snapshots) throws InterruptedException {
        while (true) {
            try {
                OnlineStore.WriteResult result = store.write(snapshots);
                metrics.snapshotsWritten.inc(result.written());
                metrics.snapshotsStale.inc(result.stale());
                metrics.snapshotsExpired.inc(result.expired());
                long now = clock.millis();
                for (FeatureSnapshot s : snapshots) {
                    metrics.fresh(now - s.getEventTime().toEpochMilli());
                }
                problem = null;
                return;
            } catch (StoreException e) {
                metrics.storeErrors.inc();
                problem = e.getMessage() + ": " + e.getCause();
                LOG.warn("{}; retrying in {}", problem, settings.retryBackoff());
                // A retry backoff, ended early by close(); the batch is then not committed.
                if (closing.await(settings.retryBackoff().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new WakeupException();
                }
            }
        }
    }

    /** Why a decoded snapshot cannot be stored, or null if it can. */
    private static String invalid(FeatureSnapshot s) {
        if (!FEATURE_SET.matcher(s.getFeatureSet()).matches()) {
            return "featureSet '" + s.getFeatureSet() + "' must match " + FEATURE_SET.pattern();
        }
        if (s.getEntityId().isBlank()) {
            return "entityId is blank (featureSet " + s.getFeatureSet() + ")";
        }
        return null;
    }

    private DeadLetter deadLetter(
            ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
        return DeadLetterRecords.of(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key(),
                record.value(),
                reason,
                detail,
                Instant.ofEpochMilli(record.timestamp()),
                JOB);
    }

    private void updateLag(boolean idle) {
        long lag = 0;
        assigned = consumer.assignment().size();
        boolean known = assigned > 0;
        for (TopicPartition p : consumer.assignment()) {
            OptionalLong behind = consumer.currentLag(p);
            known &= behind.isPresent();
            lag += behind.orElse(0);
        }
        metrics.consumerLag.set(lag);
        synchronized (progress) {
            caughtUp = idle && known && lag == 0;
            if (caughtUp) {
                progress.notifyAll();
            }
        }
    }

    private void purgeIfDue() {
        Instant now = clock.instant();
        if (!now.isBefore(nextPurge)) {
            metrics.purged.inc(store.purgeExpired());
            nextPurge = now.plus(settings.purgeInterval());
        }
    }

    /** Rebuilds a store that was never filled from the topic's start. */
    private final class RebuildIfNew implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!initialized) {
                LOG.info(
                        "The feature store {} was never filled: reading {} from its start",
                        store.describe(),
                        settings.topic());
                consumer.seekToBeginning(partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
    }

    /** Stops polling and waits for the batch in hand to be written and committed. */
    @Override
    public void close() {
        running = false;
        closing.countDown();
        consumer.wakeup();
        try {
            if (thread.isAlive()) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
            producer.close();
        }
    }
}
