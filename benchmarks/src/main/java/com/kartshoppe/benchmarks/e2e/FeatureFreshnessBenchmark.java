package com.kartshoppe.benchmarks.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.quality.EventValidator;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreOptions.Backend;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.ingest.FeatureMaterializer;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.store.LocalRedis;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.OnlineStores;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.jobkit.input.Input;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.ObjLongConsumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Option;

/**
 * Feature freshness end to end: how long after an order or payment is handed to the producer its
 * fraud_v1 features are visible in the online feature store. The fraud job ({@link
 * FraudDetectionJob}, deployed settings, AT_LEAST_ONCE sinks) runs unbounded on fresh topics while
 * the simulator produces live traffic at {@code --latency-rate} input records per second (as in
 * {@link FraudJobBenchmark}'s latency runs, through {@link LiveLatency}); a {@link
 * FeatureMaterializer} copies its {@code features.user} topic into the store under test.
 *
 * <p>A tracked event is a placed order or a payment that passes ingestion (the job's own {@link
 * EventValidator}); the job writes a fraud_v1 snapshot of its shopper as of it (entity id = user
 * id, event time = the event's). It becomes visible when the store's {@link OnlineStore#write} of a
 * batch holding that snapshot, or a newer one of the shopper, returns (observed by a decorator
 * around the store): from then on the store is at least as new as the event. A newer one counts
 * because the jobs write a snapshot only if it is not older than the last written for its key
 * ({@code newest-snapshots}): when a shopper's payment is processed before the order sent a moment
 * earlier (they come from two topics), the order's own snapshot is never written. Its freshness is
 * that moment minus the moment the event was handed to the producer. A consumer of its own on
 * {@code features.user} notes when it sees the snapshot there, which splits the time into event to
 * snapshot on Kafka (the job) and snapshot on Kafka to visible (the materialiser and the store).
 * Events sent in the first {@code --warmup-seconds} after the first visible snapshot are left out;
 * those sent in the next {@code --latency-seconds} are measured, and each must become visible.
 *
 * <p>Per run, each store of {@code --stores} (ROCKSDB in a scratch directory; REDIS in a fresh
 * {@link LocalRedis}) gets a run of its own, interleaved; the summary gives the median over runs of
 * each percentile. Options: {@link JobOptions}' live ones ({@code --runs}, {@code --latency-rate},
 * {@code --warmup-seconds}, {@code --latency-seconds}, {@code --latency-checkpoint-seconds}, {@code
 * --buffer-timeout-ms}, {@code --parallelism}), plus {@code --stores rocksdb,redis}. Defaults:
 * {@link #DEFAULTS}.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar feature-freshness --runs 3 --stores rocksdb,redis
 * }</pre>
 *
 * <p>Broker, producer, consumers, Flink, the materialiser and the store share this machine's cores.
 */
public final class FeatureFreshnessBenchmark {

    /** 500 input records/s: the light load of the fraud job's latency runs. */
    private static final String[] DEFAULTS = {
        "--events", "0",
        "--runs", "3",
        "--latency-rate", "500",
        "--warmup-seconds", "15",
        "--latency-seconds", "30"
    };

    private static final AvroCodec<FeatureSnapshot> SNAPSHOTS =
            AvroCodec.of(EventType.FEATURE_SNAPSHOT);

    /** The ingestion rules of a job run with the default settings, as these runs are. */
    private static final EventValidator VALIDATOR =
            ShopEvents.validator(new Configuration(), Clock.systemUTC());

    /** The tracked events of one run, noting each shopper's pending event times. */
    private static LiveLatency.Tracked ordersAndPayments(Pending pending) {
        return new LiveLatency.Tracked(
                "orders and payments",
                "visible snapshots",
                "on features.user",
                record -> {
                    String id = expects(record);
                    if (id != null) {
                        pending.add(id);
                    }
                    return id;
                });
    }

    private FeatureFreshnessBenchmark() {}

    /** The harness's help: its options with its defaults. */
    public static String usage() {
        return HarnessOptions.usage("feature-freshness", new Spec(), DEFAULTS);
    }

    /** The options of the scoring-job harnesses, plus the stores to measure. */
    static final class Spec extends JobOptions.Spec {
        @Option(
                names = "--stores",
                paramLabel = "rocksdb,redis",
                description = "The online stores to measure, in this order [${DEFAULT-VALUE}]")
        String stores = "rocksdb,redis";

        List<Backend> stores() {
            return Arrays.stream(stores.split(","))
                    .map(s -> Backend.valueOf(s.trim().toUpperCase(Locale.ROOT)))
                    .toList();
        }
    }

    public static void main(String[] args) throws Exception {
        Spec spec = HarnessOptions.parse(new Spec(), DEFAULTS, args);
        List<Backend> stores = spec.stores();
        JobOptions settings = spec.options();
        double rate = settings.latencyRate();
        Report report =
                Report.start(
                        "feature-freshness",
                        args,
                        settings.options().events(),
                        settings.options().parallelism());
        Map<Backend, List<LiveLatency.Window>> windows = new LinkedHashMap<>();
        try (FilledBroker broker = FilledBroker.start("feature-freshness", 0)) {
            for (int run = 1; run <= settings.options().runs(); run++) {
                for (Backend store : stores) {
                    LiveLatency.Window window =
                            freshness(broker, settings, store, run, rate, report);
                    window.print(
                            String.format(
                                    Locale.ROOT,
                                    "freshness, %s store, run %d",
                                    store.name().toLowerCase(Locale.ROOT),
                                    run));
                    window.requireEveryOutput();
                    windows.computeIfAbsent(store, s -> new ArrayList<>()).add(window);
                }
            }
        }
        windows.forEach((store, runs) -> printSummary(store, rate, runs));
        report.finish(settings.options().json());
    }

    /** One live run of the fraud job with a materialiser into a fresh store of {@code backend}. */
    private static LiveLatency.Window freshness(
            FilledBroker broker,
            JobOptions settings,
            Backend backend,
            int run,
            double rate,
            Report report)
            throws Exception {
        EmbeddedKafka kafka = broker.kafka();
        String name = backend.name().toLowerCase(Locale.ROOT) + "-r" + run;
        Configuration conf =
                DeployedJob.live(
                        kafka,
                        broker.work(),
                        settings,
                        InferenceOptions.BATCH_SIZE.defaultValue(),
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        "fresh-" + name + ".",
                        Topics.FEATURES_USER);
        try (LocalRedis redis = backend == Backend.REDIS ? LocalRedis.start() : null) {
            conf.set(FeatureStoreOptions.BACKEND, backend);
            conf.set(
                    FeatureStoreOptions.ROCKSDB_PATH,
                    broker.work().resolve("store-" + name).toString());
            if (redis != null) {
                conf.set(FeatureStoreOptions.REDIS_URI, redis.uri().toString());
            }
            conf.set(FeatureStoreOptions.GROUP_ID, "feature-store-" + name);
            FeatureStoreSettings fs = FeatureStoreSettings.from(conf);
            Clock clock = Clock.systemUTC();
            FeatureStoreMetrics metrics = new FeatureStoreMetrics();
            try (RecordedStore store = new RecordedStore(OnlineStores.open(fs, clock));
                    FeatureMaterializer materializer =
                            new FeatureMaterializer(fs, store, metrics, clock)) {
                materializer.start();
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.createLocalEnvironment(
                                settings.options().parallelism(), conf);
                String group = "fresh-fraud-" + name + "-" + UUID.randomUUID();
                new FraudDetectionJob(conf, Input.kafka(kafka.settings(), group, false), null)
                        .build(env)
                        .sinkToKafka(conf, group);
                JobClient job = env.executeAsync("fraud job, at least once, " + name);
                Pending pending = new Pending();
                LiveLatency.Window window =
                        LiveLatency.measure(
                                kafka,
                                conf,
                                new Visible(
                                        store,
                                        pending,
                                        LiveLatency.topic(
                                                kafka.settings(),
                                                fs.topic(),
                                                FeatureFreshnessBenchmark::snapshot)),
                                job,
                                ordersAndPayments(pending),
                                rate,
                                settings.warmUp(),
                                settings.measured(),
                                LiveLatency.EVERY_MEASURED);
                System.out.printf(
                        Locale.ROOT,
                        "  %s: %,d snapshots read, %,d written, %,d stale (a newer one of the"
                                + " shopper in the batch or store), %,d dead letters%n",
                        store.describe(),
                        metrics.snapshotsRead.getLongValue(),
                        metrics.snapshotsWritten.getLongValue(),
                        metrics.snapshotsStale.getLongValue(),
                        metrics.deadLetters());
                ObjectNode cell =
                        report.latency(
                                window,
                                InferenceOptions.BATCH_SIZE.defaultValue(),
                                "at-least-once",
                                DeployedJob.waits(conf));
                cell.put("store", backend.name().toLowerCase(Locale.ROOT));
                putSplit(cell, window);
                return window;
            }
        }
    }

    /**
     * The keys the feature server's cells share ({@code within_1s_share}), and the split of the
     * time: until the snapshot is on features.user (the job), and from there until visible (the
     * materialiser and the store). The first is measured on the wall clock in milliseconds, so the
     * second is the difference, at least 0, per event.
     */
    private static void putSplit(ObjectNode cell, LiveLatency.Window window) {
        long oneSecond = OpenLoop.ONE_SECOND.toNanos();
        long within = window.outputs().stream().filter(o -> o.latencyNanos() <= oneSecond).count();
        cell.put(
                "within_1s_share",
                window.measured() == 0 ? 0 : (double) within / window.measured());
        Histogram job =
                Latencies.ofNanos(
                        window.outputs().stream().mapToLong(o -> o.untilStampMillis() * 1_000_000));
        Histogram after =
                Latencies.ofNanos(
                        window.outputs().stream()
                                .mapToLong(
                                        o -> o.latencyNanos() - o.untilStampMillis() * 1_000_000));
        cell.put("until_on_kafka_p50_ms", Latencies.millis(job, 50));
        cell.put("until_on_kafka_p99_ms", Latencies.millis(job, 99));
        cell.put("materializer_and_store_p50_ms", Latencies.millis(after, 50));
        cell.put("materializer_and_store_p99_ms", Latencies.millis(after, 99));
    }

    /** A placed order or payment that passes ingestion expects its shopper's snapshot as of it. */
    private static String expects(SpecificRecordBase record) {
        String userId;
        Instant eventTime;
        if (record instanceof OrderEvent order && order.getStatus() == OrderStatus.PLACED) {
            userId = order.getUserId();
            eventTime = order.getEventTime();
        } else if (record instanceof PaymentEvent payment) {
            userId = payment.getUserId();
            eventTime = payment.getEventTime();
        } else {
            return null;
        }
        if (VALIDATOR.check(record) != null) {
            return null;
        }
        // The job keys by the normalised (trimmed) user id.
        return id(userId.trim(), eventTime.toEpochMilli());
    }

    private static String id(String entityId, long eventTimeMillis) {
        return entityId + "@" + eventTimeMillis;
    }

    private static String id(FeatureSnapshot s) {
        return id(s.getEntityId(), s.getEventTime().toEpochMilli());
    }

    /** A snapshot on features.user; no stamp: {@link Matched} notes when it was seen. */
    private static LiveLatency.Arrival snapshot(byte[] value) throws DecodeException {
        return new LiveLatency.Arrival(id(SNAPSHOTS.decode(value)), 0);
    }

    private static void printSummary(Backend store, double rate, List<LiveLatency.Window> runs) {
        System.out.printf(
                Locale.ROOT,
                "freshness, %s store, %,.0f input records/s, medians over %d runs: p50 %.0f ms,"
                        + " p90 %.0f ms, p99 %.0f ms, max %.0f ms; until on features.user p50 %.0f"
                        + " ms, p99 %.0f ms; %s events measured (p50 %s; p99 %s)%n",
                store.name().toLowerCase(Locale.ROOT),
                rate,
                runs.size(),
                median(runs, w -> w.millis(50)),
                median(runs, w -> w.millis(90)),
                median(runs, w -> w.millis(99)),
                median(runs, w -> w.millis(100)),
                median(runs, w -> w.untilStampMillis(50)),
                median(runs, w -> w.untilStampMillis(99)),
                runs.stream()
                        .map(w -> String.format(Locale.ROOT, "%,d", w.outputs().size()))
                        .collect(Collectors.joining("/")),
                each(runs, 50),
                each(runs, 99));
    }

    private static double median(
            List<LiveLatency.Window> runs, ToDoubleFunction<LiveLatency.Window> figure) {
        return BareReadBenchmark.Runs.median(runs.stream().map(figure::applyAsDouble).toList());
    }

    private static String each(List<LiveLatency.Window> runs, double p) {
        return runs.stream()
                .map(w -> String.format(Locale.ROOT, "%.0f", w.millis(p)))
                .collect(Collectors.joining("/"));
    }

    /**
     * The store under test, noting the moment each of its writes returns: every fraud_v1 snapshot
     * of the batch is then visible (or superseded by a newer one of the shopper, which is).
     */
    private static final class RecordedStore implements OnlineStore {
        private final OnlineStore store;
        private volatile ObjLongConsumer<String> written = (id, nanos) -> {};

        RecordedStore(OnlineStore store) {
            this.store = store;
        }

        @Override
        public WriteResult write(List<FeatureSnapshot> snapshots) {
            WriteResult result = store.write(snapshots);
            long now = System.nanoTime();
            ObjLongConsumer<String> listener = written;
            for (FeatureSnapshot s : snapshots) {
                if (s.getFeatureSet().equals(FeatureCatalog.FRAUD_V1.name())) {
                    listener.accept(id(s), now);
                }
            }
            return result;
        }

        @Override
        public int delete(List<Key> keys) {
            return store.delete(keys);
        }

        @Override
        public Optional<FeatureSnapshot> get(String featureSet, String entityId) {
            return store.get(featureSet, entityId);
        }

        @Override
        public List<Optional<FeatureSnapshot>> getAll(String featureSet, List<String> entityIds) {
            return store.getAll(featureSet, entityIds);
        }

        @Override
        public boolean initialized() {
            return store.initialized();
        }

        @Override
        public void markInitialized() {
            store.markInitialized();
        }

        @Override
        public long purgeExpired() {
            return store.purgeExpired();
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /**
     * The store's writes as {@link LiveLatency} outputs: a snapshot arrives when the write holding
     * it returned, stamped with the wall-clock moment the consumer of {@code features.user} saw it
     * there; reported once both are known.
     */
    private static final class Visible implements LiveLatency.Output {
        private final RecordedStore store;
        private final Pending pending;
        private final LiveLatency.Output onKafka;

        Visible(RecordedStore store, Pending pending, LiveLatency.Output onKafka) {
            this.store = store;
            this.pending = pending;
            this.onKafka = onKafka;
        }

        @Override
        public LiveLatency.Watch watch(LiveLatency.Arrivals arrivals) {
            Matched matched = new Matched(arrivals, pending);
            store.written = matched::written;
            LiveLatency.Watch kafka = onKafka.watch((id, nanos, stamp) -> matched.seen(id));
            return () -> {
                kafka.stop();
                store.written = (id, nanos) -> {};
            };
        }
    }

    /**
     * The tracked events whose shopper's store value is not yet as new as them, by shopper: event
     * times, in order.
     */
    private static final class Pending {
        private final Map<String, NavigableSet<Long>> byShopper = new ConcurrentHashMap<>();

        void add(String id) {
            int at = id.lastIndexOf('@');
            byShopper
                    .computeIfAbsent(id.substring(0, at), u -> new ConcurrentSkipListSet<>())
                    .add(Long.parseLong(id.substring(at + 1)));
        }

        /** Removes and returns the ids of the shopper's pending events at or before {@code id}. */
        List<String> coveredBy(String id) {
            int at = id.lastIndexOf('@');
            String shopper = id.substring(0, at);
            NavigableSet<Long> times = byShopper.get(shopper);
            if (times == null) {
                return List.of();
            }
            List<String> covered = new ArrayList<>();
            NavigableSet<Long> upTo = times.headSet(Long.parseLong(id.substring(at + 1)), true);
            for (Long t = upTo.pollFirst(); t != null; t = upTo.pollFirst()) {
                covered.add(id(shopper, t));
            }
            return covered;
        }
    }

    /**
     * Pairs the first write and the first sighting on Kafka of each snapshot; reports every pending
     * event of the shopper the snapshot is at least as new as.
     */
    private static final class Matched {
        private final LiveLatency.Arrivals arrivals;
        private final Pending pending;
        private final Map<String, Long> writtenNanos = new HashMap<>();
        private final Map<String, Long> seenMillis = new HashMap<>();

        Matched(LiveLatency.Arrivals arrivals, Pending pending) {
            this.arrivals = arrivals;
            this.pending = pending;
        }

        synchronized void written(String id, long nanos) {
            if (writtenNanos.putIfAbsent(id, nanos) == null) {
                reportIfBoth(id);
            }
        }

        synchronized void seen(String id) {
            if (seenMillis.putIfAbsent(id, System.currentTimeMillis()) == null) {
                reportIfBoth(id);
            }
        }

        private void reportIfBoth(String id) {
            Long written = writtenNanos.get(id);
            Long seen = seenMillis.get(id);
            if (written != null && seen != null) {
                for (String covered : pending.coveredBy(id)) {
                    arrivals.arrived(covered, written, seen);
                }
            }
        }
    }
}
