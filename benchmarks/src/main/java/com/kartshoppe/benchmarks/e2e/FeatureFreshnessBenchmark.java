package com.kartshoppe.benchmarks.e2e;

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
import java.util.Optional;
import java.util.UUID;
import java.util.function.ObjLongConsumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

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
 * batch holding that snapshot returns (observed by a decorator around the store; the store then
 * holds it or a newer snapshot of the shopper). Its freshness is that moment minus the moment the
 * event was handed to the producer. A consumer of its own on {@code features.user} notes when it
 * sees the snapshot there, which splits the time into event to snapshot on Kafka (the job) and
 * snapshot on Kafka to visible (the materialiser and the store). Events sent in the first {@code
 * --warmup-seconds} after the first visible snapshot are left out; those sent in the next {@code
 * --latency-seconds} are measured, and each must become visible.
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

    private static final LiveLatency.Tracked ORDERS_AND_PAYMENTS =
            new LiveLatency.Tracked(
                    "orders and payments",
                    "visible snapshots",
                    "on features.user",
                    FeatureFreshnessBenchmark::expects);

    private FeatureFreshnessBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Backend> stores = List.of(Backend.ROCKSDB, Backend.REDIS);
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        int at = rest.indexOf("--stores");
        if (at >= 0) {
            if (at + 1 >= rest.size()) {
                throw new IllegalArgumentException("Option --stores needs a value");
            }
            stores =
                    Arrays.stream(rest.get(at + 1).split(","))
                            .map(s -> Backend.valueOf(s.trim().toUpperCase(Locale.ROOT)))
                            .toList();
            rest.subList(at, at + 2).clear();
        }
        JobOptions settings = JobOptions.parse(rest.toArray(String[]::new), DEFAULTS);
        double rate = settings.latencyRate();
        Map<Backend, List<LiveLatency.Window>> windows = new LinkedHashMap<>();
        try (FilledBroker broker = FilledBroker.start("feature-freshness", 0)) {
            for (int run = 1; run <= settings.options().runs(); run++) {
                for (Backend store : stores) {
                    LiveLatency.Window window = freshness(broker, settings, store, run, rate);
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
    }

    /** One live run of the fraud job with a materialiser into a fresh store of {@code backend}. */
    private static LiveLatency.Window freshness(
            FilledBroker broker, JobOptions settings, Backend backend, int run, double rate)
            throws Exception {
        EmbeddedKafka kafka = broker.kafka();
        String name = backend.name().toLowerCase(Locale.ROOT) + "-r" + run;
        Configuration conf =
                DeployedJob.live(
                        kafka,
                        broker.work(),
                        settings,
                        InferenceOptions.BATCH_SIZE.defaultValue(),
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
                LiveLatency.Window window =
                        LiveLatency.measure(
                                kafka,
                                conf,
                                new Visible(
                                        store,
                                        LiveLatency.topic(
                                                kafka.settings(),
                                                fs.topic(),
                                                FeatureFreshnessBenchmark::snapshot)),
                                job,
                                ORDERS_AND_PAYMENTS,
                                rate,
                                settings.warmUp(),
                                settings.measured(),
                                LiveLatency.EVERY_MEASURED);
                System.out.printf(
                        Locale.ROOT,
                        "  %s: %,d snapshots read, %,d written, %,d stale (a newer one of the"
                                + " shopper in the batch or store), %,d dead letters%n",
                        store.describe(),
                        metrics.snapshotsRead.sum(),
                        metrics.snapshotsWritten.sum(),
                        metrics.snapshotsStale.sum(),
                        metrics.deadLetters());
                return window;
            }
        }
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
                median(runs, w -> w.millis(0.50)),
                median(runs, w -> w.millis(0.90)),
                median(runs, w -> w.millis(0.99)),
                median(runs, w -> w.millis(1)),
                median(runs, w -> w.untilStampMillis(0.50)),
                median(runs, w -> w.untilStampMillis(0.99)),
                runs.stream()
                        .map(w -> String.format(Locale.ROOT, "%,d", w.outputs().size()))
                        .collect(Collectors.joining("/")),
                each(runs, 0.50),
                each(runs, 0.99));
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
        private final LiveLatency.Output onKafka;

        Visible(RecordedStore store, LiveLatency.Output onKafka) {
            this.store = store;
            this.onKafka = onKafka;
        }

        @Override
        public LiveLatency.Watch watch(LiveLatency.Arrivals arrivals) {
            Matched matched = new Matched(arrivals);
            store.written = matched::written;
            LiveLatency.Watch kafka = onKafka.watch((id, nanos, stamp) -> matched.seen(id));
            return () -> {
                kafka.stop();
                store.written = (id, nanos) -> {};
            };
        }
    }

    /** Pairs the first write and the first sighting on Kafka of each snapshot. */
    private static final class Matched {
        private final LiveLatency.Arrivals arrivals;
        private final Map<String, Long> writtenNanos = new HashMap<>();
        private final Map<String, Long> seenMillis = new HashMap<>();

        Matched(LiveLatency.Arrivals arrivals) {
            this.arrivals = arrivals;
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
                arrivals.arrived(id, written, seen);
            }
        }
    }
}
