package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.input.Sourced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Option;

/**
 * The physical-limit baseline: how fast can a Flink job (parallelism 2) read the shop's four input
 * topics from the embedded broker and decode them, dead letters split off, doing nothing else?
 * Every later pipeline is reported next to this figure, measured in the same run.
 *
 * <p>Fills a fresh embedded broker with N simulated input records, then runs the bounded read job
 * once to warm up and R more times to measure. Reports the median steady-state rate (records
 * between the first and the last one counted) and the job rate (over the job's net runtime,
 * start-up included). Broker, producer and Flink share this JVM and its cores, like the playground.
 */
public final class BareReadBenchmark {

    private BareReadBenchmark() {}

    /** The harness's help: its options with their defaults. */
    public static String usage() {
        return HarnessOptions.usage("bare-read", new Options.Spec(), new String[0]);
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Report report = Report.start("bare-read", args, options.events(), options.parallelism());
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());
            KafkaTraffic.Filled filled = KafkaTraffic.fill(kafka, options.events(), 1);
            filled.print();
            Runs runs = new Runs("bare-read", options.parallelism());
            for (int run = 0; run <= options.runs(); run++) {
                runs.add(
                        run == 0,
                        readAll(kafka.settings(), options.parallelism(), filled.inputs()));
            }
            runs.printSummary(filled.inputs());
            report.throughput("bare-read", runs, runs, "none", "none");
        }
        report.finish(options.json());
    }

    /**
     * Runs the bare read once: the same Kafka sources as the feature jobs ({@link Input#kafka},
     * bounded, a fresh consumer group), then only the dead-letter split and counting.
     *
     * @throws IllegalStateException if it did not read exactly {@code inputs} records
     */
    static Throughput.Result readAll(KafkaSettings kafka, int parallelism, long inputs)
            throws Exception {
        return readAll(kafka, parallelism, EventType.SHOP_INPUTS, inputs);
    }

    /**
     * The bare read of only the topics of {@code types}, for a job that reads only those.
     *
     * @throws IllegalStateException if it did not read exactly {@code inputs} records
     */
    static Throughput.Result readAll(
            KafkaSettings kafka, int parallelism, List<EventType<?>> types, long inputs)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        Input input = Input.kafka(kafka, "bare-read-" + UUID.randomUUID(), true);
        List<String> counted = new ArrayList<>();
        for (EventType<?> type : types) {
            counted.addAll(read(env, input, type, conf));
        }
        Throughput.Result result =
                Throughput.of(env.execute("bare read"), counted.toArray(String[]::new));
        if (result.records() != inputs) {
            throw new IllegalStateException(
                    "Read " + result.records() + " records, expected " + inputs);
        }
        return result;
    }

    private static <T extends SpecificRecordBase> List<String> read(
            StreamExecutionEnvironment env, Input input, EventType<T> type, Configuration conf) {
        SingleOutputStreamOperator<Sourced<T>> events =
                DeadLetters.split(
                        input.read(env, type, conf, "bare-read"),
                        type.name(),
                        Sourced.typeInfo(type));
        Throughput.count(events, type.name() + "-events");
        Throughput.count(events.getSideOutput(DeadLetters.TAG), type.name() + "-dead-letters");
        return List.of(type.name() + "-events", type.name() + "-dead-letters");
    }

    /**
     * Command-line options shared by the end-to-end harnesses.
     *
     * @param json where to write the run's {@link Report}; null for none
     */
    record Options(long events, int runs, int parallelism, Path json) {

        /**
         * @throws IllegalArgumentException naming an unknown option, a missing or a bad value
         */
        static Options parse(String[] args) {
            return HarnessOptions.parse(new Spec(), new String[0], args).options();
        }

        /** The options as picocli reads them; the defaults are the bare read's. */
        static final class Spec {
            @Option(
                    names = "--events",
                    paramLabel = "N",
                    converter = HarnessOptions.Count.class,
                    description = "Simulated input records in the broker [${DEFAULT-VALUE}]")
            long events = 1_000_000;

            @Option(
                    names = "--runs",
                    paramLabel = "R",
                    converter = HarnessOptions.Positive.class,
                    description = "Measured runs, after one warm-up run [${DEFAULT-VALUE}]")
            long runs = 5;

            @Option(
                    names = "--parallelism",
                    paramLabel = "P",
                    converter = HarnessOptions.Positive.class,
                    description = "Flink parallelism of the jobs [${DEFAULT-VALUE}]")
            long parallelism = 2;

            @Option(
                    names = "--json",
                    paramLabel = "FILE",
                    description = "Write every figure, the commit and the load to FILE")
            Path json;

            Options options() {
                return new Options(events, (int) runs, (int) parallelism, json);
            }
        }
    }

    /** Collects measured runs of one pipeline and prints medians. */
    static final class Runs {
        private final String name;
        private final int parallelism;
        private final String unit;
        private final List<Double> steady = new ArrayList<>();
        private final List<Double> job = new ArrayList<>();

        Runs(String name, int parallelism) {
            this(name, parallelism, "records");
        }

        /**
         * @param unit what the rates count, e.g. "requests" for a job's recommendation requests
         */
        Runs(String name, int parallelism, String unit) {
            this.name = name;
            this.parallelism = parallelism;
            this.unit = unit;
        }

        void add(boolean warmUp, Throughput.Result r) {
            System.out.printf(
                    Locale.ROOT,
                    "%s %s: %,d %s, %,d ms first to last (%,.0f/s), job %,d ms (%,.0f/s)%n",
                    name,
                    warmUp ? "warm-up" : "run " + (steady.size() + 1),
                    r.records(),
                    unit,
                    r.spanMillis(),
                    r.steadyRate(),
                    r.netRuntimeMillis(),
                    r.jobRate());
            if (!warmUp) {
                steady.add(r.steadyRate());
                job.add(r.jobRate());
            }
        }

        double medianSteady() {
            return median(steady);
        }

        /** The steady rates of the measured runs, in order. */
        List<Double> steadyRates() {
            return List.copyOf(steady);
        }

        void printSummary(long records) {
            System.out.printf(
                    Locale.ROOT,
                    "%s, parallelism %d, %,d input records, %d runs: median %,.0f %s/s steady"
                            + " (min %,.0f, max %,.0f), %,.0f %s/s over the job; %d cores,"
                            + " Java %s%n",
                    name,
                    parallelism,
                    records,
                    steady.size(),
                    median(steady),
                    unit,
                    steady.stream().mapToDouble(d -> d).min().orElse(0),
                    steady.stream().mapToDouble(d -> d).max().orElse(0),
                    median(job),
                    unit,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
        }

        /** The median of {@code values}; NaN if there are none. */
        static double median(List<Double> values) {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }
}
