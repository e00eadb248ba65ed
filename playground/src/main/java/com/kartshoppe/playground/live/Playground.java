package com.kartshoppe.playground.live;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreService;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.feedback.FeedbackJob;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.playground.dashboard.DashboardServer;
import com.kartshoppe.playground.dashboard.LiveView;
import com.kartshoppe.playground.dashboard.Totals;
import com.kartshoppe.reco.RecommendationJob;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.FileUtils;

/**
 * The whole system in one JVM: the embedded broker with the project's topics, a Flink MiniCluster
 * running the fraud, reco and feedback jobs as three separate jobs, the feature store and its
 * server, the live dashboard, and the simulator with the loop closed through the recommendations.
 *
 * <p>With a data directory, the broker's log, the jobs' checkpoints, the feature store and the
 * simulated clock live there, so a restarted playground resumes: each job from its newest
 * checkpoint, the simulator from where its clock stopped. Without one, all of it lives in a
 * temporary directory deleted on {@link #close()}.
 */
public final class Playground implements AutoCloseable {

    /** The three jobs, in the order they are submitted. */
    public static final List<JobDescription> JOBS =
            List.of(
                    FraudDetectionJob.DESCRIPTION,
                    RecommendationJob.DESCRIPTION,
                    FeedbackJob.DESCRIPTION);

    /**
     * How far back the simulated clock starts on a fresh data directory: the simulator replays this
     * much history at its speed-up, then runs in real time.
     */
    public static final Duration HISTORY = Duration.ofHours(24);

    private static final String STATE_FILE = "playground.properties";
    private static final String CLOCK_KEY = "simulator.clock";

    /**
     * What to run.
     *
     * @param dataDir where state lives across restarts; null for a temporary directory
     * @param modelsDir where the jobs load models from; the starter models are copied in
     * @param kafkaPort the broker's port on 127.0.0.1 (0: a free one), and so for the others
     * @param traffic the simulator's settings; null to bring your own producers
     * @param settings validated settings for the jobs and the feature store (topics, Kafka,
     *     features, models, feature store, Flink's pass-through keys)
     */
    public record Config(
            Path dataDir,
            Path modelsDir,
            int kafkaPort,
            int flinkPort,
            int dashboardPort,
            int featuresPort,
            Traffic traffic,
            Configuration settings) {}

    /**
     * The simulator's settings.
     *
     * @param speedup how much faster than the wall clock simulated time runs while it catches up
     * @param rate at most this many records per second (0: no cap)
     * @param driftAt wall-clock time after the start at which the new fraud tactic appears; null
     *     for none
     */
    public record Traffic(long seed, int users, double speedup, double rate, Duration driftAt) {}

    /**
     * A moment's view of the system, for the status line; {@code simulatedClock} and {@code
     * simulated} are null without the simulator.
     */
    public record Status(
            Map<String, JobStatus> jobs,
            Totals totals,
            Instant simulatedClock,
            Simulated simulated,
            Optional<String> failure) {}

    /** Orders the simulator has placed so far, and how many of them by fraudsters. */
    public record Simulated(long orders, long fraudOrders) {}

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Path dataDir;
    private final boolean temporary;
    private EmbeddedKafka kafka;
    private LocalFlink flink;
    private FeatureStoreService features;
    private LiveView view;
    private DashboardServer dashboard;
    private ShopTraffic traffic;
    private Path modelsDir;
    private URI flinkUi;

    private Playground(Path dataDir, boolean temporary) {
        this.dataDir = dataDir;
        this.temporary = temporary;
    }

    /**
     * Starts everything, reporting each step to {@code progress}; on a failure, stops what had
     * started and rethrows.
     */
    public static Playground start(Config config, Consumer<String> progress) throws Exception {
        boolean temporary = config.dataDir() == null;
        Path dataDir =
                temporary
                        ? Files.createTempDirectory("kartshoppe-playground")
                        : Files.createDirectories(config.dataDir());
        Playground playground = new Playground(dataDir, temporary);
        try {
            playground.startAll(config, progress);
            return playground;
        } catch (Exception | Error e) {
            try {
                playground.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void startAll(Config config, Consumer<String> progress) throws Exception {
        progress.accept("Starting Kafka...");
        kafka =
                EmbeddedKafka.builder()
                        .port(config.kafkaPort())
                        .dataDir(dataDir.resolve("kafka"))
                        .build()
                        .start();
        started.add(kafka);
        Configuration conf = jobSettings(config);
        kafka.createProjectTopics(conf);

        modelsDir = Files.createDirectories(config.modelsDir().toAbsolutePath());
        List<Path> installed = StarterModels.install(modelsDir);
        progress.accept(
                installed.isEmpty()
                        ? "Models: " + modelsDir + " (kept as found)"
                        : "Models: starter models copied into " + modelsDir);

        progress.accept("Starting Flink...");
        int parallelism = conf.get(CoreOptions.DEFAULT_PARALLELISM);
        flink =
                LocalFlink.start(
                        config.flinkPort(),
                        JOBS.size() * parallelism,
                        dataDir.resolve("checkpoints"));
        started.add(flink);
        flinkUi = flink.webUi();
        for (JobDescription job : JOBS) {
            Optional<Path> resumed = flink.submit(job, conf);
            progress.accept(
                    "Submitted "
                            + job.name()
                            + resumed.map(p -> " (resumed from " + p.getFileName() + ")")
                                    .orElse(""));
        }

        progress.accept("Starting the feature store...");
        features =
                FeatureStoreService.start(
                        FeatureStoreSettings.from(featureStoreSettings(config, conf)),
                        FeatureCatalog.ALL,
                        Clock.systemUTC());
        started.add(features);

        view = LiveView.start(kafka.settings(), conf);
        started.add(view);
        dashboard = DashboardServer.start(view, "127.0.0.1", config.dashboardPort());
        started.add(dashboard);

        if (config.traffic() != null) {
            SimulatorConfig simulation = simulation(config.traffic());
            progress.accept(
                    "Simulating "
                            + config.traffic().users()
                            + " shoppers from "
                            + simulation.start()
                            + " at "
                            + config.traffic().speedup()
                            + "x until the wall clock, then in real time");
            traffic = ShopTraffic.start(simulation, kafka.settings(), conf);
            started.add(traffic);
        }
    }

    /**
     * The jobs' settings: the user's, on top of the playground's defaults (this broker and models
     * directory, parallelism 1, at-least-once delivery so shoppers see their recommendations at
     * once).
     */
    private Configuration jobSettings(Config config) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        conf.set(KafkaSinks.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
        conf.addAll(config.settings());
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(InferenceOptions.MODELS_DIR, config.modelsDir().toAbsolutePath().toString());
        return conf;
    }

    private Configuration featureStoreSettings(Config config, Configuration jobs) {
        Configuration conf = new Configuration(jobs);
        if (!config.settings().contains(FeatureStoreOptions.ROCKSDB_PATH)) {
            conf.set(FeatureStoreOptions.ROCKSDB_PATH, dataDir.resolve("feature-store").toString());
        }
        conf.set(FeatureStoreOptions.SERVER_PORT, config.featuresPort());
        return conf;
    }

    /**
     * The simulation, starting where the last run on this data directory stopped, or {@link
     * #HISTORY} ago on a fresh one (never earlier than that: a long pause is skipped).
     */
    private SimulatorConfig simulation(Traffic t) throws IOException {
        Clock wallClock = Clock.systemUTC();
        Instant now = wallClock.instant();
        Instant earliest = now.minus(HISTORY);
        Instant start = savedClock().filter(c -> c.isAfter(earliest)).orElse(earliest);
        return SimulatorConfig.builder()
                .seed(t.seed())
                .users(t.users())
                .start(start)
                // The shop stays open for the whole run: no end to arrivals (the builder's default
                // of 30 simulated minutes would close it after half a minute at 60x).
                .duration(null)
                .speedup(t.speedup())
                .live(wallClock)
                .rate(t.rate())
                .driftAt(
                        t.driftAt() == null
                                ? null
                                : simulatedAfter(
                                        t.driftAt(), t.speedup(), Duration.between(start, now)))
                .build();
    }

    /**
     * The simulated time that passes in {@code wall} of wall clock when the clock starts {@code
     * lead} behind it and catches up at {@code speedup} (if the rate cap does not hold it back).
     */
    static Duration simulatedAfter(Duration wall, double speedup, Duration lead) {
        long fast = (long) (wall.toMillis() * Math.max(1, speedup));
        return Duration.ofMillis(Math.min(fast, lead.toMillis() + wall.toMillis()));
    }

    private Optional<Instant> savedClock() throws IOException {
        Path file = dataDir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties state = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            state.load(in);
        }
        String clock = state.getProperty(CLOCK_KEY);
        try {
            return clock == null ? Optional.empty() : Optional.of(Instant.parse(clock));
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    file + ": " + CLOCK_KEY + " '" + clock + "' is not an instant", e);
        }
    }

    private void saveClock(Instant clock) {
        Properties state = new Properties();
        state.setProperty(CLOCK_KEY, clock.toString());
        try (OutputStream out = Files.newOutputStream(dataDir.resolve(STATE_FILE))) {
            state.store(out, "Where the playground's simulated clock stopped");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the simulated clock in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public KafkaSettings kafkaSettings() {
        return kafka.settings();
    }

    public URI flinkUi() {
        return flinkUi;
    }

    public URI dashboard() {
        return dashboard.uri();
    }

    public URI featureServer() {
        return features.uri();
    }

    public Path modelsDir() {
        return modelsDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** What runs and what it has done so far; {@code failure} names a part that stopped. */
    public Status status() throws Exception {
        Map<String, JobStatus> jobs = flink.statuses();
        Optional<String> failure = Optional.empty();
        for (Map.Entry<String, JobStatus> job : jobs.entrySet()) {
            if (job.getValue().isGloballyTerminalState()) {
                failure = Optional.of("Flink job " + job.getKey() + " is " + job.getValue());
            }
        }
        if (traffic != null && traffic.failure() != null) {
            failure = Optional.of("The simulator stopped: " + traffic.failure());
        }
        if (view.failure() != null) {
            failure = Optional.of("The dashboard's consumer stopped: " + view.failure());
        }
        return new Status(
                jobs,
                view.totals(),
                traffic == null ? null : traffic.clock(),
                traffic == null ? null : traffic.simulated(),
                failure);
    }

    /**
     * Stops what started, in reverse: the simulator (saving its clock), the dashboard, the feature
     * store, the jobs (cancelled; their checkpoints stay) and the broker; then deletes a temporary
     * data directory.
     */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable part = started.get(i);
            try {
                part.close();
                if (part == traffic && !temporary) {
                    saveClock(traffic.clock());
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (temporary) {
            FileUtils.deleteDirectory(dataDir.toFile());
        }
        if (failure != null) {
            throw failure;
        }
    }
}
