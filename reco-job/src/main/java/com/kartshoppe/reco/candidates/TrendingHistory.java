package com.kartshoppe.reco.candidates;

import java.util.Arrays;

/**
 * The recent {@link Trending} lists of one category, oldest first, so a request sees the list of
 * the newest window that ended before it: never one that counts views from after the request, which
 * a replay (reading faster than the request path) could otherwise deliver first, and still the
 * right one for a request up to {@code slack} behind the watermark. Older lists are dropped, and at
 * most {@value #MAX_KEPT} are kept. A Flink POJO.
 */
public class TrendingHistory {

    static final int MAX_KEPT = 48;

    public Trending[] lists = {};

    /** For Flink's POJO serializer. */
    public TrendingHistory() {}

    /**
     * A copy with {@code t} added (replacing a list of the same window), without the lists that no
     * request less than {@code slack} behind {@code watermark} would select.
     */
    public TrendingHistory with(Trending t, long watermark, long slack) {
        Trending[] all =
                Arrays.stream(lists)
                        .filter(l -> l.windowEnd != t.windowEnd)
                        .toArray(Trending[]::new);
        all = Arrays.copyOf(all, all.length + 1);
        all[all.length - 1] = t;
        Arrays.sort(all, (a, b) -> Long.compare(a.windowEnd, b.windowEnd));
        int from = Math.max(0, all.length - MAX_KEPT);
        // Before the first watermark (Long.MIN_VALUE) nothing is old yet.
        long oldest = watermark < Long.MIN_VALUE + slack ? Long.MIN_VALUE : watermark - slack;
        for (int i = all.length - 1; i > from; i--) {
            if (all[i].windowEnd <= oldest) {
                from = i;
                break;
            }
        }
        TrendingHistory h = new TrendingHistory();
        h.lists = Arrays.copyOfRange(all, from, all.length);
        return h;
    }

    /** The newest list whose window ended at or before {@code time}, or null. */
    public Trending asOf(long time) {
        for (int i = lists.length - 1; i >= 0; i--) {
            if (lists[i].windowEnd <= time) {
                return lists[i];
            }
        }
        return null;
    }
}
