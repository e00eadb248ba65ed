package com.kartshoppe.jobkit;

import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import com.kartshoppe.jobkit.output.JobOutputs;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.jobkit.time.EventTimeOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A job, described once: its name, the settings it accepts, the option naming its consumer group,
 * and its dataflow. Its {@code main} on a cluster ({@link #run}), the playground ({@link
 * #wireOnKafka}) and its backtests ({@link #replay}) all start from this description.
 *
 * <pre>{@code
 * public static final JobDescription DESCRIPTION =
 *         new JobDescription(NAME, options(), FraudOptions.GROUP_ID,
 *                 (conf, events, side, env) -> new FraudDetectionJob(conf, events, side).build(env));
 *
 * public static void main(String[] args) throws Exception {
 *     DESCRIPTION.run(args);
 * }
 * }</pre>
 *
 * @param options every setting the job accepts, apart from pass-through prefixes ({@link
 *     #options(List[])})
 * @param groupId the option naming the job's Kafka consumer group, also the prefix of its sinks'
 *     transactional ids
 */
public record JobDescription(
        String name,
        List<ConfigOption<?>> options,
        ConfigOption<String> groupId,
        Dataflow dataflow) {

    /** Adds a job's operators to an environment and returns its outputs. */
    @FunctionalInterface
    public interface Dataflow {
        /**
         * @param events where the job's main input topics come from
         * @param side the job's second input: adapter parameters for a scoring job (null: none, the
         *     base model decides alone), prediction logs for the feedback job
         */
        JobOutputs build(
                Configuration conf, Input events, Input side, StreamExecutionEnvironment env);
    }

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
     * Adds the job on Kafka to {@code env}: both inputs read the topics in the consumer group
     * {@code groupId} names, and every output is written to its topic.
     */
    public void wireOnKafka(Configuration conf, StreamExecutionEnvironment env) {
        String group = conf.get(groupId);
        Input topics = Input.kafka(KafkaSettings.from(conf), group, false);
        dataflow.build(conf, topics, topics, env).sinkToKafka(conf, group);
    }

    /**
     * The job's {@code main}: {@code --key value} settings and {@code --config FILE} validated
     * against {@code options} (and Flink's and Kafka's pass-through prefixes), RocksDB with
     * incremental checkpoints every 10 s unless the job's arguments or the cluster's configuration
     * say otherwise ({@link #environment}, docs/deploy.md).
     *
     * <p>{@code --help} (or {@code -h}) prints the settings with their defaults and descriptions
     * ({@link #help}) and returns without starting anything.
     *
     * @throws IllegalArgumentException naming an unknown or invalid setting, before anything runs
     */
    public void run(String[] args) throws Exception {
        run(args, System.out);
    }

    /** As {@link #run(String[])}, printing {@code --help} to {@code out}. */
    public void run(String[] args, PrintStream out) throws Exception {
        if (OptionsHelp.asked(args)) {
            out.print(help());
            out.flush();
            return;
        }
        Configuration conf = Settings.fromArgs(args, options, Settings.JOB_PREFIXES);
        StreamExecutionEnvironment env = environment(conf);
        wireOnKafka(conf, env);
        env.execute(name);
    }

    /**
     * The environment a job's {@code main} runs in. Submitted to a cluster ({@code flink run}, the
     * REST API), Flink's context environment holds the cluster's configuration ({@code config.yaml}
     * and {@code flink run -D}); the job hands it only its Flink settings ({@link
     * Settings#FLINK_PREFIXES}): its own arguments, and its defaults where the arguments and the
     * cluster are silent ({@link Settings#deployed(Configuration, ReadableConfig)}). A cluster that
     * refuses program configuration gets the arguments alone. Locally, the defaults apply.
     */
    public static StreamExecutionEnvironment environment(Configuration conf) {
        ReadableConfig cluster =
                StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration();
        return StreamExecutionEnvironment.getExecutionEnvironment(
                Settings.flinkSettings(Settings.deployed(conf, cluster)));
    }

    /**
     * Lets chained operators hand records over without copies ({@code pipeline.object-reuse}), for
     * jobs whose functions neither change their input nor keep a record they passed on; unless the
     * configuration sets object reuse itself, or the cluster refuses program configuration ({@code
     * execution.program-config.enabled: false}), where turning it on would be a change the cluster
     * rejects.
     */
    public static void reuseObjects(StreamExecutionEnvironment env) {
        ReadableConfig conf = env.getConfiguration();
        if (conf.get(DeploymentOptions.PROGRAM_CONFIG_ENABLED)
                && conf.getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
            env.getConfig().enableObjectReuse();
        }
    }

    /** What {@code --help} prints: the usage, then every setting with its default. */
    public String help() {
        return OptionsHelp.format(name, options, Settings.JOB_PREFIXES);
    }

    /**
     * A backtest: the job over recorded inputs (bounded files) on a local environment, the same
     * operators as on Kafka; waits for it to finish and returns every output.
     *
     * @param side as in {@link Dataflow#build}
     */
    public CollectedOutputs replay(Configuration conf, Input events, Input side) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        return dataflow.build(conf, events, side, env).collect(name + " backtest");
    }
}
