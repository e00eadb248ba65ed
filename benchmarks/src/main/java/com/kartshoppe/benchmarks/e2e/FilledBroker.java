package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.inference.model.StarterModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;

/**
 * What a scoring-job harness runs on: the embedded broker with the project's topics, filled with
 * simulated input records ({@link KafkaTraffic#fill}), and a scratch directory with the starter
 * models in {@code <work>/models}. Closing stops the broker and deletes the directory.
 *
 * <pre>{@code
 * try (FilledBroker broker = FilledBroker.start("fraud", 300_000)) {
 *     Configuration conf = DeployedJob.conf(broker.kafka(), broker.work(), ...);
 * }
 * }</pre>
 *
 * @param filled what was produced
 */
record FilledBroker(EmbeddedKafka kafka, Path work, KafkaTraffic.Filled filled)
        implements AutoCloseable {

    /**
     * Starts the broker and fills it with {@code events} input records, and prints how; with 0
     * events (for harnesses that measure live traffic only) it leaves the topics empty.
     */
    static FilledBroker start(String name, long events) throws Exception {
        Path work = Files.createTempDirectory("kartshoppe-" + name + "-bench-");
        EmbeddedKafka kafka = EmbeddedKafka.builder().build();
        try {
            kafka.start();
            kafka.createProjectTopics(new Configuration());
            StarterModels.install(work.resolve("models"));
            if (events == 0) {
                return new FilledBroker(
                        kafka, work, new KafkaTraffic.Filled(Map.of(), 0, Set.of()));
            }
            KafkaTraffic.Filled filled = KafkaTraffic.fill(kafka, events, 1);
            filled.print();
            return new FilledBroker(kafka, work, filled);
        } catch (Exception | Error e) {
            new FilledBroker(kafka, work, null).close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            kafka.close();
        } finally {
            DeployedJob.deleteRecursively(work);
        }
    }
}
