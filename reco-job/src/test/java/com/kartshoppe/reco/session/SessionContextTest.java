package com.kartshoppe.reco.session;

import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.events.OrderItem;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.TestEvents;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import com.kartshoppe.reco.Decay;
import com.kartshoppe.reco.RecoOptions;
import com.kartshoppe.reco.candidates.CoView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link SessionContext}. */
class SessionContextTest {

    private static final long GAP = FeatureOptions.SESSION_GAP.defaultValue().toMillis();
    private static final Duration RETENTION = RecoOptions.PROFILE_RETENTION.defaultValue();
    private static final long INTEREST_HALF_LIFE =
            RecoOptions.INTEREST_HALF_LIFE.defaultValue().toMillis();
    private static final String STATE = "shopper-context";

    private KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, RecoRequest> harness;
    private Backend backend = Backend.HEAP;

    private void open(Configuration conf, Backend backend) throws Exception {
        this.backend = backend;
        harness =
                Harnesses.keyed(
                        new SessionContext(RecoOptions.settings(conf), GAP),
                        ShopEvent::userId,
                        backend);
    }

    private void open(Backend backend) throws Exception {
        open(new Configuration(), backend);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** A product view of {@code user} in session {@code s-<user>}. */
    private static ShopEvent view(String user, String product, String category, Instant t) {
        ShopEvent e = TestEvents.view(user, product, t);
        e.click.setCategory(category);
        return e;
    }

    private static ShopEvent inSession(String session, ShopEvent e) {
        e.click.setSessionId(session);
        return e;
    }

    /** A placed order of {@code user} in session {@code s-<user>}. */
    private static ShopEvent order(String user, Instant t, OrderItem... items) {
        ShopEvent e = TestEvents.order(user, 0, t);
        e.order.setItems(List.of(items));
        e.order.setAmountMinor(
                List.of(items).stream()
                        .mapToLong(i -> i.getQuantity() * i.getUnitPriceMinor())
                        .sum());
        return e;
    }

    private static OrderItem item(String product, String category, long unitPriceMinor) {
        return new OrderItem(product, category, 1, unitPriceMinor);
    }

    private void send(ShopEvent e) throws Exception {
        harness.processElement(e, e.eventTime());
    }

    private void watermark(Instant t) throws Exception {
        harness.processWatermark(t.toEpochMilli());
    }

    private List<RecoRequest> requests() {
        return harness.extractOutputValues();
    }

    private RecoRequest lastRequest() {
        List<RecoRequest> all = requests();
        return all.get(all.size() - 1);
    }

    private List<CoView> coViews() {
        var out = harness.getSideOutput(SessionContext.CO_VIEWS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    private static Tuple pair(String a, String b, String bCategory, double w, Instant t) {
        return tuple(a, b, bCategory, w, t.toEpochMilli());
    }

    private static double interestDecay(Instant from, Instant to) {
        return Decay.factor(to.toEpochMilli() - from.toEpochMilli(), INTEREST_HALF_LIFE);
    }

    private int shoppers() throws Exception {
        return Harnesses.stateEntries(harness, backend, STATE);
    }

    /** Once the watermark is a profile retention past everything, no shopper is remembered. */
    private void assertForgottenAfter(Instant lastEvent) throws Exception {
        watermark(lastEvent.plus(RETENTION));
        assertThat(shoppers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theGapTimerClosesTheSessionButTheInterestsStay(Backend backend) throws Exception {
        open(backend);
        send(view("u1", "p1", "cat-a", minutes(0)));
        send(view("u1", "p2", "cat-a", minutes(5)));
        assertThat(lastRequest().sessionViews).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).as("session end and expiry").isEqualTo(2);

        watermark(minutes(5).plusMillis(GAP - 1));
        assertThat(harness.numEventTimeTimers()).as("session still open").isEqualTo(2);
        watermark(minutes(5).plusMillis(GAP));
        assertThat(harness.numEventTimeTimers()).as("only the expiry left").isEqualTo(1);
        assertThat(shoppers()).as("the profile outlives the session").isEqualTo(1);

        send(view("u1", "p3", "cat-b", minutes(40)));
        RecoRequest r = lastRequest();
        assertThat(r.sessionId).isEqualTo("s-u1");
        assertThat(r.sessionViews).isEqualTo(1);
        assertThat(r.sessionItems).containsExactly("p3");
        assertThat(r.sessionCategories).containsExactly("cat-b");
        assertThat(r.sessionCategoryViews).containsExactly(1);
        // cat-a: two views decayed to minute 40; cat-b: one view at minute 40.
        double a =
                (interestDecay(minutes(0), minutes(5)) + 1)
                        * interestDecay(minutes(5), minutes(40));
        assertThat(r.interestCategories).containsExactly("cat-a", "cat-b");
        assertThat(r.interestShares[0]).isCloseTo(a / (a + 1), within(1e-12));
        assertThat(r.interestShares[1]).isCloseTo(1 / (a + 1), within(1e-12));
        assertThat(coViews())
                .as("p3 is not paired with the closed session's products")
                .extracting("productId", "neighbourId")
                .containsExactly(tuple("p2", "p1"), tuple("p1", "p2"));

        assertForgottenAfter(minutes(40));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aProfileIsForgottenARetentionAfterTheShoppersLatestEvent(Backend backend)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.PROFILE_RETENTION, Duration.ofHours(2));
        open(conf, backend);
        send(view("u2", "q1", "cat-q", minutes(0)));
        send(view("u1", "p1", "cat-a", minutes(0)));
        assertThat(harness.numEventTimeTimers()).isEqualTo(4);
        send(view("u1", "p2", "cat-a", minutes(1)));
        assertThat(harness.numEventTimeTimers()).isEqualTo(4);
        send(order("u1", minutes(2), item("p2", "cat-a", 25_00)));
        assertThat(harness.numEventTimeTimers()).isEqualTo(4);
        send(view("u1", "p3", "cat-b", minutes(3)));
        assertThat(harness.numEventTimeTimers()).as("two per shopper").isEqualTo(4);
        assertThat(lastRequest().typicalPriceEur).isEqualTo(25.0);

        watermark(minutes(120));
        assertThat(shoppers()).as("u2 expired, u1 seen later").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("u1's expiry").isEqualTo(1);
        watermark(minutes(123).minusMillis(1));
        assertThat(shoppers()).isEqualTo(1);
        watermark(minutes(123));
        assertThat(shoppers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        send(view("u1", "p4", "cat-c", minutes(130)));
        RecoRequest r = lastRequest();
        assertThat(r.interestCategories).containsExactly("cat-c");
        assertThat(r.interestShares).containsExactly(1.0);
        assertThat(r.typicalPriceEur).isNaN();
        assertThat(r.sessionViews).isEqualTo(1);
        watermark(minutes(250));
        assertThat(shoppers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void viewsWithinTheMinimumIntervalAskForNoRecommendation() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.MIN_INTERVAL, Duration.ofSeconds(10));
        open(conf, Backend.HEAP);
        ShopEvent first = view("u1", "p1", "cat-a", seconds(0));
        ShopEvent tenth = view("u1", "p4", "cat-a", seconds(10));
        send(first);
        send(view("u1", "p2", "cat-a", seconds(3)));
        send(view("u1", "p3", "cat-b", seconds(9)));
        send(tenth);

        assertThat(requests())
                .extracting(r -> r.recoId, r -> r.eventTime, r -> r.productId, r -> r.sessionViews)
                .containsExactly(
                        tuple("reco-" + first.eventId(), seconds(0).toEpochMilli(), "p1", 1),
                        tuple("reco-" + tenth.eventId(), seconds(10).toEpochMilli(), "p4", 4));
        RecoRequest r = lastRequest();
        assertThat(r.userId).isEqualTo("u1");
        assertThat(r.category).isEqualTo("cat-a");
        assertThat(r.sessionItems).containsExactly("p1", "p2", "p3", "p4");
        assertThat(r.sessionCategories).containsExactly("cat-a", "cat-b");
        assertThat(r.sessionCategoryViews).containsExactly(3, 1);
        assertThat(r.neighbourIds).isEmpty();
        assertForgottenAfter(seconds(10));
    }

    @Test
    void withoutAMinimumIntervalEveryViewAsks() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.MIN_INTERVAL, Duration.ZERO);
        open(conf, Backend.HEAP);
        send(view("u1", "p1", "cat-a", seconds(0)));
        send(view("u1", "p1", "cat-a", seconds(0)));
        send(view("u1", "p2", "cat-a", seconds(1)));

        assertThat(requests()).extracting(r -> r.sessionViews).containsExactly(1, 2, 3);
        assertThat(lastRequest().sessionItems).containsExactly("p1", "p2");
        assertForgottenAfter(seconds(1));
    }

    @Test
    void aViewIsPairedBothWaysWithTheSessionsEarlierProducts() throws Exception {
        open(Backend.HEAP);
        send(view("u1", "p1", "cat-a", minutes(0)));
        send(view("u1", "p2", "cat-b", minutes(1)));
        send(view("u1", "p3", "cat-a", minutes(2)));
        send(view("u1", "p1", "cat-a", minutes(3)));

        assertThat(coViews())
                .extracting("productId", "neighbourId", "neighbourCategory", "weight", "eventTime")
                .containsExactly(
                        pair("p2", "p1", "cat-a", 1, minutes(1)),
                        pair("p1", "p2", "cat-b", 1, minutes(1)),
                        pair("p3", "p2", "cat-b", 1, minutes(2)),
                        pair("p2", "p3", "cat-a", 1, minutes(2)),
                        pair("p3", "p1", "cat-a", 1, minutes(2)),
                        pair("p1", "p3", "cat-a", 1, minutes(2)),
                        // Seeing p1 again pairs it with the others, not with itself.
                        pair("p1", "p3", "cat-a", 1, minutes(3)),
                        pair("p3", "p1", "cat-a", 1, minutes(3)),
                        pair("p1", "p2", "cat-b", 1, minutes(3)),
                        pair("p2", "p1", "cat-a", 1, minutes(3)));
        assertThat(lastRequest().sessionItems).containsExactly("p2", "p3", "p1");
        assertForgottenAfter(minutes(3));
    }

    @Test
    void aViewIsPairedWithTheFiveMostRecentProductsOnly() throws Exception {
        open(Backend.HEAP);
        for (int i = 1; i <= 7; i++) {
            send(view("u1", "p" + i, "cat-a", minutes(i)));
        }
        harness.getSideOutput(SessionContext.CO_VIEWS).clear();
        send(view("u1", "p8", "cat-a", minutes(8)));

        assertThat(coViews())
                .filteredOn(v -> v.productId.equals("p8"))
                .extracting(v -> v.neighbourId)
                .containsExactly("p7", "p6", "p5", "p4", "p3");
        assertThat(coViews()).hasSize(2 * ShopperContext.PAIRED_ITEMS);
        assertForgottenAfter(minutes(8));
    }

    @Test
    void anOrdersItemsArePairedWithWeightThree() throws Exception {
        open(Backend.HEAP);
        send(order("u2", minutes(0), item("q1", "cat-x", 10_00), item("q2", "cat-y", 30_00)));
        assertThat(requests()).as("an order asks for no recommendation").isEmpty();
        assertThat(coViews())
                .extracting("productId", "neighbourId", "neighbourCategory", "weight", "eventTime")
                .containsExactly(
                        pair("q2", "q1", "cat-x", 3, minutes(0)),
                        pair("q1", "q2", "cat-y", 3, minutes(0)));

        send(view("u3", "v1", "cat-v", minutes(1)));
        send(order("u3", minutes(2), item("o1", "cat-o", 5_00)));
        assertThat(coViews())
                .as("what is bought is paired with what was viewed before")
                .extracting("productId", "neighbourId", "neighbourCategory", "weight", "eventTime")
                .endsWith(
                        pair("o1", "v1", "cat-v", 3, minutes(2)),
                        pair("v1", "o1", "cat-o", 3, minutes(2)));

        send(view("u2", "q3", "cat-x", minutes(3)));
        assertThat(lastRequest().typicalPriceEur).as("mean unit price").isEqualTo(20.0);
        assertForgottenAfter(minutes(3));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anOutOfOrderViewDoesNotMoveTheTimersBack(Backend backend) throws Exception {
        open(backend);
        send(view("u1", "p1", "cat-a", minutes(10)));
        send(view("u1", "p2", "cat-a", minutes(2)));
        assertThat(requests())
                .as("the older view comes within the minimum interval")
                .extracting(r -> r.productId)
                .containsExactly("p1");
        assertThat(coViews())
                .extracting("productId", "neighbourId", "eventTime")
                .containsExactly(
                        tuple("p2", "p1", minutes(2).toEpochMilli()),
                        tuple("p1", "p2", minutes(2).toEpochMilli()));
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        watermark(minutes(2).plusMillis(GAP));
        send(view("u1", "p3", "cat-a", minutes(36)));
        assertThat(lastRequest().sessionViews)
                .as("the session is still open a gap after the older view")
                .isEqualTo(3);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        watermark(minutes(36).plusMillis(GAP));
        assertThat(harness.numEventTimeTimers()).as("session closed").isEqualTo(1);

        // Late: behind the watermark, and a gap after it is behind the watermark too.
        send(view("u1", "p4", "cat-a", minutes(20)));
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        watermark(minutes(36).plusMillis(GAP + 1));
        assertThat(harness.numEventTimeTimers())
                .as("the late view's session closed at the next watermark")
                .isEqualTo(1);
        send(view("u1", "p5", "cat-a", minutes(70)));
        assertThat(lastRequest().sessionViews).isEqualTo(1);

        assertForgottenAfter(minutes(70));
    }
}
