package com.kartshoppe.jobkit.time;

import java.util.Arrays;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Keyed state naming what expires when: for each event time, the entries (ids, product ids) of the
 * current key that expire then, with an event-time timer at that time. A keyed operator's {@code
 * onTimer} then {@link #take}s exactly the entries it must forget, instead of scanning all its
 * state.
 *
 * <pre>{@code
 * expiring = ExpiryIndex.open(getRuntimeContext(), "expiring");     // in open()
 * expiring.add(expiry, id, ctx.timerService());                      // in processElement()
 * for (String id : expiring.take(timestamp)) { seen.remove(id); }    // in onTimer()
 * }</pre>
 */
public final class ExpiryIndex {

    private final MapState<Long, String[]> byTime;

    private ExpiryIndex(MapState<Long, String[]> byTime) {
        this.byTime = byTime;
    }

    /** The index in the operator's keyed map state {@code name}. */
    public static ExpiryIndex open(RuntimeContext runtime, String name) {
        return new ExpiryIndex(
                runtime.getMapState(
                        new MapStateDescriptor<>(
                                name, Types.LONG, BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO)));
    }

    /** Records that {@code entry} expires at {@code time} (once) and sets the timer for it. */
    public void add(long time, String entry, TimerService timers) throws Exception {
        String[] entries = byTime.get(time);
        if (entries == null) {
            byTime.put(time, new String[] {entry});
            timers.registerEventTimeTimer(time);
        } else if (!Arrays.asList(entries).contains(entry)) {
            String[] grown = Arrays.copyOf(entries, entries.length + 1);
            grown[entries.length] = entry;
            byTime.put(time, grown);
        }
    }

    /** The entries that expire at {@code time}, removed from the index; empty if none. */
    public String[] take(long time) throws Exception {
        String[] entries = byTime.get(time);
        if (entries == null) {
            return new String[0];
        }
        byTime.remove(time);
        return entries;
    }

    /** Whether nothing is left to expire for the current key. */
    public boolean isEmpty() throws Exception {
        return byTime.isEmpty();
    }
}
