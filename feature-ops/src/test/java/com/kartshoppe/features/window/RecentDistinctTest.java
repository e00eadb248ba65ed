package com.kartshoppe.features.window;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tests for {@link RecentDistinct}. */
class RecentDistinctTest {

    @Test
    void countsValuesLastSeenWithinTheWindow() {
        RecentDistinct d = RecentDistinct.of(10, 1_000);

        d.add("a", 100);
        d.add("b", 200);
        d.add("a", 300);
        d.add("c", 900);

        assertThat(d.distinct(900, 700)).isEqualTo(2); // a (300) and c (900); b at 200 is out
        assertThat(d.distinct(900, 1_000)).isEqualTo(3);
        assertThat(d.firstSeen("a")).isEqualTo(100);
        assertThat(d.firstSeen("z")).isEqualTo(RecentDistinct.UNKNOWN);
    }

    @Test
    void valuesOlderThanTheRetentionAreForgotten() {
        RecentDistinct d = RecentDistinct.of(10, 1_000);
        d.add("a", 100);
        d.add("b", 1_050);

        d.add("c", 1_101);

        assertThat(d.size).isEqualTo(2);
        assertThat(d.firstSeen("a")).isEqualTo(RecentDistinct.UNKNOWN);
    }

    @Test
    void beyondCapacityTheLeastRecentlySeenGoes() {
        RecentDistinct d = RecentDistinct.of(3, Long.MAX_VALUE);
        d.add("a", 1);
        d.add("b", 2);
        d.add("c", 3);
        d.add("a", 4);

        d.add("d", 5);

        assertThat(d.size).isEqualTo(3);
        assertThat(d.firstSeen("b")).isEqualTo(RecentDistinct.UNKNOWN);
        assertThat(d.distinct(5, Long.MAX_VALUE)).isEqualTo(3);
    }

    @Test
    void anEarlierSightingMovesFirstSeenBack() {
        RecentDistinct d = RecentDistinct.of(3, Long.MAX_VALUE);
        d.add("a", 50);
        d.add("a", 20);

        assertThat(d.firstSeen("a")).isEqualTo(20);
        assertThat(d.lastSeen[0]).isEqualTo(50);
    }
}
