package com.kartshoppe.jobkit.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import net.jqwik.engine.SourceOfRandomness;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link Input} on a MiniCluster fed fuzzed records among valid ones (the generators of
 * {@link DecoderFuzzTest}, from a fixed seed): from a Kafka topic of the embedded broker and from a
 * JSON-lines file, the job runs to the end, every valid record comes through and every bad one is a
 * dead letter at its own position.
 */
class FuzzedInputITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    private static final int RECORDS = 150;

    @TempDir Path dir;

    @Test
    void aJobFedFuzzedRecordsDeadLettersEachBadOneAndKeepsTheRest() throws Exception {
        // jqwik's samples come from this thread's source of randomness: a fixed seed, so every run
        // feeds the same batch.
        SourceOfRandomness.create("28");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String ordersTopic = "fuzzed.orders";
            kafka.createTopics(List.of(new NewTopic(ordersTopic, 2, (short) 1)));
            Set<String> badOrders = new HashSet<>();
            int validOrders = produceOrders(kafka, ordersTopic, badOrders);
            Set<Long> badClickLines = new HashSet<>();
            int validClicks = writeClicks(dir.resolve("shop.clicks.jsonl"), badClickLines);

            Configuration conf = new Configuration();
            conf.set(Topics.ORDERS, ordersTopic);
            StreamExecutionEnvironment env = FlinkTestSupport.env();
            SingleOutputStreamOperator<Sourced<OrderEvent>> orders =
                    DeadLetters.split(
                            Input.kafka(kafka.settings(), "fuzzed-input", true)
                                    .read(env, EventType.ORDER, conf, "fuzz"),
                            "orders",
                            Sourced.typeInfo(EventType.ORDER));
            Clock clock = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);
            SingleOutputStreamOperator<Sourced<ClickEvent>> clicks =
                    DeadLetters.split(
                            Input.jsonl(dir.toString(), clock)
                                    .read(env, EventType.CLICK, conf, "fuzz"),
                            "clicks",
                            Sourced.typeInfo(EventType.CLICK));
            CloseableIterator<Sourced<OrderEvent>> orderOut = orders.collectAsync();
            CloseableIterator<Sourced<ClickEvent>> clickOut = clicks.collectAsync();
            CloseableIterator<DeadLetter> letterOut =
                    orders.getSideOutput(DeadLetters.TAG)
                            .union(clicks.getSideOutput(DeadLetters.TAG))
                            .collectAsync();
            env.execute("fuzzed input");

            List<Sourced<OrderEvent>> decodedOrders = drain(orderOut);
            List<Sourced<ClickEvent>> decodedClicks = drain(clickOut);
            List<DeadLetter> letters = drain(letterOut);

            assertThat(
                            decodedOrders.stream()
                                    .map(o -> o.partition + "@" + o.offset)
                                    .filter(badOrders::contains))
                    .isEmpty();
            assertThat(decodedOrders).hasSize(validOrders);
            assertThat(decodedClicks).hasSize(validClicks);
            assertThat(letters).hasSize(badOrders.size() + badClickLines.size());
            assertThat(letters)
                    .allSatisfy(
                            l -> {
                                assertThat(l.getReason()).startsWith("decode.");
                                assertThat(l.getDetail()).isNotBlank().doesNotContain("(null)");
                            });
            assertThat(
                            letters.stream()
                                    .filter(l -> l.getSourceTopic().equals(ordersTopic))
                                    .map(l -> l.getPartition() + "@" + l.getOffset()))
                    .containsExactlyInAnyOrderElementsOf(badOrders);
            assertThat(
                            letters.stream()
                                    .filter(l -> l.getSourceTopic().equals("shop.clicks"))
                                    .map(DeadLetter::getOffset))
                    .containsExactlyInAnyOrderElementsOf(badClickLines);
        }
    }

    /** Writes valid and (one in three) fuzzed orders; returns the valid count. */
    private static int produceOrders(EmbeddedKafka kafka, String topic, Set<String> bad)
            throws Exception {
        Iterator<GenericRecord> records =
                AvroArbitraries.records(EventType.ORDER).sampleStream().iterator();
        Iterator<byte[]> fuzz =
                AvroArbitraries.records(EventType.ORDER)
                        .map(AvroArbitraries::singleObject)
                        .flatMap(valid -> DecoderFuzzTest.badBinary(EventType.ORDER, valid))
                        .map(DecoderFuzzTest.Input::bytes)
                        .sampleStream()
                        .iterator();
        Properties props = kafka.settings().clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        int valid = 0;
        List<Future<RecordMetadata>> fuzzedSends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                boolean fuzzed = i % 3 == 1;
                byte[] value =
                        !fuzzed
                                ? AvroArbitraries.singleObject(records.next())
                                : i == 1 ? null /* a tombstone */ : fuzz.next();
                Future<RecordMetadata> at =
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        i % 2,
                                        ("u-" + i).getBytes(StandardCharsets.UTF_8),
                                        value));
                if (fuzzed) {
                    fuzzedSends.add(at);
                } else {
                    valid++;
                }
            }
            for (Future<RecordMetadata> sent : fuzzedSends) {
                RecordMetadata at = sent.get();
                bad.add(at.partition() + "@" + at.offset());
            }
        }
        return valid;
    }

    /** Writes valid and (one in three) fuzzed click lines; returns the valid count. */
    private static int writeClicks(Path file, Set<Long> badLines) throws Exception {
        Iterator<GenericRecord> records =
                AvroArbitraries.records(EventType.CLICK).sampleStream().iterator();
        Iterator<String> fuzz =
                AvroArbitraries.records(EventType.CLICK)
                        .flatMap(record -> DecoderFuzzTest.badLine(EventType.CLICK, record))
                        .map(DecoderFuzzTest.Line::text)
                        .sampleStream()
                        .iterator();
        List<String> lines = new ArrayList<>();
        int valid = 0;
        for (int i = 0; i < RECORDS; i++) {
            if (i % 3 == 1) {
                lines.add(fuzz.next());
                badLines.add(i + 1L);
            } else {
                lines.add(AvroArbitraries.jsonLine(records.next()));
                valid++;
            }
        }
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return valid;
    }

    private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> all = new ArrayList<>();
        try (it) {
            it.forEachRemaining(all::add);
        }
        return all;
    }
}
