package com.kartshoppe.features.window;

import java.util.Arrays;

/**
 * A bounded memory of distinct values (cards, devices, products) with when each was first and last
 * seen, for distinct counts over a sliding window and "first seen" questions.
 *
 * <p>Exact semantics. {@link #distinct(long, long)} as of {@code t} over a window {@code w} counts
 * the values added so far whose last sighting is after {@code t - w} (an out-of-order event also
 * sees values sighted after it). Memory is bounded twice: a value not sighted for longer than the
 * retention (measured from the newest sighting of any value) is forgotten, and beyond {@code
 * capacity} values the least recently sighted one is forgotten, so counts saturate at the capacity.
 *
 * <p>A Flink POJO: public fields and a no-argument constructor, so it can live in keyed state.
 */
public class RecentDistinct {

    public static final long UNKNOWN = Long.MIN_VALUE;

    public int capacity;
    public long retentionMillis;
    public int size;
    public long newestMillis = UNKNOWN;
    public String[] values;
    public long[] firstSeen;
    public long[] lastSeen;

    /** For Flink's POJO serializer. */
    public RecentDistinct() {}

    public static RecentDistinct of(int capacity, long retentionMillis) {
        RecentDistinct d = new RecentDistinct();
        d.capacity = capacity;
        d.retentionMillis = retentionMillis;
        d.values = new String[0];
        d.firstSeen = new long[0];
        d.lastSeen = new long[0];
        return d;
    }

    /** Records a sighting of {@code value} at {@code t}. */
    public void add(String value, long t) {
        newestMillis = Math.max(newestMillis, t);
        int i = indexOf(value);
        if (i >= 0) {
            firstSeen[i] = Math.min(firstSeen[i], t);
            lastSeen[i] = Math.max(lastSeen[i], t);
        } else {
            if (size == capacity) {
                removeAt(leastRecent());
            }
            ensureRoom();
            values[size] = value;
            firstSeen[size] = t;
            lastSeen[size] = t;
            size++;
        }
        forgetOlderThan(newestMillis - retentionMillis);
    }

    /** Distinct values last sighted after {@code t - windowMillis}. */
    public int distinct(long t, long windowMillis) {
        long from = t - windowMillis;
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (lastSeen[i] > from) {
                n++;
            }
        }
        return n;
    }

    /** When {@code value} was first sighted, or {@link #UNKNOWN}. */
    public long firstSeen(String value) {
        int i = indexOf(value);
        return i < 0 ? UNKNOWN : firstSeen[i];
    }

    public boolean isEmpty() {
        return size == 0;
    }

    private int indexOf(String value) {
        for (int i = 0; i < size; i++) {
            if (values[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    private int leastRecent() {
        int oldest = 0;
        for (int i = 1; i < size; i++) {
            if (lastSeen[i] < lastSeen[oldest]) {
                oldest = i;
            }
        }
        return oldest;
    }

    private void forgetOlderThan(long cutoff) {
        for (int i = size - 1; i >= 0; i--) {
            if (lastSeen[i] <= cutoff) {
                removeAt(i);
            }
        }
    }

    private void removeAt(int i) {
        int last = size - 1;
        values[i] = values[last];
        firstSeen[i] = firstSeen[last];
        lastSeen[i] = lastSeen[last];
        values[last] = null;
        size--;
    }

    private void ensureRoom() {
        if (size == values.length) {
            int grown = Math.min(capacity, Math.max(4, values.length * 2));
            values = Arrays.copyOf(values, grown);
            firstSeen = Arrays.copyOf(firstSeen, grown);
            lastSeen = Arrays.copyOf(lastSeen, grown);
        }
    }
}
