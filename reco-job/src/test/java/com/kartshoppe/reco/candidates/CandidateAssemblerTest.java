package com.kartshoppe.reco.candidates;

import static com.kartshoppe.features.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import com.kartshoppe.reco.Decay;
import com.kartshoppe.reco.RecoOptions;
import com.kartshoppe.reco.ranking.Candidate;
import com.kartshoppe.reco.ranking.RankingRequest;
import com.kartshoppe.reco.session.RecoRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link CandidateAssembler}, live (on arrival) and for input in event-time order. */
class CandidateAssemblerTest {

    /** How far behind the watermark a request still finds its lists, as the job sets it. */
    private static final long SLACK = FeatureOptions.POPULARITY_WINDOW.defaultValue().toMillis();

    /** The trending windows end here, before the requests (at minute 30). */
    private static final Instant W = minutes(25);

    private static final Instant T = minutes(30);

    private static final Duration RETENTION = RecoOptions.PROFILE_RETENTION.defaultValue();

    private KeyedTwoInputStreamOperatorTestHarness<
                    String,
                    RecoRequest,
                    Either<AdapterParams, CandidateUpdate>,
                    Either<RankingRequest, AdapterParams>>
            harness;

    private void open(Configuration conf, boolean atWatermark, Backend backend) throws Exception {
        harness =
                Harnesses.keyedBroadcast(
                        new CandidateAssembler(RecoOptions.settings(conf), atWatermark, SLACK),
                        r -> r.userId,
                        Scoring.withParams(TypeInformation.of(RankingRequest.class)),
                        backend,
                        CandidateAssembler.TRENDING,
                        CandidateAssembler.NEIGHBOURS);
    }

    private void open(Configuration conf) throws Exception {
        open(conf, false, Backend.HEAP);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** A category's list: products best first, each with its score and mean price (EUR). */
    private static Trending list(String category, Instant windowEnd, Object... productScorePrice) {
        Trending t = new Trending(category, windowEnd.toEpochMilli());
        int n = productScorePrice.length / 3;
        t.productIds = new String[n];
        t.scores = new double[n];
        t.pricesEur = new double[n];
        for (int i = 0; i < n; i++) {
            t.productIds[i] = (String) productScorePrice[3 * i];
            t.scores[i] = ((Number) productScorePrice[3 * i + 1]).doubleValue();
            t.pricesEur[i] = ((Number) productScorePrice[3 * i + 2]).doubleValue();
        }
        return t;
    }

    /** Lists of three categories; "viewed" is cat-a's second best. */
    private void broadcastThreeCategories() throws Exception {
        broadcast(list("cat-a", W, "a1", 10, 20.0, "viewed", 8, Double.NaN, "a2", 3, Double.NaN));
        broadcast(list("cat-b", W, "b1", 20, Double.NaN, "b2", 5, Double.NaN));
        broadcast(list("cat-c", W, "c1", 15, Double.NaN));
    }

    /**
     * A cold-start request: shopper u1 views product "viewed" of cat-a, the first view of the
     * session, with no neighbours.
     */
    private static RecoRequest coldStart(String user, Instant t) {
        RecoRequest r = new RecoRequest();
        r.recoId = "reco-" + user + "-" + t.toEpochMilli();
        r.userId = user;
        r.sessionId = "s-" + user;
        r.eventTime = t.toEpochMilli();
        r.productId = "viewed";
        r.category = "cat-a";
        r.sessionViews = 1;
        r.sessionItems = new String[] {"viewed"};
        r.sessionCategories = new String[] {"cat-a"};
        r.sessionCategoryViews = new int[] {1};
        r.interestCategories = new String[] {"cat-a"};
        r.interestShares = new double[] {1};
        r.typicalPriceEur = 10.0;
        return r;
    }

    private void broadcast(Trending t) throws Exception {
        harness.processElement2(Either.Right(CandidateUpdate.of(t)), t.windowEnd - 1);
    }

    private void send(CoView v) throws Exception {
        harness.processElement2(Either.Right(CandidateUpdate.of(v)), v.eventTime);
    }

    private static CoView coView(String product, String neighbour, double weight, Instant t) {
        return new CoView(product, neighbour, "cat-" + neighbour, weight, t.toEpochMilli());
    }

    private void send(RecoRequest r) throws Exception {
        harness.processElement1(r, r.eventTime);
    }

    /** The ranking requests emitted so far. */
    private List<RankingRequest> out() {
        return harness.extractOutputValues().stream()
                .filter(Either::isLeft)
                .map(Either::left)
                .toList();
    }

    private RankingRequest last() {
        List<RankingRequest> all = out();
        return all.get(all.size() - 1);
    }

    private void watermark(long time) throws Exception {
        harness.processBothWatermarks(new Watermark(time));
    }

    /** The products' neighbours in broadcast state. */
    private BroadcastState<String, ProductNeighbours> products() throws Exception {
        return ((AbstractStreamOperator<?>) harness.getOperator())
                .getOperatorStateBackend()
                .getBroadcastState(CandidateAssembler.NEIGHBOURS);
    }

    private static List<String> ids(RankingRequest r) {
        return Arrays.stream(r.candidates).map(c -> c.productId).toList();
    }

    private static Candidate candidate(RankingRequest r, String product) {
        return Arrays.stream(r.candidates)
                .filter(c -> c.productId.equals(product))
                .findFirst()
                .orElseThrow();
    }

    private static double feature(Candidate c, String name) {
        return c.features[FeatureCatalog.RECO_V1.indexOf(name)];
    }

    private int waitingShoppers() throws Exception {
        KeyedStateBackend<String> keyed =
                ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        try (Stream<String> keys = keyed.getKeys("waiting-requests", VoidNamespace.INSTANCE)) {
            return (int) keys.count();
        }
    }

    /** No request is held for any shopper, and no timer is left. */
    private void assertNothingHeld() throws Exception {
        assertThat(waitingShoppers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aColdStartGetsTrendingProductsOfItsCategoryFirstThenTheBestOverall() throws Exception {
        open(new Configuration());
        watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        send(coldStart("u1", T));

        RankingRequest r = last();
        assertThat(r.request.recoId).isEqualTo("reco-u1-" + T.toEpochMilli());
        assertThat(ids(r)).containsExactly("a1", "a2", "b1", "c1", "b2");
        assertThat(r.candidates)
                .extracting(c -> c.category)
                .containsExactly("cat-a", "cat-a", "cat-b", "cat-c", "cat-b");
        assertThat(r.candidates)
                .allSatisfy(c -> assertThat(c.features).hasSize(FeatureCatalog.RECO_V1.size()));

        Candidate a1 = candidate(r, "a1");
        assertThat(feature(a1, "same_category")).isEqualTo(1);
        assertThat(feature(a1, "category_affinity")).isEqualTo(1);
        assertThat(feature(a1, "session_category_views")).isEqualTo(1);
        assertThat(feature(a1, "coview_strength")).isZero();
        assertThat(feature(a1, "popularity")).isEqualTo(Math.log1p(10));
        assertThat(feature(a1, "category_share")).isCloseTo(10.0 / 21, within(1e-12));
        assertThat(feature(a1, "expected_share")).isCloseTo(10.0 / 21, within(1e-12));
        assertThat(feature(a1, "price_ratio_log")).isCloseTo(Math.log(2), within(1e-12));
        assertThat(feature(a1, "viewed_in_session")).isZero();
        assertThat(feature(a1, "session_views")).isEqualTo(1);

        Candidate b1 = candidate(r, "b1");
        assertThat(feature(b1, "same_category")).isZero();
        assertThat(feature(b1, "category_affinity")).isZero();
        assertThat(feature(b1, "session_category_views")).isZero();
        assertThat(feature(b1, "popularity")).isEqualTo(Math.log1p(20));
        assertThat(feature(b1, "category_share")).isCloseTo(20.0 / 25, within(1e-12));
        assertThat(feature(b1, "expected_share")).isZero();
        assertThat(feature(b1, "price_ratio_log")).as("no price in the window").isZero();
        assertNothingHeld();
    }

    @Test
    void theViewedProductIsACandidateOnlyWithIncludeViewed() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.INCLUDE_VIEWED, true);
        open(conf);
        watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        send(coldStart("u1", T));

        RankingRequest r = last();
        assertThat(ids(r)).containsExactly("a1", "viewed", "a2", "b1", "c1", "b2");
        Candidate viewed = candidate(r, "viewed");
        assertThat(feature(viewed, "viewed_in_session")).isEqualTo(1);
        assertThat(feature(viewed, "same_category")).isEqualTo(1);
        assertThat(feature(viewed, "popularity")).isEqualTo(Math.log1p(8));
        assertThat(feature(viewed, "price_ratio_log")).isZero();
        assertNothingHeld();
    }

    @Test
    void neighboursComeFirstThenTheTriggerAndInterestCategoriesThenTheRest() throws Exception {
        open(new Configuration());
        watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        broadcast(list("cat-d", W, "d1", 50, Double.NaN));
        send(new CoView("viewed", "n1", "cat-n", 2.5, T.toEpochMilli()));
        send(new CoView("viewed", "a2", "cat-a", 1.0, T.toEpochMilli()));
        RecoRequest request = coldStart("u1", T);
        request.interestCategories = new String[] {"cat-c", "cat-b", "cat-a"};
        request.interestShares = new double[] {0.5, 0.3, 0.2};
        send(request);

        RankingRequest r = last();
        assertThat(ids(r)).containsExactly("n1", "a2", "a1", "c1", "b1", "b2", "d1");
        Candidate n1 = candidate(r, "n1");
        assertThat(n1.category).isEqualTo("cat-n");
        assertThat(feature(n1, "coview_strength")).isEqualTo(Math.log1p(2.5));
        assertThat(feature(n1, "popularity")).as("not trending").isZero();
        Candidate c1 = candidate(r, "c1");
        assertThat(feature(c1, "category_affinity")).isEqualTo(0.5);
        assertThat(feature(c1, "category_share")).isEqualTo(1);
        assertThat(feature(c1, "expected_share")).isEqualTo(0.5);
        assertNothingHeld();
    }

    @Test
    void aRequestUsesTheNewestListOfAWindowThatEndedBeforeIt() throws Exception {
        open(new Configuration());
        watermark(W.toEpochMilli() - 1);
        broadcast(list("cat-a", W, "a1", 10, Double.NaN));
        // The next window's list, ending after the request, arrives first (a fast replay).
        broadcast(list("cat-a", minutes(35), "z1", 100, Double.NaN, "a1", 1, Double.NaN));
        send(coldStart("u1", T));
        send(coldStart("u2", minutes(35)));

        List<RankingRequest> out = out();
        assertThat(ids(out.get(0))).containsExactly("a1");
        assertThat(feature(out.get(0).candidates[0], "popularity")).isEqualTo(Math.log1p(10));
        assertThat(ids(out.get(1))).containsExactly("z1", "a1");
        assertThat(feature(out.get(1).candidates[1], "popularity")).isEqualTo(Math.log1p(1));
        assertNothingHeld();
    }

    /**
     * Until the operator has a watermark, {@code currentWatermark()} is {@code Long.MIN_VALUE} and
     * {@code TrendingHistory.with}'s {@code watermark - slack} overflows to a large positive time,
     * so each new list drops the older lists of its category (at start-up and after every restore).
     */
    @Test
    void beforeTheFirstWatermarkANewerListKeepsTheOlderOne() throws Exception {
        open(new Configuration());
        broadcast(list("cat-a", W, "a1", 10, Double.NaN));
        broadcast(list("cat-a", minutes(35), "z1", 100, Double.NaN));
        send(new CoView("viewed", "n1", "cat-n", 1.0, T.toEpochMilli()));
        send(coldStart("u1", T));

        assertThat(ids(last())).containsExactly("n1", "a1");
        assertNothingHeld();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRequestWithoutAnyCandidateIsDropped(boolean atWatermark) throws Exception {
        open(new Configuration(), atWatermark, Backend.HEAP);
        watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        send(coldStart("u1", W.minusMillis(1)));
        send(coldStart("u2", W));
        watermark(W.toEpochMilli());

        assertThat(out())
                .as("u1's view comes before every window's end")
                .extracting(r -> r.request.userId)
                .containsExactly("u2");
        assertNothingHeld();
    }

    @Test
    void productsTheShopperBoughtAreNotCandidates() throws Exception {
        open(new Configuration());
        watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        send(new CoView("viewed", "n1", "cat-n", 1.0, T.toEpochMilli()));
        RecoRequest r = coldStart("u1", T);
        r.boughtItems = new String[] {"n1", "a1", "c1"};
        send(r);

        assertThat(ids(last())).containsExactly("a2", "b1", "b2");
    }

    @Test
    void candidatesAreCutAtMaxCandidates() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.TOP_K, 2);
        conf.set(RecoOptions.MAX_CANDIDATES, 3);
        open(conf);
        watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        send(new CoView("viewed", "n1", "cat-n", 1.0, T.toEpochMilli()));
        send(coldStart("u1", T));
        RecoRequest other = coldStart("u2", T);
        other.productId = "other";
        send(other);

        List<RankingRequest> out = out();
        assertThat(ids(out.get(0))).containsExactly("n1", "a1", "a2");
        assertThat(ids(out.get(1)))
                .as("another product, no neighbours")
                .containsExactly("a1", "viewed", "a2");
        assertNothingHeld();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void inEventTimeOrderARequestWaitsForTheWatermark(Backend backend) throws Exception {
        open(new Configuration(), true, backend);
        watermark(W.toEpochMilli() - 2);
        send(coldStart("u1", T));
        send(coldStart("u2", T.plusMillis(1)));
        assertThat(out()).isEmpty();
        assertThat(waitingShoppers()).isEqualTo(2);

        // The list arrives after the request, as the watermark that closed its window.
        broadcastThreeCategories();
        harness.processWatermark1(new Watermark(T.toEpochMilli()));
        assertThat(out()).as("the lists' watermark is still behind").isEmpty();
        harness.processWatermark2(new Watermark(T.toEpochMilli()));

        assertThat(out()).hasSize(1);
        assertThat(last().request.userId).isEqualTo("u1");
        assertThat(ids(last())).containsExactly("a1", "a2", "b1", "c1", "b2");
        assertThat(waitingShoppers()).as("u2 waits").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark(T.toEpochMilli() + 1);
        assertThat(out()).hasSize(2);
        assertThat(ids(last())).containsExactly("a1", "a2", "b1", "c1", "b2");
        assertNothingHeld();

        // Behind the watermark: assembled at once.
        send(coldStart("u3", T));
        assertThat(last().request.userId).isEqualTo("u3");
        assertThat(ids(last())).containsExactly("a1", "a2", "b1", "c1", "b2");
        assertNothingHeld();
    }

    /** A request for {@code product} with nothing else to recommend: only its neighbours. */
    private RankingRequest neighboursOf(String product, Instant t) throws Exception {
        RecoRequest r = coldStart("u-" + product + "-" + t.toEpochMilli(), t);
        r.productId = product;
        send(r);
        return last();
    }

    private static double coView(RankingRequest r, String product) {
        return r.request.neighbourWeight(product);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRequestCarriesTheStrongestNeighboursAndStateStaysBounded(Backend backend)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.NEIGHBOURS, 3);
        open(conf, false, backend);
        List<Integer> sizes = new ArrayList<>();
        for (int w : new int[] {4, 9, 1, 7, 10, 2, 6, 3, 8, 5}) {
            send(coView("p", "n" + w, w, minutes(0)));
            sizes.add(products().get("p").learned.ids.length);
        }
        assertThat(sizes)
                .as("cut to the strongest 3 when a 7th arrives")
                .containsExactly(1, 2, 3, 4, 5, 6, 3, 4, 5, 6);
        assertThat(products().get("p").learned.ids)
                .containsExactlyInAnyOrder("n10", "n9", "n7", "n3", "n8", "n5");

        RecoRequest r = neighboursOf("p", minutes(0)).request;
        assertThat(r.neighbourIds).containsExactly("n10", "n9", "n8");
        assertThat(r.neighbourCategories).containsExactly("cat-n10", "cat-n9", "cat-n8");
        assertThat(r.neighbourWeights).containsExactly(10.0, 9.0, 8.0);
        assertThat(products().get("p").learned.ids)
                .as("a request does not cut the state")
                .hasSize(6);
        assertNothingHeld();
    }

    @Test
    void repeatedCoViewsAddUpAndTiesGoByProductId() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.NEIGHBOURS, 2);
        open(conf);
        send(coView("p", "c", 2, minutes(0)));
        send(coView("p", "b", 1, minutes(0)));
        send(coView("p", "a", 3, minutes(0)));
        send(coView("p", "b", 1, minutes(0)));
        send(coView("p", "b", 1, minutes(0)));

        RecoRequest r = neighboursOf("p", minutes(0)).request;
        assertThat(r.neighbourIds).containsExactly("a", "b");
        assertThat(r.neighbourWeights).containsExactly(3.0, 3.0);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void olderCoViewsWeighLessByTheHalfLife(Backend backend) throws Exception {
        long halfLife = Duration.ofHours(6).toMillis();
        Configuration conf = new Configuration();
        conf.set(RecoOptions.COVIEW_HALF_LIFE, Duration.ofMillis(halfLife));
        open(conf, false, backend);
        Instant t0 = minutes(0);
        send(coView("p", "b", 3, t0.plus(Duration.ofHours(6))));
        send(coView("p", "a", 1, t0)); // out of order: one half-life older than b
        send(coView("p", "a", 1, t0.plus(Duration.ofHours(12))));

        // At 18 h: b = 3 x 2^-2 = 0.75; a = 1 x 2^-3 + 1 x 2^-1 = 0.625.
        RecoRequest r = neighboursOf("p", t0.plus(Duration.ofHours(18))).request;
        assertThat(r.neighbourIds).containsExactly("b", "a");
        assertThat(r.neighbourWeights[0]).isCloseTo(0.75, within(1e-12));
        assertThat(r.neighbourWeights[1]).isCloseTo(0.625, within(1e-12));
        assertThat(r.neighbourWeight("a"))
                .isCloseTo(
                        Decay.factor(Duration.ofHours(18).toMillis(), halfLife)
                                + Decay.factor(Duration.ofHours(6).toMillis(), halfLife),
                        within(1e-12));

        assertThat(neighboursOf("p", t0.plus(Duration.ofHours(12))).request.neighbourWeights)
                .as("a request not after the latest co-view sees the weights of that time")
                .containsExactly(1.5, 1.25);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void inEventTimeOrderARequestSeesExactlyTheCoViewsBeforeIt(Backend backend) throws Exception {
        open(new Configuration(), true, backend);
        Instant t = minutes(10);
        RecoRequest request = coldStart("u1", t);
        request.productId = "p";
        send(request);
        send(coView("p", "early", 1, t.minusMillis(1)));
        send(coView("p", "same", 2, t));
        send(coView("p", "later", 5, t.plusMillis(1)));
        assertThat(out()).isEmpty();
        assertThat(products().get("p").pending)
                .as("ahead of the watermark: pending, in event-time order")
                .extracting(v -> v.neighbourId)
                .containsExactly("early", "same", "later");

        harness.processWatermark1(new Watermark(t.toEpochMilli()));
        assertThat(out()).as("the co-views' watermark is still behind").isEmpty();
        harness.processWatermark2(new Watermark(t.toEpochMilli()));

        assertThat(out()).hasSize(1);
        RecoRequest r = last().request;
        assertThat(r.recoId).isEqualTo(request.recoId);
        assertThat(r.neighbourIds).containsExactly("same", "early");
        assertThat(r.neighbourWeights[0]).isEqualTo(2.0);
        assertThat(r.neighbourWeights[1])
                .isCloseTo(
                        Decay.factor(1, RecoOptions.COVIEW_HALF_LIFE.defaultValue().toMillis()),
                        within(1e-15));
        assertNothingHeld();
        assertThat(products().get("p").learned.ids)
                .as("a request learns nothing into the state")
                .isEmpty();

        // The next co-view learns those the watermark has passed; later ones stay pending.
        watermark(t.plusMillis(1).toEpochMilli());
        send(coView("p", "last", 1, t.plusMillis(2)));
        assertThat(products().get("p").learned.ids)
                .containsExactlyInAnyOrder("early", "same", "later");
        assertThat(products().get("p").pending)
                .extracting(v -> v.neighbourId)
                .containsExactly("last");

        // Behind the watermark: assembled at once, with the co-views up to its time.
        send(request);
        assertThat(last().request.neighbourIds).containsExactly("later", "same", "early");
        assertNothingHeld();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aProductWithoutCoViewsIsColdAndAProductIsForgottenARetentionAfterItsLastCoView(
            boolean atWatermark) throws Exception {
        open(new Configuration(), atWatermark, Backend.HEAP);
        watermark(minutes(0).toEpochMilli());
        broadcast(list("cat-a", minutes(1), "a1", 1, Double.NaN));
        send(coView("p", "n", 1, minutes(1)));
        send(coView("q", "n", 1, minutes(1)));
        watermark(minutes(2).toEpochMilli());
        assertThat(neighboursOf("lonely", minutes(2)).request.neighbourIds).isEmpty();
        assertThat(neighboursOf("p", minutes(2)).request.neighbourIds).containsExactly("n");
        send(coView("p", "o", 1, minutes(2)));

        // The watermark a retention after q's last co-view: the next co-view sweeps q, not p.
        watermark(minutes(2).plus(RETENTION).toEpochMilli());
        send(coView("p", "m", 1, minutes(3).plus(RETENTION)));
        assertThat(products().entries()).extracting(Map.Entry::getKey).containsExactly("p");
        watermark(minutes(3).plus(RETENTION).toEpochMilli());
        assertThat(neighboursOf("q", minutes(3).plus(RETENTION)).request.neighbourIds).isEmpty();
        assertThat(neighboursOf("p", minutes(3).plus(RETENTION)).request.neighbourIds)
                .containsExactly("m", "o", "n");
    }

    @Test
    void adapterParametersPassOnToTheScorer() throws Exception {
        open(new Configuration());
        AdapterParams params = new AdapterParams();
        params.setModelName("reco");
        harness.processElement2(Either.Left(params), 0);

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(e -> assertThat(e.right().getModelName()).isEqualTo("reco"));
    }
}
