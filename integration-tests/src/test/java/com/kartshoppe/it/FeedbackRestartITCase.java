package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.feedback.FeedbackJob;
import com.kartshoppe.feedback.FeedbackOptions;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback job started again without state (a new consumer group, no checkpoint) on the same
 * predictions and labels: its adapter versions continue above those it published the first time,
 * read back from {@code ml.model-params} when the job is built, instead of starting again at 1,
 * which the scoring jobs would ignore.
 */
class FeedbackRestartITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @TempDir static Path dir;

    @Test
    void aStatelessRestartContinuesTheAdapterVersions() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Configuration conf = FlinkTestSupport.configuration();
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            conf.set(KafkaSinks.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
            conf.set(FeedbackOptions.FRAUD_PUBLISH_EVERY, 20);
            conf.set(FeedbackOptions.MAX_LOG_LOSS_INCREASE, 10.0);
            conf.set(FeedbackOptions.MIN_HOLDOUT, 0);
            kafka.createProjectTopics(conf);
            SimulatorConfig simulation =
                    SimulatorConfig.builder()
                            .seed(5)
                            .users(300)
                            .duration(Duration.ofHours(1))
                            .build();
            try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), conf)) {
                new Simulation(simulation).run(sink);
            }
            // The fraud job's predictions on the same traffic, from a backtest of it as files.
            Path files = dir.resolve("events");
            try (JsonLinesSink sink = new JsonLinesSink(files)) {
                new Simulation(simulation).run(sink);
            }
            Path models = dir.resolve("models");
            StarterModels.install(models);
            Configuration fraud = FlinkTestSupport.configuration();
            fraud.set(InferenceOptions.MODELS_DIR, models.toString());
            List<PredictionLog> predictions =
                    Scoring.backtest(FraudDetectionJob.DESCRIPTION, fraud, files)
                            .get(EventType.PREDICTION);
            try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), conf)) {
                for (PredictionLog p : predictions) {
                    sink.write(EventType.PREDICTION, p);
                }
            }

            List<AdapterParams> first = run(conf, kafka, "it-feedback-first");
            List<AdapterParams> all = run(conf, kafka, "it-feedback-second");
            List<AdapterParams> second = all.subList(first.size(), all.size());

            assertThat(first).hasSizeGreaterThan(2);
            assertThat(first.get(0).getAdapterVersion()).isEqualTo(1);
            assertThat(second).as("the same examples, so as many updates").hasSameSizeAs(first);
            long highest =
                    first.stream().mapToLong(AdapterParams::getAdapterVersion).max().orElse(0);
            for (int i = 0; i < first.size(); i++) {
                assertThat(second.get(i).getBaseModelVersion())
                        .isEqualTo(first.get(i).getBaseModelVersion());
                assertThat(second.get(i).getAdapterVersion())
                        .isEqualTo(highest + first.get(i).getAdapterVersion());
            }
        }
    }

    /** Runs the feedback job over what the topics hold, without state; all params on the topic. */
    private static List<AdapterParams> run(Configuration conf, EmbeddedKafka kafka, String group)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestSupport.PARALLELISM);
        Input topics = Input.kafka(kafka.settings(), group, true);
        new FeedbackJob(conf, topics, topics).build(env).sinkToKafka(conf, group);
        env.execute(group);
        return CommittedRecords.readAll(
                kafka, EventType.ADAPTER_PARAMS, conf.get(Topics.MODEL_PARAMS));
    }
}
