package com.kartshoppe.playground.cli;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudRuleSet;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.TopicReader;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.fraud.rules.RuleSet;
import com.kartshoppe.fraud.rules.RuleSetUpdates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kartshoppe rules validate|publish|show}: the fraud job's rule sets, checked as the job
 * checks them ({@link RuleSetUpdates#check}), published to {@code fraud.rules}, and read back.
 */
@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = {
            "Fraud rule sets: thresholds, pattern settings that can change at runtime, and allow"
                    + " and deny lists, published to the compacted fraud.rules topic and applied"
                    + " by the running fraud job to every order after they arrive (README: Rule"
                    + " sets)."
        },
        subcommands = {
            RulesCommand.Validate.class,
            RulesCommand.Publish.class,
            RulesCommand.Show.class
        })
final class RulesCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The fraud job's settings a rule set is checked against: defaults, then {@code -D}. */
    static final class JobSettings {
        @Option(
                names = {"-D", "--set"},
                description =
                        "A fraud job setting key=value the rule set is checked against, as the"
                                + " job was started: fraud.*, cep.* (their bounds), topics.*,"
                                + " kafka.*")
        Map<String, String> settings = new LinkedHashMap<>();

        Configuration conf(CommandSpec spec) {
            try {
                return Settings.validate(
                        Configuration.fromMap(settings),
                        FraudDetectionJob.options(),
                        List.of(KafkaOptions.PASSTHROUGH_PREFIX));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
            }
        }

        /** The rule set the job would start under, without a rule-set file. */
        RuleSet base(CommandSpec spec) {
            try {
                return RuleSet.fromConfiguration(conf(spec));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
            }
        }
    }

    /** The broker to talk to: {@code --bootstrap}, asked once before any work. */
    static final class Broker {
        @Option(
                names = "--bootstrap",
                required = true,
                description = "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...]")
        String bootstrap;

        @Mixin KafkaWait kafkaWait;

        /** The Kafka settings of {@code conf} at {@code --bootstrap}, once a broker answers. */
        KafkaSettings reach(Configuration conf) {
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrap);
            KafkaSettings kafka = KafkaSettings.from(conf);
            kafkaWait.untilReachable(kafka);
            return kafka;
        }
    }

    /**
     * The rule set in {@code file}, as the job would apply it over {@code base}.
     *
     * @throws IllegalArgumentException "FILE: what is wrong"
     */
    static RuleSet read(Path file, RuleSet base) throws IOException {
        return RuleSet.read(InputPaths.file(file, "FILE"), base);
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = {
                "Checks a rule-set file as the fraud job would: JSON, known fields, thresholds in"
                        + " order, pattern settings within the job's bounds, well-formed lists.",
                "Prints a summary and exits 0, or one line saying what is wrong and exits 1."
            })
    static final class Validate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "A rule-set file (JSON)")
        Path file;

        @Mixin JobSettings job;

        @Override
        public Integer call() throws Exception {
            RuleSet rules = read(file, job.base(spec));
            spec.commandLine().getOut().println(file + ": valid, " + rules.summary());
            return 0;
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = {
                "Validates a rule-set file, then publishes it to fraud.rules (key: its id). The"
                        + " running fraud job applies it to every order it processes after it"
                        + " arrives, if its version is above the one in force."
            })
    static final class Publish implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "A rule-set file (JSON)")
        Path file;

        @Mixin JobSettings job;
        @Mixin Broker broker;

        @Override
        public Integer call() throws Exception {
            Configuration conf = job.conf(spec);
            RuleSet rules = read(file, job.base(spec));
            KafkaSettings kafka = broker.reach(conf);
            String topic = conf.get(Topics.FRAUD_RULES);
            RecordMetadata written =
                    publish(kafka, topic, rules, Files.readString(file), Clock.systemUTC());
            spec.commandLine()
                    .getOut()
                    .printf(
                            "Published %s to %s at %s (partition %d, offset %d)%n",
                            rules.summary(),
                            topic,
                            broker.bootstrap,
                            written.partition(),
                            written.offset());
            return 0;
        }
    }

    /** Writes {@code rules}, whose document is {@code document}, to {@code topic}; acknowledged. */
    static RecordMetadata publish(
            KafkaSettings kafka, String topic, RuleSet rules, String document, Clock clock)
            throws Exception {
        FraudRuleSet record =
                FraudRuleSet.newBuilder()
                        .setRuleSetId(rules.id())
                        .setVersion(rules.version())
                        .setDocument(document)
                        .setPublishedAt(Instant.now(clock))
                        .build();
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    EventType.FRAUD_RULES
                                            .key(record)
                                            .getBytes(StandardCharsets.UTF_8),
                                    AvroCodec.of(EventType.FRAUD_RULES).encode(record)))
                    .get();
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Reads fraud.rules and prints the rule set a fraud job following the id"
                        + " (fraud.rules.id) holds: the newest version it would apply, in full,"
                        + " and the versions it would reject with their reasons."
            })
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin JobSettings job;
        @Mixin Broker broker;

        @Override
        public Integer call() throws Exception {
            Configuration conf = job.conf(spec);
            RuleSet base = job.base(spec);
            KafkaSettings kafka = broker.reach(conf);
            String topic = conf.get(Topics.FRAUD_RULES);
            PrintWriter out = spec.commandLine().getOut();
            RuleSet[] inForce = {base};
            FraudRuleSet[] record = {null};
            TopicReader.forEach(
                    kafka,
                    topic,
                    EventType.FRAUD_RULES,
                    update -> {
                        if (!update.getRuleSetId().equals(base.id())) {
                            return;
                        }
                        try {
                            inForce[0] = RuleSetUpdates.check(update, base, inForce[0].version());
                            record[0] = update;
                        } catch (RuleSetUpdates.Rejected e) {
                            out.printf(
                                    "Rejected %s v%d (%s): %s%n",
                                    update.getRuleSetId(),
                                    update.getVersion(),
                                    e.reason,
                                    e.getMessage());
                        }
                    });
            if (record[0] == null) {
                out.printf(
                        "No rule set %s on %s at %s: the fraud job decides under its settings,"
                                + " %s%n",
                        base.id(), topic, broker.bootstrap, base.summary());
            } else {
                out.printf(
                        "In force: %s, published %s%n",
                        inForce[0].summary(), record[0].getPublishedAt());
            }
            out.println(inForce[0].toJson());
            return 0;
        }
    }
}
