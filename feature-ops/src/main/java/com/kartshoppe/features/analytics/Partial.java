package com.kartshoppe.features.analytics;

/**
 * Counts for one key in one event-time window that add up across sub-keys and firings: what {@link
 * TwoStageAggregation} moves from its first stage to its second.
 */
public interface Partial<P extends Partial<P>> {

    /** The key the counts are for (without the spreading sub-key). */
    String key();

    long windowStart();

    long windowEnd();

    /** Sets the window the counts belong to. */
    void window(long start, long end);

    /** A new partial: these counts plus {@code other}'s. */
    P plus(P other);

    /** A new partial: these counts minus {@code other}'s (the delta since an earlier firing). */
    P minus(P other);
}
