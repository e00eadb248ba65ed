package com.kartshoppe.jobkit.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Tests for {@link PlausibleRecords}. */
class PlausibleRecordsTest {

    @Test
    void recordsWithAnImplausibleEventTimeBecomeDeadLettersTheOthersPass() throws Exception {
        OrderEvent fine = order("u1");
        OrderEvent future = order("u2");
        // The wall clock stands at T0: the future starts 5 minutes later.
        Clock clock = Clock.fixed(SampleEvents.T0, ZoneOffset.UTC);
        future.setEventTime(SampleEvents.T0.plus(Duration.ofMinutes(5)).plusMillis(1));
        OrderEvent ancient = order("u3");
        ancient.setEventTime(Instant.parse("1999-12-31T23:59:59Z"));
        try (OneInputStreamOperatorTestHarness<Sourced<OrderEvent>, OrderEvent> h =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new PlausibleRecords<>(
                                EventType.ORDER,
                                "shop.orders",
                                "test-job",
                                new EventTimeBounds(
                                        Instant.parse("2000-01-01T00:00:00Z"),
                                        Duration.ofMinutes(5),
                                        clock)))) {
            h.processElement(Sourced.of(future, 0, 10L), SampleEvents.T0.toEpochMilli());
            h.processElement(Sourced.of(fine, 0, 11L), SampleEvents.T0.toEpochMilli());
            h.processElement(Sourced.of(ancient, 1, 12L), SampleEvents.T0.toEpochMilli());

            assertThat(h.extractOutputValues()).containsExactly(fine);
            List<DeadLetter> letters =
                    h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
            assertThat(letters)
                    .extracting(DeadLetter::getReason, DeadLetter::getOffset)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(EventTimeBounds.FUTURE, 10L),
                            org.assertj.core.groups.Tuple.tuple(EventTimeBounds.BEFORE_FLOOR, 12L));
            DeadLetter first = letters.get(0);
            assertThat(first.getSourceTopic()).isEqualTo("shop.orders");
            assertThat(first.getJob()).isEqualTo("test-job");
            assertThat(first.getDetail()).contains("OrderEvent").contains("event time");
            assertThat(new String(first.getKey().array(), StandardCharsets.UTF_8)).isEqualTo("u2");
            assertThat(AvroCodec.of(EventType.ORDER).decode(first.getPayload().array()))
                    .isEqualTo(future);
        }
    }

    private static OrderEvent order(String user) {
        OrderEvent order = SampleEvents.order();
        order.setEventId("o-" + user);
        order.setUserId(user);
        return order;
    }
}
