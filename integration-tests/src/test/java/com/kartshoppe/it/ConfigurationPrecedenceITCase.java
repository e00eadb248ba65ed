package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.config.Settings;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.jobkit.JobDescription;
import java.time.Duration;
import org.apache.flink.client.program.MutatedConfigurationException;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where a job's configuration comes from when it is submitted to a cluster, through Flink's own
 * client context ({@link StreamContextEnvironment}, what {@code flink run} and the REST API's jar
 * run set up, here with a local executor): the cluster's configuration ({@code config.yaml} with
 * {@code flink run -D}) wins over the job's defaults (RocksDB, incremental checkpoints every 10 s),
 * the job's own arguments win over both, and a cluster that refuses program configuration runs the
 * jobs as long as their arguments set none.
 */
class ConfigurationPrecedenceITCase {

    @AfterEach
    void leaveTheClientContext() {
        StreamContextEnvironment.unsetAsContext();
    }

    /**
     * The environment of a fraud job given {@code args}, submitted to a cluster of {@code conf}.
     */
    private static StreamExecutionEnvironment submitted(Configuration cluster, String... args) {
        cluster.set(DeploymentOptions.TARGET, "local");
        cluster.set(DeploymentOptions.ATTACHED, true);
        StreamContextEnvironment.setAsContext(
                new DefaultExecutorServiceLoader(),
                cluster,
                ConfigurationPrecedenceITCase.class.getClassLoader(),
                false,
                true);
        return JobDescription.environment(
                Settings.fromArgs(args, FraudDetectionJob.options(), Settings.JOB_PREFIXES));
    }

    /** Runs a small job on {@code env} as the jobs set up theirs (object reuse). */
    private static void run(StreamExecutionEnvironment env) throws Exception {
        JobDescription.reuseObjects(env);
        env.fromData(1, 2, 3).sinkTo(new DiscardingSink<>());
        env.execute("configuration precedence");
    }

    @Test
    void theClusterWinsOverTheJobsDefaultsWhereItSpeaks() throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        cluster.set(StateBackendOptions.STATE_BACKEND, "hashmap");

        StreamExecutionEnvironment env = submitted(cluster);

        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND))
                .isEqualTo("hashmap");
        assertThat(env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS))
                .as("where the cluster is silent, the job's default")
                .isTrue();
        run(env);
    }

    @Test
    void theJobsDefaultsApplyWhereTheClusterIsSilentAndItsArgumentsWinOverBoth() throws Exception {
        StreamExecutionEnvironment defaults = submitted(new Configuration());
        assertThat(defaults.getConfiguration().get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Settings.DEPLOYED_CHECKPOINT_INTERVAL);
        assertThat(defaults.getConfiguration().get(StateBackendOptions.STATE_BACKEND))
                .isEqualTo("rocksdb");
        StreamContextEnvironment.unsetAsContext();

        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        StreamExecutionEnvironment argued =
                submitted(
                        cluster,
                        "--execution.checkpointing.interval",
                        "5 s",
                        "--kafka.bootstrap-servers",
                        "broker:9092");
        assertThat(argued.getConfiguration().get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(argued.getConfiguration().toMap())
                .as("the job's own settings stay with the job")
                .doesNotContainKey("kafka.bootstrap-servers");
        run(argued);
    }

    @Test
    void aClusterThatRefusesProgramConfigurationRunsTheJobsUnlessTheirArgumentsSetSome()
            throws Exception {
        Configuration locked = new Configuration();
        locked.set(DeploymentOptions.PROGRAM_CONFIG_ENABLED, false);
        locked.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));

        StreamExecutionEnvironment env =
                submitted(locked, "--kafka.bootstrap-servers", "broker:9092");

        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(30));
        run(env);
        assertThat(env.getConfiguration().getOptional(PipelineOptions.OBJECT_REUSE))
                .as("not turned on where it would be a change the cluster rejects")
                .isEmpty();
        StreamContextEnvironment.unsetAsContext();

        // An argument that sets Flink configuration is the user's choice: Flink refuses it.
        StreamExecutionEnvironment argued =
                submitted(locked, "--execution.checkpointing.interval", "5 s");
        assertThatThrownBy(() -> run(argued))
                .isInstanceOf(MutatedConfigurationException.class)
                .hasMessageContaining("execution.checkpointing.interval");
    }
}
