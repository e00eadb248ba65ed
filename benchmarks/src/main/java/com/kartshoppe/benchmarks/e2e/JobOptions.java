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
        Duration warmUp = Duration.ofSeconds(20);
        Duration measured = Duration.ofSeconds(60);
        List<Integer> batchSizes = List.of(1, 32);
        Duration latencyCheckpoints = Settings.DEPLOYED_CHECKPOINT_INTERVAL;
        double latencyRate = 0;
        Duration bufferTimeout = null;
        List<DeliveryGuarantee> deliveries =
                List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE);
        double searchFrom = 500;
        int searchSteps = 8;
        Duration searchP99 = Duration.ofMillis(100);
        Duration searchWarmUp = Duration.ofSeconds(10);
        Duration searchMeasured = Duration.ofSeconds(30);
        Map<String, String> jobSettings = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(Arrays.asList(defaults));
        all.addAll(Arrays.asList(args));
        List<String> shared = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 2) {
            String value = i + 1 < all.size() ? all.get(i + 1) : null;
            switch (all.get(i)) {
                case "--warmup-seconds" -> warmUp = Duration.ofSeconds(Long.parseLong(value));
                case "--latency-seconds" -> measured = Duration.ofSeconds(Long.parseLong(value));
                case "--batch-sizes" ->
                        batchSizes =
                                Arrays.stream(value.split(","))
                                        .map(s -> Integer.parseInt(s.trim()))
                                        .toList();
                case "--latency-rate" -> latencyRate = Double.parseDouble(value);
                case "--buffer-timeout-ms" ->
                        bufferTimeout = Duration.ofMillis(Long.parseLong(value));
                case "--deliveries" ->
                        deliveries =
                                Arrays.stream(value.split(",")).map(JobOptions::guarantee).toList();
                case "--search-from" -> searchFrom = Double.parseDouble(value);
                case "--search-steps" -> searchSteps = Integer.parseInt(value);
                case "--search-p99-ms" -> searchP99 = Duration.ofMillis(Long.parseLong(value));
                case "--search-warmup-seconds" ->
                        searchWarmUp = Duration.ofSeconds(Long.parseLong(value));
                case "--search-seconds" ->
                        searchMeasured = Duration.ofSeconds(Long.parseLong(value));
                case "--set" -> {
                    int eq = value == null ? -1 : value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException(
                                "--set: '" + value + "' is not KEY=VALUE");
                    }
                    jobSettings.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
                }
                case "--latency-checkpoint-seconds" ->
                        latencyCheckpoints = Duration.ofSeconds(Long.parseLong(value));
                default -> {
                    shared.add(all.get(i));
                    if (value != null) {
                        shared.add(value);
                    }
                }
            }
        }
        try {
            return new JobOptions(
                    BareReadBenchmark.Options.parse(shared.toArray(String[]::new)),
                    warmUp,
                    measured,
                    batchSizes,
                    latencyCheckpoints,
                    latencyRate,
                    bufferTimeout,
                    deliveries,
                    new Search(searchFrom, searchSteps, searchP99, searchWarmUp, searchMeasured),
                    jobSettings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage()
                            + " --warmup-seconds S --latency-seconds S --batch-sizes 1,32"
                            + " --latency-checkpoint-seconds S --latency-rate R"
                            + " --buffer-timeout-ms T --deliveries at-least-once,exactly-once"
                            + " --search-from R --search-steps N --search-p99-ms T"
                            + " --search-warmup-seconds S --search-seconds S --set KEY=VALUE",
                    e);
        }
    }
}
