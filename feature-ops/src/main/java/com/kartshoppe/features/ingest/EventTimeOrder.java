package com.kartshoppe.features.ingest;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Releases each key's events in event-time order: an event waits in state until the watermark
 * passes its timestamp, then leaves with the others of its millisecond in arrival order. An event
 * already behind the watermark leaves at once (counted in {@code releasedBehindWatermark}), so
 * nothing is dropped. State holds only events ahead of the watermark and is empty once it passes
 * them.
 *
 * <p>Used for replays, where sources read at their own pace; it adds the watermark's delay, so a
 * live job does not use it.
 */
public final class EventTimeOrder<K, T> extends KeyedProcessFunction<K, T, T> {

    private static final long serialVersionUID = 1L;

    private final TypeInformation<T> type;
    private transient MapState<Long, List<T>> waiting;
    private transient Counter behindWatermark;

    public EventTimeOrder(TypeInformation<T> type) {
        this.type = type;
    }

    @Override
    public void open(OpenContext context) {
        waiting =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "waiting", Types.LONG, new ListTypeInfo<>(type)));
        behindWatermark = getRuntimeContext().getMetricGroup().counter("releasedBehindWatermark");
    }

    @Override
    public void processElement(T event, Context ctx, Collector<T> out) throws Exception {
        long time = ctx.timestamp();
        if (time <= ctx.timerService().currentWatermark()) {
            behindWatermark.inc();
            out.collect(event);
            return;
        }
        List<T> same = waiting.get(time);
        if (same == null) {
            same = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(time);
        }
        same.add(event);
        waiting.put(time, same);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<T> out) throws Exception {
        List<T> due = waiting.get(time);
        if (due != null) {
            due.forEach(out::collect);
            waiting.remove(time);
        }
    }
}
