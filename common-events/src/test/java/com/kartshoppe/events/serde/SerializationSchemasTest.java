package com.kartshoppe.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.SampleEvents;
import java.nio.charset.StandardCharsets;
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

        ProducerRecord<byte[], byte[]> record =
                schema.serialize(order, null, order.getEventTime().toEpochMilli());

        assertThat(record.topic()).isEqualTo("orders-x");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("u-1");
        assertThat(AvroCodec.of(EventType.ORDER).decode(record.value())).isEqualTo(order);
        assertThat(record.timestamp()).isEqualTo(order.getEventTime().toEpochMilli());
    }

    @Test
    void eventTypesSurviveJavaSerializationAsTheSameConstant() throws Exception {
        for (EventType<?> type : EventType.ALL) {
            assertThat(InstantiationUtil.clone(type)).isSameAs(type);
        }
    }
}
