package com.kartshoppe.jobkit;

import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.jobkit.time.EventTimeOptions;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What every job on Kafka (fraud, reco, feedback) shares around its dataflow: the settings it
 * accepts, its {@code main} on Kafka, and the union of its dead letters.
 *
 * <pre>{@code
 * public static final ScoringJobs.OnKafka ON_KAFKA =
 *         new ScoringJobs.OnKafka(NAME, options(), FraudOptions.GROUP_ID,
 *                 (conf, topics, env, group) ->
 *                         new FraudDetectionJob(conf, topics, topics).build(env).sinkToKafka(conf, group));
 *
 * public static void main(String[] args) throws Exception {
 *     ON_KAFKA.run(args);
 * }
 * }</pre>
 */
public final class ScoringJobs {

    /** Adds a job's operators and sinks to {@code env}, reading {@code topics}. */
    @FunctionalInterface
    public interface KafkaJob {
        /**
         * @param group the job's consumer group, also the prefix of its transactional ids
         */
        void wire(Configuration conf, Input topics, StreamExecutionEnvironment env, String group);
    }

    private ScoringJobs() {}

    /**
     * The settings every job on Kafka accepts (topics, Kafka, delivery guarantee, event time), plus
     * {@code groups}: the modules' and the job's own.
     */
    @SafeVarargs
    public static List<ConfigOption<?>> options(List<ConfigOption<?>>... groups) {
        List<ConfigOption<?>> all = new ArrayList<>();
        all.addAll(Topics.ALL);
        all.addAll(KafkaOptions.ALL);
        all.add(KafkaSinks.DELIVERY_GUARANTEE);
        all.addAll(EventTimeOptions.ALL);
        for (List<ConfigOption<?>> group : groups) {
            all.addAll(group);
        }
        return all;
    }

    /**
     * A job as deployed on Kafka: its name, the settings it accepts, the option naming its consumer
     * group and its wiring. {@link #run} is the job's {@code main} on a cluster; the playground
     * calls {@link #wire} to run the same job in its own MiniCluster.
     */
    public record OnKafka(
            String name,
            List<ConfigOption<?>> options,
            ConfigOption<String> groupId,
            KafkaJob job) {

        /**
         * Adds the job, reading Kafka in the consumer group {@code groupId} names, to {@code env}.
         */
        public void wire(Configuration conf, StreamExecutionEnvironment env) {
            String group = conf.get(groupId);
            job.wire(conf, Input.kafka(KafkaSettings.from(conf), group, false), env, group);
        }

        /**
         * The job's {@code main}: {@code --key value} settings and {@code --config FILE} validated
         * against {@code options} (and Flink's and Kafka's pass-through prefixes), RocksDB with
         * incremental checkpoints every 10 s unless the job's own arguments say otherwise. These
         * are job settings, so they win over the cluster's {@code config.yaml} (docs/deploy.md).
         *
         * @throws IllegalArgumentException naming an unknown or invalid setting, before anything
         *     runs
         */
        public void run(String[] args) throws Exception {
            Configuration conf = Settings.fromArgs(args, options, Settings.JOB_PREFIXES);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(Settings.deployed(conf));
            wire(conf, env);
            env.execute(name);
        }
    }
}
