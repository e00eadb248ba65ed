package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.events.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command-line options of the scoring-job harnesses ({@link FraudJobBenchmark}, {@link
 * RecoJobBenchmark}): the shared ones of {@link BareReadBenchmark.Options}, plus the latency runs'.
 * Each harness passes its own defaults as options that the command line overrides.
 *
 * <pre>{@code
 * JobOptions options = JobOptions.parse(args, "--events", "100000", "--batch-sizes", "1,64");
 * }</pre>
 *
 * @param warmUp live traffic after the first output that is not measured
 * @param measured live traffic whose latency is measured
 * @param batchSizes {@code scoring.batch-size} values to measure
 * @param latencyCheckpoints checkpoint interval of the latency runs; the deployed jobs' default
 *     unless given
 * @param latencyRate input records per second of live traffic; 0 for the harness's choice
 * @param bufferTimeout Flink's network buffer timeout in the latency runs; null for Flink's default
 * @param deliveries the sinks' delivery guarantees to measure latency with, at the same rate
 * @param search the sustained-rate search ({@link SustainedRate})
 * @param jobSettings {@code --set KEY=VALUE} (repeatable): job or Flink settings applied to every
 *     run of the job under test, e.g. {@code --set execution.checkpointing.mode=AT_LEAST_ONCE}
 */
record JobOptions(
        BareReadBenchmark.Options options,
        Duration warmUp,
        Duration measured,
        List<Integer> batchSizes,
        Duration latencyCheckpoints,
        double latencyRate,
        Duration bufferTimeout,
        List<DeliveryGuarantee> deliveries,
        Search search,
        Map<String, String> jobSettings) {

    /** Applies {@link #jobSettings} to {@code conf}. */
    Configuration applyTo(Configuration conf) {
        conf.addAll(Configuration.fromMap(jobSettings));
        return conf;
    }

    /**
     * Options of the sustained-rate search.
     *
     * @param from the first step's input records per second; 0 for no search
     * @param steps at most this many steps
     * @param p99Target the p99 latency a step must keep
     * @param warmUp live traffic of a step before its window
     * @param measured a step's measurement window
     */
    record Search(double from, int steps, Duration p99Target, Duration warmUp, Duration measured) {}

    /**
     * The live input rate of the latency figures: {@code --latency-rate} if given; else half the
     * sustained maximum when it was searched ({@link SustainedRate.Result#latencyRate}); else half
     * of {@code catchUp}, the median catch-up throughput; never below {@link
     * SustainedRate#MIN_LATENCY_RATE} unless given.
     */
    double latencyRate(SustainedRate.Result sustained, double catchUp) {
        if (latencyRate > 0) {
            return latencyRate;
        }
        return sustained != null
                ? sustained.latencyRate()
                : Math.max(SustainedRate.MIN_LATENCY_RATE, catchUp / 2);
    }

    /** {@code at-least-once} for {@link DeliveryGuarantee#AT_LEAST_ONCE}, and so on. */
    static String name(DeliveryGuarantee guarantee) {
        return guarantee.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static DeliveryGuarantee guarantee(String name) {
        for (DeliveryGuarantee g : DeliveryGuarantee.values()) {
            if (name(g).equals(name.trim())) {
                return g;
            }
        }
        throw new IllegalArgumentException(
                "--deliveries: '" + name + "' is not at-least-once or exactly-once");
    }

    /**
     * @param defaults options applied before {@code args}, which override them
     * @throws IllegalArgumentException on an unknown option, listing the known ones
     */
    static JobOptions parse(String[] args, String... defaults) {
        return HarnessOptions.parse(new Spec(), defaults, args).options();
    }

    /**
     * The options as picocli reads them. Lists are read whole (a later value replaces an earlier
     * one, as a harness's defaults are replaced), {@code --set} accumulates.
     */
    static class Spec {
        @Mixin BareReadBenchmark.Options.Spec shared = new BareReadBenchmark.Options.Spec();

        @Option(
                names = "--warmup-seconds",
                paramLabel = "S",
                description =
                        "Live traffic after the first output, not measured [${DEFAULT-VALUE}]")
        long warmUpSeconds = 20;

        @Option(
                names = "--latency-seconds",
                paramLabel = "S",
                description = "Live traffic whose latency is measured [${DEFAULT-VALUE}]")
        long measuredSeconds = 60;

        @Option(
                names = "--batch-sizes",
                paramLabel = "1,32",
                description = "scoring.batch-size values to measure [${DEFAULT-VALUE}]")
        String batchSizes = "1,32";

        @Option(
                names = "--latency-checkpoint-seconds",
                paramLabel = "S",
                description =
                        "Checkpoint interval of the latency runs [the deployed jobs' default,"
                                + " ${DEFAULT-VALUE}]")
        long latencyCheckpointSeconds = Settings.DEPLOYED_CHECKPOINT_INTERVAL.toSeconds();

        @Option(
                names = "--latency-rate",
                paramLabel = "R",
                description =
                        "Input records per second of live traffic; 0: half the sustained maximum"
                                + " [${DEFAULT-VALUE}]")
        double latencyRate = 0;

        @Option(
                names = "--buffer-timeout-ms",
                paramLabel = "T",
                description = "Flink's network buffer timeout in the latency runs [Flink's]")
        Long bufferTimeoutMs;

        @Option(
                names = "--deliveries",
                paramLabel = "at-least-once,exactly-once",
                description = "The sinks' delivery guarantees to measure [${DEFAULT-VALUE}]")
        String deliveries = "at-least-once,exactly-once";

        @Option(
                names = "--search-from",
                paramLabel = "R",
                description =
                        "The sustained-rate search's first rate, records per second; 0 for no"
                                + " search [${DEFAULT-VALUE}]")
        double searchFrom = 500;

        @Option(
                names = "--search-steps",
                paramLabel = "N",
                description = "At most this many search steps [${DEFAULT-VALUE}]")
        int searchSteps = 8;

        @Option(
                names = "--search-p99-ms",
                paramLabel = "T",
                description = "The p99 latency a search step must keep [${DEFAULT-VALUE}]")
        long searchP99Ms = 100;

        @Option(
                names = "--search-warmup-seconds",
                paramLabel = "S",
                description = "Live traffic of a search step before its window [${DEFAULT-VALUE}]")
        long searchWarmUpSeconds = 10;

        @Option(
                names = "--search-seconds",
                paramLabel = "S",
                description = "A search step's measurement window [${DEFAULT-VALUE}]")
        long searchSeconds = 30;

        @Option(
                names = "--set",
                paramLabel = "KEY=VALUE",
                description =
                        "A job or Flink setting for every run of the job under test (repeatable),"
                                + " e.g. --set execution.checkpointing.mode=AT_LEAST_ONCE")
        List<String> settings = new ArrayList<>();

        JobOptions options() {
            Map<String, String> jobSettings = new LinkedHashMap<>();
            for (String value : settings) {
                int eq = value.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--set: '" + value + "' is not KEY=VALUE");
                }
                jobSettings.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
            }
            return new JobOptions(
                    shared.options(),
                    Duration.ofSeconds(warmUpSeconds),
                    Duration.ofSeconds(measuredSeconds),
                    Arrays.stream(batchSizes.split(","))
                            .map(s -> Integer.parseInt(s.trim()))
                            .toList(),
                    Duration.ofSeconds(latencyCheckpointSeconds),
                    latencyRate,
                    bufferTimeoutMs == null ? null : Duration.ofMillis(bufferTimeoutMs),
                    Arrays.stream(deliveries.split(",")).map(JobOptions::guarantee).toList(),
                    new Search(
                            searchFrom,
                            searchSteps,
                            Duration.ofMillis(searchP99Ms),
                            Duration.ofSeconds(searchWarmUpSeconds),
                            Duration.ofSeconds(searchSeconds)),
                    jobSettings);
        }
    }
}
