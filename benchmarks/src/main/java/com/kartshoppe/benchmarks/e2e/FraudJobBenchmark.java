package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.features.ingest.Input;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.fraud.FraudStreams;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.playground.kafka.EmbeddedKafka;
import com.kartshoppe.simulator.EventSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The fraud job ({@link FraudDetectionJob}) end to end on the embedded broker, next to the
 * bare-read baseline measured on the same broker and topics:
 *
 * <ol>
 *   <li><b>Throughput.</b> Each round runs the bare read, then the fraud job at parallelism 2 as
 *       deployed (RocksDB state, incremental checkpoints, here every 2 s, exactly-once Kafka sinks)
 *       over the same N pre-filled input records, bounded. The steady rate is input records divided
 *       by the span from the job's first output record (decision, feature snapshot or dead letter)
 *       to its last. Every run checks, on its own decisions topic read with {@code read_committed},
 *       that each decidable placed order got exactly one decision and nothing else did.
 *   <li><b>Decision latency.</b> Per scoring batch size ({@code --batch-sizes}, default 1 and 32),
 *       the job runs unbounded with AT_LEAST_ONCE sinks on fresh input topics, while the simulator
 *       produces live traffic at half the median throughput of (1) (or {@code --latency-rate}). A
 *       consumer on the decisions topic notes when each decision arrives; the latency of an order
 *       is that time minus the time its record was handed to the producer (its Kafka timestamp).
 *       Orders sent before the warm-up ends ({@code --warmup-seconds} after the first decision
 *       arrived) are left out; the orders sent in the next {@code --latency-seconds} are measured,
 *       and each must get its decision.
 * </ol>
 *
 * <p>Both use the job's deployed settings apart from the checkpoint interval: 2 s, or {@code
 * --latency-checkpoint-seconds} for the latency runs, where {@code --buffer-timeout-ms} also sets
 * Flink's network buffer timeout (default 100 ms), to see what they cost.
 *
 * <p>Broker, producers, consumers and Flink share this JVM and its cores, like the playground.
 */
public final class FraudJobBenchmark {

    /**
     * Input records per shopper and simulated hour at the simulator's defaults (measured: 11.0 in a
     * two-hour run of 5,000 shoppers); sizes the live population.
     */
    private static final double EVENTS_PER_SHOPPER_HOUR = 11;

    /** Simulated time runs at most this much faster than the wall clock in live traffic. */
    private static final double LIVE_SPEEDUP = 240;

    private static final Duration FIRST_DECISION_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

    /** Often enough that the exactly-once sinks commit within a run. */
    private static final Duration THROUGHPUT_CHECKPOINTS = Duration.ofSeconds(2);

    /** Partitions of {@code fraud.decisions} in the project's topic layout. */
    private static final int DECISION_PARTITIONS = 4;

    private FraudJobBenchmark() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        BareReadBenchmark.Options options = settings.options();
        Path work = Files.createTempDirectory("kartshoppe-fraud-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());
            StarterModels.install(work.resolve("models"));
            KafkaTraffic.Filled filled = KafkaTraffic.fill(kafka, options.events(), 1);
            filled.print();
            System.out.printf(
                    Locale.ROOT, "%,d placed orders to decide%n", filled.placedOrders().size());
            BareReadBenchmark.Runs bare =
                    new BareReadBenchmark.Runs("bare-read", options.parallelism());
            BareReadBenchmark.Runs fraud =
                    new BareReadBenchmark.Runs("fraud-job", options.parallelism());
            for (int run = 0; run <= options.runs(); run++) {
                boolean warmUp = run == 0;
                bare.add(
                        warmUp,
                        BareReadBenchmark.readAll(
                                kafka.settings(), options.parallelism(), filled.inputs()));
                fraud.add(warmUp, throughput(kafka, work, settings, run, filled));
            }
            bare.printSummary(filled.inputs());
            fraud.printSummary(filled.inputs());
            System.out.printf(
                    Locale.ROOT,
                    "fraud job vs bare read (steady medians): %.3f%n",
                    fraud.medianSteady() / bare.medianSteady());

            double rate =
                    settings.latencyRate() > 0 ? settings.latencyRate() : fraud.medianSteady() / 2;
            for (int batchSize : settings.batchSizes()) {
                latency(kafka, work, settings, batchSize, rate).print();
            }
        } finally {
            deleteRecursively(work);
        }
    }

    /** The job's settings as deployed, on this broker, with the starter model. */
    private static Configuration jobConf(
            EmbeddedKafka kafka,
            Path work,
            Duration checkpoints,
            DeliveryGuarantee guarantee,
            int batchSize) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpoints);
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(KafkaOptions.DELIVERY_GUARANTEE, guarantee);
        conf.set(InferenceOptions.MODELS_DIR, work.resolve("models").toString());
        conf.set(InferenceOptions.BATCH_SIZE, batchSize);
        return conf;
    }

    /**
     * One bounded run of the fraud job over the pre-filled topics, exactly once, into a decisions
     * topic of its own.
     *
     * @throws IllegalStateException unless every decidable order got exactly one committed decision
     */
    private static Throughput.Result throughput(
            EmbeddedKafka kafka, Path work, Settings settings, int run, KafkaTraffic.Filled filled)
            throws Exception {
        int parallelism = settings.options().parallelism();
        Configuration conf =
                jobConf(
                        kafka,
                        work,
                        THROUGHPUT_CHECKPOINTS,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        InferenceOptions.BATCH_SIZE.defaultValue());
        String decisions = "bench.fraud.decisions." + run;
        conf.set(Topics.FRAUD_DECISIONS, decisions);
        createDecisionsTopic(kafka, decisions);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        String group = "bench-fraud-" + run + "-" + UUID.randomUUID();
        FraudStreams out =
                new FraudDetectionJob(conf, Input.kafka(kafka.settings(), group, true), null)
                        .build(env);
        out.sinkToKafka(conf, group);
        Throughput.count(out.decisions(), "decisions");
        Throughput.count(out.snapshots(), "snapshots");
        Throughput.count(out.deadLetters(), "dead-letters");
        JobExecutionResult result = env.execute("fraud job, exactly once");
        Throughput.Result outputs = Throughput.of(result, "decisions", "snapshots", "dead-letters");
        System.out.printf(
                Locale.ROOT,
                "  run %d: %,d decisions, %,d feature snapshots, %,d dead letters out%n",
                run,
                Throughput.count(result, "decisions"),
                Throughput.count(result, "snapshots"),
                Throughput.count(result, "dead-letters"));
        checkOneDecisionEach(kafka.settings(), decisions, filled.placedOrders());
        return new Throughput.Result(
                filled.inputs(), outputs.spanMillis(), outputs.netRuntimeMillis());
    }

    /**
     * Creates a decisions topic laid out like {@code fraud.decisions} but without time-based
     * retention, whatever the broker's default: the job stamps each decision with the order's event
     * time, the pre-filled traffic happened in January, and a seven-day retention deletes such
     * decisions at the broker's next retention check, before they are counted.
     */
    private static void createDecisionsTopic(EmbeddedKafka kafka, String topic) {
        kafka.createTopics(
                List.of(
                        new NewTopic(topic, DECISION_PARTITIONS, (short) 1)
                                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))));
    }

    /**
     * Reads {@code topic} as committed and compares the decided order ids with {@code orders}.
     *
     * @throws IllegalStateException unless each order has exactly one committed decision and no
     *     other order has any
     */
    private static void checkOneDecisionEach(
            KafkaSettings kafka, String topic, Set<String> orders) {
        Map<String, Integer> decided = decisionsPerOrder(kafka, topic, "read_committed");
        long records = decided.values().stream().mapToLong(Integer::longValue).sum();
        long twice = decided.values().stream().filter(n -> n > 1).count();
        Set<String> missing = new HashSet<>(orders);
        missing.removeAll(decided.keySet());
        Set<String> unexpected = new HashSet<>(decided.keySet());
        unexpected.removeAll(orders);
        if (twice > 0 || !missing.isEmpty() || !unexpected.isEmpty()) {
            Map<String, Integer> written = decisionsPerOrder(kafka, topic, "read_uncommitted");
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s: %,d committed decisions for %,d placed orders: %,d orders decided"
                                    + " more than once, %,d without a decision (e.g. %s), %,d"
                                    + " decisions for no placed order (e.g. %s); written in all,"
                                    + " committed or not: %,d decisions, %,d of the missing",
                            topic,
                            records,
                            orders.size(),
                            twice,
                            missing.size(),
                            missing.stream().limit(3).toList(),
                            unexpected.size(),
                            unexpected.stream().limit(3).toList(),
                            written.values().stream().mapToLong(Integer::longValue).sum(),
                            missing.stream().filter(written::containsKey).count()));
        }
    }

    /**
     * Reads {@code topic} from its start to the end offsets it has now, with the given {@code
     * isolation.level}, and counts the decisions per order id. The broker writes commit markers
     * after a producer's commit returns; a read_committed consumer gets past the last record
     * written only once its transaction is committed or aborted, so this waits (up to a timeout)
     * for the markers.
     */
    private static Map<String, Integer> decisionsPerOrder(
            KafkaSettings kafka, String topic, String isolation) {
        Map<String, Integer> decided = new HashMap<>();
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> written = highWatermarks(kafka, partitions);
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < written.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            String.format(
                                    "%s: transactions still open after %s: end offsets %s, last"
                                            + " stable offsets %s",
                                    topic,
                                    DRAIN_TIMEOUT,
                                    written.values(),
                                    consumer.endOffsets(partitions).values()));
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    decided.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
            }
        }
        return decided;
    }

    /** End offsets of {@code partitions} as a read_uncommitted consumer sees them. */
    private static Map<TopicPartition, Long> highWatermarks(
            KafkaSettings kafka, List<TopicPartition> partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        kafka.clientProperties(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            return consumer.endOffsets(partitions);
        }
    }

    /**
     * Runs the job unbounded, at-least-once, on fresh input topics fed live at {@code rate} input
     * records per second, and measures how long each order waits for its decision.
     */
    private static Latency latency(
            EmbeddedKafka kafka, Path work, Settings settings, int batchSize, double rate)
            throws Exception {
        int parallelism = settings.options().parallelism();
        Configuration conf =
                jobConf(
                        kafka,
                        work,
                        settings.latencyCheckpoints(),
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        batchSize);
        if (settings.bufferTimeout() != null) {
            conf.set(ExecutionOptions.BUFFER_TIMEOUT, settings.bufferTimeout());
        }
        String prefix = "live-batch" + batchSize + ".";
        for (ConfigOption<String> topic :
                List.of(
                        Topics.CLICKS,
                        Topics.ORDERS,
                        Topics.PAYMENTS,
                        Topics.LOGINS,
                        Topics.FRAUD_DECISIONS)) {
            conf.set(topic, prefix + topic.defaultValue());
        }
        createDecisionsTopic(kafka, conf.get(Topics.FRAUD_DECISIONS));
        kafka.createProjectTopics(conf);

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        String group = "live-fraud-" + batchSize + "-" + UUID.randomUUID();
        new FraudDetectionJob(conf, Input.kafka(kafka.settings(), group, false), null)
                .build(env)
                .sinkToKafka(conf, group);
        Timings timings = new Timings();
        JobClient job = env.executeAsync("fraud job, at least once, batch " + batchSize);
        job.getJobExecutionResult().whenComplete((r, e) -> timings.jobEnded(e));
        DecisionReader reader =
                new DecisionReader(kafka.settings(), conf.get(Topics.FRAUD_DECISIONS), timings);
        Thread readerThread = new Thread(reader, "decision-reader");
        readerThread.start();

        Duration planned = FIRST_DECISION_TIMEOUT.plus(settings.warmUp()).plus(settings.measured());
        LiveTraffic traffic = new LiveTraffic(kafka, conf, rate, planned, timings);
        Thread producer = new Thread(traffic, "live-traffic");
        producer.start();
        try {
            long first = timings.awaitFirstDecision(FIRST_DECISION_TIMEOUT);
            long cutoff = first + settings.warmUp().toNanos();
            long end = cutoff + settings.measured().toNanos();
            // Pacing by the clock: the measured window is a span of wall time.
            TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
            traffic.stop();
            producer.join();
            traffic.throwIfFailed();
            List<String> measured =
                    timings.sent.entrySet().stream()
                            .filter(e -> e.getValue().nanos() >= cutoff)
                            .map(Map.Entry::getKey)
                            .toList();
            timings.awaitDecisions(measured, DRAIN_TIMEOUT);
            return timings.latency(batchSize, rate, traffic.achievedRate(), measured, cutoff);
        } finally {
            traffic.stop();
            producer.join();
            reader.stop();
            readerThread.join();
            if (!job.getJobExecutionResult().isDone()) {
                job.cancel().get();
            }
        }
    }

    /** When an order was handed to the producer: {@link System#nanoTime} and wall clock. */
    private record Sent(long nanos, long millis) {}

    /**
     * When a decision reached the consumer ({@link System#nanoTime}), and its {@code decidedAt}.
     */
    private record Decided(long nanos, long decidedAtMillis) {}

    /** Send times of the decidable placed orders, and when their decisions arrived. */
    private static final class Timings {
        final Map<String, Sent> sent = new ConcurrentHashMap<>();
        private final Map<String, Decided> decided = new HashMap<>();
        private long duplicates;
        private long firstDecision = -1;
        private boolean jobEnded;
        private Throwable jobFailure;

        synchronized void decided(String orderId, Decided at) {
            if (decided.putIfAbsent(orderId, at) != null) {
                duplicates++;
            }
            if (firstDecision < 0) {
                firstDecision = at.nanos();
            }
            notifyAll();
        }

        synchronized void jobEnded(Throwable failure) {
            jobEnded = true;
            jobFailure = failure;
            notifyAll();
        }

        /** Waits for the first decision and returns when it arrived ({@link System#nanoTime}). */
        synchronized long awaitFirstDecision(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (firstDecision < 0) {
                checkRunning();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("No decision within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return firstDecision;
        }

        /** Waits until each of {@code orders} got a decision, or the timeout passes. */
        synchronized void awaitDecisions(List<String> orders, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!decided.keySet().containsAll(orders)) {
                checkRunning();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        private void checkRunning() {
            if (jobEnded) {
                throw new IllegalStateException("The fraud job ended", jobFailure);
            }
        }

        synchronized Latency latency(
                int batchSize, double rate, double achieved, List<String> measured, long cutoff) {
            List<Order> orders = new ArrayList<>();
            for (String id : measured) {
                Decided at = decided.get(id);
                if (at != null) {
                    Sent s = sent.get(id);
                    orders.add(
                            new Order(
                                    s.nanos() - cutoff,
                                    at.nanos() - s.nanos(),
                                    at.decidedAtMillis() - s.millis()));
                }
            }
            return new Latency(batchSize, rate, achieved, measured.size(), orders, duplicates);
        }
    }

    /**
     * One measured order: when it was sent after the warm-up, its latency, and the part of it until
     * the job stamped the decision (millisecond wall clock).
     */
    private record Order(long sentNanos, long latencyNanos, long untilDecidedMillis) {}

    /** Latency figures of one live run. */
    private record Latency(
            int batchSize,
            double targetRate,
            double achievedRate,
            int measured,
            List<Order> orders,
            long duplicates) {

        void print() {
            long[] total = sorted(orders.stream().mapToLong(Order::latencyNanos));
            long[] decided =
                    sorted(orders.stream().mapToLong(o -> o.untilDecidedMillis() * 1_000_000));
            System.out.printf(
                    Locale.ROOT,
                    "latency, scoring.batch-size %d, at-least-once: %,.0f input records/s asked,"
                            + " %,.0f produced; %,d orders measured, %,d decided, %,d duplicate"
                            + " decisions; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms;"
                            + " until decidedAt p50 %.0f ms, p99 %.0f ms%n",
                    batchSize,
                    targetRate,
                    achievedRate,
                    measured,
                    total.length,
                    duplicates,
                    millis(percentile(total, 0.50)),
                    millis(percentile(total, 0.90)),
                    millis(percentile(total, 0.99)),
                    millis(percentile(total, 1)),
                    millis(percentile(decided, 0.50)),
                    millis(percentile(decided, 0.99)));
            // Stability over the window: p50 and p99 per 10 s of send time.
            StringBuilder line = new StringBuilder("  p50/p99 per 10 s of the window (ms):");
            orders.stream()
                    .collect(
                            Collectors.groupingBy(
                                    o -> o.sentNanos() / 10_000_000_000L,
                                    TreeMap::new,
                                    Collectors.toList()))
                    .values()
                    .forEach(
                            slice -> {
                                long[] l = sorted(slice.stream().mapToLong(Order::latencyNanos));
                                line.append(
                                        String.format(
                                                Locale.ROOT,
                                                " %.0f/%.0f",
                                                millis(percentile(l, 0.5)),
                                                millis(percentile(l, 0.99))));
                            });
            System.out.println(line);
            if (total.length < measured) {
                throw new IllegalStateException(
                        (measured - total.length)
                                + " measured orders got no decision within "
                                + DRAIN_TIMEOUT);
            }
        }

        private static long[] sorted(LongStream values) {
            return values.sorted().toArray();
        }

        /** Nearest rank. */
        private static long percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
        }

        private static double millis(long nanos) {
            return nanos / 1e6;
        }
    }

    /** Consumes the decisions topic from its start and reports each decision's arrival. */
    private static final class DecisionReader implements Runnable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final AvroCodec<FraudDecision> codec = AvroCodec.of(EventType.FRAUD_DECISION);
        private final String topic;
        private final Timings timings;

        DecisionReader(KafkaSettings kafka, String topic, Timings timings) {
            this.consumer =
                    new KafkaConsumer<>(
                            kafka.clientProperties(),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer());
            this.topic = topic;
            this.timings = timings;
        }

        @Override
        public void run() {
            try (consumer) {
                List<TopicPartition> partitions =
                        consumer.partitionsFor(topic).stream()
                                .map(p -> new TopicPartition(topic, p.partition()))
                                .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (true) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        FraudDecision d = codec.decode(r.value());
                        timings.decided(
                                d.getOrderId(), new Decided(now, d.getDecidedAt().toEpochMilli()));
                    }
                }
            } catch (WakeupException stopped) {
                // stop() was called
            } catch (DecodeException e) {
                throw new IllegalStateException("Undecodable decision on " + topic, e);
            }
        }

        void stop() {
            consumer.wakeup();
        }
    }

    /**
     * Simulated traffic produced live, capped at a rate: a population sized so that, with simulated
     * time at most {@value #LIVE_SPEEDUP} times faster than the wall clock, it would produce twice
     * the rate. Event times start far enough back that they never pass the wall clock within {@code
     * planned}. Notes the send time of every decidable placed order.
     */
    private static final class LiveTraffic implements Runnable, EventSink {
        private final Simulation simulation;
        private final EventSink kafka;
        private final Timings timings;
        private final AtomicLong inputs = new AtomicLong();
        private volatile long firstNanos = -1;
        private volatile long lastNanos;
        private volatile RuntimeException failure;

        LiveTraffic(
                EmbeddedKafka broker,
                Configuration topics,
                double rate,
                Duration planned,
                Timings timings) {
            int users =
                    (int)
                            Math.max(
                                    1_000,
                                    Math.ceil(
                                            2
                                                    * rate
                                                    * 3600
                                                    / (EVENTS_PER_SHOPPER_HOUR * LIVE_SPEEDUP)));
            Instant start =
                    Instant.now()
                            .minusMillis((long) (planned.toMillis() * LIVE_SPEEDUP))
                            .minus(Duration.ofHours(1));
            this.simulation =
                    new Simulation(
                            SimulatorConfig.builder()
                                    .seed(2)
                                    .users(users)
                                    .duration(null)
                                    .start(start)
                                    .speedup(LIVE_SPEEDUP)
                                    .rate(rate)
                                    .build());
            this.kafka = new KafkaEventSink(broker.settings(), topics);
            this.timings = timings;
        }

        @Override
        public void run() {
            try {
                try {
                    simulation.run(this);
                } finally {
                    close();
                }
            } catch (IOException e) {
                failure = new UncheckedIOException(e);
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        void stop() {
            simulation.stop();
        }

        void throwIfFailed() {
            if (failure != null) {
                throw new IllegalStateException("Live traffic failed", failure);
            }
        }

        /** Input records per second from the first one written to the last. */
        double achievedRate() {
            return inputs.get() * 1e9 / Math.max(1, lastNanos - firstNanos);
        }

        @Override
        public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
                throws IOException {
            long now = System.nanoTime();
            if (record instanceof OrderEvent order && KafkaTraffic.decidable(order)) {
                timings.sent.putIfAbsent(
                        order.getOrderId(), new Sent(now, System.currentTimeMillis()));
            }
            kafka.write(type, record);
            counted(type, now);
        }

        @Override
        public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
                throws IOException {
            long now = System.nanoTime();
            kafka.writeGarbage(type, key, payload, time);
            counted(type, now);
        }

        private void counted(EventType<?> type, long now) {
            if (EventType.SHOP_INPUTS.contains(type)) {
                if (firstNanos < 0) {
                    firstNanos = now;
                }
                lastNanos = now;
                inputs.incrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            kafka.close();
        }
    }

    /** Command-line options: the shared ones, plus the latency runs'. */
    record Settings(
            BareReadBenchmark.Options options,
            Duration warmUp,
            Duration measured,
            List<Integer> batchSizes,
            Duration latencyCheckpoints,
            double latencyRate,
            Duration bufferTimeout) {

        static Settings parse(String[] args) {
            Duration warmUp = Duration.ofSeconds(20);
            Duration measured = Duration.ofSeconds(60);
            List<Integer> batchSizes = List.of(1, 32);
            Duration latencyCheckpoints = THROUGHPUT_CHECKPOINTS;
            double latencyRate = 0;
            Duration bufferTimeout = null;
            List<String> shared = new ArrayList<>();
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--warmup-seconds" -> warmUp = Duration.ofSeconds(Long.parseLong(value));
                    case "--latency-seconds" ->
                            measured = Duration.ofSeconds(Long.parseLong(value));
                    case "--batch-sizes" ->
                            batchSizes =
                                    Arrays.stream(value.split(","))
                                            .map(s -> Integer.parseInt(s.trim()))
                                            .toList();
                    case "--latency-rate" -> latencyRate = Double.parseDouble(value);
                    case "--buffer-timeout-ms" ->
                            bufferTimeout = Duration.ofMillis(Long.parseLong(value));
                    case "--latency-checkpoint-seconds" ->
                            latencyCheckpoints = Duration.ofSeconds(Long.parseLong(value));
                    default -> {
                        shared.add(args[i]);
                        if (value != null) {
                            shared.add(value);
                        }
                    }
                }
            }
            try {
                return new Settings(
                        BareReadBenchmark.Options.parse(shared.toArray(String[]::new)),
                        warmUp,
                        measured,
                        batchSizes,
                        latencyCheckpoints,
                        latencyRate,
                        bufferTimeout);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        e.getMessage()
                                + " --warmup-seconds S --latency-seconds S --batch-sizes 1,32"
                                + " --latency-checkpoint-seconds S --latency-rate R"
                                + " --buffer-timeout-ms T",
                        e);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
