package com.kartshoppe.reco.backtest;

import static com.kartshoppe.reco.backtest.BacktestFixtures.bought;
import static com.kartshoppe.reco.backtest.BacktestFixtures.minutes;
import static com.kartshoppe.reco.backtest.BacktestFixtures.reco;
import static com.kartshoppe.reco.backtest.BacktestFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.reco.backtest.RecoReport.Quality;
import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Tests for {@link RecoReport}'s measures. */
class RecoReportTest {

    private static final Offset<Double> EXACT = within(1e-12);

    /** 1 / log2(3): a single relevant product at rank 2. */
    private static final double RANK_2 = Math.log(2) / Math.log(3);

    @Test
    void hitIsWhetherAnyOfTheFirstKShownProductsIsRelevant() {
        assertThat(RecoReport.hit(List.of("a", "b"), Set.of("x", "b"), 2)).isEqualTo(1);
        assertThat(RecoReport.hit(List.of("a", "b"), Set.of("x"), 2)).isZero();
        assertThat(RecoReport.hit(List.of("a", "b"), Set.of("b"), 1)).isZero();
    }

    @Test
    void ndcgDiscountsByPositionAndNormalisesByTheIdealList() {
        assertThat(RecoReport.ndcg(List.of("a", "b", "c"), Set.of("a"), 3)).isEqualTo(1.0);
        // One relevant product at rank 2 of 3: (1/log2(3)) / 1.
        assertThat(RecoReport.ndcg(List.of("x", "a", "y"), Set.of("a"), 3))
                .isCloseTo(RANK_2, EXACT);
        // Two relevant, one shown at rank 1: 1 / (1 + 1/log2(3)).
        assertThat(RecoReport.ndcg(List.of("a", "x"), Set.of("a", "b"), 2))
                .isCloseTo(1 / (1 + RANK_2), EXACT);
        // Only the first k shown count.
        assertThat(RecoReport.ndcg(List.of("x", "a"), Set.of("a"), 1)).isZero();
        assertThat(RecoReport.ndcg(List.of("x"), Set.of(), 1)).isZero();
    }

    @Test
    void reciprocalRankIsOfTheFirstRelevantProductWithinK() {
        assertThat(RecoReport.reciprocalRank(List.of("a", "b"), Set.of("a", "b"), 2))
                .isEqualTo(1.0);
        assertThat(RecoReport.reciprocalRank(List.of("x", "y", "b"), Set.of("b"), 3))
                .isCloseTo(1 / 3.0, EXACT);
        assertThat(RecoReport.reciprocalRank(List.of("x", "y", "b"), Set.of("b"), 2)).isZero();
    }

    /**
     * Three recommendations (k = 2, horizon 30 min, popularity window 60 min, session gap 30 min),
     * with every list worked out by hand in the comments.
     */
    @Test
    void comparesTheJobWithBothBaselinesOnBothTargets() {
        NextActions actions =
                NextActions.of(
                        List.of(
                                view("u1", 0, "p1"),
                                view("u1", 1, "p2"),
                                view("u2", 2, "p1"),
                                view("u2", 3, "p3"),
                                bought("u2", 4, "p3"),
                                view("u3", 5, "p3"),
                                view("u4", 10, "p1"),
                                view("u4", 12, "p2"),
                                bought("u4", 15, "p3"),
                                bought("u4", 20, "p2"),
                                view("u5", 40, "p3"),
                                bought("u5", 45, "p3"),
                                bought("u5", 45, "p2")));
        RecoReport report =
                RecoReport.of(
                        List.of(
                                // Next purchase {p3}; next anything {p2, p3}. Popularity (p1 3,
                                // p2 1, p3 5): [p3, p2]. Co-viewed with p1 before minute 10: p2
                                // (u1) and p3 (u2) once each: [p2, p3].
                                reco("r1", "u4", 10, "p1", "p2", "p3*"),
                                // Next purchase {p2} (p3 viewed); next anything {p2}. Popularity
                                // (p1 3, p2 5, p3 9): [p2, p1]. Co-viewed with p3: p1 (u2) only,
                                // completed by popularity: [p1, p2].
                                reco("r2", "u5", 40, "p3", "p1", "p2"),
                                // Nothing next: not judged. Co-viewed with p2: p1 only (short).
                                reco("r3", "u6", 50, "p2", "p1")),
                        actions,
                        minutes(30),
                        minutes(60),
                        minutes(30),
                        2);

        assertThat(report.recommendations()).isEqualTo(3);
        assertThat(report.explored()).isEqualTo(1);
        assertThat(report.coViewShort()).isEqualTo(2);

        RecoReport.Target purchase = report.purchase();
        assertThat(purchase.judged()).isEqualTo(2);
        // r1: p3 at rank 2; r2: p2 at rank 2.
        assertQuality(purchase.job(), 1, RANK_2, 0.5);
        // r1: p3 at rank 1; r2: p2 at rank 1.
        assertQuality(purchase.popularity(), 1, 1, 1);
        // r1: p3 at rank 2; r2: p2 at rank 2.
        assertQuality(purchase.coView(), 1, RANK_2, 0.5);

        RecoReport.Target anyNext = report.anyNext();
        assertThat(anyNext.judged()).isEqualTo(2);
        // r1: both relevant shown (NDCG 1, RR 1); r2: p2 at rank 2.
        assertQuality(anyNext.job(), 1, (1 + RANK_2) / 2, 0.75);
        assertQuality(anyNext.popularity(), 1, 1, 1);
        assertQuality(anyNext.coView(), 1, (1 + RANK_2) / 2, 0.75);

        // r1 explored its last slot, p3, which was bought next; r2's last slot, p2, too.
        assertThat(purchase.withExplored().judged()).isEqualTo(1);
        assertQuality(purchase.withExplored().quality(), 1, RANK_2, 0.5);
        assertThat(purchase.withExplored().lastSlotHitRate()).isEqualTo(1.0);
        assertThat(purchase.withoutExplored().judged()).isEqualTo(1);
        assertThat(purchase.withoutExplored().lastSlotHitRate()).isEqualTo(1.0);
        assertQuality(anyNext.withExplored().quality(), 1, 1, 1);
    }

    @Test
    void theLastSlotRateCountsOnlyLastSlotsThatWereRelevant() {
        NextActions actions =
                NextActions.of(
                        List.of(
                                bought("u1", 5, "a"),
                                bought("u2", 5, "b"),
                                bought("u3", 5, "c"),
                                bought("u4", 5, "d")));
        RecoReport report =
                RecoReport.of(
                        List.of(
                                reco("r1", "u1", 0, "v", "a", "x*"),
                                reco("r2", "u2", 0, "v", "x", "b*"),
                                reco("r3", "u3", 0, "v", "c", "x"),
                                reco("r4", "u4", 0, "v", "x", "y"),
                                reco("r5", "u4", 0, "v", "x", "z")),
                        actions,
                        minutes(30),
                        minutes(60),
                        minutes(30),
                        2);

        RecoReport.Slice explored = report.purchase().withExplored();
        assertThat(explored.judged()).isEqualTo(2);
        assertThat(explored.lastSlotHitRate()).isEqualTo(0.5);
        assertQuality(explored.quality(), 1, (1 + RANK_2) / 2, 0.75);
        RecoReport.Slice notExplored = report.purchase().withoutExplored();
        assertThat(notExplored.judged()).isEqualTo(3);
        assertThat(notExplored.lastSlotHitRate()).isZero();
        assertQuality(notExplored.quality(), 1 / 3.0, 1 / 3.0, 1 / 3.0);
    }

    @Test
    void productsViewedEarlierInTheSessionAreLeftOutOfTheNewPurchaseTarget() {
        NextActions actions =
                NextActions.of(
                        List.of(
                                view("u1", 0, "a"),
                                view("u1", 5, "b"),
                                view("u1", 10, "c"),
                                bought("u1", 15, "b"),
                                bought("u1", 15, "d"),
                                // x was viewed in an earlier session (more than 30 min before).
                                view("u2", 0, "x"),
                                view("u2", 40, "y"),
                                bought("u2", 45, "x"),
                                view("u3", 0, "a"),
                                view("u3", 10, "c"),
                                bought("u3", 15, "a")));
        RecoReport report =
                RecoReport.of(
                        List.of(
                                reco("r1", "u1", 10, "c", "b", "d"),
                                reco("r2", "u2", 40, "y", "x"),
                                reco("r3", "u3", 10, "c", "z")),
                        actions,
                        minutes(30),
                        minutes(60),
                        minutes(30),
                        2);

        // Next purchase: r1 {b, d} both shown, r2 {x} at rank 1, r3 {a} not shown.
        assertThat(report.purchase().judged()).isEqualTo(3);
        assertQuality(report.purchase().job(), 2 / 3.0, 2 / 3.0, 2 / 3.0);
        // New to the session: r1 {d} at rank 2, r2 {x} at rank 1, r3 nothing: not judged.
        assertThat(report.newPurchase().judged()).isEqualTo(2);
        assertQuality(report.newPurchase().job(), 1, (1 + RANK_2) / 2, 0.75);
    }

    @Test
    void theSummaryShowsBothTargetsBothBaselinesAndTheirRatios() {
        String text =
                RecoReport.of(
                                List.of(reco("r1", "u1", 0, "v", "a", "b")),
                                NextActions.of(List.of(bought("u1", 5, "b"))),
                                minutes(30),
                                minutes(60),
                                minutes(30),
                                2)
                        .format();
        assertThat(text)
                .contains("1 recommendations, 0 with an explored last slot; horizon 30 min")
                .contains("NEXT PURCHASE")
                .contains("next purchase of products not viewed earlier in the session")
                .contains("any next view or purchase")
                .containsPattern("hit@2 +NDCG@2 +MRR@2")
                .containsPattern("job +1.0000 +0.6309 +0.5000")
                // No popularity before the order: the baselines show nothing, no ratio.
                .containsPattern("job / popularity +- +- +-");
    }

    private static void assertQuality(Quality q, double hit, double ndcg, double mrr) {
        assertThat(q.hitRate()).as("hit rate").isCloseTo(hit, EXACT);
        assertThat(q.ndcg()).as("NDCG").isCloseTo(ndcg, EXACT);
        assertThat(q.mrr()).as("MRR").isCloseTo(mrr, EXACT);
    }
}
