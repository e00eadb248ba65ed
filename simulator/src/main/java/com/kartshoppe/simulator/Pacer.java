package com.kartshoppe.simulator;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds each record back until the wall clock allows it: at most {@code rate} records per second,
 * and simulated send times advancing at most {@code speedup} times faster than the wall clock. A
 * live run also never sends a record before its wall clock ({@link SimulatorConfig#liveClock()})
 * reaches its send time, so a run started in the past catches up at {@code speedup} and then goes
 * on in real time. With none of them set it never waits. Pacing goes by the time a record is sent,
 * never by the event time it claims (a fault may claim any time at all), and {@link
 * Simulation#stop()} ends any wait at once.
 */
final class Pacer {

    private final double rate;
    private final double speedup;
    private final Clock liveClock;
    private final long simStartMillis;
    private final CountDownLatch stopped;
    private long wallStartNanos = -1;
    private long sent;

    Pacer(SimulatorConfig config, CountDownLatch stopped) {
        this.rate = config.rate();
        this.speedup = config.speedup();
        this.liveClock = config.liveClock();
        this.simStartMillis = config.start().toEpochMilli();
        this.stopped = stopped;
    }

    /**
     * Waits until a record sent at simulated time {@code sendAtMillis} may go.
     *
     * @return false if the simulation was stopped (or the thread interrupted) meanwhile
     */
    boolean await(long sendAtMillis) {
        if (rate == 0 && speedup == 0 && liveClock == null) {
            return stopped.getCount() > 0;
        }
        long now = System.nanoTime();
        if (wallStartNanos < 0) {
            wallStartNanos = now;
        }
        long target = wallStartNanos;
        if (speedup > 0) {
            long simElapsedNanos = (long) ((sendAtMillis - simStartMillis) * 1e6 / speedup);
            target = Math.max(target, wallStartNanos + simElapsedNanos);
        }
        if (liveClock != null) {
            long aheadOfWallClockNanos = (sendAtMillis - liveClock.millis()) * 1_000_000;
            target = Math.max(target, now + aheadOfWallClockNanos);
        }
        if (rate > 0) {
            target = Math.max(target, wallStartNanos + (long) (sent * 1e9 / rate));
        }
        sent++;
        try {
            return !stopped.await(Math.max(0, target - now), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
