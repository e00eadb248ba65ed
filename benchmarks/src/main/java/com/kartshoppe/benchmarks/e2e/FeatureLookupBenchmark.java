package com.kartshoppe.benchmarks.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreOptions.Backend;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.server.FeatureServer;
import com.kartshoppe.featurestore.store.LocalRedis;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.OnlineStores;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * Lookup latency of the feature server next to the store's own, per backend. The store is filled
 * with {@code --entities} fraud_v1 snapshots ({@link LoadGenerator#entityId}, batches of 1,000 as
 * the materialiser writes) and served by a {@link FeatureServer} on a free loopback port. Its
 * cells: {@code GET /features/fraud_v1/{id}} at each of {@code --rates} requests per second, and
 * {@code POST /features/fraud_v1} with {@code --batch-size} ids at {@code --batch-rate}.
 *
 * <p>Per run and cell, a {@link LoadGenerator} in a JVM of its own sends the HTTP requests open
 * loop ({@link OpenLoop}: {@code --warmup-seconds}, then {@code --seconds} measured); then, in this
 * process and with the same rate, schedule and seed, the baseline calls {@link OnlineStore#get} (or
 * {@link OnlineStore#getAll}) directly. Targets (issue #22), judged on the medians over {@code
 * --runs} and printed, never turned into an exit code: server p99 at most {@value #TARGET_RATIO}x
 * the store's, or for a GET cell at {@value #SUSTAINED_RATE}/s or more, at least 99% answered
 * within 1 s. Method and figures: docs/performance.md.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar feature-lookup --stores rocksdb,redis --runs 3
 * }</pre>
 */
public final class FeatureLookupBenchmark {

    private static final String FEATURE_SET = FeatureCatalog.FRAUD_V1.name();

    /** Snapshots per {@link OnlineStore#write} while filling. */
    private static final int FILL_BATCH = 1_000;

    /** The server's p99 may be at most this many times the store's. */
    static final double TARGET_RATIO = 2;

    /** GET cells from this rate on are judged by their share answered within 1 s instead. */
    static final int SUSTAINED_RATE = 5_000;

    /** The share of a sustained cell's requests to be answered right within 1 s. */
    static final double SUSTAINED_SHARE = 0.99;

    private FeatureLookupBenchmark() {}

    /** The harness's help: its options with their defaults. */
    public static String usage() {
        return HarnessOptions.usage("feature-lookup", new Options.Spec(), new String[0]);
    }

    /**
     * Command-line options.
     *
     * @param entities fraud_v1 snapshots in the store, one per entity
     * @param rates GET requests per second, one cell each
     * @param batchSize entity ids per POST request
     * @param batchRate POST requests per second
     */
    record Options(
            int entities,
            List<Integer> rates,
            int batchSize,
            int batchRate,
            Duration warmUp,
            Duration measured,
            int runs,
            List<Backend> stores,
            Path json) {

        static Options parse(String[] args) {
            return HarnessOptions.parse(new Spec(), new String[0], args).options();
        }

        /** The options as picocli reads them. */
        static final class Spec {
            @Option(
                    names = "--entities",
                    paramLabel = "N",
                    description =
                            "fraud_v1 snapshots in the store, one per entity [${DEFAULT-VALUE}]")
            int entities = 100_000;

            @Option(
                    names = "--rates",
                    paramLabel = "1000,2000,5000",
                    description = "GET requests per second, one cell each [${DEFAULT-VALUE}]")
            String rates = "1000,2000,5000";

            @Option(
                    names = "--batch-size",
                    paramLabel = "N",
                    description = "Entity ids per POST request [${DEFAULT-VALUE}]")
            int batchSize = 50;

            @Option(
                    names = "--batch-rate",
                    paramLabel = "R",
                    description = "POST requests per second [${DEFAULT-VALUE}]")
            int batchRate = 200;

            @Option(
                    names = "--warmup-seconds",
                    paramLabel = "S",
                    description = "Load before each cell's window [${DEFAULT-VALUE}]")
            long warmUpSeconds = 3;

            @Option(
                    names = "--seconds",
                    paramLabel = "S",
                    description = "Each cell's measurement window [${DEFAULT-VALUE}]")
            long seconds = 10;

            @Option(
                    names = "--runs",
                    paramLabel = "R",
                    description = "Runs of every cell [${DEFAULT-VALUE}]")
            int runs = 3;

            @Option(
                    names = "--stores",
                    paramLabel = "rocksdb,redis",
                    description = "The online stores to measure, in this order [${DEFAULT-VALUE}]")
            String stores = "rocksdb,redis";

            @Option(
                    names = "--json",
                    paramLabel = "FILE",
                    description = "Write every figure, the commit and the load to FILE")
            Path json;

            Options options() {
                List<Integer> rates = ints(this.rates);
                if (rates.stream().anyMatch(r -> r < 1) || batchRate < 1 || batchSize < 1) {
                    throw new IllegalArgumentException(
                            "--rates, --batch-rate and --batch-size must be positive: a cell with"
                                    + " no requests has no latency to judge");
                }
                return new Options(
                        entities,
                        rates,
                        batchSize,
                        batchRate,
                        Duration.ofSeconds(warmUpSeconds),
                        Duration.ofSeconds(seconds),
                        runs,
                        Arrays.stream(stores.split(","))
                                .map(s -> Backend.valueOf(s.trim().toUpperCase(Locale.ROOT)))
                                .toList(),
                        json);
            }
        }

        private static List<Integer> ints(String csv) {
            return Arrays.stream(csv.split(",")).map(s -> Integer.parseInt(s.trim())).toList();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Report report = Report.start("feature-lookup", args, options.entities(), 1);
        Path work = Files.createTempDirectory("kartshoppe-feature-lookup-bench-");
        try {
            for (Backend backend : options.stores()) {
                measure(backend, work, options, report);
            }
        } finally {
            DeployedJob.deleteRecursively(work);
        }
        report.finish(options.json());
    }

    /** Fills a fresh store of {@code backend}, serves it, and measures every cell. */
    private static void measure(Backend backend, Path work, Options options, Report report)
            throws Exception {
        Clock clock = Clock.systemUTC();
        String storeName = backend.name().toLowerCase(Locale.ROOT);
        try (LocalRedis redis = backend == Backend.REDIS ? LocalRedis.start() : null) {
            Configuration conf = new Configuration();
            conf.set(FeatureStoreOptions.BACKEND, backend);
            conf.set(FeatureStoreOptions.ROCKSDB_PATH, work.resolve("rocksdb").toString());
            if (redis != null) {
                conf.set(FeatureStoreOptions.REDIS_URI, redis.uri().toString());
            }
            conf.set(FeatureStoreOptions.SERVER_PORT, 0);
            FeatureStoreSettings settings = FeatureStoreSettings.from(conf);
            try (OnlineStore store = OnlineStores.open(settings, clock);
                    FeatureServer server =
                            FeatureServer.start(
                                    settings,
                                    store,
                                    FeatureCatalog.ALL,
                                    new FeatureStoreMetrics(),
                                    () -> null,
                                    clock)) {
                fill(store, options.entities(), clock);
                List<Cell> cells = cells(options);
                for (int run = 1; run <= options.runs(); run++) {
                    for (Cell cell : cells) {
                        LoadGenerator.Schedule schedule = cell.schedule(server.uri(), options, run);
                        LoadGenerator.ChildResult http =
                                LoadGenerator.inChildProcess(schedule, null);
                        OpenLoop.Result direct =
                                OpenLoop.run(
                                        direct(store, schedule),
                                        schedule.rate(),
                                        schedule.warmUp(),
                                        schedule.measured(),
                                        schedule.seed());
                        Run r = new Run(http.result(), direct);
                        cell.runs.add(r);
                        ObjectNode json = report.latencyCell();
                        cell.describe(json, storeName);
                        json.put("run", run);
                        json.put("load_generator", "separate process");
                        json.put("load_generator_pid", http.pid());
                        json.put("load_generator_cpu_s", http.cpuSeconds());
                        r.server().putFigures(json);
                        json.put("store_p99_ms", r.direct().millis(99));
                        r.direct().putFigures(json.putObject("baseline"));
                        cell.judge(
                                json,
                                r.server().millis(99),
                                r.direct().millis(99),
                                r.server().withinOneSecondShare());
                        System.out.printf(
                                Locale.ROOT,
                                "%s, run %d, %s:%n  server (load generator pid %d, %.1f s CPU):"
                                        + " %s%n"
                                        + "  store directly: %s%n",
                                store.describe(),
                                run,
                                cell.name,
                                http.pid(),
                                http.cpuSeconds(),
                                r.server(),
                                r.direct());
                    }
                }
                summarise(store.describe(), storeName, cells, report);
            }
        }
    }

    /** Writes one fraud_v1 snapshot per entity, event times within the last hour. */
    private static void fill(OnlineStore store, int entities, Clock clock) {
        Random random = new Random(1);
        List<FeatureSnapshot> batch = new ArrayList<>(FILL_BATCH);
        long now = clock.millis();
        long start = System.nanoTime();
        for (int i = 0; i < entities; i++) {
            double[] values = new double[FeatureCatalog.FRAUD_V1.size()];
            for (int v = 0; v < values.length; v++) {
                values[v] = Math.floor(random.nextDouble() * 1_000) / 10;
            }
            batch.add(
                    FeatureCatalog.FRAUD_V1.snapshot(
                            LoadGenerator.entityId(i), now - random.nextInt(3_600_000), values));
            if (batch.size() == FILL_BATCH || i == entities - 1) {
                store.write(batch);
                batch.clear();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%s: filled %,d fraud_v1 snapshots (%d values each) in %.1f s, %,.0f"
                        + " snapshots/s in batches of %,d%n",
                store.describe(),
                entities,
                FeatureCatalog.FRAUD_V1.size(),
                seconds,
                entities / seconds,
                FILL_BATCH);
    }

    /** A GET cell per rate, then the batch cell. */
    private static List<Cell> cells(Options options) {
        List<Cell> cells = new ArrayList<>();
        for (int rate : options.rates()) {
            cells.add(new Cell(LoadGenerator.Kind.GET, 1, rate));
        }
        cells.add(new Cell(LoadGenerator.Kind.BATCH, options.batchSize(), options.batchRate()));
        return cells;
    }

    /** The baseline of {@code schedule}: the same ids asked of the store on the calling thread. */
    private static OpenLoop.Lookup direct(OnlineStore store, LoadGenerator.Schedule schedule) {
        return random -> {
            List<String> ids = schedule.pick(random);
            boolean found =
                    schedule.kind() == LoadGenerator.Kind.GET
                            ? store.get(FEATURE_SET, ids.get(0)).isPresent()
                            : store.getAll(FEATURE_SET, ids).stream().allMatch(Optional::isPresent);
            return CompletableFuture.completedFuture(found);
        };
    }

    /** One run of a cell: the server's figures and the store's. */
    private record Run(OpenLoop.Result server, OpenLoop.Result direct) {}

    /** A kind of lookup at a rate, its target, and its measured runs. */
    private static final class Cell {
        final LoadGenerator.Kind kind;
        final int batchSize;
        final int rate;
        final String name;
        final List<Run> runs = new ArrayList<>();

        Cell(LoadGenerator.Kind kind, int batchSize, int rate) {
            this.kind = kind;
            this.batchSize = batchSize;
            this.rate = rate;
            this.name =
                    kind == LoadGenerator.Kind.GET
                            ? String.format(Locale.ROOT, "GET one id at %,d/s", rate)
                            : String.format(Locale.ROOT, "POST %d ids at %,d/s", batchSize, rate);
        }

        /** The schedule of run {@code run}, seeded with it, so both sides ask the same ids. */
        LoadGenerator.Schedule schedule(URI server, Options options, int run) {
            return new LoadGenerator.Schedule(
                    server,
                    FEATURE_SET,
                    kind,
                    batchSize,
                    rate,
                    options.warmUp(),
                    options.measured(),
                    options.entities(),
                    run);
        }

        /** Whether this cell is judged by its share within 1 s rather than by its p99 ratio. */
        boolean sustained() {
            return kind == LoadGenerator.Kind.GET && rate >= SUSTAINED_RATE;
        }

        String target() {
            return sustained()
                    ? String.format(Locale.ROOT, "within_1s_share >= %.2f", SUSTAINED_SHARE)
                    : String.format(Locale.ROOT, "p99_ms <= %.0fx store_p99_ms", TARGET_RATIO);
        }

        boolean pass(double p99, double storeP99, double withinOneSecondShare) {
            return sustained()
                    ? withinOneSecondShare >= SUSTAINED_SHARE
                    : p99 <= TARGET_RATIO * storeP99;
        }

        void describe(ObjectNode json, String store) {
            json.put("store", store);
            json.put("cell", name);
            json.put("kind", kind.name().toLowerCase(Locale.ROOT));
            json.put("batch_size", batchSize);
            json.put("rate", rate);
        }

        void judge(ObjectNode json, double p99, double storeP99, double withinOneSecondShare) {
            json.put("p99_ratio", p99 / storeP99);
            json.put("target", target());
            json.put("pass", pass(p99, storeP99, withinOneSecondShare));
        }

        double median(ToDoubleFunction<Run> figure) {
            return BareReadBenchmark.Runs.median(runs.stream().map(figure::applyAsDouble).toList());
        }
    }

    /** Prints each cell's medians over runs against its target, and adds them to the report. */
    private static void summarise(
            String describe, String storeName, List<Cell> cells, Report report) {
        System.out.printf(
                Locale.ROOT, "%s, medians over runs (load from a separate process):%n", describe);
        for (Cell cell : cells) {
            double p99 = cell.median(r -> r.server().millis(99));
            double storeP99 = cell.median(r -> r.direct().millis(99));
            double share = cell.median(r -> r.server().withinOneSecondShare());
            long missing = cell.runs.stream().mapToLong(r -> r.server().missing()).sum();
            boolean pass = cell.pass(p99, storeP99, share);
            System.out.printf(
                    Locale.ROOT,
                    "  %s: server p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, %,.0f/s achieved,"
                            + " %.2f%% within 1 s, %d missing in all; store p99 %.3f ms;"
                            + " server / store p99 %.1fx; %s: %s%n",
                    cell.name,
                    cell.median(r -> r.server().millis(50)),
                    p99,
                    cell.median(r -> r.server().millis(99.9)),
                    cell.median(r -> r.server().achievedRate()),
                    100 * share,
                    missing,
                    storeP99,
                    p99 / storeP99,
                    cell.target(),
                    pass ? "PASS" : "FAIL");
            ObjectNode json = report.latencyMedian();
            cell.describe(json, storeName);
            json.put("runs", cell.runs.size());
            json.put("achieved_rate", cell.median(r -> r.server().achievedRate()));
            json.put("missing", missing);
            json.put("within_1s_share", share);
            json.put("p50_ms", cell.median(r -> r.server().millis(50)));
            json.put("p90_ms", cell.median(r -> r.server().millis(90)));
            json.put("p99_ms", p99);
            json.put("p999_ms", cell.median(r -> r.server().millis(99.9)));
            json.put("max_ms", cell.median(r -> r.server().millis(100)));
            json.put("store_p50_ms", cell.median(r -> r.direct().millis(50)));
            json.put("store_p99_ms", storeP99);
            json.put("store_p999_ms", cell.median(r -> r.direct().millis(99.9)));
            cell.judge(json, p99, storeP99, share);
        }
    }
}
