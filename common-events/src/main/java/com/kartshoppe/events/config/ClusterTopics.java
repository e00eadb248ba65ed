package com.kartshoppe.events.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The project's topics on a real cluster: every topic of the layout ({@link Topics#ALL}, partition
 * counts and compaction from {@link TopicLayout}), with a retention per topic and the cluster's
 * replication factor, created through the Kafka admin API with the jobs' connection settings
 * ({@link KafkaSettings}: security protocol and {@code kafka.properties.*}).
 *
 * <p>Creating is idempotent: topics that exist are left as they are, and their partition count and
 * configuration are compared with the plan; {@link #apply} can also align the configuration
 * (cleanup policy, retention) of existing topics. Partitions are never changed: adding some would
 * move keys to other partitions.
 *
 * <pre>{@code
 * List<Planned> plan = ClusterTopics.plan(conf);
 * List<Outcome> done =
 *         ClusterTopics.apply(KafkaSettings.from(conf), plan, Optional.of((short) 3), false);
 * }</pre>
 */
public final class ClusterTopics {

    /** How long a topic that is not compacted keeps its records, by topic; others: 7 days. */
    private static final Map<ConfigOption<String>, Duration> RETENTION =
            Map.of(
                    // Labels arrive weeks after the order (chargebacks); predictions wait for
                    // them in the feedback job, and a replay of the feedback job needs both.
                    Topics.FRAUD_LABELS, Duration.ofDays(90),
                    Topics.PREDICTIONS, Duration.ofDays(90),
                    // What models are trained on, and how they did: kept for a year.
                    Topics.TRAINING_EXAMPLES, Duration.ofDays(365),
                    Topics.FEEDBACK_ACCURACY, Duration.ofDays(365),
                    Topics.DLQ, Duration.ofDays(30));

    /** Retention of a topic not listed above: Kafka's default. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private static final long TIMEOUT_SECONDS = 60;

    private ClusterTopics() {}

    /** One topic as the layout wants it. */
    public record Planned(String name, int partitions, Map<String, String> configs) {

        /** {@code compact}, or {@code delete} with a retention. */
        public String cleanupPolicy() {
            return configs.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        }
    }

    /** What happened to one topic. */
    public record Outcome(String name, Status status, List<String> differences) {}

    /** Whether a topic was created, existed as planned, or exists otherwise. */
    public enum Status {
        CREATED,
        EXISTS,
        /** Exists with another configuration or partition count; see the differences. */
        DIFFERS,
        /** Existed with another configuration, now aligned (partitions may still differ). */
        ALTERED
    }

    /**
     * Every topic of the layout, named by {@code conf}'s {@code topics.*} options: compacted ones
     * with {@code cleanup.policy=compact}, the others with {@code cleanup.policy=delete} and their
     * {@code retention.ms}.
     */
    public static List<Planned> plan(Configuration conf) {
        Map<String, NewTopic> layout = new HashMap<>();
        for (NewTopic topic : TopicLayout.topics(conf)) {
            layout.put(topic.name(), topic);
        }
        List<Planned> plan = new ArrayList<>();
        for (ConfigOption<String> option : Topics.ALL) {
            NewTopic topic = layout.get(conf.get(option));
            Map<String, String> configs = new HashMap<>();
            if (Topics.COMPACTED.contains(option)) {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            } else {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
                configs.put(
                        TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(
                                RETENTION.getOrDefault(option, DEFAULT_RETENTION).toMillis()));
            }
            plan.add(new Planned(topic.name(), topic.numPartitions(), Map.copyOf(configs)));
        }
        return plan;
    }

    /**
     * Creates the planned topics that do not exist, compares the others with the plan, and with
     * {@code alterConfigs} sets their planned configuration.
     *
     * @param replicationFactor of new topics; empty takes the broker's {@code
     *     default.replication.factor}
     * @return one outcome per planned topic, in order
     */
    public static List<Outcome> apply(
            KafkaSettings kafka,
            List<Planned> plan,
            Optional<Short> replicationFactor,
            boolean alterConfigs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Properties props = kafka.clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing =
                    admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<Outcome> outcomes = new ArrayList<>();
            for (Planned topic : plan) {
                if (!existing.contains(topic.name())) {
                    try {
                        admin.createTopics(
                                        List.of(
                                                new NewTopic(
                                                                topic.name(),
                                                                Optional.of(topic.partitions()),
                                                                replicationFactor)
                                                        .configs(topic.configs())))
                                .all()
                                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        outcomes.add(new Outcome(topic.name(), Status.CREATED, List.of()));
                        continue;
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                        // created by someone else meanwhile: compare it like any existing topic
                    }
                }
                outcomes.add(compare(admin, topic, alterConfigs));
            }
            awaitLeaders(
                    admin,
                    outcomes.stream()
                            .filter(o -> o.status() == Status.CREATED)
                            .map(Outcome::name)
                            .toList());
            return outcomes;
        }
    }

    /**
     * Returns once every partition of the topics has a leader, so a client started next (a job, or
     * this tool again) finds them: a create returns when the controller has the topic, a broker may
     * learn of it a moment later.
     */
    private static void awaitLeaders(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!topics.isEmpty()) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(topics)
                                .allTopicNames()
                                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (described.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "Topics " + topics + " have no leader after " + TIMEOUT_SECONDS + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100); // between metadata requests, up to the deadline
        }
    }

    private static Outcome compare(Admin admin, Planned topic, boolean alterConfigs)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description =
                admin.describeTopics(List.of(topic.name()))
                        .allTopicNames()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .get(topic.name());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
        Config config =
                admin.describeConfigs(List.of(resource))
                        .all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .get(resource);
        List<String> differences = new ArrayList<>();
        int partitions = description.partitions().size();
        if (partitions != topic.partitions()) {
            differences.add("partitions " + partitions + ", planned " + topic.partitions());
        }
        Collection<AlterConfigOp> alter = new ArrayList<>();
        for (Map.Entry<String, String> want : new TreeMap<>(topic.configs()).entrySet()) {
            ConfigEntry entry = config.get(want.getKey());
            String has = entry == null ? null : entry.value();
            if (!want.getValue().equals(has)) {
                differences.add(want.getKey() + " " + has + ", planned " + want.getValue());
                alter.add(
                        new AlterConfigOp(
                                new ConfigEntry(want.getKey(), want.getValue()),
                                AlterConfigOp.OpType.SET));
            }
        }
        if (differences.isEmpty()) {
            return new Outcome(topic.name(), Status.EXISTS, List.of());
        }
        if (alterConfigs && !alter.isEmpty()) {
            admin.incrementalAlterConfigs(Map.of(resource, alter))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Outcome(topic.name(), Status.ALTERED, differences);
        }
        return new Outcome(topic.name(), Status.DIFFERS, differences);
    }
}
