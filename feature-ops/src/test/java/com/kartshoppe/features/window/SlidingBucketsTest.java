package com.kartshoppe.features.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Tests for {@link SlidingBuckets}. */
class SlidingBucketsTest {

    private static final long S = 1_000L;

    @Test
    void countsAndSumsTheBucketsOfTheWindow() {
        // 60 s window in 10 s buckets.
        SlidingBuckets b = SlidingBuckets.of(Duration.ofSeconds(60), Duration.ofSeconds(10), 1);

        b.add(5 * S, 1.5);
        b.add(15 * S, 2);
        b.add(19 * S, 3);
        b.add(64 * S, 4);

        // As of 64 s: buckets 1..6 are in the window (bucket 0, 0-10 s, is not).
        assertThat(b.count(64 * S)).isEqualTo(3);
        assertThat(b.sum(64 * S)).isEqualTo(9.0);
        // As of 59.999 s: buckets 0..5, plus bucket 6 already seen.
        assertThat(b.count(59_999)).isEqualTo(4);
        assertThat(b.sum(59_999)).isEqualTo(10.5);
        // Two minutes later nothing is left.
        assertThat(b.count(184 * S)).isZero();
    }

    @Test
    void aValueWithinTheSlackCountsInItsWholeWindow() {
        SlidingBuckets b = SlidingBuckets.of(Duration.ofSeconds(60), Duration.ofSeconds(10), 2);
        b.add(45 * S, 1);
        b.add(100 * S, 1);

        assertThat(b.add(85 * S, 1)).isTrue(); // two buckets behind the newest: within the slack
        // As of 85 s the window covers buckets 3..8: the 45 s value still counts, the 100 s one
        // was received before and counts too.
        assertThat(b.count(85 * S)).isEqualTo(3);
        assertThat(b.count(134 * S)).isEqualTo(2); // buckets 8 and 10; bucket 4 has left
    }

    @Test
    void aValueBeyondTheSlackIsNotCounted() {
        SlidingBuckets b = SlidingBuckets.of(Duration.ofSeconds(60), Duration.ofSeconds(10), 2);
        b.add(200 * S, 1);

        assertThat(b.add(175 * S, 1)).isFalse(); // three buckets behind
        assertThat(b.add(185 * S, 1)).isTrue();
        assertThat(b.count(200 * S)).isEqualTo(2);
    }

    @Test
    void negativeTimesUseFloorDivision() {
        SlidingBuckets b = SlidingBuckets.of(Duration.ofSeconds(20), Duration.ofSeconds(10), 0);
        b.add(-1, 1);
        b.add(1, 1);

        assertThat(b.count(1)).isEqualTo(2);
        assertThat(b.count(10 * S)).isEqualTo(1);
    }

    @Test
    void theWindowMustBeWholeBuckets() {
        assertThatThrownBy(
                        () -> SlidingBuckets.of(Duration.ofSeconds(25), Duration.ofSeconds(10), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple");
    }
}
