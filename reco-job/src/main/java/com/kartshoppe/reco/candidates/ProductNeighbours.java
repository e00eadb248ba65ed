package com.kartshoppe.reco.candidates;

import java.util.Arrays;

/**
 * A product's co-view neighbours as a {@link CandidateAssembler} keeps them: the {@link Neighbours}
 * learned from the co-views the watermark has passed, and the co-views received ahead of it, in
 * event-time order. A request reads the neighbours as of its own time ({@link #asOf}): the learned
 * ones plus the pending co-views up to that time, so a request sees exactly the co-views from
 * before it (and of its time) whatever order the inputs arrive in. A Flink POJO.
 */
public class ProductNeighbours {

    public Neighbours learned = new Neighbours();

    /** Co-views not learned yet, by event time (arrival order within a time). */
    public CoView[] pending = {};

    /** For Flink's POJO serializer. */
    public ProductNeighbours() {}

    /**
     * Learns the pending co-views up to {@code upTo} (the watermark; {@code Long.MAX_VALUE} to
     * learn everything on arrival), then {@code v}: at once if it is not after {@code upTo}, else
     * as pending. Keeps at most {@code 2 * n} learned neighbours.
     */
    public void add(CoView v, long upTo, int n, long halfLife) {
        int due = 0;
        while (due < pending.length && pending[due].eventTime <= upTo) {
            learned.add(pending[due++], n, halfLife);
        }
        if (due > 0) {
            pending = Arrays.copyOfRange(pending, due, pending.length);
        }
        if (v.eventTime <= upTo) {
            learned.add(v, n, halfLife);
            return;
        }
        int at = pending.length;
        while (at > 0 && pending[at - 1].eventTime > v.eventTime) {
            at--;
        }
        CoView[] more = new CoView[pending.length + 1];
        System.arraycopy(pending, 0, more, 0, at);
        more[at] = v;
        System.arraycopy(pending, at, more, at + 1, pending.length - at);
        pending = more;
    }

    /**
     * The {@code n} strongest neighbours at {@code time}, strongest first, weights decayed to it:
     * the learned ones and the pending co-views up to {@code time}; null when there are none.
     * Leaves this object as it was.
     */
    public Neighbours asOf(long time, int n, long halfLife) {
        Neighbours now = learned;
        if (pending.length > 0 && pending[0].eventTime <= time) {
            now = learned.copy();
            for (int i = 0; i < pending.length && pending[i].eventTime <= time; i++) {
                now.add(pending[i], n, halfLife);
            }
        }
        return now.ids.length == 0 ? null : now.strongest(n, time, halfLife);
    }

    /** Event time of the latest co-view, learned or pending. */
    public long latest() {
        return pending.length == 0
                ? learned.asOf
                : Math.max(learned.asOf, pending[pending.length - 1].eventTime);
    }
}
