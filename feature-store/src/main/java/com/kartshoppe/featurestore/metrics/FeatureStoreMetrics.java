package com.kartshoppe.featurestore.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The feature store's metrics, shared by the materialiser and the server, rendered in the
 * Prometheus text format by {@link #prometheus()} (GET /metrics).
 */
public final class FeatureStoreMetrics {

    /** Snapshots read from the topic. */
    public final LongAdder snapshotsRead = new LongAdder();

    /** Snapshots that replaced the store's value. */
    public final LongAdder snapshotsWritten = new LongAdder();

    /** Snapshots not written because the store (or the same batch) held a newer one. */
    public final LongAdder snapshotsStale = new LongAdder();

    /** Snapshots not written because their event time is past the TTL. */
    public final LongAdder snapshotsExpired = new LongAdder();

    /** Records sent to the dead-letter topic, by reason. */
    private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();

    /** Failed attempts to write a batch to the store (each batch is retried until written). */
    public final LongAdder storeErrors = new LongAdder();

    /** Values deleted by the purge of expired values. */
    public final LongAdder purged = new LongAdder();

    /** Records the materialiser is behind the topic's end, summed over its partitions. */
    public final AtomicLong consumerLag = new AtomicLong();

    /** Wall clock minus event time of each written snapshot, in milliseconds. */
    public final Histogram freshnessMillis = new Histogram();

    /**
     * Time to look up and build the answer to a feature request (single or batch, sending
     * excluded), in microseconds.
     */
    public final Histogram lookupMicros = new Histogram();

    /** HTTP responses by endpoint and status code. */
    private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();

    public void deadLetter(String reason) {
        deadLetters.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public long deadLetters() {
        return deadLetters.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public void response(String endpoint, int status) {
        responses.computeIfAbsent(endpoint + " " + status, k -> new LongAdder()).increment();
    }

    /** How many responses of this endpoint had this status. */
    public long responses(String endpoint, int status) {
        LongAdder n = responses.get(endpoint + " " + status);
        return n == null ? 0 : n.sum();
    }

    /** Every metric in the Prometheus text exposition format (version 0.0.4). */
    public String prometheus() {
        StringBuilder out = new StringBuilder(2048);
        counter(
                out,
                "feature_store_snapshots_read_total",
                "Snapshots read from the topic.",
                snapshotsRead);
        counter(
                out,
                "feature_store_snapshots_written_total",
                "Snapshots written to the online store.",
                snapshotsWritten);
        counter(
                out,
                "feature_store_snapshots_stale_total",
                "Snapshots not written: the store held a newer one.",
                snapshotsStale);
        counter(
                out,
                "feature_store_snapshots_expired_total",
                "Snapshots not written: older than the TTL.",
                snapshotsExpired);
        counter(
                out,
                "feature_store_store_errors_total",
                "Failed batch writes (retried).",
                storeErrors);
        counter(out, "feature_store_purged_total", "Expired values deleted.", purged);
        header(out, "feature_store_dead_letters_total", "Records sent to the DLQ.", "counter");
        new TreeMap<>(deadLetters)
                .forEach(
                        (reason, n) ->
                                out.append("feature_store_dead_letters_total{reason=\"")
                                        .append(reason)
                                        .append("\"} ")
                                        .append(n.sum())
                                        .append('\n'));
        header(out, "feature_store_consumer_lag", "Records behind the topic's end.", "gauge");
        out.append("feature_store_consumer_lag ").append(consumerLag.get()).append('\n');
        summary(
                out,
                "feature_store_freshness_ms",
                "Wall clock minus event time of written snapshots.",
                freshnessMillis);
        summary(
                out,
                "feature_server_lookup_us",
                "Time to look up and build a feature answer (sending excluded), microseconds.",
                lookupMicros);
        header(out, "feature_server_responses_total", "HTTP responses.", "counter");
        new TreeMap<>(responses)
                .forEach(
                        (key, n) -> {
                            int space = key.lastIndexOf(' ');
                            out.append("feature_server_responses_total{endpoint=\"")
                                    .append(key, 0, space)
                                    .append("\",status=\"")
                                    .append(key, space + 1, key.length())
                                    .append("\"} ")
                                    .append(n.sum())
                                    .append('\n');
                        });
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, LongAdder value) {
        header(out, name, help, "counter");
        out.append(name).append(' ').append(value.sum()).append('\n');
    }

    private static void summary(StringBuilder out, String name, String help, Histogram h) {
        header(out, name, help, "summary");
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            out.append(name)
                    .append("{quantile=\"")
                    .append(String.format(Locale.ROOT, "%s", q))
                    .append("\"} ")
                    .append(h.quantile(q))
                    .append('\n');
        }
        out.append(name).append("_sum ").append(h.sum()).append('\n');
        out.append(name).append("_count ").append(h.count()).append('\n');
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
