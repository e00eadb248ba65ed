package com.kartshoppe.playground.dashboard;

import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.playground.dashboard.LiveAggregates.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A live, bounded, in-memory view of the system's topics for the dashboard and the playground's
 * status line: one background thread reads the shop inputs (counted, never decoded), fraud
 * decisions, recommendations, dead letters, adapter parameters and accuracy reports.
 *
 * <pre>{@code
 * try (LiveView view = LiveView.start(KafkaSettings.from(conf), conf)) {
 *     Totals t = view.totals();
 *     System.out.println(t.decisions() + " decisions, " + t.alerts() + " alerts");
 * }
 * }</pre>
 *
 * <p>It reads like any other consumer: a plain {@link KafkaConsumer} with every partition assigned
 * (no consumer group, nothing committed), {@code read_committed}, so it sees what the exactly-once
 * jobs committed and nothing of aborted transactions. {@link #start} fixes the start positions
 * before it returns: the end of each topic, so the counts cover what is committed from then on,
 * except for the accuracy and model-parameter topics, read from the beginning so their history
 * shows. Topic names come from the {@link Topics} options.
 *
 * <p>Memory is bounded whatever the traffic (see {@link LiveAggregates}): the last {@value
 * LiveAggregates#RECENT_DECISIONS} decisions, the latest recommendation of the {@value
 * LiveAggregates#USERS_KEPT} most recently served shoppers, the last {@value
 * LiveAggregates#ACCURACY_POINTS} accuracy reports, {@value LiveAggregates#MODEL_SWAPS} model swaps
 * and as many rule-set changes, per-second throughput of the last {@value
 * LiveAggregates#THROUGHPUT_SECONDS} seconds.
 */
public final class LiveView implements AutoCloseable {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(250);

    /** The shop inputs, counted without decoding. */
    private static final List<ConfigOption<String>> INPUTS =
            List.of(Topics.CLICKS, Topics.ORDERS, Topics.PAYMENTS, Topics.LOGINS);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Role> roles;
    private final LiveAggregates aggregates = new LiveAggregates();
    private final Thread thread;

    /** Guarded by {@code this}; waiters are woken after every poll. */
    private Exception failure;

    private LiveView(KafkaConsumer<byte[], byte[]> consumer, Map<String, Role> roles) {
        this.consumer = consumer;
        this.roles = roles;
        this.thread = new Thread(this::run, "dashboard-live-view");
        thread.setDaemon(true);
    }

    /**
     * Assigns every partition of the topics shown, fixes the start positions and starts reading.
     *
     * @throws IllegalStateException if a topic does not exist, or the broker does not answer within
     *     30 seconds
     */
    public static LiveView start(KafkaSettings kafka, Configuration conf) {
        Map<String, Role> roles = new LinkedHashMap<>();
        INPUTS.forEach(t -> roles.put(conf.get(t), Role.INPUT));
        roles.put(conf.get(Topics.FRAUD_DECISIONS), Role.DECISIONS);
        roles.put(conf.get(Topics.RECOMMENDATIONS), Role.RECOMMENDATIONS);
        roles.put(conf.get(Topics.MODEL_PARAMS), Role.MODEL_PARAMS);
        roles.put(conf.get(Topics.FEEDBACK_ACCURACY), Role.ACCURACY);
        roles.put(conf.get(Topics.DLQ), Role.DLQ);

        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kartshoppe-dashboard");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> fromEnd = new ArrayList<>();
            List<TopicPartition> fromBeginning = new ArrayList<>();
            for (Map.Entry<String, Role> topic : roles.entrySet()) {
                List<PartitionInfo> partitions =
                        consumer.partitionsFor(topic.getKey(), METADATA_TIMEOUT);
                if (partitions == null || partitions.isEmpty()) {
                    throw new IllegalStateException(
                            "Topic "
                                    + topic.getKey()
                                    + " does not exist on "
                                    + kafka.bootstrapServers()
                                    + "; create the project topics first");
                }
                boolean history =
                        topic.getValue() == Role.ACCURACY || topic.getValue() == Role.MODEL_PARAMS;
                for (PartitionInfo p : partitions) {
                    (history ? fromBeginning : fromEnd)
                            .add(new TopicPartition(p.topic(), p.partition()));
                }
            }
            List<TopicPartition> all = new ArrayList<>(fromEnd);
            all.addAll(fromBeginning);
            consumer.assign(all);
            consumer.seekToBeginning(fromBeginning);
            consumer.seekToEnd(fromEnd); // the last stable offset, under read_committed
            // Resolve the positions now: whatever is committed after start() returns is seen.
            all.forEach(tp -> consumer.position(tp, METADATA_TIMEOUT));
        } catch (RuntimeException e) {
            consumer.close();
            if (e instanceof IllegalStateException) {
                throw e;
            }
            throw new IllegalStateException(
                    "Cannot read the dashboard's topics on " + kafka.bootstrapServers() + ": " + e,
                    e);
        }
        LiveView view = new LiveView(consumer, Map.copyOf(roles));
        view.thread.start();
        return view;
    }

    private void run() {
        try {
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    aggregates.add(roles.get(r.topic()), r.value(), now);
                }
                synchronized (this) {
                    notifyAll();
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            synchronized (this) {
                failure = e;
                notifyAll();
            }
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    /** The counts so far: a consistent, immutable snapshot. */
    public Totals totals() {
        return aggregates.totals(failureText());
    }

    /** Everything the dashboard page shows, as of now. */
    public Snapshot snapshot() {
        return aggregates.snapshot(System.currentTimeMillis(), failureText());
    }

    /**
     * The latest recommendation of a shopper, if it is among the {@value LiveAggregates#USERS_KEPT}
     * most recently served.
     */
    public Optional<UserRecommendations> recommendationsFor(String userId) {
        return Optional.ofNullable(aggregates.recommendationsFor(userId));
    }

    /** Why the consumer thread stopped by itself, or null while it runs (or after close). */
    public synchronized Exception failure() {
        return failure;
    }

    private synchronized String failureText() {
        return failure == null ? null : failure.toString();
    }

    /**
     * Waits until the totals satisfy {@code condition}, checking after every poll; for tests and
     * scripted runs, so nothing waits on a guessed sleep.
     *
     * @return the totals that satisfied it
     * @throws TimeoutException with the last totals, if the timeout passes first
     * @throws IllegalStateException if the consumer thread fails
     */
    public Totals awaitTotals(Predicate<Totals> condition, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                Totals totals = totals();
                if (condition.test(totals)) {
                    return totals;
                }
                if (failure != null) {
                    throw new IllegalStateException("The live view failed: " + failure, failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(
                            "Condition not met within " + timeout + "; totals: " + totals);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Stops the consumer thread and closes the consumer. */
    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            consumer.wakeup();
        }
        thread.join();
    }
}
