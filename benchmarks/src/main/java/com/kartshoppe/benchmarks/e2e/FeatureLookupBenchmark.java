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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.Configuration;

/**
 * Lookup latency of the online feature store, per backend: the store is filled with {@code
 * --entities} fraud_v1 snapshots through {@link OnlineStore#write} (batches of 1,000, as the
 * materialiser writes), the {@link FeatureServer} serves it on a free loopback port, and a load
 * generator in this JVM drives it at fixed rates:
 *
 * <ul>
 *   <li>{@code GET /features/fraud_v1/{id}} at each of {@code --rates} requests per second, a
 *       uniformly random filled id each;
 *   <li>{@code POST /features/fraud_v1} with {@code --batch-size} random ids at {@code
 *       --batch-rate} requests per second.
 * </ul>
 *
 * <p>The load is open loop: request i is due at {@code i / rate} seconds after the start and sent
 * then (through {@link HttpClient#sendAsync}) whether or not earlier ones have been answered, and
 * its latency runs from that due time to the response, so a stall delays and counts against every
 * request due during it (no coordinated omission). Each cell runs {@code --warmup-seconds}
 * unmeasured, then {@code --seconds} measured. The baseline of each cell, measured in the same run
 * at the same rate and with the same schedule, is the store itself: {@link OnlineStore#get} (or
 * {@link OnlineStore#getAll}) called directly on the scheduling thread, no HTTP. Cells are
 * interleaved over {@code --runs}; the summary gives medians over runs and the ratio server /
 * store.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar feature-lookup --stores rocksdb,redis --runs 3
 * }</pre>
 *
 * <p>The server, its store, the load generator and (for Redis) the redis-server process share this
 * machine's cores. The JDK's HTTP server, which {@link FeatureServer} uses, sets TCP_NODELAY only
 * with {@code -Dsun.net.httpserver.nodelay=true}; the harness prints which it runs with.
 */
public final class FeatureLookupBenchmark {

    private static final String FEATURE_SET = FeatureCatalog.FRAUD_V1.name();

    /** Snapshots per {@link OnlineStore#write} while filling. */
    private static final int FILL_BATCH = 1_000;

    /** Longest wait for the answers of a cell's last requests. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private FeatureLookupBenchmark() {}

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
            int entities = 100_000;
            List<Integer> rates = List.of(1_000, 5_000);
            int batchSize = 50;
            int batchRate = 200;
            Duration warmUp = Duration.ofSeconds(3);
            Duration measured = Duration.ofSeconds(10);
            int runs = 3;
            List<Backend> stores = List.of(Backend.ROCKSDB, Backend.REDIS);
            Path json = null;
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException(
                        "Option " + args[args.length - 1] + " needs a value");
            }
            for (int i = 0; i < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--entities" -> entities = Integer.parseInt(value);
                    case "--rates" -> rates = ints(value);
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--batch-rate" -> batchRate = Integer.parseInt(value);
                    case "--warmup-seconds" -> warmUp = Duration.ofSeconds(Long.parseLong(value));
                    case "--seconds" -> measured = Duration.ofSeconds(Long.parseLong(value));
                    case "--runs" -> runs = Integer.parseInt(value);
                    case "--json" -> json = Path.of(value);
                    case "--stores" ->
                            stores =
                                    Arrays.stream(value.split(","))
                                            .map(
                                                    s ->
                                                            Backend.valueOf(
                                                                    s.trim()
                                                                            .toUpperCase(
                                                                                    Locale.ROOT)))
                                            .toList();
                    default ->
                            throw new IllegalArgumentException(
                                    "Unknown option "
                                            + args[i]
                                            + "; known: --entities N --rates 1000,5000"
                                            + " --batch-size N --batch-rate R --warmup-seconds S"
                                            + " --seconds S --runs R --stores rocksdb,redis"
                                            + " --json FILE");
                }
            }
            return new Options(
                    entities, rates, batchSize, batchRate, warmUp, measured, runs, stores, json);
        }

        private static List<Integer> ints(String csv) {
            return Arrays.stream(csv.split(",")).map(s -> Integer.parseInt(s.trim())).toList();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Report report = Report.start("feature-lookup", args, options.entities(), 1);
        // The JDK's HTTP server reads this once; without it, Nagle's algorithm holds back the
        // body of a keep-alive response until the client's delayed ACK of its headers.
        System.out.printf(
                Locale.ROOT,
                "sun.net.httpserver.nodelay (TCP_NODELAY on the server's sockets): %b%n",
                Boolean.getBoolean("sun.net.httpserver.nodelay"));
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
                List<String> ids = fill(store, options.entities(), clock);
                HttpClient http =
                        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Map<String, Cell> cells = cells(store, server.uri(), http, ids, options);
                for (int run = 1; run <= options.runs(); run++) {
                    for (Cell cell : cells.values()) {
                        Random random = new Random(run);
                        drive(cell, options.warmUp(), random);
                        Result r = drive(cell, options.measured(), random);
                        cell.results.add(r);
                        ObjectNode json = report.latencyCell();
                        json.put("store", backend.name().toLowerCase(Locale.ROOT));
                        json.put("cell", cell.name);
                        json.put("run", run);
                        json.put("rate", cell.rate);
                        json.put("achieved_rate", r.achieved());
                        json.put("requests", r.requests());
                        json.put("missing", r.failed());
                        json.put("p50_ms", r.p50() / 1_000);
                        json.put("p99_ms", r.p99() / 1_000);
                        json.put("p999_ms", r.p999() / 1_000);
                        json.put("max_ms", r.max() / 1_000);
                        System.out.printf(
                                Locale.ROOT,
                                "%s, run %d, %s: %s%n",
                                store.describe(),
                                run,
                                cell.name,
                                r);
                    }
                }
                printSummary(store.describe(), cells);
            }
        }
    }

    /** Writes one fraud_v1 snapshot per entity, event times within the last hour. */
    private static List<String> fill(OnlineStore store, int entities, Clock clock) {
        Random random = new Random(1);
        List<String> ids = new ArrayList<>(entities);
        List<FeatureSnapshot> batch = new ArrayList<>(FILL_BATCH);
        long now = clock.millis();
        long start = System.nanoTime();
        for (int i = 0; i < entities; i++) {
            String id = String.format(Locale.ROOT, "user-%07d", i);
            ids.add(id);
            double[] values = new double[FeatureCatalog.FRAUD_V1.size()];
            for (int v = 0; v < values.length; v++) {
                values[v] = Math.floor(random.nextDouble() * 1_000) / 10;
            }
            batch.add(
                    FeatureCatalog.FRAUD_V1.snapshot(id, now - random.nextInt(3_600_000), values));
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
        return ids;
    }

    /** The measured cells, each HTTP one followed by its direct baseline. */
    private static Map<String, Cell> cells(
            OnlineStore store, URI server, HttpClient http, List<String> ids, Options options) {
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (int rate : options.rates()) {
            cells.put(
                    "get-http-" + rate,
                    new Cell(
                            String.format(Locale.ROOT, "GET one id over HTTP at %,d/s", rate),
                            rate,
                            random -> {
                                HttpRequest request =
                                        HttpRequest.newBuilder(
                                                        server.resolve(
                                                                "/features/"
                                                                        + FEATURE_SET
                                                                        + "/"
                                                                        + pick(ids, random)))
                                                .timeout(REQUEST_TIMEOUT)
                                                .GET()
                                                .build();
                                return http.sendAsync(
                                                request, HttpResponse.BodyHandlers.ofByteArray())
                                        .thenApply(response -> response.statusCode() == 200);
                            }));
            cells.put(
                    "get-store-" + rate,
                    new Cell(
                            String.format(Locale.ROOT, "store.get() directly at %,d/s", rate),
                            rate,
                            random ->
                                    CompletableFuture.completedFuture(
                                            store.get(FEATURE_SET, pick(ids, random))
                                                    .isPresent())));
        }
        int size = options.batchSize();
        cells.put(
                "batch-http",
                new Cell(
                        String.format(
                                Locale.ROOT,
                                "POST %d ids over HTTP at %,d/s",
                                size,
                                options.batchRate()),
                        options.batchRate(),
                        random -> {
                            String body =
                                    picks(ids, size, random).stream()
                                            .map(id -> '"' + id + '"')
                                            .collect(
                                                    Collectors.joining(
                                                            ",", "{\"entityIds\":[", "]}"));
                            HttpRequest request =
                                    HttpRequest.newBuilder(
                                                    server.resolve("/features/" + FEATURE_SET))
                                            .timeout(REQUEST_TIMEOUT)
                                            .header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build();
                            return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                                    .thenApply(response -> response.statusCode() == 200);
                        }));
        cells.put(
                "batch-store",
                new Cell(
                        String.format(
                                Locale.ROOT,
                                "store.getAll(%d ids) directly at %,d/s",
                                size,
                                options.batchRate()),
                        options.batchRate(),
                        random ->
                                CompletableFuture.completedFuture(
                                        store.getAll(FEATURE_SET, picks(ids, size, random)).stream()
                                                .allMatch(Optional::isPresent))));
        return cells;
    }

    private static String pick(List<String> ids, Random random) {
        return ids.get(random.nextInt(ids.size()));
    }

    private static List<String> picks(List<String> ids, int n, Random random) {
        List<String> picked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            picked.add(pick(ids, random));
        }
        return picked;
    }

    /** One lookup: completes with whether every id asked for was found. */
    private interface Lookup {
        CompletableFuture<Boolean> send(Random random);
    }

    /** A kind of lookup at a rate, and its measured runs. */
    private static final class Cell {
        final String name;
        final int rate;
        final Lookup lookup;
        final List<Result> results = new ArrayList<>();

        Cell(String name, int rate, Lookup lookup) {
            this.name = name;
            this.rate = rate;
            this.lookup = lookup;
        }

        double median(ToDoubleFunction<Result> figure) {
            return BareReadBenchmark.Runs.median(
                    results.stream().map(figure::applyAsDouble).toList());
        }
    }

    /**
     * Sends the cell's lookups open loop for {@code duration}, each at its due time, and waits for
     * every answer.
     *
     * @throws IllegalStateException if answers are still missing {@link #DRAIN_TIMEOUT} after the
     *     last send
     */
    private static Result drive(Cell cell, Duration duration, Random random)
            throws InterruptedException {
        int n = (int) (cell.rate * duration.toNanos() / 1_000_000_000L);
        long[] latencies = new long[n];
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastAnswer = new AtomicLong();
        CountDownLatch answered = new CountDownLatch(n);
        double interval = 1e9 / cell.rate;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * interval);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int slot = i;
            cell.lookup
                    .send(random)
                    .whenComplete(
                            (found, error) -> {
                                long now = System.nanoTime();
                                latencies[slot] = now - due;
                                if (error != null || !found) {
                                    failed.incrementAndGet();
                                }
                                lastAnswer.accumulateAndGet(now, Math::max);
                                answered.countDown();
                            });
        }
        if (!answered.await(DRAIN_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(
                    answered.getCount()
                            + " lookups unanswered "
                            + DRAIN_TIMEOUT
                            + " after the last");
        }
        Histogram h = Latencies.ofNanos(Arrays.stream(latencies));
        return new Result(
                n,
                failed.get(),
                n * 1e9 / (lastAnswer.get() - start),
                micros(h, 50),
                micros(h, 99),
                micros(h, 99.9),
                micros(h, 100));
    }

    private static double micros(Histogram h, double percentile) {
        return Latencies.millis(h, percentile) * 1_000;
    }

    /**
     * One measured cell.
     *
     * @param failed lookups that failed or did not find every id (all ids are filled, so none
     *     should)
     * @param achieved answers per second, from the first due time to the last answer
     */
    record Result(
            int requests,
            int failed,
            double achieved,
            double p50,
            double p99,
            double p999,
            double max) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%,d requests, %d failed, %,.0f/s achieved; p50 %.0f µs, p99 %.0f µs,"
                            + " p99.9 %.0f µs, max %.0f µs",
                    requests,
                    failed,
                    achieved,
                    p50,
                    p99,
                    p999,
                    max);
        }
    }

    private static void printSummary(String store, Map<String, Cell> cells) {
        System.out.printf(Locale.ROOT, "%s, medians over runs:%n", store);
        for (Map.Entry<String, Cell> e : cells.entrySet()) {
            Cell cell = e.getValue();
            System.out.printf(
                    Locale.ROOT,
                    "  %s: %,.0f/s achieved, p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs, max %.0f µs;"
                            + " %d failed in all%n",
                    cell.name,
                    cell.median(Result::achieved),
                    cell.median(Result::p50),
                    cell.median(Result::p99),
                    cell.median(Result::p999),
                    cell.median(Result::max),
                    cell.results.stream().mapToInt(Result::failed).sum());
            Cell baseline = cells.get(e.getKey().replace("-http", "-store"));
            if (baseline != cell) {
                System.out.printf(
                        Locale.ROOT,
                        "    server / store: p50 %.1fx, p99 %.1fx, p99.9 %.1fx%n",
                        cell.median(Result::p50) / baseline.median(Result::p50),
                        cell.median(Result::p99) / baseline.median(Result::p99),
                        cell.median(Result::p999) / baseline.median(Result::p999));
            }
        }
    }
}
