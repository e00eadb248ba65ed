package com.kartshoppe.playground.cli;

import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.playground.dashboard.Totals;
import com.kartshoppe.playground.live.Playground;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe playground}: the whole system in this JVM, with a live dashboard. */
@Command(
        name = "playground",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "Runs the whole system in this JVM: an embedded Kafka broker with every topic, a Flink"
                    + " MiniCluster (web UI) running the fraud, reco and feedback jobs, the"
                    + " feature server, the live simulator with its shoppers reacting to their"
                    + " recommendations, and a live dashboard.",
            "Prints the URLs, then a status line every few seconds; libraries log to a file."
                    + " Ctrl-C stops everything cleanly."
        })
final class PlaygroundCommand implements Callable<Integer> {

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Spec CommandSpec spec;

    @Option(
            names = "--rate",
            defaultValue = "500",
            description =
                    "The simulator sends at most this many records per second [${DEFAULT-VALUE}]")
    double rate;

    @Option(
            names = "--users",
            defaultValue = "1000",
            description = "Simulated shoppers [${DEFAULT-VALUE}]")
    int users;

    @Option(names = "--seed", defaultValue = "1", description = "Simulator seed [${DEFAULT-VALUE}]")
    long seed;

    @Option(
            names = "--speedup",
            defaultValue = "60",
            description =
                    "Simulated time runs this many times faster than the wall clock while it"
                            + " catches up with it (a fresh playground starts 24 h back), then in"
                            + " real time [${DEFAULT-VALUE}]")
    double speedup;

    @Option(
            names = "--duration",
            description = "Stop cleanly after this long, e.g. 90s [run until Ctrl-C]")
    Duration duration;

    @Option(
            names = "--drift-at",
            description =
                    "After this long, e.g. 45s, fraudsters start a new tactic (gift-card cash-out)"
                            + " the starter model has never seen [no drift]")
    Duration driftAt;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "Dashboard port on 127.0.0.1; 0 picks a free one [${DEFAULT-VALUE}]")
    int port;

    @Option(
            names = "--flink-port",
            defaultValue = "8081",
            description = "Flink web UI and REST port; 0 picks a free one [${DEFAULT-VALUE}]")
    int flinkPort;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Kafka broker port; 0 picks a free one [${DEFAULT-VALUE}]")
    int kafkaPort;

    @Option(
            names = "--features-port",
            defaultValue = "8088",
            description = "Feature server port; 0 picks a free one [${DEFAULT-VALUE}]")
    int featuresPort;

    @Option(
            names = "--data-dir",
            description =
                    "Keep the broker's data, the jobs' checkpoints, the feature store and the"
                            + " simulated clock here, so a restart resumes [a temporary directory]")
    Path dataDir;

    @Option(
            names = "--models-dir",
            defaultValue = "models",
            description =
                    "Models directory the jobs watch; the starter models are copied in where"
                            + " missing [${DEFAULT-VALUE}]")
    Path modelsDir;

    @Option(names = "--no-simulator", description = "Start no simulator: bring your own producers")
    boolean noSimulator;

    @Option(
            names = "--log-file",
            description =
                    "Where Flink, Kafka and the jobs log [DATA-DIR/playground.log, else"
                            + " ./kartshoppe-playground.log]")
    Path logFile;

    @Option(
            names = "--status-every",
            defaultValue = "5s",
            description = "How often to print the status line [${DEFAULT-VALUE}]")
    Duration statusEvery;

    @Option(
            names = {"-D", "--set"},
            description =
                    "A setting key=value for the jobs and the feature store, e.g."
                            + " -D fraud.block-threshold=0.95 (see the README)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Playground.Config config = config();
        Path log =
                logFile != null
                        ? logFile
                        : dataDir != null
                                ? dataDir.resolve("playground.log")
                                : Path.of("kartshoppe-playground.log");
        LogFile.redirectTo(log);
        out.println("KartShoppe playground (logs: " + log.toAbsolutePath() + ")");
        out.flush();
        Instant started = Instant.now();
        // The signal closes last, so a Ctrl-C lets the JVM exit only after "Stopped." is printed.
        try (StopSignal stop = new StopSignal("playground", Duration.ofMinutes(2))) {
            Playground.Status last;
            try (Playground playground =
                    Playground.start(
                            config,
                            line -> {
                                out.println("  " + line);
                                out.flush();
                            })) {
                banner(out, playground, log);
                last = watch(playground, stop, out, started);
                out.println("Stopping...");
                out.println(summary(last.totals()));
                out.println(
                        "Alerts by pattern: "
                                + (last.totals().alertsByPattern().isEmpty()
                                        ? "none"
                                        : last.totals().alertsByPattern().toString()));
                if (last.simulated() != null) {
                    out.println(simulated(last.simulated(), last.totals()));
                }
                out.flush();
            }
            if (last.failure().isPresent()) {
                spec.commandLine().getErr().println("Stopped: " + last.failure().get());
                return 1;
            }
            out.println("Stopped.");
            out.flush();
            return 0;
        }
    }

    /**
     * Prints a status line every {@code --status-every} until Ctrl-C, the end of {@code --duration}
     * or a failure.
     *
     * @return the last status
     */
    private Playground.Status watch(
            Playground playground, StopSignal stop, PrintWriter out, Instant started)
            throws Exception {
        Instant deadline = duration == null ? null : Instant.now().plus(duration);
        Playground.Status status = playground.status();
        while (status.failure().isEmpty()) {
            Duration wait = statusEvery;
            if (deadline != null) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                wait = left.compareTo(wait) < 0 ? left : wait;
            }
            long before = status.totals().inputRecords();
            Instant since = Instant.now();
            boolean stopped = stop.await(wait);
            status = playground.status();
            Instant now = Instant.now();
            double perSecond =
                    (status.totals().inputRecords() - before)
                            * 1000.0
                            / Math.max(1, Duration.between(since, now).toMillis());
            out.println(statusLine(Duration.between(started, now), status, perSecond));
            out.flush();
            if (stopped) {
                break;
            }
        }
        return status;
    }

    private Playground.Config config() {
        Configuration conf = Configuration.fromMap(settings);
        if (conf.containsKey(KafkaOptions.BOOTSTRAP_SERVERS.key())) {
            throw new ParameterException(
                    spec.commandLine(),
                    "-D: the playground runs its own broker; use --kafka-port, not "
                            + KafkaOptions.BOOTSTRAP_SERVERS.key());
        }
        if (conf.containsKey(InferenceOptions.MODELS_DIR.key())) {
            throw new ParameterException(
                    spec.commandLine(),
                    "-D: set the models directory with --models-dir, not "
                            + InferenceOptions.MODELS_DIR.key());
        }
        Set<ConfigOption<?>> known = new LinkedHashSet<>(FeatureStoreOptions.ALL);
        for (JobDescription job : Playground.JOBS) {
            known.addAll(job.options());
        }
        try {
            Settings.validate(conf, known, Settings.JOB_PREFIXES);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("--port", port);
        ports.put("--flink-port", flinkPort);
        ports.put("--kafka-port", kafkaPort);
        ports.put("--features-port", featuresPort);
        ports.forEach(this::checkFree);
        if (users <= 0 || speedup < 1 || rate < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--users must be positive, --speedup at least 1 and --rate not negative");
        }
        if (statusEvery.isNegative() || statusEvery.isZero()) {
            throw new ParameterException(spec.commandLine(), "--status-every must be positive");
        }
        return new Playground.Config(
                dataDir,
                modelsDir,
                kafkaPort,
                flinkPort,
                port,
                featuresPort,
                noSimulator ? null : new Playground.Traffic(seed, users, speedup, rate, driftAt),
                conf);
    }

    /** Fails start-up with the option named if its port is out of range or already taken. */
    private void checkFree(String option, int p) {
        if (p < 0 || p > 65535) {
            throw new ParameterException(spec.commandLine(), option + ": no such port: " + p);
        }
        if (p == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", p));
        } catch (IOException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    option
                            + ": 127.0.0.1:"
                            + p
                            + " is in use ("
                            + e.getMessage()
                            + "); pass another port, or 0 for a free one");
        }
    }

    private void banner(PrintWriter out, Playground p, Path log) {
        String rule = "-".repeat(78);
        out.println(rule);
        out.println("KartShoppe RT-ML playground is running");
        out.printf("  Dashboard        %s%n", p.dashboard());
        out.printf("  Flink web UI     %s%n", p.flinkUi());
        out.printf("  Feature server   %sfeatures/fraud_v1/<userId>%n", slash(p.featureServer()));
        out.printf(
                "  Kafka bootstrap  %s  (e.g. kcat -b %s -L)%n",
                p.bootstrapServers(), p.bootstrapServers());
        out.printf(
                "  Models           %s  (drop fraud/<version>.onnx or reco/<version>.onnx here)%n",
                p.modelsDir());
        out.printf("  Data             %s%s%n", p.dataDir(), dataDir == null ? " (temporary)" : "");
        out.printf("  Logs             %s%n", log.toAbsolutePath());
        out.println(
                duration == null
                        ? "Ctrl-C stops everything."
                        : "Stops by itself after "
                                + duration.toSeconds()
                                + " s; Ctrl-C stops earlier.");
        out.println(rule);
        out.flush();
    }

    private static String slash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s : s + "/";
    }

    /** One compact line: what flows and what serves. */
    static String statusLine(Duration uptime, Playground.Status status, double inputPerSecond) {
        Totals t = status.totals();
        List<String> parts = new ArrayList<>();
        parts.add(String.format("in %.0f/s", inputPerSecond));
        parts.add(String.format("decisions %d (alerts %d)", t.decisions(), t.alerts()));
        parts.add("recos " + t.recommendations());
        parts.add("accuracy reports " + t.accuracyReports());
        parts.add("DLQ " + t.deadLetters());
        parts.add("models " + versions(t));
        if (status.simulatedClock() != null) {
            parts.add("sim " + MINUTE.format(status.simulatedClock()));
        }
        String notRunning =
                status.jobs().entrySet().stream()
                        .filter(e -> e.getValue() != JobStatus.RUNNING)
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "));
        if (!notRunning.isEmpty()) {
            parts.add(notRunning);
        }
        return String.format("[%02d:%02d] ", uptime.toMinutes(), uptime.toSecondsPart())
                + String.join(" | ", parts);
    }

    private static String versions(Totals t) {
        return t.modelVersions().entrySet().stream()
                .map(
                        e ->
                                e.getKey()
                                        + " v"
                                        + e.getValue()
                                        + "+a"
                                        + t.adapterVersions().getOrDefault(e.getKey(), 0L))
                .collect(Collectors.joining(", "));
    }

    /** Alerts against the fraud the simulator placed, so a reader can judge the alert rate. */
    private static String simulated(Playground.Simulated s, Totals t) {
        return String.format(
                Locale.ROOT,
                "Simulated: %d orders placed, %d by fraudsters (%.1f%%); alerts on %.1f%% of"
                        + " decisions",
                s.orders(),
                s.fraudOrders(),
                percent(s.fraudOrders(), s.orders()),
                percent(t.alerts(), t.decisions()));
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static String summary(Totals t) {
        return String.format(
                "Seen: %d input records, %d decisions (%d alerts), %d recommendations, %d accuracy"
                        + " reports, %d dead letters",
                t.inputRecords(),
                t.decisions(),
                t.alerts(),
                t.recommendations(),
                t.accuracyReports(),
                t.deadLetters());
    }
}
