package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.features.Features;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.jobkit.input.Input;
import java.util.Locale;
import java.util.UUID;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Throughput of the feature pipeline every scoring job starts with: read the four input topics,
 * decode, validate, normalise, deduplicate per shopper and compute fraud_v1 on every order and
 * payment, at parallelism 2, with state on the heap and on RocksDB. Each measured round runs the
 * bare-read baseline and both pipelines on the same broker contents, so the ratios compare like
 * with like.
 */
public final class FeaturePipelineBenchmark {

    private FeaturePipelineBenchmark() {}

    /** The harness's help: its options with their defaults. */
    public static String usage() {
        return HarnessOptions.usage(
                "features", new BareReadBenchmark.Options.Spec(), new String[0]);
    }

    public static void main(String[] args) throws Exception {
        BareReadBenchmark.Options options = BareReadBenchmark.Options.parse(args);
        Report report = Report.start("features", args, options.events(), options.parallelism());
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());
            KafkaTraffic.Filled filled = KafkaTraffic.fill(kafka, options.events(), 1);
            filled.print();
            BareReadBenchmark.Runs bare =
                    new BareReadBenchmark.Runs("bare-read", options.parallelism());
            BareReadBenchmark.Runs heap =
                    new BareReadBenchmark.Runs("features-heap", options.parallelism());
            BareReadBenchmark.Runs rocks =
                    new BareReadBenchmark.Runs("features-rocksdb", options.parallelism());
            for (int run = 0; run <= options.runs(); run++) {
                boolean warmUp = run == 0;
                bare.add(
                        warmUp,
                        BareReadBenchmark.readAll(
                                kafka.settings(), options.parallelism(), filled.inputs()));
                heap.add(
                        warmUp, pipeline(kafka, options.parallelism(), "hashmap", filled.inputs()));
                rocks.add(
                        warmUp, pipeline(kafka, options.parallelism(), "rocksdb", filled.inputs()));
            }
            bare.printSummary(filled.inputs());
            heap.printSummary(filled.inputs());
            rocks.printSummary(filled.inputs());
            System.out.printf(
                    Locale.ROOT,
                    "features vs bare read (steady medians): heap %.2f, RocksDB %.2f%n",
                    heap.medianSteady() / bare.medianSteady(),
                    rocks.medianSteady() / bare.medianSteady());
            report.throughput("features-heap", bare, heap, "hashmap", "none");
            report.throughput("features-rocksdb", bare, rocks, "rocksdb", "none");
        }
        report.finish(options.json());
    }

    private static Throughput.Result pipeline(
            EmbeddedKafka kafka, int parallelism, String stateBackend, long inputs)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        ShopEvents shop =
                ShopEvents.read(
                        env,
                        Input.kafka(kafka.settings(), "bench-" + UUID.randomUUID(), true),
                        conf,
                        "bench");
        Throughput.count(shop.events(), "events");
        Throughput.count(shop.deadLetters(), "dead-letters");
        Throughput.count(Features.fraud(shop.deduplicatedByShopper(), conf), "vectors");
        JobExecutionResult result = env.execute("feature pipeline (" + stateBackend + ")");
        Throughput.Result counted = Throughput.of(result, "events", "dead-letters");
        if (counted.records() != inputs || Throughput.count(result, "vectors") == 0) {
            throw new IllegalStateException(
                    "Read "
                            + counted.records()
                            + " of "
                            + inputs
                            + " records, "
                            + Throughput.count(result, "vectors")
                            + " vectors");
        }
        return counted;
    }
}
