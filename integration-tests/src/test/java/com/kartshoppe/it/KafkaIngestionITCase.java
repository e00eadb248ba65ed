package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.features.Features;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.quality.Violation;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.MalformedKind;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulationStats;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same simulated traffic, once through the embedded Kafka broker and once through JSON-lines
 * files, into the same ingestion and feature code: the same events pass, the same records are
 * dead-lettered (garbage reads as a bad header from Kafka, as malformed JSON from a file), and the
 * Kafka dead letters say where to find the original.
 */
class KafkaIngestionITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @TempDir static Path files;

    private static EmbeddedKafka kafka;
    private static SimulationStats stats;

    private static SimulatorConfig config() {
        return SimulatorConfig.builder()
                .seed(23)
                .users(800)
                .duration(Duration.ofMinutes(30))
                .duplicateRate(0.02)
                .malformedRate(0.08)
                .build();
    }

    @BeforeAll
    static void simulateIntoKafkaAndFiles() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        kafka.createProjectTopics(new Configuration());
        try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), new Configuration())) {
            stats = new Simulation(config()).run(sink);
        }
        try (JsonLinesSink sink = new JsonLinesSink(files)) {
            new Simulation(config()).run(sink);
        }
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private record Run(
            List<ShopEvent> events, List<DeadLetter> deadLetters, List<Featured> vectors) {}

    private static Run ingest(Input input) throws Exception {
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestSupport.PARALLELISM);
        ShopEvents shop = ShopEvents.read(env, input, conf, "it");
        KeyedStream<ShopEvent, String> byShopper = shop.deduplicatedByShopper();
        CloseableIterator<ShopEvent> events = byShopper.map(e -> e, ShopEvents.TYPE).collectAsync();
        CloseableIterator<DeadLetter> letters = shop.deadLetters().collectAsync();
        CloseableIterator<Featured> vectors = Features.fraud(byShopper, conf).collectAsync();
        env.execute("ingest");
        Run run = new Run(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        events.forEachRemaining(run.events()::add);
        letters.forEachRemaining(run.deadLetters()::add);
        vectors.forEachRemaining(run.vectors()::add);
        return run;
    }

    @Test
    void kafkaAndFilesGiveTheSameEventsFeaturesAndDeadLetters() throws Exception {
        for (MalformedKind kind : MalformedKind.values()) {
            assertThat(stats.malformed(kind)).as("the simulation injected %s", kind).isPositive();
        }
        Run fromKafka = ingest(Input.kafka(kafka.settings(), "it-kafka", true));
        Run fromFiles = ingest(Input.jsonl(files.toString()));

        long real =
                EventType.SHOP_INPUTS.stream()
                        .mapToLong(t -> stats.records(t.topic().defaultValue()))
                        .sum();
        Set<String> kafkaIds = ids(fromKafka.events());
        assertThat(fromKafka.events()).hasSize((int) real);
        assertThat(kafkaIds).hasSize((int) real).isEqualTo(ids(fromFiles.events()));
        assertThat(fromKafka.vectors()).hasSameSizeAs(fromFiles.vectors()).isNotEmpty();

        Map<String, Long> kafkaReasons = reasons(fromKafka.deadLetters());
        assertThat(kafkaReasons)
                .containsOnly(
                        Map.entry(
                                DecodeException.BAD_HEADER, stats.malformed(MalformedKind.GARBAGE)),
                        Map.entry(
                                Violation.MISSING_FIELD,
                                stats.malformed(MalformedKind.MISSING_FIELD)),
                        Map.entry(
                                Violation.NEGATIVE_AMOUNT,
                                stats.malformed(MalformedKind.NEGATIVE_AMOUNT)),
                        Map.entry(
                                EventTimeBounds.FUTURE,
                                stats.malformed(MalformedKind.FUTURE_TIMESTAMP)));
        Map<String, Long> fileReasons = reasons(fromFiles.deadLetters());
        assertThat(fileReasons.get(DecodeException.MALFORMED_JSON))
                .isEqualTo(kafkaReasons.get(DecodeException.BAD_HEADER));
        fileReasons.remove(DecodeException.MALFORMED_JSON);
        kafkaReasons.remove(DecodeException.BAD_HEADER);
        assertThat(fileReasons).isEqualTo(kafkaReasons);

        // Every dead letter from Kafka says where its record is.
        assertThat(fromKafka.deadLetters())
                .allSatisfy(
                        d -> {
                            assertThat(d.getPartition()).isBetween(0, 3);
                            assertThat(d.getOffset()).isNotNegative();
                            assertThat(d.getSourceTopic()).startsWith("shop.");
                        });
    }

    private static Set<String> ids(List<ShopEvent> events) {
        return events.stream()
                .map(ShopEvent::eventId)
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static Map<String, Long> reasons(List<DeadLetter> letters) {
        return letters.stream()
                .collect(Collectors.groupingBy(DeadLetter::getReason, Collectors.counting()));
    }
}
