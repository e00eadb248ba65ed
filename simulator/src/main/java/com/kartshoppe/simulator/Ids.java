package com.kartshoppe.simulator;

/**
 * Identifiers unique to a run: a prefix derived from the seed and start time, then a counter.
 * Traffic and injected faults count separately, so turning faults on or off leaves every real
 * event's id unchanged.
 */
final class Ids {

    private final String run;
    private long traffic;
    private long faults;

    Ids(long seed, long startMillis) {
        long mixed = (seed * 0x9E3779B97F4A7C15L) ^ startMillis;
        this.run = Long.toString((mixed >>> 1) % 2_176_782_336L, 36); // at most 6 base-36 digits
    }

    String next(String kind) {
        return kind + "-" + run + "-" + (++traffic);
    }

    String nextFault() {
        return "ev-" + run + "-x" + (++faults);
    }
}
