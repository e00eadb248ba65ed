package com.kartshoppe.featurestore.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The feature store's metrics, shared by the materialiser and the server, kept in a Prometheus
 * client registry of their own (with the JVM's metrics) and rendered in the Prometheus text format
 * by {@link #prometheus()} (GET /metrics). Latencies are classic histograms, so any Prometheus
 * computes quantiles over any window with {@code histogram_quantile}.
 *
 * <pre>{@code
 * FeatureStoreMetrics metrics = new FeatureStoreMetrics();
 * metrics.snapshotsRead.inc();
 * String text = metrics.prometheus();
 * }</pre>
 */
public final class FeatureStoreMetrics {

    /** Upper bounds of the request duration histogram, in seconds: 50 µs to 2.5 s. */
    private static final double[] REQUEST_SECONDS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
        1, 2.5
    };

    /** Upper bounds of the freshness histogram, in seconds: 1 ms to 5 minutes. */
    private static final double[] FRESHNESS_SECONDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
    };

    private final PrometheusRegistry registry = new PrometheusRegistry();

    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();

    /** Snapshots read from the topic. */
    public final Counter snapshotsRead =
            counter("feature_store_snapshots_read", "Snapshots read from the topic.");

    /** Snapshots that replaced the store's value. */
    public final Counter snapshotsWritten =
            counter("feature_store_snapshots_written", "Snapshots written to the online store.");

    /** Snapshots not written because the store (or the same batch) held a newer one. */
    public final Counter snapshotsStale =
            counter(
                    "feature_store_snapshots_stale",
                    "Snapshots not written: the store or the batch held a newer one.");

    /** Snapshots not written because their event time is past the TTL. */
    public final Counter snapshotsExpired =
            counter(
                    "feature_store_snapshots_expired",
                    "Snapshots not written: older than feature-store.ttl.");

    /** Records sent to the dead-letter topic, by reason. */
    private final Counter deadLetters =
            Counter.builder()
                    .name("feature_store_dead_letters")
                    .help("Records sent to the dead-letter topic, by reason.")
                    .labelNames("reason")
                    .register(registry);

    /** Failed attempts to write a batch to the store (each batch is retried until written). */
    public final Counter storeErrors =
            counter("feature_store_store_errors", "Failed batch writes to the store (retried).");

    /** Keys that held values and that a tombstone on the topic deleted. */
    public final Counter deleted =
            counter("feature_store_deleted", "Keys that held values deleted by tombstones.");

    /** Values deleted by the purge of expired values. */
    public final Counter purged = counter("feature_store_purged", "Expired values deleted.");

    /** Records the materialiser is behind the topic's end, summed over its partitions. */
    public final Gauge consumerLag =
            Gauge.builder()
                    .name("feature_store_consumer_lag")
                    .help("Records the materialiser is behind the topic's end.")
                    .register(registry);

    /** Wall clock minus event time of each written snapshot. */
    private final Histogram freshness =
            Histogram.builder()
                    .name("feature_store_freshness_seconds")
                    .help("Wall clock at the write minus event time, per written snapshot.")
                    .unit(Unit.SECONDS)
                    .classicOnly()
                    .classicUpperBounds(FRESHNESS_SECONDS)
                    .register(registry);

    /** Time from a request's arrival to the end of its response, by endpoint and status. */
    private final Histogram requestDuration =
            Histogram.builder()
                    .name("feature_server_request_duration_seconds")
                    .help("From a request's arrival to the end of its response.")
                    .unit(Unit.SECONDS)
                    .labelNames("endpoint", "status")
                    .classicOnly()
                    .classicUpperBounds(REQUEST_SECONDS)
                    .register(registry);

    /** HTTP responses by endpoint and status code. */
    private final Counter responses =
            Counter.builder()
                    .name("feature_server_responses")
                    .help("HTTP responses by endpoint and status code.")
                    .labelNames("endpoint", "status")
                    .register(registry);

    public FeatureStoreMetrics() {
        JvmMetrics.builder().register(registry);
    }

    private Counter counter(String name, String help) {
        return Counter.builder().name(name).help(help).register(registry);
    }

    public void deadLetter(String reason) {
        deadLetters.labelValues(reason).inc();
    }

    /** Dead letters over all reasons. */
    public long deadLetters() {
        return (long)
                deadLetters.collect().getDataPoints().stream().mapToDouble(p -> p.getValue()).sum();
    }

    /** A snapshot was written {@code millis} after its event time. */
    public void fresh(long millis) {
        freshness.observe(millis / 1_000.0);
    }

    /** A response was sent: counted, and its duration from the request's arrival recorded. */
    public void response(String endpoint, int status, long nanos) {
        String code = Integer.toString(status);
        responses.labelValues(endpoint, code).inc();
        requestDuration.labelValues(endpoint, code).observe(nanos / 1e9);
    }

    /** How many responses of this endpoint had this status. */
    public long responses(String endpoint, int status) {
        String code = Integer.toString(status);
        return (long)
                responses.collect().getDataPoints().stream()
                        .filter(
                                p ->
                                        endpoint.equals(p.getLabels().get("endpoint"))
                                                && code.equals(p.getLabels().get("status")))
                        .mapToDouble(CounterDataPointSnapshot::getValue)
                        .sum();
    }

    /** Every metric, the JVM's included, in the Prometheus text format (version 0.0.4). */
    public String prometheus() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        try {
            text.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot render the metrics", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The content type of {@link #prometheus()}. */
    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
