package com.kartshoppe.playground.progress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The {@link Progress} of a Flink job run in this JVM (a backtest, a replay): the records its
 * sources have emitted and the lowest watermark they have emitted (the event time reached; sources
 * that have not started or have finished left out), read from the job's metrics once a second.
 *
 * <pre>{@code
 * try (JobProgress watching = JobProgress.attach(conf, progress, JobProgress.linesByTopic(dir))) {
 *     result = job.replay(conf, Input.jsonl(dir.toString()), null);   // a local environment from conf
 * }
 * }</pre>
 *
 * <p>With the lines of the input files by topic, the progress knows the total: the lines of the
 * topics the job's sources read (a JSON-lines source is named {@code "JSON lines <topic>"}).
 *
 * <p>Flink creates metric reporters by their factory's class name (listed in {@code
 * META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory}), so the reporter
 * finds its watcher through a registry, by an id passed in the reporter's settings. Only an
 * environment created in this JVM from {@code conf} reports here.
 */
public final class JobProgress implements AutoCloseable {

    static final String REPORTER = "kartshoppe-progress";
    private static final String JSON_LINES_SOURCE = "Source: JSON lines ";
    private static final String ID = "watcher-id";
    private static final Map<String, Reporter> REPORTERS = new ConcurrentHashMap<>();

    private final String id;
    private final Progress progress;
    private final Map<String, Long> linesByTopic;
    private final ScheduledExecutorService poller;
    private volatile Reporter finished;

    private JobProgress(String id, Progress progress, Map<String, Long> linesByTopic) {
        this.id = id;
        this.progress = progress;
        this.linesByTopic = linesByTopic;
        this.poller =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "kartshoppe-progress");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Adds the reporter to a job's settings and starts reporting to {@code progress}.
     *
     * @param linesByTopic the lines of the job's input files by topic, for the total; empty if not
     *     known
     */
    public static JobProgress attach(
            Configuration conf, Progress progress, Map<String, Long> linesByTopic) {
        String id = UUID.randomUUID().toString();
        String prefix = "metrics.reporter." + REPORTER + ".";
        conf.set(
                ConfigOptions.key(prefix + "factory.class").stringType().noDefaultValue(),
                Factory.class.getName());
        conf.set(ConfigOptions.key(prefix + ID).stringType().noDefaultValue(), id);
        JobProgress watching = new JobProgress(id, progress, Map.copyOf(linesByTopic));
        watching.poller.scheduleWithFixedDelay(watching::poll, 1, 1, TimeUnit.SECONDS);
        return watching;
    }

    /**
     * The lines of each {@code <topic>.jsonl} file in {@code dirs}, by topic; a topic in several
     * directories counts the lines of each.
     */
    public static Map<String, Long> linesByTopic(Path... dirs) throws IOException {
        Map<String, Long> lines = new TreeMap<>();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                    String name = file.getFileName().toString();
                    lines.merge(
                            name.substring(0, name.length() - ".jsonl".length()),
                            lines(file),
                            Long::sum);
                }
            }
        }
        return lines;
    }

    /** Newlines in a file, plus one for a last line without one. */
    static long lines(Path file) throws IOException {
        long count = 0;
        byte last = '\n';
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        count++;
                    }
                }
                last = buffer[n - 1];
            }
        }
        return last == '\n' ? count : count + 1;
    }

    /** The lines the job's sources will read in all; -1 if not known (yet). */
    long expected() {
        Reporter reporter = reporter();
        if (reporter == null || reporter.sourceTopics.isEmpty()) {
            return -1;
        }
        long total = 0;
        for (String topic : reporter.sourceTopics) {
            Long lines = linesByTopic.get(topic);
            if (lines == null) {
                return -1;
            }
            total += lines;
        }
        return total;
    }

    /**
     * Records read by the job's JSON-lines sources so far, or by all its sources if it has none of
     * those (other sources, such as the empty stream of adapter parameters a backtest without
     * recorded ones reads, are not input).
     */
    long recordsRead() {
        Reporter reporter = reporter();
        if (reporter == null) {
            return 0;
        }
        List<Counter> counters =
                reporter.jsonLinesRecords.isEmpty()
                        ? reporter.otherRecords
                        : reporter.jsonLinesRecords;
        return counters.stream().mapToLong(Counter::getCount).sum();
    }

    /** The lowest watermark of the sources that have emitted one; null before any has. */
    Instant eventTimeReached() {
        Reporter reporter = reporter();
        if (reporter == null) {
            return null;
        }
        long lowest = Long.MAX_VALUE;
        for (Gauge<?> g : reporter.sourceWatermarks) {
            if (g.getValue() instanceof Long w && w > Long.MIN_VALUE && w < Long.MAX_VALUE) {
                lowest = Math.min(lowest, w);
            }
        }
        return lowest == Long.MAX_VALUE ? null : Instant.ofEpochMilli(lowest);
    }

    void poll() {
        long expected = expected();
        if (expected > 0) {
            progress.expect(expected);
        }
        progress.update(recordsRead(), eventTimeReached());
    }

    /** Stops polling, brings the progress up to date and prints its last line. */
    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poll();
        progress.close();
        finished = REPORTERS.remove(id);
    }

    /** The job's reporter; null before the job registered one. */
    private Reporter reporter() {
        return finished != null ? finished : REPORTERS.get(id);
    }

    /** Creates the reporter of the watcher named by the {@value #ID} setting. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            Reporter reporter = new Reporter();
            REPORTERS.put(properties.getProperty(ID), reporter);
            return reporter;
        }
    }

    /** Keeps the sources' record counters and watermark gauges, also after the job ended. */
    private static final class Reporter implements MetricReporter {
        final Set<String> sourceTopics = ConcurrentHashMap.newKeySet();
        final List<Counter> jsonLinesRecords = new CopyOnWriteArrayList<>();
        final List<Counter> otherRecords = new CopyOnWriteArrayList<>();
        final List<Gauge<?>> sourceWatermarks = new CopyOnWriteArrayList<>();

        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            // Flink names every source operator "Source: <name>".
            String operator = group.getAllVariables().get("<operator_name>");
            if (operator == null || !operator.startsWith("Source: ")) {
                return;
            }
            if (name.equals("numRecordsOut") && metric instanceof Counter c) {
                if (operator.startsWith(JSON_LINES_SOURCE)) {
                    jsonLinesRecords.add(c);
                    sourceTopics.add(operator.substring(JSON_LINES_SOURCE.length()));
                } else {
                    otherRecords.add(c);
                }
            } else if (name.equals("currentOutputWatermark") && metric instanceof Gauge<?> g) {
                sourceWatermarks.add(g);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // kept: the last values are read after the job ended
        }
    }
}
