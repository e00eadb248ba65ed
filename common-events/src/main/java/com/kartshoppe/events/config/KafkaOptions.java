package com.kartshoppe.events.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Connection settings shared by every component that talks to Kafka. Anything else a Kafka client
 * accepts (SASL, TLS, timeouts) is passed through verbatim with the {@value #PASSTHROUGH_PREFIX}
 * prefix, for example {@code kafka.properties.sasl.mechanism=SCRAM-SHA-512}.
 */
public final class KafkaOptions {

    /** Prefix of client properties passed through to every producer, consumer and admin. */
    public static final String PASSTHROUGH_PREFIX = "kafka.properties.";

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription(
                            "Comma-separated host:port list of Kafka brokers to bootstrap from.");

    public static final ConfigOption<String> SECURITY_PROTOCOL =
            ConfigOptions.key("kafka.security-protocol")
                    .stringType()
                    .defaultValue("PLAINTEXT")
                    .withDescription(
                            "Kafka security.protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."
                                    + " SASL and TLS details go in "
                                    + PASSTHROUGH_PREFIX
                                    + "* properties.");

    /** The options every component that talks to Kafka accepts. */
    public static final List<ConfigOption<?>> ALL = List.of(BOOTSTRAP_SERVERS, SECURITY_PROTOCOL);

    private KafkaOptions() {}

    /**
     * The option {@code <job>.group-id}, default {@code kartshoppe-<job>}: a job's Kafka consumer
     * group, also the prefix of its sinks' transactional ids.
     */
    public static ConfigOption<String> groupId(String job) {
        return ConfigOptions.key(job + ".group-id")
                .stringType()
                .defaultValue("kartshoppe-" + job)
                .withDescription(
                        "Kafka consumer group of the job's sources; also the prefix of its"
                                + " sinks' transactional ids, so it must be unique per running"
                                + " job.");
    }
}
