package com.kartshoppe.reco.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Tests for {@link Neighbours}. */
class NeighboursTest {

    private static final long HALF_LIFE = 1000;

    private static CoView coView(String neighbour, double weight, long time) {
        return new CoView("p", neighbour, "cat-" + neighbour, weight, time);
    }

    @Test
    void weightsAddUpAndDecayByHalfEveryHalfLife() {
        Neighbours n = new Neighbours();
        n.add(coView("a", 1, 0), 5, HALF_LIFE);
        n.add(coView("a", 3, 0), 5, HALF_LIFE);
        n.add(coView("b", 1, HALF_LIFE), 5, HALF_LIFE);

        Neighbours top = n.strongest(5, 2 * HALF_LIFE, HALF_LIFE);
        assertThat(top.ids).containsExactly("a", "b");
        assertThat(top.categories).containsExactly("cat-a", "cat-b");
        assertThat(top.weights[0]).isCloseTo(1.0, within(1e-9)); // 4 two half-lives later
        assertThat(top.weights[1]).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aLateCoViewCountsAsOfItsOwnTime() {
        Neighbours n = new Neighbours();
        n.add(coView("a", 1, HALF_LIFE), 5, HALF_LIFE);
        n.add(coView("b", 4, 0), 5, HALF_LIFE);

        assertThat(n.asOf).isEqualTo(HALF_LIFE);
        Neighbours top = n.strongest(5, HALF_LIFE, HALF_LIFE);
        assertThat(top.ids).containsExactly("b", "a");
        assertThat(top.weights).containsExactly(2.0, 1.0);
    }

    @Test
    void atMostTwiceTheLimitIsKeptAndPruningKeepsTheStrongest() {
        Neighbours n = new Neighbours();
        for (int i = 1; i <= 7; i++) {
            n.add(coView("n" + i, i, 0), 3, HALF_LIFE);
        }
        // The 7th neighbour exceeded 2 x 3: only the 3 strongest survived.
        assertThat(n.ids).containsExactly("n7", "n6", "n5");
        for (int i = 8; i <= 40; i++) {
            n.add(coView("n" + i, i, 0), 3, HALF_LIFE);
            assertThat(n.ids.length).isLessThanOrEqualTo(6);
        }
        assertThat(n.strongest(3, 0, HALF_LIFE).ids).containsExactly("n40", "n39", "n38");
    }

    @Test
    void tiesAreBrokenByIdSoOrderDoesNotDependOnArrival() {
        Neighbours a = new Neighbours();
        a.add(coView("y", 1, 0), 1, HALF_LIFE);
        a.add(coView("x", 1, 0), 1, HALF_LIFE);
        Neighbours b = new Neighbours();
        b.add(coView("x", 1, 0), 1, HALF_LIFE);
        b.add(coView("y", 1, 0), 1, HALF_LIFE);

        assertThat(a.strongest(1, 0, HALF_LIFE).ids).containsExactly("x");
        assertThat(b.strongest(1, 0, HALF_LIFE).ids).containsExactly("x");
    }
}
