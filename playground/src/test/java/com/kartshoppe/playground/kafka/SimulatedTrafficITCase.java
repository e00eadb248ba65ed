package com.kartshoppe.playground.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.KafkaEventDeserializer;
import com.kartshoppe.jobkit.input.Sourced;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.jobkit.time.Watermarks;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.MalformedKind;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulationStats;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Either;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Simulated traffic through a real broker into a real Flink job: the wire format, keys, record
 * timestamps and the dead-letter path, end to end.
 */
class SimulatedTrafficITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    private static EmbeddedKafka kafka;
    private static SimulationStats stats;
    private static long producedFrom;
    private static long producedUntil;

    @BeforeAll
    static void produceTraffic() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        kafka.createProjectTopics(new Configuration());
        Simulation simulation =
                new Simulation(
                        SimulatorConfig.builder()
                                .seed(9)
                                .users(300)
                                .duration(Duration.ofMinutes(20))
                                .malformedRate(0.02)
                                .build());
        producedFrom = System.currentTimeMillis();
        try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), new Configuration())) {
            stats = simulation.run(sink);
        }
        producedUntil = System.currentTimeMillis();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** Every record sent to a topic: real ones, duplicates and injected bad ones. */
    private static int sentTo(String topic) {
        long malformed =
                stats.malformed().entrySet().stream()
                        .filter(e -> e.getKey().endsWith("@" + topic))
                        .mapToLong(e -> e.getValue())
                        .sum();
        return (int)
                (stats.records(topic) + stats.duplicates().getOrDefault(topic, 0L) + malformed);
    }

    private static long garbageIn(String topic) {
        return stats.malformed().getOrDefault(MalformedKind.GARBAGE.id() + "@" + topic, 0L);
    }

    @Test
    void recordsCarryTheWireFormatKeyAndSendTime() {
        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTestSupport.consume(kafka, "shop.orders", sentTo("shop.orders"));
        AvroCodec<OrderEvent> codec = AvroCodec.of(EventType.ORDER);

        assertThat(records).hasSize(sentTo("shop.orders"));
        long garbage = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                OrderEvent order = codec.decode(r.value());
                assertThat(new String(r.key(), StandardCharsets.UTF_8))
                        .isEqualTo(order.getUserId());
                if (order.getEventId().contains("-x")) {
                    continue; // an injected bad record: its fields are wrong on purpose
                }
                assertThat(order.getEventTime())
                        .isBetween(
                                SimulatorConfig.DEFAULT_START,
                                SimulatorConfig.DEFAULT_START.plus(Duration.ofHours(1)));
            } catch (DecodeException e) {
                assertThat(e.reason()).isEqualTo(DecodeException.BAD_HEADER);
                garbage++;
            }
        }
        assertThat(garbage).isEqualTo(garbageIn("shop.orders"));
        assertThat(records)
                .allMatch(r -> r.timestamp() >= producedFrom && r.timestamp() <= producedUntil);
    }

    @Test
    void aFlinkJobReadsEveryClickAndDeadLettersTheGarbage() throws Exception {
        StreamExecutionEnvironment env = FlinkTestSupport.env();
        KafkaSource<Either<DeadLetter, Sourced<ClickEvent>>> source =
                KafkaSource.<Either<DeadLetter, Sourced<ClickEvent>>>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics("shop.clicks")
                        .setGroupId("it-clicks")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setDeserializer(new KafkaEventDeserializer<>(EventType.CLICK, "it"))
                        .build();
        SingleOutputStreamOperator<Sourced<ClickEvent>> clicks =
                DeadLetters.split(
                        env.fromSource(
                                source,
                                Watermarks.forDecoded(
                                        EventType.CLICK,
                                        new Configuration(),
                                        Clock.fixed(
                                                SimulatorConfig.DEFAULT_START.plus(
                                                        Duration.ofDays(1)),
                                                ZoneOffset.UTC)),
                                "clicks"),
                        "clicks",
                        Sourced.typeInfo(EventType.CLICK));
        CloseableIterator<Sourced<ClickEvent>> events = clicks.collectAsync();
        CloseableIterator<DeadLetter> letters =
                clicks.getSideOutput(DeadLetters.TAG).collectAsync();
        env.execute("read simulated clicks");

        List<Sourced<ClickEvent>> read = new ArrayList<>();
        events.forEachRemaining(read::add);
        List<DeadLetter> dead = new ArrayList<>();
        letters.forEachRemaining(dead::add);

        long garbage = garbageIn("shop.clicks");
        assertThat(garbage).isPositive();
        assertThat(read).hasSize((int) (sentTo("shop.clicks") - garbage));
        assertThat(dead).hasSize((int) garbage);
        Set<String> positions = new HashSet<>();
        for (DeadLetter letter : dead) {
            assertThat(letter.getSourceTopic()).isEqualTo("shop.clicks");
            assertThat(letter.getReason()).isEqualTo(DecodeException.BAD_HEADER);
            assertThat(letter.getPayload().remaining()).isGreaterThanOrEqualTo(8);
            assertThat(positions.add(letter.getPartition() + "@" + letter.getOffset())).isTrue();
        }
    }
}
