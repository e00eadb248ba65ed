package com.kartshoppe.benchmarks;

import com.kartshoppe.benchmarks.e2e.BareReadBenchmark;
import com.kartshoppe.benchmarks.e2e.FeatureFreshnessBenchmark;
import com.kartshoppe.benchmarks.e2e.FeatureLookupBenchmark;
import com.kartshoppe.benchmarks.e2e.FeaturePipelineBenchmark;
import com.kartshoppe.benchmarks.e2e.FraudJobBenchmark;
import com.kartshoppe.benchmarks.e2e.LoadGenerator;
import com.kartshoppe.benchmarks.e2e.RecoJobBenchmark;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code benchmarks.jar}:
 *
 * <ul>
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar [JMH options]} runs the JMH
 *       micro-benchmarks ({@code -h} lists JMH's options);
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar bare-read [--events N] [--runs R]} runs
 *       the end-to-end bare-read harness;
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar features [--events N] [--runs R]} runs
 *       the feature pipeline next to the bare-read baseline;
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar fraud [--events N] [--runs R]
 *       [--warmup-seconds S] [--latency-seconds S] [--batch-sizes 1,32] ...} runs the fraud job's
 *       throughput next to the bare-read baseline, then its decision latency under live traffic
 *       (options: {@link FraudJobBenchmark});
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar reco [--events N] [--runs R]
 *       [--batch-sizes 1,16,64] [--latency-rate R] ...} runs the recommendation job's throughput
 *       next to the bare-read baseline, then its latency from product view to recommendation under
 *       live traffic (options: {@link RecoJobBenchmark});
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar feature-freshness [--runs R]
 *       [--latency-rate R] [--stores rocksdb,redis] ...} runs the fraud job live and measures how
 *       long an order or payment takes to become visible in the online feature store (options:
 *       {@link FeatureFreshnessBenchmark});
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar feature-lookup [--rates 1000,2000,5000]
 *       [--stores rocksdb,redis] ...} runs the feature server's lookup latency at fixed request
 *       rates, the load sent from a separate process, next to the store's own (options: {@link
 *       FeatureLookupBenchmark}).
 * </ul>
 *
 * <p>{@code --help} lists the harnesses, {@code <harness> --help} a harness's options with its
 * defaults (picocli, as {@code kartshoppe}). Every end-to-end harness takes {@code --json FILE} and
 * prints the commit it measured and the machine's load ({@code e2e.Report}); {@code fraud} and
 * {@code reco} also search the sustained maximum on live traffic ({@code --search-from R}, 0 for
 * none) and measure latency at-least-once and exactly-once ({@code --deliveries}).
 *
 * <p>Started with {@code -jar}, the JVM takes Flink's JDK 17 module flags from the manifest. The
 * end-to-end harnesses trust the project's Avro classes ({@code
 * -Dorg.apache.avro.SERIALIZABLE_PACKAGES=com.kartshoppe}) unless that property is set otherwise:
 * Flink's Avro serializer refuses untrusted classes.
 */
public final class BenchmarksMain {

    /** Avro's list of packages whose classes it may load by name. */
    private static final String AVRO_TRUSTED = "org.apache.avro.SERIALIZABLE_PACKAGES";

    private BenchmarksMain() {}

    public static void main(String[] args) throws Exception {
        run(args);
        // A finished harness has written its figures. Flink's local cluster can leave a non-daemon
        // thread behind (after exactly-once latency runs with the changelog state backend, two
        // idle "pool-N-thread-1" workers were seen keeping the JVM alive), so end it here.
        System.exit(0);
    }

    /** The end-to-end harnesses: name, what it measures, its help. */
    private record Harness(String name, String description, Supplier<String> usage) {}

    private static final List<Harness> HARNESSES =
            List.of(
                    new Harness(
                            "bare-read",
                            "How fast a job reads and decodes the four input topics: the baseline",
                            BareReadBenchmark::usage),
                    new Harness(
                            "features",
                            "The feature pipeline's throughput next to the bare read",
                            FeaturePipelineBenchmark::usage),
                    new Harness(
                            "fraud",
                            "The fraud job's throughput, sustained rate and decision latency",
                            FraudJobBenchmark::usage),
                    new Harness(
                            "reco",
                            "The recommendation job's throughput, sustained rate and latency",
                            RecoJobBenchmark::usage),
                    new Harness(
                            "feature-freshness",
                            "How long an order or payment takes to reach the online store",
                            FeatureFreshnessBenchmark::usage),
                    new Harness(
                            "feature-lookup",
                            "The feature server's lookup latency at fixed request rates",
                            FeatureLookupBenchmark::usage));

    /** The jar's help: the harnesses; without one, JMH. */
    @Command(
            name = "java -jar benchmarks/target/benchmarks.jar",
            description = "The project's benchmarks. COMMAND --help lists a harness's options.",
            footer = {
                "",
                "Without a command, the JMH micro-benchmarks run ([JMH options], -h lists them)."
            })
    private static final class Commands {}

    /** What {@code --help} prints. */
    public static String usage() {
        CommandLine commands = new CommandLine(new Commands());
        for (Harness h : HARNESSES) {
            CommandLine harness = new CommandLine(new Commands());
            harness.getCommandSpec().usageMessage().description(h.description());
            commands.addSubcommand(h.name(), harness);
        }
        return commands.getUsageMessage();
    }

    /** Runs the harness or JMH benchmark that {@code args} name, in this JVM. */
    public static void run(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        if (command.equals("--help") || command.equals("help")) {
            System.out.print(usage());
            return;
        }
        for (Harness h : HARNESSES) {
            if (h.name().equals(command)
                    && Arrays.stream(rest).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
                System.out.print(h.usage().get());
                return;
            }
        }
        if (List.of("bare-read", "features", "fraud", "reco", "feature-freshness", "feature-lookup")
                        .contains(command)
                && System.getProperty(AVRO_TRUSTED) == null) {
            // Before any Avro class reads it.
            System.setProperty(AVRO_TRUSTED, "com.kartshoppe");
        }
        if (command.equals("bare-read")) {
            BareReadBenchmark.main(rest);
        } else if (command.equals("features")) {
            FeaturePipelineBenchmark.main(rest);
        } else if (command.equals("fraud")) {
            FraudJobBenchmark.main(rest);
        } else if (command.equals("reco")) {
            RecoJobBenchmark.main(rest);
        } else if (command.equals("feature-freshness")) {
            FeatureFreshnessBenchmark.main(rest);
        } else if (command.equals("feature-lookup")) {
            FeatureLookupBenchmark.main(rest);
        } else if (command.equals("load-generator")) {
            // Internal: the child process feature-lookup starts; prints one JSON line.
            LoadGenerator.main(rest);
        } else {
            org.openjdk.jmh.Main.main(args);
        }
    }
}
