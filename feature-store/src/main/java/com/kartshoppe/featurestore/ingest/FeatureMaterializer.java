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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CommitFailedException;
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
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises the {@code features.user} topic into an {@link OnlineStore}: one thread polls the
 * topic, writes each batch (newest by event time wins; a tombstone, a null value keyed {@code
 * <featureSet>:<entityId>}, deletes its key), sends undecodable or invalid records to the
 * dead-letter topic, and only then commits the batch's offsets. After a restart it resumes from the
 * committed offsets; a store that was never filled is rebuilt from the topic's start. Writing is
 * idempotent, so a batch written again after a crash changes nothing. A batch the store refuses
 * (e.g. Redis down) is retried until it is written: no snapshot is skipped. Meanwhile the
 * partitions are paused and still polled, so the consumer stays in its group however long the
 * outage lasts. A batch whose partitions move to another member meanwhile, or whose offsets cannot
 * be committed, is read again from the committed offsets (at least once); a store that comes back
 * empty is rebuilt from the topic's start.
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
    private volatile boolean running = true;
    private boolean initialized;

    /**
     * While rebuilding (not {@link #initialized}): per partition being re-read from its start, the
     * end offset it had then. The store is marked filled only once every one is reached: until then
     * a restart or a rebalance reads from the start again, because the offsets committed meanwhile
     * cover only the partitions the rebuild has reached so far.
     */
    private final Map<TopicPartition, Long> rebuildUntil = new HashMap<>();

    /** The store refused the batch in hand: partitions stay paused, new ones too. */
    private boolean storeDown;

    /** A rebalance took partitions since the batch in hand was polled. */
    private boolean partitionsMoved;

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
            return problem == null ? "stopped" : problem;
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
                // Before the batch is written: not caught up while a batch waits for the store.
                updateLag(records.isEmpty());
                if (!records.isEmpty()) {
                    materialize(records);
                }
                purgeIfDue();
            }
        } catch (WakeupException e) {
            // close() woke the poll
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

    private void materialize(ConsumerRecords<byte[], byte[]> records) {
        StoreUpdate update = new StoreUpdate();
        List<DeadLetter> dead = new ArrayList<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            metrics.snapshotsRead.inc();
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            first.putIfAbsent(partition, record.offset());
            next.put(partition, new OffsetAndMetadata(record.offset() + 1));
            if (record.value() == null) {
                OnlineStore.Key key = tombstoneKey(record.key());
                if (key == null) {
                    dead.add(
                            deadLetter(
                                    record,
                                    "validation.invalid-tombstone",
                                    "a tombstone's key must be <featureSet>:<entityId>, was "
                                            + (record.key() == null
                                                    ? "null"
                                                    : "'"
                                                            + new String(
                                                                    record.key(),
                                                                    StandardCharsets.UTF_8)
                                                            + "'")));
                } else {
                    update.tombstone(key);
                }
                continue;
            }
            try {
                FeatureSnapshot s = SNAPSHOTS.decode(record.value());
                String invalid = invalid(s);
                if (invalid == null) {
                    update.snapshot(s);
                } else {
                    dead.add(deadLetter(record, "validation.invalid-snapshot", invalid));
                }
            } catch (DecodeException e) {
                dead.add(deadLetter(record, e.reason(), e.getMessage()));
            }
        }
        boolean written = writeUntilDone(update, first);
        if (storeDown) {
            storeDown = false;
            consumer.resume(consumer.paused());
            LOG.info("Resumed reading {}", settings.topic());
        }
        if (!written) {
            return;
        }
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
        try {
            consumer.commitSync(next);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn(
                    "Cannot commit a batch written to {} ({}): the partitions a rebalance moved"
                            + " are read again from their committed offsets, which changes"
                            + " nothing in the store",
                    store.describe(),
                    e.toString());
            return;
        }
        if (!initialized && rebuilt()) {
            try {
                store.markInitialized();
                initialized = true;
                rebuildUntil.clear();
            } catch (StoreException e) {
                // Until it is marked, a restart rebuilds the store: slower, but nothing is lost.
                LOG.warn(
                        "Cannot mark {} as filled; trying again after the next batch",
                        store.describe(),
                        e);
            }
        }
    }

    /** Whether the rebuild has read every partition it started on up to its end offset then. */
    private boolean rebuilt() {
        for (Map.Entry<TopicPartition, Long> p : rebuildUntil.entrySet()) {
            if (consumer.position(p.getKey()) < p.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Reads {@code partitions} from their start, to fill the store again. */
    private void rebuildFromStart(Collection<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
        rebuildUntil.putAll(consumer.endOffsets(partitions));
    }

    /**
     * Deletes the tombstoned keys and writes the batch, retrying every retry-backoff until the
     * store takes it. Meanwhile the partitions are paused and polled, which returns no records but
     * keeps the consumer in its group. close() ends the retry: the next poll throws
     * WakeupException.
     *
     * @param first per partition the offset the batch starts at
     * @return false if the batch was dropped instead, because a rebalance took partitions or the
     *     store came back empty; the consumer is then positioned to read it again
     */
    private boolean writeUntilDone(StoreUpdate update, Map<TopicPartition, Long> first) {
        List<FeatureSnapshot> snapshots = update.writes();
        partitionsMoved = false;
        int failures = 0;
        long failingSince = 0;
        while (true) {
            try {
                StoreUpdate.Applied applied = update.applyTo(store);
                metrics.deleted.inc(applied.deleted());
                OnlineStore.WriteResult result = applied.written();
                metrics.snapshotsWritten.inc(result.written());
                metrics.snapshotsStale.inc(result.stale());
                metrics.snapshotsExpired.inc(result.expired());
                long now = clock.millis();
                for (FeatureSnapshot s : snapshots) {
                    metrics.fresh(now - s.getEventTime().toEpochMilli());
                }
                problem = null;
                return failures == 0 || recovered(failures, failingSince);
            } catch (StoreException e) {
                metrics.storeErrors.inc();
                problem = e.getMessage() + ": " + e.getCause();
                if (failures++ == 0) {
                    failingSince = System.nanoTime();
                    storeDown = true;
                    consumer.pause(consumer.assignment());
                    LOG.warn(
                            "{}; pausing {} and retrying the batch of {} snapshots every {}",
                            problem,
                            settings.topic(),
                            snapshots.size(),
                            settings.retryBackoff());
                } else {
                    LOG.debug("{}; attempt {} failed", problem, failures);
                }
            }
            pollFor(settings.retryBackoff());
            if (partitionsMoved) {
                LOG.warn(
                        "A rebalance moved partitions of {} while the store was down: dropping"
                                + " the batch in hand, to be read again from the committed"
                                + " offsets",
                        settings.topic());
                for (Map.Entry<TopicPartition, Long> p : first.entrySet()) {
                    if (consumer.assignment().contains(p.getKey())) {
                        consumer.seek(p.getKey(), p.getValue());
                    }
                }
                return false;
            }
        }
    }

    /**
     * After the store failed and took a batch again: false if it came back empty (e.g. Redis
     * restarted without persistence), then the consumer is positioned to rebuild it.
     */
    private boolean recovered(int failures, long failingSince) {
        LOG.info(
                "The feature store {} took the batch after {} failed attempts in {}",
                store.describe(),
                failures,
                Duration.ofNanos(System.nanoTime() - failingSince));
        if (initialized && !store.initialized()) {
            LOG.warn(
                    "The feature store {} came back empty: rebuilding it from the start of {}",
                    store.describe(),
                    settings.topic());
            initialized = false;
            rebuildFromStart(consumer.assignment());
            return false;
        }
        return true;
    }

    /** Polls the paused consumer for {@code wait}, or until a rebalance took partitions. */
    private void pollFor(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0 && !partitionsMoved; ) {
            if (!consumer.poll(Duration.ofNanos(Math.min(left, POLL.toNanos()))).isEmpty()) {
                throw new IllegalStateException("Polled records of paused partitions");
            }
            left = deadline - System.nanoTime();
        }
    }

    /**
     * The store key a tombstone deletes: its Kafka key {@code <featureSet>:<entityId>} (see {@link
     * EventType#FEATURE_SNAPSHOT}), or null if it is none.
     */
    static OnlineStore.Key tombstoneKey(byte[] kafkaKey) {
        if (kafkaKey == null) {
            return null;
        }
        String key = new String(kafkaKey, StandardCharsets.UTF_8);
        int colon = key.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String featureSet = key.substring(0, colon);
        String entityId = key.substring(colon + 1);
        return FEATURE_SET.matcher(featureSet).matches() && !entityId.isBlank()
                ? new OnlineStore.Key(featureSet, entityId)
                : null;
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

    /**
     * Rebuilds a store that was never filled from the topic's start; while the store is down,
     * pauses the partitions assigned and notes the ones taken (the batch in hand is dropped).
     */
    private final class RebuildIfNew implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!initialized) {
                LOG.info(
                        "The feature store {} is not filled: reading {} from its start",
                        store.describe(),
                        settings.topic());
                rebuildFromStart(partitions);
            }
            if (storeDown) {
                consumer.pause(partitions);
            }
        }

        /** Also called for partitions lost, e.g. when the member was dropped from the group. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitionsMoved |= !partitions.isEmpty();
            // Whoever takes them over rebuilds them if its store is not filled.
            partitions.forEach(rebuildUntil::remove);
        }
    }

    /** Stops polling and waits for the batch in hand to be written and committed. */
    @Override
    public void close() {
        running = false;
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
