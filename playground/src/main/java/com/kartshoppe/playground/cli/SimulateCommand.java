package com.kartshoppe.playground.cli;

import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.playground.progress.Progress;
import com.kartshoppe.simulator.EventSink;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.MalformedKind;
import com.kartshoppe.simulator.RecommendationFeed;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulationStats;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe simulate}: KartShoppe traffic into JSON-lines files or Kafka. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        defaultValueProvider = SimulateCommand.Defaults.class,
        description = {
            "Generates deterministic KartShoppe traffic: shopper sessions, orders, payments,"
                    + " logins, fraud attacks with ground-truth labels, and data-quality faults.",
            "jsonl:DIR writes one <topic>.jsonl file per topic plus summary.json;"
                    + " kafka:HOST:PORT produces to the topics (Avro single-object encoding).",
            "Defaults are shown in brackets."
        })
final class SimulateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--out",
            required = true,
            converter = Output.Converter.class,
            description = "jsonl:DIR or kafka:HOST:PORT[,HOST:PORT...]")
    Output out;

    @Option(
            names = "--seed",
            description = "Random seed; equal seeds give equal output [${DEFAULT-VALUE}]")
    long seed;

    @Option(names = "--users", description = "Shoppers in the population [${DEFAULT-VALUE}]")
    int users;

    @Option(names = "--products", description = "Products in the catalog [${DEFAULT-VALUE}]")
    int products;

    @Option(
            names = "--duration",
            description =
                    "Event-time window in which sessions and attacks start, e.g. 30m, 2h."
                            + " Sessions under way finish and labels follow after it"
                            + " [${DEFAULT-VALUE}]")
    Duration duration;

    @Option(
            names = "--start",
            description =
                    "Event time of the start: an ISO instant or 'now'"
                            + " [2026-01-01T00:00:00Z for jsonl, now for kafka]")
    String start;

    @Option(
            names = "--rate",
            description =
                    "Cap on records per wall-clock second; 0 = as fast as possible"
                            + " [${DEFAULT-VALUE}]")
    double rate;

    @Option(
            names = "--speedup",
            description =
                    "Event time runs this many times faster than the wall clock; 0 = unpaced"
                            + " [${DEFAULT-VALUE}]")
    double speedup;

    @Option(
            names = "--sessions-per-user-hour",
            description = "Session arrival rate per shopper [${DEFAULT-VALUE}]")
    double sessionsPerUserHour;

    @Option(
            names = "--card-testing-rate",
            description = "Card-testing attacks per hour per 1,000 shoppers [${DEFAULT-VALUE}]")
    double cardTestingRate;

    @Option(
            names = "--account-takeover-rate",
            description = "Account takeovers per hour per 1,000 shoppers [${DEFAULT-VALUE}]")
    double accountTakeoverRate;

    @Option(
            names = "--promo-abuse-rate",
            description = "Promo-abuse bot runs per hour per 1,000 shoppers [${DEFAULT-VALUE}]")
    double promoAbuseRate;

    @Option(
            names = "--fraud-share",
            description =
                    "Scale the three attack rates above so that about this share of placed orders"
                            + " comes from fraudsters, e.g. 0.01 for a realistic shop (the"
                            + " defaults give about 0.12); the realised share varies with the seed")
    Double fraudShare;

    @Option(
            names = "--drift-at",
            description =
                    "Offset from the start at which the new gift-card-cashout tactic begins"
                            + " [never]")
    Duration driftAt;

    @Option(
            names = "--drift-rate",
            description =
                    "Gift-card-cashout attacks per hour per 1,000 shoppers after the drift"
                            + " [${DEFAULT-VALUE}]")
    double driftRate;

    @Option(
            names = "--label-delay",
            description = "Mean delay of a fraud label after its order [${DEFAULT-VALUE}]")
    Duration labelDelay;

    @Option(
            names = "--cleared-share",
            description = "Share of legitimate orders labelled CLEARED [${DEFAULT-VALUE}]")
    double clearedShare;

    @Option(names = "--label-noise", description = "Share of wrong labels [${DEFAULT-VALUE}]")
    double labelNoise;

    @Option(
            names = "--duplicate-rate",
            description = "Share of input records sent twice [${DEFAULT-VALUE}]")
    double duplicateRate;

    @Option(
            names = "--out-of-order-rate",
            description = "Share of input records delayed behind later ones [${DEFAULT-VALUE}]")
    double outOfOrderRate;

    @Option(
            names = "--max-delay",
            description = "Longest delay of a delayed or duplicate record [${DEFAULT-VALUE}]")
    Duration maxDelay;

    @Option(
            names = "--malformed-rate",
            description = "Extra bad records per input record [${DEFAULT-VALUE}]")
    double malformedRate;

    @Option(
            names = "--malformed-kinds",
            split = ",",
            description =
                    "Kinds of bad records: garbage, missing-field, negative-amount,"
                            + " future-timestamp [all]")
    List<String> malformedKinds;

    @Option(
            names = "--storefront-recos",
            description =
                    "After every product view, show the shop's own recommendations (the"
                            + " category's most popular products) and let shoppers click and buy"
                            + " from them, as they do from the reco job's in the closed loop"
                            + " [false]")
    boolean storefrontRecos;

    @Option(
            names = "--closed-loop",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "With kafka output, shoppers react to what arrives on the recommendations"
                            + " topic [true]")
    boolean closedLoop;

    @Option(
            names = {"-D", "--set"},
            description =
                    "A setting key=value: topic names (topics.clicks=...) and Kafka client"
                            + " settings (kafka.security-protocol, kafka.properties.*)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Mixin KafkaWait kafkaWait;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        SimulatorConfig config = config();
        Simulation simulation = new Simulation(config);
        Configuration conf = settings();
        console.printf(
                "Simulating %d shoppers for %s of event time from %s into %s:%s%n",
                config.users(),
                config.duration() == null ? "ever" : config.duration(),
                config.start(),
                out.kind(),
                out.target());
        console.flush();
        CountDownLatch finished = new CountDownLatch(1);
        Thread stopOnCtrlC =
                new Thread(
                        () -> {
                            simulation.stop();
                            try {
                                // Let the run flush its sink and print its summary.
                                finished.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "simulate-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnCtrlC);
        try {
            SimulationStats stats;
            Exception feedFailure = null;
            if (out.kind() == Output.Kind.JSONL) {
                try (EventSink sink = progress(new JsonLinesSink(out.dir(), conf), config)) {
                    stats = simulation.run(sink);
                }
            } else {
                KafkaSettings kafka = kafkaSettings(conf);
                kafkaWait.untilReachable(kafka);
                try (EventSink sink = progress(new KafkaEventSink(kafka, conf), config);
                        RecommendationFeed feed =
                                closedLoop
                                        ? new RecommendationFeed(
                                                kafka,
                                                conf.get(Topics.RECOMMENDATIONS),
                                                false,
                                                simulation::offer)
                                        : null) {
                    stats = simulation.run(sink);
                    feedFailure = feed == null ? null : feed.failure();
                }
            }
            String summary = stats.toJson();
            if (out.kind() == Output.Kind.JSONL) {
                Files.writeString(
                        out.dir().resolve("summary.json"), summary + "\n", StandardCharsets.UTF_8);
            }
            console.println(summary);
            console.flush();
            if (feedFailure != null) {
                spec.commandLine()
                        .getErr()
                        .println(
                                "The recommendation feed failed, the loop ran open: "
                                        + feedFailure);
                return 1;
            }
            return 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for us.
            }
        }
    }

    /** The sink, counting for the progress line; the share done by event time, if it ends. */
    private EventSink progress(EventSink sink, SimulatorConfig config) {
        Progress progress = CommandProgress.start(spec);
        if (config.duration() != null) {
            progress.between(config.start(), config.start().plus(config.duration()));
        }
        return new ProgressSink(sink, progress);
    }

    private KafkaSettings kafkaSettings(Configuration conf) {
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, out.target());
        try {
            return KafkaSettings.from(conf);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--out kafka: " + e.getMessage());
        }
    }

    private SimulatorConfig config() {
        Set<MalformedKind> kinds = EnumSet.allOf(MalformedKind.class);
        if (malformedKinds != null) {
            kinds = EnumSet.noneOf(MalformedKind.class);
            for (String id : malformedKinds) {
                try {
                    kinds.add(MalformedKind.fromId(id.trim()));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(
                            spec.commandLine(), "--malformed-kinds: " + e.getMessage());
                }
            }
        }
        try {
            return SimulatorConfig.builder()
                    .seed(seed)
                    .users(users)
                    .products(products)
                    .duration(duration)
                    .start(startInstant())
                    .rate(rate)
                    .speedup(speedup)
                    .sessionsPerUserHour(sessionsPerUserHour)
                    .cardTestingPerHour(cardTestingRate)
                    .accountTakeoverPerHour(accountTakeoverRate)
                    .promoAbusePerHour(promoAbuseRate)
                    .fraudShare(fraudShare)
                    .storefrontRecommendations(storefrontRecos)
                    .driftAt(driftAt)
                    .driftAttacksPerHour(driftRate)
                    .labelDelay(labelDelay)
                    .clearedShare(clearedShare)
                    .labelNoise(labelNoise)
                    .duplicateRate(duplicateRate)
                    .outOfOrderRate(outOfOrderRate)
                    .maxDelay(maxDelay)
                    .malformedRate(malformedRate)
                    .malformedKinds(kinds)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
    }

    /**
     * The event time of the start. For Kafka, by default the run ends near the wall clock's now:
     * with a speed-up above 1 it starts in the past, so event times never run ahead of the wall
     * clock (ingestion rejects events from the future).
     */
    private Instant startInstant() {
        if (start == null) {
            if (out.kind() == Output.Kind.JSONL) {
                return SimulatorConfig.DEFAULT_START;
            }
            Instant now = Instant.now();
            if (speedup > 1 && duration != null) {
                return now.minus(duration)
                        .plus(Duration.ofMillis((long) (duration.toMillis() / speedup)));
            }
            return now;
        }
        if (start.equals("now")) {
            return Instant.now();
        }
        try {
            return Instant.parse(start);
        } catch (RuntimeException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--start: '"
                            + start
                            + "' is neither 'now' nor an instant like 2026-01-01T00:00:00Z");
        }
    }

    private Configuration settings() {
        Configuration conf = Configuration.fromMap(settings);
        if (conf.containsKey(KafkaOptions.BOOTSTRAP_SERVERS.key())) {
            throw new ParameterException(
                    spec.commandLine(),
                    "-D: set the brokers with --out kafka:HOST:PORT, not "
                            + KafkaOptions.BOOTSTRAP_SERVERS.key());
        }
        List<ConfigOption<?>> known = new ArrayList<>(Topics.ALL);
        known.add(KafkaOptions.SECURITY_PROTOCOL);
        try {
            return Settings.validate(conf, known, List.of(KafkaOptions.PASSTHROUGH_PREFIX));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
        }
    }

    /** Shows and applies {@link SimulatorConfig}'s defaults, so they live in one place. */
    static final class Defaults implements IDefaultValueProvider {

        private static final SimulatorConfig DEFAULT = SimulatorConfig.builder().build();
        private static final Map<String, Function<SimulatorConfig, Object>> VALUES =
                Map.ofEntries(
                        Map.entry("--seed", SimulatorConfig::seed),
                        Map.entry("--users", SimulatorConfig::users),
                        Map.entry("--products", SimulatorConfig::products),
                        Map.entry("--duration", c -> format(c.duration())),
                        Map.entry("--rate", SimulatorConfig::rate),
                        Map.entry("--speedup", SimulatorConfig::speedup),
                        Map.entry("--sessions-per-user-hour", SimulatorConfig::sessionsPerUserHour),
                        Map.entry("--card-testing-rate", SimulatorConfig::cardTestingPerHour),
                        Map.entry(
                                "--account-takeover-rate", SimulatorConfig::accountTakeoverPerHour),
                        Map.entry("--promo-abuse-rate", SimulatorConfig::promoAbusePerHour),
                        Map.entry("--drift-rate", SimulatorConfig::driftAttacksPerHour),
                        Map.entry("--label-delay", c -> format(c.labelDelay())),
                        Map.entry("--cleared-share", SimulatorConfig::clearedShare),
                        Map.entry("--label-noise", SimulatorConfig::labelNoise),
                        Map.entry("--duplicate-rate", SimulatorConfig::duplicateRate),
                        Map.entry("--out-of-order-rate", SimulatorConfig::outOfOrderRate),
                        Map.entry("--max-delay", c -> format(c.maxDelay())),
                        Map.entry("--malformed-rate", SimulatorConfig::malformedRate));

        @Override
        public String defaultValue(ArgSpec argSpec) {
            if (argSpec instanceof OptionSpec option) {
                Function<SimulatorConfig, Object> value = VALUES.get(option.longestName());
                return value == null ? null : String.valueOf(value.apply(DEFAULT));
            }
            return null;
        }

        private static String format(Duration d) {
            return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
        }
    }
}
