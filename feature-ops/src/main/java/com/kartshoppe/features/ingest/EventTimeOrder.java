package com.kartshoppe.features.ingest;

import com.kartshoppe.jobkit.time.WatermarkHold;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
    private transient WatermarkHold<T> waiting;
    private transient Counter behindWatermark;

    public EventTimeOrder(TypeInformation<T> type) {
        this.type = type;
    }

    @Override
    public void open(OpenContext context) {
        waiting = new WatermarkHold<>(getRuntimeContext(), "waiting", type);
        behindWatermark = getRuntimeContext().getMetricGroup().counter("releasedBehindWatermark");
    }

    @Override
    public void processElement(T event, Context ctx, Collector<T> out) throws Exception {
        if (!waiting.hold(ctx.timestamp(), event, ctx.timerService())) {
            behindWatermark.inc();
            out.collect(event);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<T> out) throws Exception {
        waiting.release(time).forEach(out::collect);
    }
}
