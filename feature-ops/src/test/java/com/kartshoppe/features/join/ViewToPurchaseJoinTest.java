package com.kartshoppe.features.join;

import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.Harnesses;
import com.kartshoppe.features.Harnesses.Backend;
import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link ViewToPurchaseJoin}. */
class ViewToPurchaseJoinTest {

    private KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, ViewToPurchase> harness;

    private void open(Backend backend) throws Exception {
        harness =
                Harnesses.keyed(
                        new ViewToPurchaseJoin(Duration.ofMinutes(30)), ShopEvent::userId, backend);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(ShopEvent e) throws Exception {
        harness.processElement(e, e.eventTime());
    }

    private List<ViewToPurchase> results() {
        return harness.extractOutputValues().stream()
                .sorted(
                        Comparator.comparingLong((ViewToPurchase v) -> v.viewTime)
                                .thenComparing(v -> v.productId))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyViewYieldsOneRecordOnceItsWindowHasPassed(Backend backend) throws Exception {
        open(backend);
        send(view("u", "shoes", minutes(0)));
        send(view("u", "hat", minutes(1)));
        send(view("u", "shoes", minutes(10)));
        // Out of order: the purchase arrives before a view that happened earlier.
        send(order("u", "shoes", 5_000, minutes(25), "d-u"));
        send(view("u", "shoes", minutes(20)));
        send(order("u", "shoes", 5_000, minutes(28), "d-u"));

        harness.processWatermark(minutes(29).toEpochMilli());
        assertThat(harness.extractOutputValues()).as("no window has closed yet").isEmpty();

        harness.processWatermark(minutes(60).toEpochMilli());
        List<ViewToPurchase> out = results();
        assertThat(out).hasSize(4);
        assertThat(out.get(0).productId).isEqualTo("shoes");
        assertThat(out.get(0).converted).isTrue();
        assertThat(out.get(0).secondsToPurchase()).isEqualTo(25 * 60.0); // earliest match
        assertThat(out.get(1).productId).isEqualTo("hat");
        assertThat(out.get(1).converted).isFalse();
        assertThat(out.get(1).purchaseTime).isEqualTo(-1);
        assertThat(out.get(2).secondsToPurchase()).isEqualTo(15 * 60.0);
        assertThat(out.get(3).secondsToPurchase()).isEqualTo(5 * 60.0);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aPurchaseAfterTheWindowDoesNotCount(Backend backend) throws Exception {
        open(backend);
        send(view("u", "shoes", minutes(0)));
        send(order("u", "shoes", 5_000, minutes(30).plusMillis(1), "d-u"));
        harness.processWatermark(minutes(90).toEpochMilli());

        assertThat(results()).singleElement().satisfies(v -> assertThat(v.converted).isFalse());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void lateEventsGoToTheSideOutputAndStateEmpties(Backend backend) throws Exception {
        open(backend);
        send(view("u", "shoes", minutes(0)));
        send(order("u", "shoes", 5_000, minutes(5), "d-u"));
        harness.processWatermark(minutes(10).toEpochMilli());
        ShopEvent lateView = view("u", "shoes", minutes(3));
        send(lateView);

        assertThat(harness.getSideOutput(ViewToPurchaseJoin.LATE))
                .extracting(StreamRecord::getValue)
                .containsExactly(lateView);
        harness.processWatermark(minutes(40).toEpochMilli());
        assertThat(results()).singleElement().satisfies(v -> assertThat(v.converted).isTrue());
        assertThat(Harnesses.stateEntries(harness, backend, "views", "purchases")).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
