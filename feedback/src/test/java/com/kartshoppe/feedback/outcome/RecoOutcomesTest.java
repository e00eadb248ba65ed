package com.kartshoppe.feedback.outcome;

import static com.kartshoppe.feedback.FeedbackTestEvents.T0;
import static com.kartshoppe.feedback.FeedbackTestEvents.millis;
import static com.kartshoppe.feedback.FeedbackTestEvents.minutes;
import static com.kartshoppe.feedback.FeedbackTestEvents.order;
import static com.kartshoppe.feedback.FeedbackTestEvents.reco;
import static com.kartshoppe.feedback.FeedbackTestEvents.recoClick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.feedback.FeedbackTestEvents;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link RecoOutcomes} and {@link ShownRecommendation}. */
class RecoOutcomesTest {

    private static final long WINDOW = Duration.ofMinutes(30).toMillis();
    private static final String[] STATES = {"shown", "engagements"};

    private KeyedTwoInputStreamOperatorTestHarness<String, PredictionLog, Engagement, Outcome>
            harness;
    private Backend backend;

    private void open(Backend backend) throws Exception {
        this.backend = backend;
        harness =
                Harnesses.keyed(
                        new RecoOutcomes(WINDOW),
                        PredictionLog::getEntityId,
                        e -> e.userId,
                        backend);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void show(PredictionLog... items) throws Exception {
        for (PredictionLog item : items) {
            harness.processElement1(item, millis(item.getEventTime()));
        }
    }

    private void send(ClickEvent click) throws Exception {
        Engagement e = Engagement.of(click);
        harness.processElement2(e, e.time);
    }

    private void send(OrderEvent order) throws Exception {
        Engagement e = Engagement.of(order);
        harness.processElement2(e, e.time);
    }

    private void watermark(Instant t) throws Exception {
        watermark(millis(t));
    }

    private void watermark(long t) throws Exception {
        harness.processBothWatermarks(new Watermark(t));
    }

    private List<Outcome> drain() {
        List<Outcome> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private int stateEntries() throws Exception {
        return Harnesses.stateEntries(harness, backend, STATES);
    }

    private void assertNothingLeft() throws Exception {
        assertThat(stateEntries()).as("keyed state").isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    }

    private static long deadline(Instant shownAt) {
        return millis(shownAt) + WINDOW;
    }

    /** Per outcome: item, label, label source, label time, labelled, clicked, purchased. */
    private static org.assertj.core.groups.Tuple row(
            String item,
            int label,
            String source,
            long labelTime,
            boolean clicked,
            boolean purchased) {
        return tuple(item, label, source, labelTime, label == 1, clicked, purchased);
    }

    private static List<org.assertj.core.groups.Tuple> rows(List<Outcome> out) {
        return out.stream()
                .map(
                        o ->
                                tuple(
                                        o.example.getItemId(),
                                        o.example.getLabel(),
                                        o.example.getLabelSource(),
                                        millis(o.example.getLabelTime()),
                                        o.labelled,
                                        o.clicked,
                                        o.purchased))
                .toList();
    }

    /** Request counts: items shown, hit, purchase; on the first outcome only. */
    private static void assertRequestCounts(
            List<Outcome> out, int items, boolean hit, boolean purchase) {
        assertThat(out.get(0).requestItems).isEqualTo(items);
        assertThat(out.get(0).requestHit).as("hit").isEqualTo(hit);
        assertThat(out.get(0).requestPurchase).as("purchase").isEqualTo(purchase);
        for (Outcome o : out.subList(1, out.size())) {
            assertThat(o.requestItems).isZero();
            assertThat(o.requestHit).isFalse();
            assertThat(o.requestPurchase).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aClickOnTheRecommendationWithinTheWindowMakesARecoClick(Backend backend) throws Exception {
        open(backend);
        PredictionLog[] shown = reco("r-1", "u-1", T0, "p-a", "p-b", "p-c");
        show(shown);
        send(recoClick("u-1", "r-1", "p-b", minutes(5)));
        watermark(deadline(T0) - 1);
        assertThat(drain()).isEmpty();

        watermark(deadline(T0));
        List<Outcome> out = drain();
        assertThat(rows(out))
                .containsExactly(
                        row("p-a", 0, "NO_CLICK", deadline(T0), false, false),
                        row("p-b", 1, "RECO_CLICK", millis(minutes(5)), true, false),
                        row("p-c", 0, "NO_CLICK", deadline(T0), false, false));
        assertRequestCounts(out, 3, true, false);
        for (int i = 0; i < shown.length; i++) {
            assertThat(out.get(i).example.getPredictionId()).isEqualTo(shown[i].getPredictionId());
            assertThat(out.get(i).example.getScore()).isEqualTo(shown[i].getScore());
            assertThat(out.get(i).example.getFeatures()).isEqualTo(shown[i].getFeatures());
            assertThat(out.get(i).example.getEventTime()).isEqualTo(T0);
            assertThat(out.get(i).late).isFalse();
        }
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anOrderOfAShownItemWithinTheWindowMakesAPurchase(Backend backend) throws Exception {
        open(backend);
        show(reco("r-1", "u-1", T0, "p-a", "p-b", "p-c"));
        show(reco("r-2", "u-1", minutes(10), "p-c", "p-d"));
        // Within r-2's window, after r-1's; a cancellation is no purchase.
        send(order("o-1", "u-1", minutes(35), OrderStatus.PLACED, "p-x", "p-c"));
        assertThat(Engagement.of(order("o-2", "u-1", minutes(36), OrderStatus.CANCELLED, "p-d")))
                .isNull();
        // Clicked and then bought: a purchase, positive since the click.
        send(recoClick("u-1", "r-1", "p-a", minutes(2)));
        send(order("o-3", "u-1", minutes(20), OrderStatus.PLACED, "p-a"));

        watermark(deadline(minutes(10)));
        List<Outcome> out = drain();
        assertThat(rows(out))
                .containsExactly(
                        row("p-a", 1, "PURCHASE", millis(minutes(2)), true, true),
                        row("p-b", 0, "NO_CLICK", deadline(T0), false, false),
                        row("p-c", 0, "NO_CLICK", deadline(T0), false, false),
                        row("p-c", 1, "PURCHASE", millis(minutes(35)), false, true),
                        row("p-d", 0, "NO_CLICK", deadline(minutes(10)), false, false));
        assertRequestCounts(out.subList(0, 3), 3, true, true);
        assertRequestCounts(out.subList(3, 5), 2, true, true);
        assertThat(out.get(3).example.getPredictionId()).isEqualTo("r-2:p-c");
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aClickAfterTheWindowIsANoClickAndOneAtItsEndIsAClick(Backend backend) throws Exception {
        open(backend);
        show(reco("r-1", "u-1", T0, "p-a", "p-b"));
        send(recoClick("u-1", "r-1", "p-a", Instant.ofEpochMilli(deadline(T0) + 1)));
        send(recoClick("u-1", "r-1", "p-b", Instant.ofEpochMilli(deadline(T0))));

        watermark(deadline(T0));
        List<Outcome> out = drain();
        assertThat(rows(out))
                .containsExactly(
                        row("p-a", 0, "NO_CLICK", deadline(T0), false, false),
                        row("p-b", 1, "RECO_CLICK", deadline(T0), true, false));
        assertRequestCounts(out, 2, true, false);
        assertThat(stateEntries()).as("the later click still waits").isEqualTo(1);

        watermark(deadline(T0) + 1);
        assertThat(drain()).as("unattributed: its recommendation matured").isEmpty();
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aClickReadBeforeItsPredictionLogsIsAttributedThanksToTheHold(Backend backend)
            throws Exception {
        open(backend);
        watermark(millis(T0) - 5_000);
        send(recoClick("u-1", "r-1", "p-b", minutes(1)));
        assertThat(stateEntries()).as("the click waits").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        show(reco("r-1", "u-1", T0, "p-a", "p-b"));
        watermark(minutes(1));
        assertThat(drain()).isEmpty();
        watermark(deadline(T0));
        List<Outcome> out = drain();
        assertThat(rows(out))
                .containsExactly(
                        row("p-a", 0, "NO_CLICK", deadline(T0), false, false),
                        row("p-b", 1, "RECO_CLICK", millis(minutes(1)), true, false));
        assertNothingLeft();
    }

    @Test
    void aClickBehindTheWatermarkOnAnUnknownRecommendationIsUnattributed() throws Exception {
        open(Backend.HEAP);
        watermark(minutes(5));
        // Applied at once: its recommendation's logs are not there and never will be counted.
        send(recoClick("u-1", "r-1", "p-b", minutes(1)));
        assertThat(stateEntries()).isZero();
        show(reco("r-1", "u-1", T0, "p-a", "p-b"));
        watermark(deadline(T0));
        assertThat(rows(drain()))
                .containsExactly(
                        row("p-a", 0, "NO_CLICK", deadline(T0), false, false),
                        row("p-b", 0, "NO_CLICK", deadline(T0), false, false));
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void outOfOrderEngagementsCountFromTheEarliest(Backend backend) throws Exception {
        open(backend);
        show(reco("r-1", "u-1", T0, "p-a", "p-b", "p-c"));
        send(recoClick("u-1", "r-1", "p-a", minutes(12)));
        send(recoClick("u-1", "r-1", "p-a", minutes(3)));
        send(order("o-1", "u-1", minutes(20), OrderStatus.PLACED, "p-b"));
        send(recoClick("u-1", "r-1", "p-b", minutes(25)));
        send(order("o-2", "u-1", minutes(9), OrderStatus.PLACED, "p-b"));
        // Not shown on r-1, and a click before the recommendation was shown.
        send(recoClick("u-1", "r-1", "p-z", minutes(4)));
        send(recoClick("u-1", "r-1", "p-c", T0.minusSeconds(1)));
        assertThat(harness.numEventTimeTimers())
                .as("seven engagement times and the reco")
                .isEqualTo(8);

        watermark(minutes(15));
        assertThat(drain()).isEmpty();
        watermark(Long.MAX_VALUE);
        List<Outcome> out = drain();
        assertThat(rows(out))
                .containsExactly(
                        row("p-a", 1, "RECO_CLICK", millis(minutes(3)), true, false),
                        row("p-b", 1, "PURCHASE", millis(minutes(9)), true, true),
                        row("p-c", 0, "NO_CLICK", deadline(T0), false, false));
        assertRequestCounts(out, 3, true, true);
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shoppersAndTheirRecommendationsMatureSeparately(Backend backend) throws Exception {
        open(backend);
        show(reco("r-1", "u-1", T0, "p-a"));
        show(reco("r-2", "u-2", minutes(1), "p-a", "p-b"));
        show(reco("r-3", "u-1", minutes(2), "p-b"));
        send(recoClick("u-2", "r-2", "p-a", minutes(3)));
        // u-1's order of p-a counts for r-1 only, not for u-2's r-2.
        send(order("o-1", "u-1", minutes(4), OrderStatus.PLACED, "p-a"));

        watermark(deadline(T0));
        List<Outcome> out = drain();
        assertThat(rows(out))
                .containsExactly(row("p-a", 1, "PURCHASE", millis(minutes(4)), false, true));
        assertRequestCounts(out, 1, true, true);

        watermark(deadline(minutes(2)));
        out = drain();
        assertThat(out)
                .extracting(o -> o.example.getPredictionId(), o -> o.example.getLabel())
                .containsExactlyInAnyOrder(
                        tuple("r-2:p-a", 1), tuple("r-2:p-b", 0), tuple("r-3:p-b", 0));
        assertThat(out.stream().mapToInt(o -> o.requestItems).sum()).isEqualTo(3);
        assertNothingLeft();
    }

    @Test
    void onlyRecoClicksAndPlacedOrdersAreEngagements() {
        assertThat(
                        Engagement.of(
                                FeedbackTestEvents.click(
                                        "u-1", ClickType.PRODUCT_VIEW, null, "p-a", T0)))
                .isNull();
        assertThat(
                        Engagement.of(
                                FeedbackTestEvents.click(
                                        "u-1", ClickType.RECO_CLICK, null, "p-a", T0)))
                .as("no recommendation id")
                .isNull();
        assertThat(
                        Engagement.of(
                                FeedbackTestEvents.click(
                                        "u-1", ClickType.RECO_CLICK, "r-1", null, T0)))
                .as("no product")
                .isNull();
        assertThat(Engagement.of(order("o-1", "u-1", T0, OrderStatus.REFUNDED, "p-a"))).isNull();

        Engagement click = Engagement.of(recoClick("u-1", "r-1", "p-a", minutes(1)));
        assertThat(click.userId).isEqualTo("u-1");
        assertThat(click.time).isEqualTo(millis(minutes(1)));
        assertThat(click.recoId).isEqualTo("r-1");
        assertThat(click.productIds).containsExactly("p-a");
        assertThat(click.isPurchase()).isFalse();
        Engagement bought =
                Engagement.of(order("o-1", "u-1", T0, OrderStatus.PLACED, "p-a", "p-b"));
        assertThat(bought.recoId).isNull();
        assertThat(bought.productIds).containsExactly("p-a", "p-b");
        assertThat(bought.isPurchase()).isTrue();
    }

    @Test
    void aRedeliveredLogIsIgnoredAndItemsComeOutInDisplayOrder() throws Exception {
        open(Backend.HEAP);
        PredictionLog[] items = reco("r-1", "u-1", T0, "p-a", "p-b", "p-c");
        // Logs are keyed by prediction id: they arrive in any order, and at least once.
        show(items[2], items[0], items[2], items[1], items[0]);
        send(recoClick("u-1", "r-1", "p-c", minutes(4)));
        watermark(deadline(T0));
        List<Outcome> out = drain();
        assertThat(rows(out))
                .containsExactly(
                        row("p-a", 0, "NO_CLICK", deadline(T0), false, false),
                        row("p-b", 0, "NO_CLICK", deadline(T0), false, false),
                        row("p-c", 1, "RECO_CLICK", millis(minutes(4)), true, false));
        assertThat(out.get(0).requestItems).isEqualTo(3);
        assertThat(out.get(0).requestHit).isTrue();
        assertNothingLeft();
    }
}
