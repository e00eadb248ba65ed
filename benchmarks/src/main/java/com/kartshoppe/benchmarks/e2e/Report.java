package com.kartshoppe.benchmarks.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one end-to-end benchmark run measured, as the JSON file of {@code --json FILE}: the commit
 * and command it measured, the machine's load during the run, throughput runs next to the bare read
 * of the same round, and latency cells. Keys are snake case and units are in their names ({@code
 * p99_ms}, {@code job_records_per_s}).
 *
 * <pre>{@code
 * Report report = Report.start("fraud", args, options.events(), options.parallelism());
 * report.throughput("fraud-job", bare, fraud, "rocksdb", "exactly-once");
 * report.latency(window, 32, "at-least-once", Map.of("scoring_batch_wait_ms", 5));
 * report.finish(options.json());
 * }</pre>
 */
final class Report {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode throughput = root.putArray("throughput");
    private final ArrayNode medians = root.putArray("throughput_medians");
    private final ArrayNode latency = root.putArray("latency");
    private final LoadMonitor load = new LoadMonitor();

    private Report(String benchmark, String[] args, long events, int parallelism) {
        root.put("benchmark", benchmark);
        Commit commit = Commit.current();
        root.put("commit", commit.id());
        root.put("commit_dirty", commit.dirty());
        ArrayNode command = root.putArray("command");
        command.add(benchmark);
        for (String arg : args) {
            command.add(arg);
        }
        root.put("events", events);
        root.put("parallelism", parallelism);
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("java", System.getProperty("java.version"));
        root.putNull("sustained_max_records_per_s");
    }

    /**
     * Starts the report of a run and the load sampling; prints the commit being measured.
     *
     * @param args the benchmark's arguments, recorded as its command
     */
    static Report start(String benchmark, String[] args, long events, int parallelism) {
        Report report = new Report(benchmark, args, events, parallelism);
        System.out.printf(
                Locale.ROOT,
                "%s at commit %s%s, %d cores, load average %.2f%n",
                benchmark,
                report.root.get("commit").asText(),
                report.root.get("commit_dirty").asBoolean() ? " (with uncommitted changes)" : "",
                Runtime.getRuntime().availableProcessors(),
                report.load.before);
        report.load.start();
        return report;
    }

    /**
     * The measured runs of {@code job} next to the bare reads of the same rounds: one entry per
     * run, and the medians.
     */
    void throughput(
            String pipeline,
            BareReadBenchmark.Runs bare,
            BareReadBenchmark.Runs job,
            String stateBackend,
            String delivery) {
        List<Double> bareRates = bare.steadyRates();
        List<Double> jobRates = job.steadyRates();
        for (int i = 0; i < jobRates.size(); i++) {
            ObjectNode run = throughput.addObject();
            run.put("pipeline", pipeline);
            run.put("run", i + 1);
            run.put("bare_read_records_per_s", bareRates.get(i));
            run.put("job_records_per_s", jobRates.get(i));
            run.put("ratio", jobRates.get(i) / bareRates.get(i));
            run.put("state_backend", stateBackend);
            run.put("delivery", delivery);
        }
        ObjectNode median = medians.addObject();
        median.put("pipeline", pipeline);
        median.put("runs", jobRates.size());
        median.put("bare_read_records_per_s", bare.medianSteady());
        median.put("job_records_per_s", job.medianSteady());
        median.put("ratio", job.medianSteady() / bare.medianSteady());
        median.put("state_backend", stateBackend);
        median.put("delivery", delivery);
    }

    /**
     * One latency cell, whose waits are also printed; the caller may add keys of its own to what
     * this returns (the store).
     *
     * @param waits the named waits in force, e.g. {@code scoring_batch_wait_ms}
     */
    ObjectNode latency(
            LiveLatency.Window window, int batchSize, String delivery, Map<String, ?> waits) {
        ObjectNode cell = latency.addObject();
        cell.put("rate", window.targetRate());
        cell.put("achieved_rate", window.achievedRate());
        cell.put("batch_size", batchSize);
        cell.put("delivery", delivery);
        // What the measured inputs are, as a key: "orders", "product_views".
        cell.put(window.tracked().inputs().replace(' ', '_'), window.measured());
        cell.put("missing", window.measured() - window.outputs().size());
        cell.put("duplicates", window.duplicates());
        Histogram h = window.histogram();
        cell.put("p50_ms", Latencies.millis(h, 50));
        cell.put("p90_ms", Latencies.millis(h, 90));
        cell.put("p99_ms", Latencies.millis(h, 99));
        cell.put("p999_ms", Latencies.millis(h, 99.9));
        cell.put("max_ms", Latencies.millis(h, 100));
        System.out.println("  waits: " + waits);
        ObjectNode named = cell.putObject("waits");
        waits.forEach((k, v) -> named.putPOJO(k, v));
        return cell;
    }

    /** A latency cell of a harness that measures something other than a job's outputs. */
    ObjectNode latencyCell() {
        return latency.addObject();
    }

    /**
     * One entry of {@code latency_medians}: the medians over runs of a harness's latency cell,
     * which the caller fills.
     */
    ObjectNode latencyMedian() {
        if (!root.has("latency_medians")) {
            root.putArray("latency_medians");
        }
        return ((ArrayNode) root.get("latency_medians")).addObject();
    }

    /** The highest live input rate that held for a full measurement window. */
    void sustainedMax(double recordsPerSecond) {
        root.put("sustained_max_records_per_s", recordsPerSecond);
    }

    /**
     * Stops the load sampling, prints the load during the run, and writes the report to {@code
     * json} unless it is null.
     */
    void finish(Path json) throws IOException {
        load.stop();
        ObjectNode l = root.putObject("load");
        l.put("before", load.before);
        l.put("mean", load.mean());
        l.put("max", load.max());
        l.put("samples", load.samples.size());
        System.out.printf(
                Locale.ROOT,
                "load average during the run: mean %.2f, max %.2f (%d cores)%n",
                load.mean(),
                load.max(),
                Runtime.getRuntime().availableProcessors());
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
            System.out.println("wrote " + json);
        }
    }

    /** The git commit of the working directory, and whether tracked files differ from it. */
    record Commit(String id, boolean dirty) {
        static Commit current() {
            String id = git("rev-parse", "HEAD");
            if (id == null || id.isEmpty()) {
                return new Commit("unknown", false);
            }
            String status = git("status", "--porcelain", "--untracked-files=no");
            return new Commit(id, status != null && !status.isEmpty());
        }

        private static String git(String... args) {
            List<String> command = new ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return null;
                }
                return out.trim();
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Samples the one-minute system load average every second while the run lasts. */
    private static final class LoadMonitor {
        private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        private final double before = os.getSystemLoadAverage();
        private final List<Double> samples = new ArrayList<>();
        private final Thread thread = new Thread(this::sample, "load-monitor");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    double load = os.getSystemLoadAverage();
                    synchronized (samples) {
                        samples.add(load);
                    }
                    TimeUnit.SECONDS.sleep(1);
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }

        void stop() {
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        double mean() {
            synchronized (samples) {
                return samples.stream().mapToDouble(d -> d).average().orElse(before);
            }
        }

        double max() {
            synchronized (samples) {
                return samples.stream().mapToDouble(d -> d).max().orElse(before);
            }
        }
    }
}
