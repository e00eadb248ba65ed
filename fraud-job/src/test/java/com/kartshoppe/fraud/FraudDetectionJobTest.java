package com.kartshoppe.fraud;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.config.Settings;
import com.kartshoppe.jobkit.input.Input;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Tests for {@link FraudDetectionJob}'s settings: what {@code main} accepts and refuses. */
class FraudDetectionJobTest {

    private static Configuration parse(String... args) {
        return Settings.fromArgs(args, FraudDetectionJob.options(), Settings.JOB_PREFIXES);
    }

    @Test
    void mainRefusesAnUnknownSettingByName() {
        assertThatThrownBy(
                        () ->
                                FraudDetectionJob.main(
                                        new String[] {"--fraud.review-treshold", "0.4"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown setting 'fraud.review-treshold'");
    }

    @Test
    void mainRefusesThresholdsOutOfOrder() {
        assertThatThrownBy(
                        () ->
                                FraudDetectionJob.main(
                                        new String[] {
                                            "--fraud.review-threshold", "0.95",
                                            "--fraud.block-threshold", "0.9"
                                        }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fraud.review-threshold")
                .hasMessageContaining("0.95 and 0.9");
    }

    @Test
    void aPatternSettingOutOfRangeStopsTheJobBeforeItIsBuilt() {
        Configuration conf = parse("--cep.card-testing.min-cards", "0");
        assertThatThrownBy(() -> new FraudDetectionJob(conf, Input.jsonl("/nonexistent"), null))
                .hasMessage("cep.card-testing.min-cards must be at least 1, got 0");
    }

    @Test
    void flinkAndKafkaClientSettingsPassThrough() {
        Configuration conf =
                parse(
                        "--execution.checkpointing.interval", "30 s",
                        "--kafka.properties.sasl.mechanism", "PLAIN",
                        "--kafka.delivery-guarantee", "at-least-once");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(conf.getString("kafka.properties.sasl.mechanism", null)).isEqualTo("PLAIN");
    }

    @Test
    void theJobGraphReusesObjectsBetweenChainedOperators() throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        new FraudDetectionJob(new Configuration(), Input.jsonl("/nonexistent"), null).build(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        assertThat(
                        graph.getSerializedExecutionConfig()
                                .deserializeValue(getClass().getClassLoader())
                                .isObjectReuseEnabled())
                .isTrue();
    }

    @Test
    void helpListsEverySettingWithItsDefaultAndStartsNothing() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        FraudDetectionJob.DESCRIPTION.run(
                new String[] {"--help"}, new PrintStream(out, true, UTF_8));

        assertThat(out.toString(UTF_8))
                .startsWith("Usage: flink run <kartshoppe-fraud jar>")
                .contains("--fraud.block-threshold [0.9]")
                .contains("--kafka.bootstrap-servers [localhost:9092]")
                .contains("--watermark.out-of-orderness [5 s]")
                .contains("--models.dir [models]")
                .contains("--cep.card-testing.min-cards");
    }
}
