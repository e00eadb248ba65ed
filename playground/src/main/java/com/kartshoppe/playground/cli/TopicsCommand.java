package com.kartshoppe.playground.cli;

import com.kartshoppe.events.config.ClusterTopics;
import com.kartshoppe.events.config.ClusterTopics.Outcome;
import com.kartshoppe.events.config.ClusterTopics.Planned;
import com.kartshoppe.events.config.ClusterTopics.Status;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.types.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe topics create}: the project's topics on a real cluster. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create the project's topics on a Kafka cluster.",
        subcommands = {TopicsCommand.Create.class})
final class TopicsCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Creates every topic of the layout that does not exist, and checks the others. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Creates every topic the jobs use, with its partitions, cleanup policy (compacted:"
                        + " features.user and the layout's other compacted topics) and retention."
                        + " Idempotent: existing topics are kept and compared with the plan, and"
                        + " differences are printed (--alter-configs sets the planned cleanup"
                        + " policy and retention on them; partitions are never changed).",
                "Connection settings are the jobs': --config reads the kafka.* and topics.* keys of"
                        + " a job's properties file (security protocol, kafka.properties.*, topic"
                        + " names) and ignores its other keys.",
                "Exit code 0 when every topic is as planned (or was aligned), 3 when some differ."
            })
    static final class Create implements Callable<Integer> {

        /** Exit code when some existing topic differs from the plan. */
        static final int DIFFERS = 3;

        @Spec CommandSpec spec;

        @Option(
                names = "--bootstrap",
                description = "HOST:PORT[,HOST:PORT...]; overrides kafka.bootstrap-servers")
        String bootstrap;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "A job's properties file: its kafka.* and topics.* keys are used")
        Path config;

        @Option(
                names = {"-D", "--set"},
                description =
                        "kafka.* or topics.* settings as key=value, e.g. -D"
                                + " kafka.security-protocol=SASL_SSL")
        Map<String, String> settings = new LinkedHashMap<>();

        @Option(
                names = "--replication-factor",
                description = "Of new topics [the broker's default.replication.factor]")
        Short replicationFactor;

        @Option(
                names = "--alter-configs",
                description = "Set the planned cleanup policy and retention on existing topics")
        boolean alterConfigs;

        @Override
        public Integer call() throws Exception {
            Configuration conf = configuration();
            KafkaSettings kafka = KafkaSettings.from(conf);
            List<Planned> plan = ClusterTopics.plan(conf);
            List<Outcome> outcomes =
                    ClusterTopics.apply(
                            kafka, plan, Optional.ofNullable(replicationFactor), alterConfigs);
            PrintWriter out = spec.commandLine().getOut();
            List<Row> rows = new ArrayList<>();
            boolean differs = false;
            for (int i = 0; i < plan.size(); i++) {
                Planned p = plan.get(i);
                Outcome o = outcomes.get(i);
                String retention = p.configs().get("retention.ms");
                rows.add(
                        Row.of(
                                p.name(),
                                p.partitions(),
                                p.cleanupPolicy(),
                                retention == null ? "-" : days(Long.parseLong(retention)),
                                o.status().name().toLowerCase()
                                        + (o.differences().isEmpty()
                                                ? ""
                                                : ": " + String.join("; ", o.differences()))));
                differs |= o.status() == Status.DIFFERS;
            }
            TablePrinter.print(
                    List.of("topic", "partitions", "cleanup.policy", "retention", "status"),
                    rows,
                    out);
            return differs ? DIFFERS : 0;
        }

        private static String days(long millis) {
            long days = millis / 86_400_000L;
            return days * 86_400_000L == millis ? days + "d" : millis + "ms";
        }

        /** kafka.* and topics.* from the file, then -D, then --bootstrap; validated. */
        private Configuration configuration() throws IOException {
            Map<String, String> given = new LinkedHashMap<>();
            if (config != null) {
                InputPaths.file(config, "--config");
                Properties props = new Properties();
                try (Reader in = Files.newBufferedReader(config)) {
                    props.load(in);
                } catch (IOException e) {
                    throw new ParameterException(
                            spec.commandLine(),
                            "--config: cannot read " + config + ": " + e.getMessage());
                }
                for (String key : props.stringPropertyNames()) {
                    if (key.startsWith("kafka.") || key.startsWith("topics.")) {
                        given.put(key, props.getProperty(key).trim());
                    }
                }
            }
            given.putAll(settings);
            if (bootstrap != null) {
                given.put(KafkaOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
            }
            if (!given.containsKey(KafkaOptions.BOOTSTRAP_SERVERS.key())) {
                throw new ParameterException(
                        spec.commandLine(),
                        "Missing --bootstrap HOST:PORT (or kafka.bootstrap-servers in --config)");
            }
            List<ConfigOption<?>> options = new ArrayList<>(KafkaOptions.ALL);
            options.addAll(Topics.ALL);
            try {
                Configuration conf =
                        Settings.validate(
                                Configuration.fromMap(given),
                                options,
                                List.of(KafkaOptions.PASSTHROUGH_PREFIX));
                KafkaSettings.from(conf);
                return conf;
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }
}
