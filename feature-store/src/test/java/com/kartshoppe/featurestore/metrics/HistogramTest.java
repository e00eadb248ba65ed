package com.kartshoppe.featurestore.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link Histogram}. */
class HistogramTest {

    @Test
    void quantilesAreWithinThreePercentOfTheExactOnes() {
        Random random = new Random(5);
        Histogram h = new Histogram();
        long[] values = new long[100_000];
        for (int i = 0; i < values.length; i++) {
            // Log-normal, like latencies: most small, a long tail.
            values[i] = (long) Math.exp(6 + 1.5 * random.nextGaussian());
            h.record(values[i]);
        }
        Arrays.sort(values);

        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            assertThat((double) h.quantile(q))
                    .as("q" + q)
                    .isCloseTo(exact, within(exact * 0.03 + 1));
        }
        assertThat(h.count()).isEqualTo(values.length);
        assertThat(h.sum()).isEqualTo(Arrays.stream(values).sum());
    }

    @Test
    void smallValuesAreExactAndBucketsTileTheRange() {
        Histogram h = new Histogram();
        for (long v = 0; v < 32; v++) {
            h.record(v);
        }
        assertThat(h.quantile(1.0 / 32)).isZero();
        assertThat(h.quantile(1)).isEqualTo(31);
        assertThat(new Histogram().quantile(0.5)).isZero();

        long previousUpper = -1;
        for (int i = 0; i < Histogram.bucket(Long.MAX_VALUE) + 1; i++) {
            assertThat(Histogram.bucket(previousUpper + 1)).as("bucket " + i).isEqualTo(i);
            previousUpper = Histogram.upper(i);
        }
        assertThat(previousUpper).isEqualTo(Long.MAX_VALUE);
    }
}
