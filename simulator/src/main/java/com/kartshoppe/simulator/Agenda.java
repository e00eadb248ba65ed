package com.kartshoppe.simulator;

import java.util.PriorityQueue;

/**
 * The discrete-event queue: actions ordered by event time, ties broken by insertion order so that a
 * run is fully deterministic.
 */
final class Agenda {

    private record Entry(long timeMillis, long sequence, Runnable action)
            implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int byTime = Long.compare(timeMillis, o.timeMillis);
            return byTime != 0 ? byTime : Long.compare(sequence, o.sequence);
        }
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long sequence;

    void at(long timeMillis, Runnable action) {
        queue.add(new Entry(timeMillis, sequence++, action));
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Event time of the next action; only valid when not empty. */
    long nextTime() {
        return queue.peek().timeMillis();
    }

    /** Removes and runs the next action. */
    void runNext() {
        queue.poll().action().run();
    }
}
