package com.kartshoppe.features.window;

import java.time.Duration;
import java.util.Arrays;

/**
 * Count and sum of values over a sliding event-time window, in a fixed ring of buckets: the state
 * of a key stays the same size however busy the key is.
 *
 * <p>Exact semantics. With {@code b(t) = floor(t / bucket)} and a window of {@code W} buckets,
 * {@link #count(long)} and {@link #sum(long)} as of time {@code t} cover every value added so far
 * whose bucket is greater than {@code b(t) - W}: the current bucket and the {@code W - 1} before
 * it, plus any later bucket already seen (an out-of-order event sees the few newer events that
 * arrived before it). The ring keeps the newest {@code W + slack} buckets; a value more than {@code
 * slack} buckets older than the newest bucket seen is dropped ({@link #add} returns false).
 *
 * <pre>{@code
 * SlidingBuckets views = SlidingBuckets.of(Duration.ofMinutes(10), Duration.ofSeconds(30), 2);
 * views.add(t, 1);
 * long viewsLast10m = views.count(t);
 * }</pre>
 *
 * <p>A Flink POJO: public fields and a no-argument constructor, so it can live in keyed state.
 */
public class SlidingBuckets {

    static final long EMPTY = Long.MIN_VALUE;

    public long bucketMillis;
    public int windowBuckets;
    public int slackBuckets;
    public long newestBucket = EMPTY;
    public long[] bucketIds;
    public long[] counts;
    public double[] sums;

    /** For Flink's POJO serializer. */
    public SlidingBuckets() {}

    /**
     * @param window the window length; must be a whole number of buckets
     * @param bucket the bucket width
     * @param slackBuckets how many buckets of disorder are tolerated exactly
     */
    public static SlidingBuckets of(Duration window, Duration bucket, int slackBuckets) {
        if (bucket.isNegative() || bucket.isZero() || window.toMillis() % bucket.toMillis() != 0) {
            throw new IllegalArgumentException(
                    "window " + window + " must be a positive multiple of bucket " + bucket);
        }
        SlidingBuckets b = new SlidingBuckets();
        b.bucketMillis = bucket.toMillis();
        b.windowBuckets = (int) (window.toMillis() / bucket.toMillis());
        b.slackBuckets = Math.max(0, slackBuckets);
        int capacity = b.windowBuckets + b.slackBuckets;
        b.bucketIds = new long[capacity];
        Arrays.fill(b.bucketIds, EMPTY);
        b.counts = new long[capacity];
        b.sums = new double[capacity];
        return b;
    }

    /** Adds a value at event time {@code t}; false if it is more than the slack behind. */
    public boolean add(long t, double value) {
        long bucket = Math.floorDiv(t, bucketMillis);
        if (newestBucket != EMPTY && bucket < newestBucket - slackBuckets) {
            return false;
        }
        newestBucket = Math.max(newestBucket, bucket);
        int slot = (int) Math.floorMod(bucket, (long) bucketIds.length);
        if (bucketIds[slot] == bucket) {
            counts[slot]++;
            sums[slot] += value;
            return true;
        }
        bucketIds[slot] = bucket;
        counts[slot] = 1;
        sums[slot] = value;
        return true;
    }

    /** Values added in the window as of {@code t}. */
    public long count(long t) {
        long from = from(t);
        long n = 0;
        for (int i = 0; i < bucketIds.length; i++) {
            if (bucketIds[i] != EMPTY && bucketIds[i] > from) {
                n += counts[i];
            }
        }
        return n;
    }

    /** Sum of the values added in the window as of {@code t}. */
    public double sum(long t) {
        long from = from(t);
        double s = 0;
        for (int i = 0; i < bucketIds.length; i++) {
            if (bucketIds[i] != EMPTY && bucketIds[i] > from) {
                s += sums[i];
            }
        }
        return s;
    }

    /**
     * Buckets after this one are in the window as of {@code t}: the window's own buckets, but never
     * one older than the {@code W + slack} newest (a query far behind the newest value sees only
     * what the ring keeps).
     */
    private long from(long t) {
        long windowStart = Math.floorDiv(t, bucketMillis) - windowBuckets;
        return newestBucket == EMPTY
                ? windowStart
                : Math.max(windowStart, newestBucket - bucketIds.length);
    }
}
