package com.kartshoppe.features.quality;

import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops redelivered copies of an event, exactly: keyed by shopper, it remembers each event id for
 * the horizon (in event time) after the event, and an id seen before within that horizon never
 * passes again. Distinct ids always pass, so nothing is dropped as a false duplicate.
 *
 * <p>State: one map from the ids of the shopper's events within the horizon to the minute they may
 * be forgotten, so an event costs one lookup and one write. One event-time timer per shopper and
 * minute of expiry (registered once: {@link RegisteredTimers}) sweeps the shopper's ids and forgets
 * those that are due; a sweep reads at most the horizon's worth of ids (plus a minute), so the work
 * per event stays constant however busy the shopper is. A copy arriving after its original's
 * horizon has passed the watermark is not recognised. Metrics: {@code duplicates}.
 */
public class Deduplicator extends KeyedProcessFunction<String, ShopEvent, ShopEvent> {

    private static final long serialVersionUID = 1L;
    private static final long MINUTE = 60_000L;
    private static final int MAX_REMEMBERED_TIMERS = 200_000;

    private final long horizonMillis;

    private transient MapState<String, Long> seenUntil;
    private transient Counter duplicates;
    private transient RegisteredTimers timers;

    public Deduplicator(Duration horizon) {
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("dedup horizon must be positive, got " + horizon);
        }
        this.horizonMillis = horizon.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        seenUntil =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>("seen-until", Types.STRING, Types.LONG));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
        timers = new RegisteredTimers(MAX_REMEMBERED_TIMERS);
    }

    @Override
    public void processElement(ShopEvent event, Context ctx, Collector<ShopEvent> out)
            throws Exception {
        String id = event.eventId();
        if (seenUntil.contains(id)) {
            duplicates.inc();
            return;
        }
        long expiry = expiry(event.eventTime());
        seenUntil.put(id, expiry);
        if (timers.add(ctx.getCurrentKey(), expiry)) {
            ctx.timerService().registerEventTimeTimer(expiry);
        }
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ShopEvent> out)
            throws Exception {
        timers.fired(ctx.getCurrentKey(), timestamp);
        boolean kept = false;
        Iterator<Map.Entry<String, Long>> ids = seenUntil.iterator();
        while (ids.hasNext()) {
            if (ids.next().getValue() <= timestamp) {
                ids.remove();
            } else {
                kept = true;
            }
        }
        if (!kept) {
            // Drops the emptied map itself (the heap backend keeps an empty map per key).
            seenUntil.clear();
        }
    }

    /** When an id seen at {@code t} may be forgotten: the horizon after it, to the next minute. */
    private long expiry(long t) {
        return Math.floorDiv(t + horizonMillis + MINUTE - 1, MINUTE) * MINUTE;
    }
}
