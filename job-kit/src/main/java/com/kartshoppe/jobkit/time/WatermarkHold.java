package com.kartshoppe.jobkit.time;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.streaming.api.TimerService;

/**
 * Keyed values held until the watermark passes their event time: a {@code MapState<time, values>}
 * with one event-time timer per distinct time. The owning function calls {@link #hold} for each
 * value and {@link #release} from {@code onTimer}; state is empty once the watermark has passed
 * everything held.
 *
 * <pre>{@code
 * hold = new WatermarkHold<>(getRuntimeContext(), "waiting", type);          // in open()
 * if (!hold.hold(ctx.timestamp(), event, ctx.timerService())) out.collect(event);
 * hold.release(timestamp).forEach(out::collect);                           // in onTimer()
 * }</pre>
 */
public final class WatermarkHold<T> {

    private final MapState<Long, List<T>> waiting;

    /**
     * @param name the state's name
     */
    public WatermarkHold(RuntimeContext context, String name, TypeInformation<T> type) {
        this.waiting =
                context.getMapState(
                        new MapStateDescriptor<>(name, Types.LONG, new ListTypeInfo<>(type)));
    }

    /**
     * Holds {@code value} until the watermark passes {@code time}.
     *
     * @return false, holding nothing, when the watermark already has
     */
    public boolean hold(long time, T value, TimerService timers) throws Exception {
        if (time <= timers.currentWatermark()) {
            return false;
        }
        List<T> same = waiting.get(time);
        if (same == null) {
            same = new ArrayList<>(1);
            timers.registerEventTimeTimer(time);
        }
        same.add(value);
        waiting.put(time, same);
        return true;
    }

    /** The values held for {@code time}, in arrival order, removed from state; empty if none. */
    public List<T> release(long time) throws Exception {
        List<T> due = waiting.get(time);
        if (due == null) {
            return List.of();
        }
        waiting.remove(time);
        return due;
    }
}
