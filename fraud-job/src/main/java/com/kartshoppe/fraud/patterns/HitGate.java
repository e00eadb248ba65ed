package com.kartshoppe.fraud.patterns;

import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.jobkit.time.WatermarkHold;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by a user or a device: keeps the key's {@link PatternHit}s (input 2) while they flag
 * orders, and flags each order (input 1) with every hit from before it that still flags it ({@link
 * PatternHit#flags}).
 *
 * <p>Timing. Live, an order passes at once with the hits received so far: a pattern completed less
 * than the watermark's lag before the order may not have arrived yet (its CEP operator completes it
 * when the watermark passes). When the input is in event-time order (replays), an order waits until
 * the watermark of both inputs passes it, so every hit from before it has arrived and a replay
 * gives the same flags every time; replayed orders are released at the watermark anyway, so this
 * adds no delay there.
 *
 * <p>State: hits until they stop flagging (one event-time timer each), and in event-time mode
 * orders until the watermark passes them. Metrics: {@code flaggedOrders}.
 */
public final class HitGate
        extends KeyedCoProcessFunction<String, FraudCase, PatternHit, FraudCase> {

    private static final long serialVersionUID = 1L;

    private final boolean atWatermark;

    private transient ListState<PatternHit> hits;
    private transient WatermarkHold<FraudCase> waiting;
    private transient Counter flagged;

    /**
     * @param atWatermark hold each order until the watermark passes it (for input in event-time
     *     order)
     */
    public HitGate(boolean atWatermark) {
        this.atWatermark = atWatermark;
    }

    @Override
    public void open(OpenContext openContext) {
        hits =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "hits", TypeInformation.of(PatternHit.class)));
        waiting =
                new WatermarkHold<>(
                        getRuntimeContext(), "waiting", TypeInformation.of(FraudCase.class));
        flagged = getRuntimeContext().getMetricGroup().counter("flaggedOrders");
    }

    @Override
    public void processElement1(FraudCase order, Context ctx, Collector<FraudCase> out)
            throws Exception {
        if (!atWatermark || !waiting.hold(order.eventTime(), order, ctx.timerService())) {
            out.collect(flag(order));
        }
    }

    @Override
    public void processElement2(PatternHit hit, Context ctx, Collector<FraudCase> out)
            throws Exception {
        hits.add(hit);
        ctx.timerService().registerEventTimeTimer(hit.flaggedUntil);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FraudCase> out)
            throws Exception {
        for (FraudCase order : waiting.release(timestamp)) {
            out.collect(flag(order));
        }
        List<PatternHit> live = new ArrayList<>();
        for (PatternHit hit : hits.get()) {
            if (hit.flaggedUntil > timestamp) {
                live.add(hit);
            }
        }
        hits.update(live);
    }

    private FraudCase flag(FraudCase order) throws Exception {
        long time = order.eventTime();
        boolean any = false;
        for (PatternHit hit : hits.get()) {
            if (hit.flags(time)) {
                order.flag(hit.pattern);
                any = true;
            }
        }
        if (any) {
            flagged.inc();
        }
        return order;
    }
}
