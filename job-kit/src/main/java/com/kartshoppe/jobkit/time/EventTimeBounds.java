package com.kartshoppe.jobkit.time;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The range of plausible event times: not before {@code event-time.min}, not more than {@code
 * event-time.max-future} ahead of the wall clock. Watermark generators skip implausible times and
 * ingestion validation rejects them, with the same rule, so one bad clock cannot push a watermark
 * ahead and make every real event late. The wall clock is injected ({@link Clock#systemUTC()} in
 * the jobs), so tests judge fixed event times against a clock they control.
 */
public final class EventTimeBounds implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Reason code of an event time too far in the future. */
    public static final String FUTURE = "validation.future-event-time";

    /** Reason code of an event time before the floor. */
    public static final String BEFORE_FLOOR = "validation.event-time-before-floor";

    private final long minMillis;
    private final long maxFutureMillis;
    private final Clock clock;

    /**
     * @param clock the wall clock that {@code maxFuture} is measured from; it must be serializable
     *     (the system clock and {@link Clock#fixed} are)
     */
    public EventTimeBounds(Instant min, Duration maxFuture, Clock clock) {
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException(
                    EventTimeOptions.MAX_FUTURE.key() + ": must not be negative, got " + maxFuture);
        }
        this.minMillis = min.toEpochMilli();
        this.maxFutureMillis = maxFuture.toMillis();
        this.clock = clock;
    }

    /**
     * The configured bounds, judged against {@code clock}.
     *
     * @throws IllegalArgumentException naming the key whose value is invalid
     */
    public static EventTimeBounds from(ReadableConfig conf, Clock clock) {
        String min = conf.get(EventTimeOptions.MIN);
        try {
            return new EventTimeBounds(
                    Instant.parse(min), conf.get(EventTimeOptions.MAX_FUTURE), clock);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    EventTimeOptions.MIN.key() + ": '" + min + "' is not an ISO-8601 instant", e);
        }
    }

    /** The reason code why {@code eventTime} is implausible now, or null if it is fine. */
    public String violation(long eventTime) {
        if (eventTime < minMillis) {
            return BEFORE_FLOOR;
        }
        if (eventTime > clock.millis() + maxFutureMillis) {
            return FUTURE;
        }
        return null;
    }

    public boolean isPlausible(long eventTime) {
        return violation(eventTime) == null;
    }
}
