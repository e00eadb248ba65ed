package com.kartshoppe.reco.candidates;

import static com.kartshoppe.features.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import com.kartshoppe.reco.RecoOptions;
import com.kartshoppe.reco.ranking.Candidate;
import com.kartshoppe.reco.ranking.RankingRequest;
import com.kartshoppe.reco.session.RecoRequest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
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

    private KeyedBroadcastOperatorTestHarness<String, RecoRequest, Trending, RankingRequest>
            harness;

    private void open(Configuration conf, boolean atWatermark, Backend backend) throws Exception {
        harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new CandidateAssembler(
                                        RecoOptions.settings(conf), atWatermark, SLACK),
                                List.of(CandidateAssembler.TRENDING)),
                        r -> r.userId,
                        Types.STRING,
                        1,
                        1,
                        0);
        harness.setStateBackend(
                backend == Backend.ROCKSDB
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        harness.open();
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
        harness.processBroadcastElement(t, t.windowEnd - 1);
    }

    private void send(RecoRequest r) throws Exception {
        harness.processElement(r, r.eventTime);
    }

    private RankingRequest last() {
        List<RankingRequest> all = harness.extractOutputValues();
        return all.get(all.size() - 1);
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
        harness.watermark(W.toEpochMilli() - 1);
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
        harness.watermark(W.toEpochMilli() - 1);
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
        harness.watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        broadcast(list("cat-d", W, "d1", 50, Double.NaN));
        RecoRequest request = coldStart("u1", T);
        request.neighbourIds = new String[] {"n1", "a2"};
        request.neighbourCategories = new String[] {"cat-n", "cat-a"};
        request.neighbourWeights = new double[] {2.5, 1.0};
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
        harness.watermark(W.toEpochMilli() - 1);
        broadcast(list("cat-a", W, "a1", 10, Double.NaN));
        // The next window's list, ending after the request, arrives first (a fast replay).
        broadcast(list("cat-a", minutes(35), "z1", 100, Double.NaN, "a1", 1, Double.NaN));
        send(coldStart("u1", T));
        send(coldStart("u2", minutes(35)));

        List<RankingRequest> out = harness.extractOutputValues();
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
        RecoRequest request = coldStart("u1", T);
        request.neighbourIds = new String[] {"n1"};
        request.neighbourCategories = new String[] {"cat-n"};
        request.neighbourWeights = new double[] {1.0};
        send(request);

        assertThat(ids(last())).containsExactly("n1", "a1");
        assertNothingHeld();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRequestWithoutAnyCandidateIsDropped(boolean atWatermark) throws Exception {
        open(new Configuration(), atWatermark, Backend.HEAP);
        harness.watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        send(coldStart("u1", W.minusMillis(1)));
        send(coldStart("u2", W));
        harness.watermark(W.toEpochMilli());

        assertThat(harness.extractOutputValues())
                .as("u1's view comes before every window's end")
                .extracting(r -> r.request.userId)
                .containsExactly("u2");
        assertNothingHeld();
    }

    @Test
    void candidatesAreCutAtMaxCandidates() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.TOP_K, 2);
        conf.set(RecoOptions.MAX_CANDIDATES, 3);
        open(conf);
        harness.watermark(W.toEpochMilli() - 1);
        broadcastThreeCategories();
        RecoRequest request = coldStart("u1", T);
        request.neighbourIds = new String[] {"n1"};
        request.neighbourCategories = new String[] {"cat-n"};
        request.neighbourWeights = new double[] {1.0};
        send(request);
        send(coldStart("u2", T));

        List<RankingRequest> out = harness.extractOutputValues();
        assertThat(ids(out.get(0))).containsExactly("n1", "a1", "a2");
        assertThat(ids(out.get(1))).containsExactly("a1", "a2", "b1");
        assertNothingHeld();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void inEventTimeOrderARequestWaitsForTheWatermark(Backend backend) throws Exception {
        open(new Configuration(), true, backend);
        harness.watermark(W.toEpochMilli() - 2);
        send(coldStart("u1", T));
        send(coldStart("u2", T.plusMillis(1)));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(waitingShoppers()).isEqualTo(2);

        // The list arrives after the request, as the watermark that closed its window.
        broadcastThreeCategories();
        harness.processWatermark(T.toEpochMilli());
        assertThat(harness.extractOutputValues())
                .as("the lists' watermark is still behind")
                .isEmpty();
        harness.processBroadcastWatermark(T.toEpochMilli());

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(last().request.userId).isEqualTo("u1");
        assertThat(ids(last())).containsExactly("a1", "a2", "b1", "c1", "b2");
        assertThat(waitingShoppers()).as("u2 waits").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.watermark(T.toEpochMilli() + 1);
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(ids(last())).containsExactly("a1", "a2", "b1", "c1", "b2");
        assertNothingHeld();

        // Behind the watermark: assembled at once.
        send(coldStart("u3", T));
        assertThat(last().request.userId).isEqualTo("u3");
        assertThat(ids(last())).containsExactly("a1", "a2", "b1", "c1", "b2");
        assertNothingHeld();
    }
}
