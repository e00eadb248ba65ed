package com.kartshoppe.playground.cli;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe kafka}: the embedded broker on its own, with every project topic. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "Starts a single-node Kafka broker (KRaft) in this process, creates the project's"
                    + " topics and runs until Ctrl-C.",
            "Point any Kafka client at the printed bootstrap address."
        })
final class KafkaCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--port",
            defaultValue = "9092",
            description = "Port on 127.0.0.1; 0 picks a free one [${DEFAULT-VALUE}]")
    int port;

    @Option(
            names = "--data-dir",
            description = "Keep topics and data here across restarts [a temporary directory]")
    Path dataDir;

    @Option(
            names = "--duration",
            description = "Stop by itself after this long, e.g. 10m [run until Ctrl-C]")
    Duration duration;

    @Option(
            names = {"-D", "--set"},
            description = "Topic names as key=value, e.g. -D topics.clicks=my.clicks")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        Configuration topics = Configuration.fromMap(settings);
        try {
            Settings.validate(topics, List.copyOf(Topics.ALL), List.of());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
        }
        // The signal closes last, so a Ctrl-C lets the JVM exit only after the last line.
        try (StopSignal stop = new StopSignal("kafka", Duration.ofSeconds(30))) {
            try (EmbeddedKafka kafka =
                    EmbeddedKafka.builder().port(port).dataDir(dataDir).build().start()) {
                List<String> created = kafka.createProjectTopics(topics);
                console.printf("Kafka is up: bootstrap servers %s%n", kafka.bootstrapServers());
                console.printf("Data directory: %s%n", kafka.dataDir());
                console.printf(
                        "Topics created: %s%n", created.isEmpty() ? "none (all exist)" : created);
                console.println(
                        duration == null
                                ? "Press Ctrl-C to stop."
                                : "Stopping after " + duration + ".");
                console.flush();
                stop.await(duration);
            }
            console.println("Kafka stopped.");
            console.flush();
        }
        return 0;
    }
}
