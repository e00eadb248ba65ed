package com.kartshoppe.benchmarks.e2e;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Reads the metrics of a job run in this JVM ({@code createLocalEnvironment}): a metric reporter
 * that keeps every metric of the given names, summed over subtasks, while the job runs and after it
 * ended.
 *
 * <pre>{@code
 * MetricsProbe probe = MetricsProbe.attach(conf, "recoRequests", "scoringBatchRows");
 * env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
 * ... env.execute() ...
 * long requests = probe.count("recoRequests");
 * MetricsProbe.Calls calls = probe.histogram("scoringBatchRows");
 * }</pre>
 *
 * <p>Flink creates the reporter by its factory's class name (listed in {@code
 * META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory}), so the harness finds
 * its reporter through a static registry, by an id passed in the reporter's settings. Counters are
 * read without synchronisation while the job runs, as Flink's own reporters read them: a value may
 * lag the job by a little.
 */
final class MetricsProbe implements AutoCloseable {

    private static final String NAME = "harness";
    private static final String ID = "probe-id";
    private static final Map<String, Reporter> REPORTERS = new ConcurrentHashMap<>();

    private final String id;

    private MetricsProbe(String id) {
        this.id = id;
    }

    /** Adds the probe's reporter, for the metrics named {@code names}, to a job's settings. */
    static MetricsProbe attach(Configuration conf, String... names) {
        String id = UUID.randomUUID().toString();
        String prefix = "metrics.reporter." + NAME + ".";
        conf.set(
                ConfigOptions.key(prefix + "factory.class").stringType().noDefaultValue(),
                Factory.class.getName());
        conf.set(ConfigOptions.key(prefix + ID).stringType().noDefaultValue(), id);
        conf.set(
                ConfigOptions.key(prefix + "filter.includes").stringType().noDefaultValue(),
                "*:" + String.join(",", names));
        return new MetricsProbe(id);
    }

    /** The sum of the counters named {@code name}; 0 before the job registered any. */
    long count(String name) {
        return metrics(name).stream()
                .filter(Counter.class::isInstance)
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

    /**
     * The histograms named {@code name} together: how many values were recorded, and the mean of
     * those each histogram still holds (Flink's {@code DescriptiveStatisticsHistogram} keeps a
     * window of the latest ones).
     */
    Calls histogram(String name) {
        long count = 0;
        long held = 0;
        double sum = 0;
        for (Metric m : metrics(name)) {
            if (m instanceof Histogram h) {
                HistogramStatistics s = h.getStatistics();
                count += h.getCount();
                held += s.size();
                sum += s.getMean() * s.size();
            }
        }
        return new Calls(count, held, held == 0 ? Double.NaN : sum / held);
    }

    /**
     * @param count values recorded in all
     * @param held the latest of them, still held by the histograms
     * @param heldMean the mean of those held
     */
    record Calls(long count, long held, double heldMean) {}

    private List<Metric> metrics(String name) {
        Reporter reporter = REPORTERS.get(id);
        return reporter == null ? List.of() : reporter.metrics(name);
    }

    @Override
    public void close() {
        REPORTERS.remove(id);
    }

    /** Creates the reporter of the probe named by the {@value #ID} setting. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            Reporter reporter = new Reporter();
            REPORTERS.put(properties.getProperty(ID), reporter);
            return reporter;
        }
    }

    /** Keeps each metric it is given, also after it was removed. */
    private static final class Reporter implements MetricReporter {
        private final Map<String, List<Metric>> byName = new ConcurrentHashMap<>();

        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            byName.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(metric);
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // kept: the harness reads the final values after the job ended
        }

        List<Metric> metrics(String name) {
            return byName.getOrDefault(name, List.of());
        }
    }
}
