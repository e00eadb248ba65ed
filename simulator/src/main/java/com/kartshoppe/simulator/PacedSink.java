package com.kartshoppe.simulator;

import com.kartshoppe.events.EventType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Holds each write back until the wall clock allows it: at most {@code rate} records per second,
 * and event time advancing at most {@code speedup} times faster than the wall clock. With neither
 * set it writes as fast as it can.
 */
final class PacedSink implements EventSink {

    private final EventSink delegate;
    private final double rate;
    private final double speedup;
    private final long simStartMillis;
    private long wallStartNanos = -1;
    private long written;

    PacedSink(EventSink delegate, SimulatorConfig config) {
        this.delegate = delegate;
        this.rate = config.rate();
        this.speedup = config.speedup();
        this.simStartMillis = config.start().toEpochMilli();
    }

    @Override
    public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
            throws IOException {
        pace(type.eventTime(record).toEpochMilli());
        delegate.write(type, record);
    }

    @Override
    public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
            throws IOException {
        pace(time.toEpochMilli());
        delegate.writeGarbage(type, key, payload, time);
    }

    private void pace(long eventTimeMillis) throws IOException {
        if (rate == 0 && speedup == 0) {
            return;
        }
        long now = System.nanoTime();
        if (wallStartNanos < 0) {
            wallStartNanos = now;
        }
        long target = wallStartNanos;
        if (speedup > 0) {
            target =
                    Math.max(
                            target,
                            wallStartNanos
                                    + (long) ((eventTimeMillis - simStartMillis) * 1e6 / speedup));
        }
        if (rate > 0) {
            target = Math.max(target, wallStartNanos + (long) (written * 1e9 / rate));
        }
        written++;
        long wait = target - now;
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing");
            }
        }
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
