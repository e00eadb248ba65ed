package com.kartshoppe.features.analytics;

/**
 * Counts for one key in one event-time window that add up across sub-keys and firings: what {@link
 * TwoStageAggregation} moves from its first stage to its second. Subclasses are Flink POJOs; the
 * window bounds are their inherited public fields.
 */
public abstract class Partial<P extends Partial<P>> {

    /** The window's start, epoch millis, inclusive. */
    public long windowStart;

    /** The window's end, epoch millis, exclusive. */
    public long windowEnd;

    /** The key the counts are for (without the spreading sub-key). */
    public abstract String key();

    /** Sets the window the counts belong to. */
    public final void window(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    /** A new partial in this one's window: these counts plus {@code other}'s. */
    public final P plus(P other) {
        return inWindow(combine(other, 1));
    }

    /**
     * A new partial in this one's window: these counts minus {@code other}'s (the delta since an
     * earlier firing).
     */
    public final P minus(P other) {
        return inWindow(combine(other, -1));
    }

    /**
     * A new partial with this one's key (or {@code other}'s if this has none) and, for each count,
     * this count plus {@code sign} times {@code other}'s.
     */
    protected abstract P combine(P other, int sign);

    private P inWindow(P combined) {
        combined.window(windowStart, windowEnd);
        return combined;
    }
}
