package com.kartshoppe.jobkit.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link KafkaEventDeserializer}. */
class KafkaEventDeserializerTest {

    private final KafkaEventDeserializer<ClickEvent> deserializer =
            new KafkaEventDeserializer<>(EventType.CLICK, "test-job");
    private final List<Either<DeadLetter, Sourced<ClickEvent>>> out = new ArrayList<>();
    private final Collector<Either<DeadLetter, Sourced<ClickEvent>>> collector =
            new Collector<>() {
                @Override
                public void collect(Either<DeadLetter, Sourced<ClickEvent>> record) {
                    out.add(record);
                }

                @Override
                public void close() {}
            };

    private final Map<String, Counter> counters = new HashMap<>();

    @BeforeEach
    void open() {
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return new UnregisteredMetricsGroup() {
                            @Override
                            public Counter counter(String name) {
                                return counters.computeIfAbsent(name, n -> new SimpleCounter());
                            }
                        };
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
                    }
                });
    }

    @Test
    void aValidRecordBecomesRight() {
        byte[] bytes = AvroCodec.of(EventType.CLICK).encode(SampleEvents.click());

        deserializer.deserialize(record(3, 17L, bytes), collector);

        assertThat(out).hasSize(1);
        assertThat(out.get(0).isRight()).isTrue();
        assertThat(out.get(0).right().record).isEqualTo(SampleEvents.click());
        assertThat(out.get(0).right().partition).isEqualTo(3);
        assertThat(out.get(0).right().offset).isEqualTo(17L);
    }

    @Test
    void garbageBecomesADeadLetterWithEverythingNeededToReplayIt() {
        byte[] garbage = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};

        deserializer.deserialize(record(3, 17L, garbage), collector);

        assertThat(out).hasSize(1);
        DeadLetter letter = out.get(0).left();
        assertThat(letter.getSourceTopic()).isEqualTo("shop.clicks");
        assertThat(letter.getPartition()).isEqualTo(3);
        assertThat(letter.getOffset()).isEqualTo(17L);
        assertThat(bytes(letter.getPayload().array())).isEqualTo(bytes(garbage));
        assertThat(new String(letter.getKey().array(), StandardCharsets.UTF_8)).isEqualTo("u-1");
        assertThat(letter.getReason()).isEqualTo(DecodeException.BAD_HEADER);
        assertThat(letter.getDetail()).startsWith("ClickEvent: ");
        assertThat(letter.getRecordTime()).isEqualTo(Instant.ofEpochMilli(1_000L));
        assertThat(letter.getJob()).isEqualTo("test-job");
    }

    @Test
    void aTombstoneBecomesADeadLetter() {
        deserializer.deserialize(record(0, 1L, null), collector);

        assertThat(out.get(0).left().getReason()).isEqualTo(DecodeException.EMPTY);
        assertThat(out.get(0).left().getPayload().remaining()).isZero();
    }

    @Test
    void decodingContinuesAfterABadRecord() {
        byte[] good = AvroCodec.of(EventType.CLICK).encode(SampleEvents.click());

        deserializer.deserialize(record(0, 1L, good), collector);
        deserializer.deserialize(record(0, 2L, new byte[] {1}), collector);
        deserializer.deserialize(record(0, 3L, good), collector);

        assertThat(out).extracting(Either::isRight).containsExactly(true, false, true);
        assertThat(counters.get("eventsDecoded").getCount()).isEqualTo(2);
        assertThat(counters.get("eventsUndecodable").getCount()).isEqualTo(1);
    }

    @Test
    void everyDecodeReasonReachesTheDeadLetter() {
        byte[] order = AvroCodec.of(EventType.ORDER).encode(SampleEvents.order());
        byte[] click = AvroCodec.of(EventType.CLICK).encode(SampleEvents.click());

        deserializer.deserialize(record(0, 1L, order), collector);
        deserializer.deserialize(record(0, 2L, Arrays.copyOf(click, 14)), collector);

        assertThat(out)
                .extracting(e -> e.left().getReason())
                .containsExactly(DecodeException.UNKNOWN_SCHEMA, DecodeException.MALFORMED);
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, byte[] value) {
        return new ConsumerRecord<>(
                "shop.clicks",
                partition,
                offset,
                1_000L,
                TimestampType.CREATE_TIME,
                3,
                value == null ? -1 : value.length,
                "u-1".getBytes(StandardCharsets.UTF_8),
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    private static List<Byte> bytes(byte[] array) {
        List<Byte> list = new ArrayList<>();
        for (byte b : array) {
            list.add(b);
        }
        return list;
    }
}
