package com.kartshoppe.features.quality;

import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Duration;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link Deduplicator}. */
class DeduplicatorTest {

    private KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, ShopEvent> harness;

    private void open(Backend backend) throws Exception {
        harness =
                Harnesses.keyed(
                        new Deduplicator(Duration.ofMinutes(10)), ShopEvent::userId, backend);
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
    void copiesWithinTheHorizonAreDroppedAndDistinctEventsAllPass(Backend backend)
            throws Exception {
        open(backend);
        ShopEvent a = view("u1", "p1", minutes(0));
        ShopEvent b = view("u1", "p1", minutes(0)); // same content, another id: not a copy
        ShopEvent c = view("u2", "p2", minutes(1));

        send(a);
        send(b);
        send(a);
        send(c);
        harness.processWatermark(minutes(5).toEpochMilli());
        send(a); // still within 10 minutes of the original
        send(c);

        assertThat(harness.extractOutputValues()).containsExactly(a, b, c);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void idsAreForgottenAfterTheHorizonAndTimersCleanUp(Backend backend) throws Exception {
        open(backend);
        ShopEvent a = view("u1", "p1", minutes(0));
        ShopEvent b = view("u1", "p2", minutes(3));
        send(a);
        send(b);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(minutes(10).toEpochMilli());
        // b is still remembered, with when it may be forgotten.
        assertThat(Harnesses.stateEntries(harness, backend, "seen-until")).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(minutes(13).toEpochMilli());
        assertThat(Harnesses.stateEntries(harness, backend, "seen-until")).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        send(a); // arrives after its horizon passed: documented to pass as new
        assertThat(harness.extractOutputValues()).containsExactly(a, b, a);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsOfTheSameMinuteShareOneTimer(Backend backend) throws Exception {
        open(backend);
        for (int s = 1; s < 60; s++) {
            send(view("u1", "p" + s, minutes(0).plusSeconds(s)));
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }
}
