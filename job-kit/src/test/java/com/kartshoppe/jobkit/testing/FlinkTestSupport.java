package com.kartshoppe.jobkit.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The MiniCluster and environment settings every KartShoppe ITCase uses: two slots, Kryo fallback
 * disabled (so a generic type fails the test instead of slowing production) and no restarts (so a
 * failing job fails the test instead of retrying forever).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();
 * ...
 * StreamExecutionEnvironment env = FlinkTestSupport.env();
 * }</pre>
 */
public final class FlinkTestSupport {

    public static final int PARALLELISM = 2;

    private FlinkTestSupport() {}

    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(PARALLELISM)
                        .setConfiguration(configuration())
                        .build());
    }

    /** The settings tests run with. */
    public static Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    /** An environment on the registered MiniCluster with parallelism {@value #PARALLELISM}. */
    public static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration());
        env.setParallelism(PARALLELISM);
        return env;
    }
}
