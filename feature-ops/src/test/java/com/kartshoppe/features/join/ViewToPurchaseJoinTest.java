package com.kartshoppe.features.join;

import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
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
    void theWindowIncludesItsLastMillisecondAndNothingAfter(Backend backend) throws Exception {
        open(backend);
        send(view("u", "shoes", minutes(0)));
        send(view("u", "hat", minutes(0)));
        send(order("u", "shoes", 5_000, minutes(30), "d-u"));
        send(order("u", "hat", 5_000, minutes(30).plusMillis(1), "d-u"));
        harness.processWatermark(minutes(90).toEpochMilli());

        List<ViewToPurchase> out = results();
        assertThat(out)
                .extracting(v -> v.productId + ":" + v.converted)
                .containsExactly("hat:false", "shoes:true");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void outOfOrderEventsJoinWhileTheyCanStillMatter(Backend backend) throws Exception {
        open(backend);
        send(view("u", "shoes", minutes(0)));
        harness.processWatermark(minutes(20).toEpochMilli());
        // Behind the watermark, but the view at 0 is still pending: the purchase counts.
        send(order("u", "shoes", 5_000, minutes(10), "d-u"));
        // Behind the watermark too; its own window (until 35 min) is still open.
        send(view("u", "hat", minutes(5)));

        harness.processWatermark(minutes(40).toEpochMilli());
        assertThat(results())
                .extracting(v -> v.productId + ":" + v.converted)
                .containsExactly("shoes:true", "hat:false");
        assertThat(harness.getSideOutput(ViewToPurchaseJoin.LATE)).isNull();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsThatCanNoLongerMatterGoToTheSideOutputAndStateEmpties(Backend backend)
            throws Exception {
        open(backend);
        send(view("u", "shoes", minutes(0)));
        send(order("u", "shoes", 5_000, minutes(5), "d-u"));
        harness.processWatermark(minutes(31).toEpochMilli());
        assertThat(Harnesses.stateEntries(harness, backend, STATES)).isPositive();
        ShopEvent lateView = view("u", "shoes", minutes(1)); // closes at 31 min: already passed
        ShopEvent latePurchase = order("u", "hat", 5_000, minutes(1), "d-u");
        send(lateView);
        send(latePurchase);

        assertThat(harness.getSideOutput(ViewToPurchaseJoin.LATE))
                .extracting(StreamRecord::getValue)
                .containsExactly(lateView, latePurchase);
        harness.processWatermark(minutes(40).toEpochMilli());
        assertThat(results()).singleElement().satisfies(v -> assertThat(v.converted).isTrue());
        assertThat(Harnesses.stateEntries(harness, backend, STATES)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private static final String[] STATES = {"pending-views", "purchases", "purchases-expiring"};
}
