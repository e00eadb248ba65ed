package com.kartshoppe.reco.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tests for {@link RecoReport}'s measures. */
class RecoReportTest {

    @Test
    void hitIsWhetherAnyShownProductWasNext() {
        assertThat(RecoReport.hit(List.of("a", "b"), Set.of("x", "b"))).isEqualTo(1);
        assertThat(RecoReport.hit(List.of("a", "b"), Set.of("x"))).isZero();
    }

    @Test
    void ndcgDiscountsByPositionAndNormalisesByTheIdealList() {
        assertThat(RecoReport.ndcg(List.of("a", "b", "c"), Set.of("a"), 3)).isEqualTo(1.0);
        // One relevant product at rank 2 of 3: (1/log2(3)) / 1.
        assertThat(RecoReport.ndcg(List.of("x", "a", "y"), Set.of("a"), 3))
                .isCloseTo(1 / (Math.log(3) / Math.log(2)), within(1e-12));
        // Two relevant, one shown at rank 1: 1 / (1 + 1/log2(3)).
        assertThat(RecoReport.ndcg(List.of("a", "x"), Set.of("a", "b"), 2))
                .isCloseTo(1 / (1 + Math.log(2) / Math.log(3)), within(1e-12));
        // Only the first k shown count.
        assertThat(RecoReport.ndcg(List.of("x", "a"), Set.of("a"), 1)).isZero();
    }
}
