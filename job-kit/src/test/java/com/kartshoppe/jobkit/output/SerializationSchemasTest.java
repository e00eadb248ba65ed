package com.kartshoppe.jobkit.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.jobkit.input.SingleObjectDeserializationSchema;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link SingleObjectSerializationSchema}, {@link SingleObjectDeserializationSchema} and
 * {@link KafkaEventSerializer}.
 */
class SerializationSchemasTest {

    @Test
    void flinkSchemasRoundTripAfterJavaSerialization() throws Exception {
        // Flink ships schemas to the task managers by Java serialization; so do we here.
        SingleObjectSerializationSchema<OrderEvent> ser =
                InstantiationUtil.clone(new SingleObjectSerializationSchema<>(EventType.ORDER));
        SingleObjectDeserializationSchema<OrderEvent> de =
                InstantiationUtil.clone(new SingleObjectDeserializationSchema<>(EventType.ORDER));

        OrderEvent back = de.deserialize(ser.serialize(SampleEvents.order()));

        assertThat(back).isEqualTo(SampleEvents.order());
        assertThat(de.getProducedType().getTypeClass()).isEqualTo(OrderEvent.class);
    }

    @Test
    void strictDeserializerThrowsOnGarbage() {
        assertThatThrownBy(
                        () ->
                                new SingleObjectDeserializationSchema<>(EventType.ORDER)
                                        .deserialize(new byte[] {9, 9, 9}))
                .isInstanceOf(DecodeException.class);
    }

    @Test
    void kafkaSerializerWritesTopicKeyValueAndEventTime() throws Exception {
        KafkaRecordSerializationSchema<OrderEvent> schema =
                InstantiationUtil.clone(KafkaEventSerializer.forTopic(EventType.ORDER, "orders-x"));
        OrderEvent order = SampleEvents.order();

        // The element timestamp is ignored: the record's own event time is the Kafka timestamp.
        ProducerRecord<byte[], byte[]> record = schema.serialize(order, null, Long.MAX_VALUE);

        assertThat(record.topic()).isEqualTo("orders-x");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("u-1");
        assertThat(AvroCodec.of(EventType.ORDER).decode(record.value())).isEqualTo(order);
        assertThat(record.timestamp()).isEqualTo(order.getEventTime().toEpochMilli());
    }

    @Test
    void everyTypeIsKeyedAndStampedByItsEventType() throws Exception {
        for (int i = 0; i < EventType.ALL.size(); i++) {
            assertKafkaRecord(EventType.ALL.get(i), SampleEvents.all().get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecordBase> void assertKafkaRecord(
            EventType<T> type, Object sample) throws Exception {
        T record = (T) sample;
        ProducerRecord<byte[], byte[]> r =
                KafkaEventSerializer.forTopic(type, "t").serialize(record, null, null);

        assertThat(new String(r.key(), StandardCharsets.UTF_8))
                .as(type.name())
                .isEqualTo(type.key(record));
        assertThat(r.timestamp()).as(type.name()).isEqualTo(type.eventTime(record).toEpochMilli());
        assertThat(AvroCodec.of(type).decode(r.value())).as(type.name()).isEqualTo(record);
    }

    @Test
    void deadLettersAreStampedWithTheirDetectionTime() {
        DeadLetter letter = SampleEvents.deadLetter();

        ProducerRecord<byte[], byte[]> record =
                KafkaEventSerializer.forTopic(EventType.DEAD_LETTER, "dlq")
                        .serialize(letter, null, 1L);

        assertThat(record.timestamp()).isEqualTo(letter.getDetectedAt().toEpochMilli());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("shop.clicks");
    }

    @Test
    void eventTypesSurviveJavaSerializationAsTheSameConstant() throws Exception {
        for (EventType<?> type : EventType.ALL) {
            assertThat(InstantiationUtil.clone(type)).isSameAs(type);
        }
    }
}
