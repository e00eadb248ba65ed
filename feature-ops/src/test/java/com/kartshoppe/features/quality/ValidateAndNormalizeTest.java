package com.kartshoppe.features.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.features.TestEvents;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Sourced;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Tests for {@link ValidateAndNormalize}. */
class ValidateAndNormalizeTest {

    private static OneInputStreamOperatorTestHarness<Sourced<OrderEvent>, ShopEvent> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(
                new ValidateAndNormalize<>(
                        EventType.ORDER,
                        "shop.orders",
                        "test-job",
                        new EventValidator(
                                new EventTimeBounds(
                                        Instant.parse("2000-01-01T00:00:00Z"),
                                        Duration.ofMinutes(5),
                                        Clock.fixed(TestEvents.T0, ZoneOffset.UTC)),
                                Set.of("EUR", "USD")),
                        new Normalizer(Map.of())));
    }

    @Test
    void validEventsAreNormalisedAndWrapped() throws Exception {
        OrderEvent order = TestEvents.order("u1", 1_080, TestEvents.T0).order;
        order.setCurrency("USD");
        order.getItems().get(0).setUnitPriceMinor(1_080L);
        try (OneInputStreamOperatorTestHarness<Sourced<OrderEvent>, ShopEvent> h = harness()) {
            h.processElement(Sourced.of(order, 2, 40L), TestEvents.T0.toEpochMilli());

            List<ShopEvent> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).order.getAmountMinor()).isEqualTo(1_000);
            assertThat(out.get(0).order.getCurrency()).isEqualTo("EUR");
            assertThat(h.getSideOutput(DeadLetters.TAG)).isNull();
        }
    }

    @Test
    void invalidEventsBecomeDeadLettersWithReasonAndTheRecordIntact() throws Exception {
        OrderEvent negative = TestEvents.order("u1", 1_000, TestEvents.T0).order;
        negative.setAmountMinor(-1_001);
        OrderEvent fine = TestEvents.order("u2", 500, TestEvents.T0).order;
        try (OneInputStreamOperatorTestHarness<Sourced<OrderEvent>, ShopEvent> h = harness()) {
            h.processElement(Sourced.of(negative, 1, 77L), TestEvents.T0.toEpochMilli());
            h.processElement(Sourced.of(fine, 1, 78L), TestEvents.T0.toEpochMilli());

            assertThat(h.extractOutputValues()).extracting(ShopEvent::userId).containsExactly("u2");
            List<DeadLetter> letters =
                    h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
            assertThat(letters).hasSize(1);
            DeadLetter letter = letters.get(0);
            assertThat(letter.getReason()).isEqualTo(Violation.NEGATIVE_AMOUNT);
            assertThat(letter.getDetail()).contains(negative.getEventId()).contains("-1001");
            assertThat(letter.getSourceTopic()).isEqualTo("shop.orders");
            assertThat(letter.getPartition()).isEqualTo(1);
            assertThat(letter.getOffset()).isEqualTo(77L);
            assertThat(letter.getJob()).isEqualTo("test-job");
            assertThat(new String(letter.getKey().array(), StandardCharsets.UTF_8)).isEqualTo("u1");
            assertThat(AvroCodec.of(EventType.ORDER).decode(letter.getPayload().array()))
                    .isEqualTo(negative);
        }
    }
}
