package com.kartshoppe.features.quality;

import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.jobkit.time.ExpiryIndex;
import java.time.Duration;
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
 * <p>State: the ids of the shopper's events within the horizon, and an index of them by the minute
 * they may be forgotten, so that each event-time timer (one per minute of event time at most)
 * touches only the ids it expires. A copy arriving after its original's horizon has passed the
 * watermark is not recognised. Metrics: {@code duplicates}.
 */
public class Deduplicator extends KeyedProcessFunction<String, ShopEvent, ShopEvent> {

    private static final long serialVersionUID = 1L;
    private static final long MINUTE = 60_000L;

    private final long horizonMillis;

    private transient MapState<String, Boolean> seen;
    private transient ExpiryIndex expiring;
    private transient Counter duplicates;

    public Deduplicator(Duration horizon) {
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("dedup horizon must be positive, got " + horizon);
        }
        this.horizonMillis = horizon.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        seen =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>("seen", Types.STRING, Types.BOOLEAN));
        expiring = ExpiryIndex.open(getRuntimeContext(), "expiring");
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
    }

    @Override
    public void processElement(ShopEvent event, Context ctx, Collector<ShopEvent> out)
            throws Exception {
        String id = event.eventId();
        if (seen.contains(id)) {
            duplicates.inc();
            return;
        }
        seen.put(id, true);
        expiring.add(expiry(event.eventTime()), id, ctx.timerService());
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ShopEvent> out)
            throws Exception {
        for (String id : expiring.take(timestamp)) {
            seen.remove(id);
        }
        if (expiring.isEmpty()) {
            seen.clear();
        }
    }

    /** When an id seen at {@code t} may be forgotten: the horizon after it, to the next minute. */
    private long expiry(long t) {
        return Math.floorDiv(t + horizonMillis + MINUTE - 1, MINUTE) * MINUTE;
    }
}
