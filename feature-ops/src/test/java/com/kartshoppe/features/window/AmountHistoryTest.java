package com.kartshoppe.features.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Tests for {@link AmountHistory}. */
class AmountHistoryTest {

    @Test
    void meanStdAndZScoreOfThePreviousAmounts() {
        AmountHistory h = AmountHistory.of(50);
        h.add(10);
        h.add(20);
        h.add(30);

        assertThat(h.mean()).isEqualTo(20.0);
        assertThat(h.std()).isCloseTo(Math.sqrt(200.0 / 3), within(1e-12));
        assertThat(h.zScore(40)).isCloseTo(20 / Math.sqrt(200.0 / 3), within(1e-12));
    }

    @Test
    void keepsOnlyTheLastAmounts() {
        AmountHistory h = AmountHistory.of(2);
        h.add(1000);
        h.add(10);
        h.add(30);

        assertThat(h.size()).isEqualTo(2);
        assertThat(h.mean()).isEqualTo(20.0);
    }

    @Test
    void zScoreIsZeroWithoutASpread() {
        AmountHistory h = AmountHistory.of(5);
        assertThat(h.zScore(10)).isZero();
        h.add(7);
        assertThat(h.zScore(10)).isZero();
        h.add(7);
        assertThat(h.zScore(10)).isZero();
        assertThat(h.mean()).isEqualTo(7.0);
    }
}
