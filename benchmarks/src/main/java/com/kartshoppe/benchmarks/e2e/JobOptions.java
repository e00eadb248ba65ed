package com.kartshoppe.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * @param latencyCheckpoints checkpoint interval of the latency runs
 * @param latencyRate input records per second of live traffic; 0 for the harness's choice
 * @param bufferTimeout Flink's network buffer timeout in the latency runs; null for Flink's default
 */
record JobOptions(
        BareReadBenchmark.Options options,
        Duration warmUp,
        Duration measured,
        List<Integer> batchSizes,
        Duration latencyCheckpoints,
        double latencyRate,
        Duration bufferTimeout) {

    /**
     * @param defaults options applied before {@code args}, which override them
     * @throws IllegalArgumentException on an unknown option, listing the known ones
     */
    static JobOptions parse(String[] args, String... defaults) {
        Duration warmUp = Duration.ofSeconds(20);
        Duration measured = Duration.ofSeconds(60);
        List<Integer> batchSizes = List.of(1, 32);
        Duration latencyCheckpoints = DeployedJob.THROUGHPUT_CHECKPOINTS;
        double latencyRate = 0;
        Duration bufferTimeout = null;
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
