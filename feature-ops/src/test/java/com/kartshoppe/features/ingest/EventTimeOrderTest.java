package com.kartshoppe.features.ingest;

import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link EventTimeOrder}. */
class EventTimeOrderTest {

    private KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, ShopEvent> harness;

    private void open(Backend backend) throws Exception {
        harness =
                Harnesses.keyed(
                        new EventTimeOrder<String, ShopEvent>(ShopEvents.TYPE),
                        ShopEvent::userId,
                        backend);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(ShopEvent e) throws Exception {
        harness.processElement(e, e.eventTime());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsLeaveInEventTimeOrderOnceTheWatermarkPassesThem(Backend backend) throws Exception {
        open(backend);
        ShopEvent late = view("u1", "p3", minutes(3));
        ShopEvent early = view("u1", "p1", minutes(1));
        ShopEvent tie = view("u1", "p2", minutes(1));
        ShopEvent other = view("u2", "p9", minutes(2));
        send(late);
        send(early);
        send(other);
        send(tie);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(Harnesses.stateEntries(harness, backend, "waiting")).isEqualTo(2); // shoppers

        harness.processWatermark(minutes(2).toEpochMilli());
        assertThat(harness.extractOutputValues()).containsExactly(early, tie, other);
        harness.processWatermark(minutes(10).toEpochMilli());
        assertThat(harness.extractOutputValues()).containsExactly(early, tie, other, late);
        assertThat(Harnesses.stateEntries(harness, backend, "waiting")).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anEventBehindTheWatermarkLeavesAtOnceAndIsNotLost(Backend backend) throws Exception {
        open(backend);
        harness.processWatermark(minutes(5).toEpochMilli());
        ShopEvent behind = view("u1", "p1", minutes(4));
        send(behind);
        assertThat(harness.extractOutputValues()).containsExactly(behind);
        assertThat(Harnesses.stateEntries(harness, backend, "waiting")).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
