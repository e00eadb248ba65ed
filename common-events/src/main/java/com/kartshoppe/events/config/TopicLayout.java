package com.kartshoppe.events.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the project's topics are laid out on a local broker: partition counts sized for jobs of
 * parallelism 2 to 4, and compaction where the README's topic table says so.
 */
public final class TopicLayout {

    /** Input and high-volume output topics: room for parallelism up to 4. */
    private static final int WIDE = 4;

    /** Partitions per topic; topics not listed get {@link #WIDE}. */
    private static final Map<ConfigOption<String>, Integer> PARTITIONS =
            Map.of(
                    Topics.FRAUD_LABELS, 2,
                    Topics.TRAINING_EXAMPLES, 2,
                    // Parameters are broadcast: one ordered partition is plenty.
                    Topics.MODEL_PARAMS, 1,
                    Topics.FRAUD_RULES, 1,
                    Topics.FEEDBACK_ACCURACY, 1,
                    Topics.DLQ, 1);

    private TopicLayout() {}

    /** The topics to create, with names from {@code conf} ({@code topics.*} options). */
    public static List<NewTopic> topics(Configuration conf) {
        List<NewTopic> topics = new ArrayList<>();
        for (ConfigOption<String> option : Topics.ALL) {
            NewTopic topic =
                    new NewTopic(
                            conf.get(option), PARTITIONS.getOrDefault(option, WIDE), (short) 1);
            if (Topics.COMPACTED.contains(option)) {
                topic.configs(
                        Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            topics.add(topic);
        }
        return topics;
    }
}
