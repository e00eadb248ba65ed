package com.kartshoppe.playground.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.simulator.KafkaEventSink;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link KafkaEventSink} against a real broker. */
class KafkaEventSinkITCase {

    @Test
    void missingTopicsAreReportedBeforeAnythingIsSent() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            assertThatThrownBy(() -> new KafkaEventSink(kafka.settings(), new Configuration()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("shop.clicks")
                    .hasMessageContaining("kartshoppe kafka");
        }
    }
}
