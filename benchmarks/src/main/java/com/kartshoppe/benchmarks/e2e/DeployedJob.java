package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.jobkit.output.KafkaSinks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings a scoring job (fraud, recommendations) runs with in the end-to-end harnesses: as
 * deployed (RocksDB state, incremental checkpoints, Kafka sinks with the given delivery guarantee),
 * on the embedded broker, with the starter models of a scratch directory.
 *
 * <pre>{@code
 * StarterModels.install(work.resolve("models"));
 * Configuration conf = DeployedJob.conf(kafka, work, DeployedJob.THROUGHPUT_CHECKPOINTS,
 *         DeliveryGuarantee.EXACTLY_ONCE, 32);
 * }</pre>
 */
final class DeployedJob {

    /** Often enough that the exactly-once sinks commit within a run. */
    static final Duration THROUGHPUT_CHECKPOINTS = Duration.ofSeconds(2);

    private DeployedJob() {}

    /**
     * The job's settings as deployed ({@link Settings#deployed}: RocksDB, incremental checkpoints,
     * the changelog), apart from the checkpoint interval, with no restarts (a failure ends the run)
     * and no generic types; models from {@code <work>/models}, checkpoints in {@code
     * <work>/checkpoints} (state changes in {@code <work>/checkpoints/changelog}).
     */
    static Configuration conf(
            EmbeddedKafka kafka,
            Path work,
            Duration checkpoints,
            DeliveryGuarantee guarantee,
            int batchSize) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpoints);
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(KafkaSinks.DELIVERY_GUARANTEE, guarantee);
        conf.set(InferenceOptions.MODELS_DIR, work.resolve("models").toString());
        conf.set(InferenceOptions.BATCH_SIZE, batchSize);
        return Settings.deployed(conf);
    }

    /**
     * The settings of a throughput run: exactly-once sinks, checkpoints every {@link
     * #THROUGHPUT_CHECKPOINTS}, and the {@code output} topic renamed to a fresh {@code topic} of
     * the run's own, created with {@code partitions}.
     */
    static Configuration exactlyOnce(
            EmbeddedKafka kafka,
            Path work,
            int batchSize,
            ConfigOption<String> output,
            String topic,
            int partitions) {
        Configuration conf =
                conf(
                        kafka,
                        work,
                        THROUGHPUT_CHECKPOINTS,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        batchSize);
        conf.set(output, topic);
        OutputTopics.create(kafka, topic, partitions);
        return conf;
    }

    /**
     * The settings of a latency run: {@code guarantee} for the sinks, {@code
     * --latency-checkpoint-seconds}, {@code --buffer-timeout-ms}, {@code --set}; the four input
     * topics and {@code output} renamed to {@code <prefix><default name>} and created, so each run
     * starts on empty topics.
     */
    static Configuration live(
            EmbeddedKafka kafka,
            Path work,
            JobOptions options,
            int batchSize,
            DeliveryGuarantee guarantee,
            String prefix,
            ConfigOption<String> output) {
        Configuration conf = conf(kafka, work, options.latencyCheckpoints(), guarantee, batchSize);
        if (options.bufferTimeout() != null) {
            conf.set(ExecutionOptions.BUFFER_TIMEOUT, options.bufferTimeout());
        }
        for (ConfigOption<String> topic :
                List.of(Topics.CLICKS, Topics.ORDERS, Topics.PAYMENTS, Topics.LOGINS, output)) {
            conf.set(topic, prefix + topic.defaultValue());
        }
        kafka.createProjectTopics(conf);
        return options.applyTo(conf);
    }

    /**
     * The waits inside a latency figure, by name, in milliseconds: the load generator's producer
     * linger, the scorer's batch size and wait, the sinks' producer linger, Flink's network buffer
     * timeout (edges the job does not set), the ingestion's buffer timeout (the keyed exchange into
     * the shopper's task), the checkpoint interval and whether state changes are logged (the
     * changelog, true or false).
     */
    static Map<String, Object> waits(Configuration conf) {
        Map<String, Object> waits = new LinkedHashMap<>();
        waits.put("producer_linger_ms", LiveLatency.PRODUCER_LINGER.toMillis());
        waits.put("scoring_batch_size", conf.get(InferenceOptions.BATCH_SIZE));
        waits.put("scoring_batch_wait_ms", conf.get(InferenceOptions.BATCH_WAIT).toMillis());
        waits.put(
                "sink_linger_ms",
                Long.parseLong(
                        KafkaSettings.from(conf)
                                .clientProperties()
                                .getProperty(ProducerConfig.LINGER_MS_CONFIG, KAFKA_LINGER_MS)));
        waits.put("buffer_timeout_ms", conf.get(ExecutionOptions.BUFFER_TIMEOUT).toMillis());
        waits.put(
                "ingest_buffer_timeout_ms",
                conf.get(FeatureOptions.INGEST_BUFFER_TIMEOUT).toMillis());
        waits.put(
                "checkpoint_interval_ms",
                conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL).toMillis());
        waits.put("state_changelog", conf.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG));
        return waits;
    }

    /** {@code linger.ms} of a Kafka 4 producer that does not set it. */
    private static final String KAFKA_LINGER_MS = "5";

    /** Deletes a scratch directory and everything in it. */
    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
