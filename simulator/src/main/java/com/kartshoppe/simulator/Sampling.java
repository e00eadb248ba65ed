package com.kartshoppe.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/** Small random-variate helpers; every draw comes from the caller's seeded {@link Random}. */
final class Sampling {

    private Sampling() {}

    /** Index drawn with probability proportional to the increments of {@code cumulative}. */
    static int pick(double[] cumulative, Random rng) {
        double x = rng.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, x);
        int idx = i >= 0 ? i + 1 : -i - 1;
        return Math.min(idx, cumulative.length - 1);
    }

    static boolean chance(double p, Random rng) {
        return rng.nextDouble() < p;
    }

    /** Uniform integer in [min, max]. */
    static int between(int min, int max, Random rng) {
        return min + rng.nextInt(max - min + 1);
    }

    /** Uniform long in [min, max]. */
    static long between(long min, long max, Random rng) {
        return min + (long) (rng.nextDouble() * (max - min + 1));
    }

    /** Uniform duration in [min, max], millisecond resolution. */
    static Duration between(Duration min, Duration max, Random rng) {
        return Duration.ofMillis(between(min.toMillis(), max.toMillis(), rng));
    }

    /** Exponential duration with the given mean, clamped to [min, max]. */
    static Duration exponential(Duration mean, Duration min, Duration max, Random rng) {
        long millis = (long) (-StrictMath.log(1 - rng.nextDouble()) * mean.toMillis());
        return Duration.ofMillis(Math.max(min.toMillis(), Math.min(max.toMillis(), millis)));
    }

    /** Geometric count with the given mean, at least 1. */
    static int geometric(double mean, Random rng) {
        double p = 1.0 / mean;
        return 1
                + (int)
                        StrictMath.floor(
                                StrictMath.log(1 - rng.nextDouble()) / StrictMath.log(1 - p));
    }

    /** Log-normal around {@code median} with the given sigma. */
    static double logNormal(double median, double sigma, Random rng) {
        return median * StrictMath.exp(sigma * rng.nextGaussian());
    }
}
