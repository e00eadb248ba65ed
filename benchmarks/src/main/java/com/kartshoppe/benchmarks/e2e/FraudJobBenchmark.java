package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.JobOutputs;
import com.kartshoppe.jobkit.output.KafkaSinks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

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
 *   <li><b>Decision latency.</b> Per scoring batch size ({@code --batch-sizes}, default 1 and 32)
 *       and delivery guarantee ({@code --deliveries}, default at-least-once and exactly-once, at
 *       the same rate), the job runs unbounded on fresh input topics, while the simulator produces
 *       live traffic at half the median throughput of (1) (or {@code --latency-rate}), with the
 *       producer's {@code linger.ms} at {@link LiveLatency#PRODUCER_LINGER}. A {@code
 *       read_committed} consumer on the decisions topic notes when each decision arrives (for
 *       exactly-once, when its checkpoint commits it); the latency of an order is that time minus
 *       the time its record was handed to the producer (its Kafka timestamp). Orders sent before
 *       the warm-up ends ({@code --warmup-seconds} after the first decision arrived) are left out;
 *       the orders sent in the next {@code --latency-seconds} are measured, and each must get its
 *       decision.
 * </ol>
 *
 * <p>Both use the job's deployed settings apart from the checkpoint interval: 2 s, or {@code
 * --latency-checkpoint-seconds} for the latency runs, where {@code --buffer-timeout-ms} also sets
 * Flink's network buffer timeout (default 100 ms), to see what they cost.
 *
 * <p>Each latency figure is printed with the waits inside it ({@link DeployedJob#waits}); {@code
 * --json FILE} writes every figure, the commit and the machine's load ({@link Report}).
 *
 * <p>Broker, producers, consumers and Flink share this JVM and its cores, like the playground.
 */
public final class FraudJobBenchmark {

    /** Partitions of {@code fraud.decisions} in the project's topic layout. */
    private static final int DECISION_PARTITIONS = 4;

    private static final AvroCodec<FraudDecision> DECISIONS =
            AvroCodec.of(EventType.FRAUD_DECISION);

    /** Placed orders that pass ingestion, each to be decided once, by order id. */
    private static final LiveLatency.Tracked DECIDABLE_ORDERS =
            new LiveLatency.Tracked(
                    "orders",
                    "decisions",
                    "decidedAt",
                    record ->
                            record instanceof OrderEvent order && KafkaTraffic.decidable(order)
                                    ? order.getOrderId()
                                    : null);

    private FraudJobBenchmark() {}

    /** The harness's help: its options with their defaults. */
    public static String usage() {
        return HarnessOptions.usage("fraud", new JobOptions.Spec(), new String[0]);
    }

    public static void main(String[] args) throws Exception {
        JobOptions settings = JobOptions.parse(args);
        BareReadBenchmark.Options options = settings.options();
        Report report = Report.start("fraud", args, options.events(), options.parallelism());
        try (FilledBroker broker = FilledBroker.start("fraud", options.events())) {
            EmbeddedKafka kafka = broker.kafka();
            Path work = broker.work();
            KafkaTraffic.Filled filled = broker.filled();
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
            report.throughput("fraud-job", bare, fraud, "rocksdb", "exactly-once");

            JobOptions.Search search = settings.search();
            SustainedRate.Result sustained =
                    SustainedRate.searchIfAsked(
                            search,
                            true,
                            (step, r) ->
                                    latency(
                                            kafka,
                                            liveSettings(
                                                    kafka,
                                                    work,
                                                    settings,
                                                    InferenceOptions.BATCH_SIZE.defaultValue(),
                                                    DeliveryGuarantee.AT_LEAST_ONCE,
                                                    "search" + step),
                                            settings.options().parallelism(),
                                            r,
                                            search.warmUp(),
                                            search.measured()),
                            report);
            double rate = settings.latencyRate(sustained, fraud.medianSteady());
            for (int batchSize : settings.batchSizes()) {
                for (DeliveryGuarantee delivery : settings.deliveries()) {
                    Configuration conf =
                            liveSettings(kafka, work, settings, batchSize, delivery, "latency");
                    LiveLatency.Window window =
                            latency(
                                    kafka,
                                    conf,
                                    settings.options().parallelism(),
                                    rate,
                                    settings.warmUp(),
                                    settings.measured());
                    String name = JobOptions.name(delivery);
                    window.print("latency, scoring.batch-size " + batchSize + ", " + name);
                    report.latency(window, batchSize, name, DeployedJob.waits(conf));
                    window.requireEveryOutput();
                }
            }
        }
        report.finish(options.json());
    }

    /**
     * One bounded run of the fraud job over the pre-filled topics, exactly once, into a decisions
     * topic of its own.
     *
     * @throws IllegalStateException unless every decidable order got exactly one committed decision
     */
    private static Throughput.Result throughput(
            EmbeddedKafka kafka,
            Path work,
            JobOptions settings,
            int run,
            KafkaTraffic.Filled filled)
            throws Exception {
        int parallelism = settings.options().parallelism();
        String decisions = "bench.fraud.decisions." + run;
        Configuration conf =
                settings.applyTo(
                        DeployedJob.exactlyOnce(
                                kafka,
                                work,
                                InferenceOptions.BATCH_SIZE.defaultValue(),
                                Topics.FRAUD_DECISIONS,
                                decisions,
                                DECISION_PARTITIONS));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        String group = "bench-fraud-" + run + "-" + UUID.randomUUID();
        JobOutputs out =
                new FraudDetectionJob(conf, Input.kafka(kafka.settings(), group, true), null)
                        .build(env);
        out.sinkToKafka(conf, group);
        String[] counted =
                Throughput.count(
                        Map.of(
                                "decisions", out.get(EventType.FRAUD_DECISION),
                                "snapshots", out.get(EventType.FEATURE_SNAPSHOT),
                                "dead-letters", out.get(EventType.DEAD_LETTER)));
        JobExecutionResult result = env.execute("fraud job, exactly once");
        Throughput.Result outputs = Throughput.of(result, counted);
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

    /** Decisions per order id (the record key) on {@code topic}, read with {@code isolation}. */
    private static Map<String, Integer> decisionsPerOrder(
            KafkaSettings kafka, String topic, String isolation) {
        Map<String, Integer> decided = new HashMap<>();
        OutputTopics.readAll(
                kafka,
                topic,
                isolation,
                r -> decided.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
        return decided;
    }

    /** The settings of one latency cell, on fresh topics of its own. */
    private static Configuration liveSettings(
            EmbeddedKafka kafka,
            Path work,
            JobOptions settings,
            int batchSize,
            DeliveryGuarantee delivery,
            String tag) {
        return DeployedJob.live(
                kafka,
                work,
                settings,
                batchSize,
                delivery,
                tag + "-" + JobOptions.name(delivery) + "-batch" + batchSize + ".",
                Topics.FRAUD_DECISIONS);
    }

    /**
     * Runs the job unbounded with {@code conf} on its fresh input topics, fed live at {@code rate}
     * input records per second, and measures how long each order waits for its decision.
     */
    private static LiveLatency.Window latency(
            EmbeddedKafka kafka,
            Configuration conf,
            int parallelism,
            double rate,
            Duration warmUp,
            Duration measured)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        String group = "live-fraud-" + UUID.randomUUID();
        new FraudDetectionJob(conf, Input.kafka(kafka.settings(), group, false), null)
                .build(env)
                .sinkToKafka(conf, group);
        JobClient job =
                env.executeAsync("fraud job, live, " + conf.get(KafkaSinks.DELIVERY_GUARANTEE));
        return LiveLatency.measure(
                kafka,
                conf,
                LiveLatency.topic(
                        kafka.settings(),
                        conf.get(Topics.FRAUD_DECISIONS),
                        FraudJobBenchmark::decision),
                job,
                DECIDABLE_ORDERS,
                rate,
                warmUp,
                measured,
                LiveLatency.EVERY_MEASURED);
    }

    private static LiveLatency.Arrival decision(byte[] value) throws DecodeException {
        FraudDecision d = DECISIONS.decode(value);
        return new LiveLatency.Arrival(d.getOrderId(), d.getDecidedAt().toEpochMilli());
    }
}
