package com.kartshoppe.featurestore.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free histogram of non-negative longs with bounded memory: exact below 32, then 32 buckets
 * per power of two (quantiles within about 3%). For latencies on every request.
 *
 * <pre>{@code
 * Histogram lookups = new Histogram();
 * lookups.record(micros);
 * long p99 = lookups.quantile(0.99);
 * }</pre>
 */
public final class Histogram {

    private static final int SUB_BUCKETS = 32;
    private static final int SHIFT = Integer.numberOfTrailingZeros(SUB_BUCKETS);
    private static final int BUCKETS = (64 - SHIFT) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder count = new LongAdder();
    private final LongAdder sum = new LongAdder();

    /** Records one value; negative values count as 0. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts.incrementAndGet(bucket(v));
        count.increment();
        sum.add(v);
    }

    public long count() {
        return count.sum();
    }

    public long sum() {
        return sum.sum();
    }

    /**
     * The value at quantile {@code q} in [0, 1] (nearest rank, the upper end of its bucket), or 0
     * if nothing was recorded.
     */
    public long quantile(double q) {
        long total = 0;
        long[] snapshot = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return upper(i);
            }
        }
        return upper(BUCKETS - 1);
    }

    static int bucket(long v) {
        if (v < SUB_BUCKETS) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v) - SHIFT;
        return (exponent + 1) * SUB_BUCKETS + (int) ((v >>> exponent) - SUB_BUCKETS);
    }

    /** The largest value that falls into bucket {@code i}. */
    static long upper(int i) {
        if (i < SUB_BUCKETS) {
            return i;
        }
        int exponent = i / SUB_BUCKETS - 1;
        long low = (long) (SUB_BUCKETS + i % SUB_BUCKETS) << exponent;
        return low + (1L << exponent) - 1;
    }
}
