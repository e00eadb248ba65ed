package com.kartshoppe.fraud.patterns;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.jobkit.time.WatermarkHold;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Keyed by shopper: flags each placed order with every {@link PatternHit} from before it that still
 * flags it ({@link PatternHit#flags}), in the task that scores it.
 *
 * <p>Inputs. Keyed: the shopper's orders ({@code Left}) and the hits of the shopper-keyed patterns
 * ({@code Right}), both from the shopper's own task (forward, no shuffle). Broadcast: the hits of
 * the device-keyed patterns ({@code Right}: few, so every subtask keeps all of them, by device, in
 * broadcast state) and the adapter parameters ({@code Left}), which are passed on as they come to
 * the scorer chained after the gate: the parameters reach the scorer without a two-input operator
 * of their own, which could not chain.
 *
 * <p>Timing. Live, an order passes at once with the hits received so far: a pattern completed less
 * than the watermark's lag before the order may not have arrived yet (its CEP operator completes it
 * when the watermark passes). When the input is in event-time order (replays), an order waits until
 * the watermark of both inputs passes it, so every hit from before it has arrived and a replay
 * gives the same flags every time; replayed orders are released at the watermark anyway, so this
 * adds no delay there.
 *
 * <p>State: a shopper's hits until they stop flagging (one event-time timer each); device hits
 * until the watermark passes their end (dropped when the next device hit arrives); in event-time
 * mode, orders until the watermark passes them. Metrics: {@code flaggedOrders}.
 */
public final class HitGate
        extends KeyedBroadcastProcessFunction<
                String,
                Either<FraudCase, PatternHit>,
                Either<AdapterParams, PatternHit>,
                Either<FraudCase, AdapterParams>> {

    private static final long serialVersionUID = 1L;

    /** Device hits by device id: the broadcast state. */
    public static final MapStateDescriptor<String, List<PatternHit>> DEVICE_HITS =
            new MapStateDescriptor<>(
                    "device-hits",
                    Types.STRING,
                    new ListTypeInfo<>(TypeInformation.of(PatternHit.class)));

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
    public void processElement(
            Either<FraudCase, PatternHit> in,
            ReadOnlyContext ctx,
            Collector<Either<FraudCase, AdapterParams>> out)
            throws Exception {
        if (in.isRight()) {
            PatternHit hit = in.right();
            hits.add(hit);
            ctx.timerService().registerEventTimeTimer(hit.flaggedUntil);
            return;
        }
        FraudCase order = in.left();
        if (!atWatermark || !waiting.hold(order.eventTime(), order, ctx.timerService())) {
            out.collect(Either.Left(flag(order, ctx.getBroadcastState(DEVICE_HITS))));
        }
    }

    @Override
    public void processBroadcastElement(
            Either<AdapterParams, PatternHit> in,
            Context ctx,
            Collector<Either<FraudCase, AdapterParams>> out)
            throws Exception {
        if (in.isLeft()) {
            out.collect(Either.Right(in.left()));
            return;
        }
        PatternHit hit = in.right();
        BroadcastState<String, List<PatternHit>> devices = ctx.getBroadcastState(DEVICE_HITS);
        long watermark = ctx.currentWatermark();
        Iterator<Map.Entry<String, List<PatternHit>>> entries = devices.iterator();
        while (entries.hasNext()) {
            Map.Entry<String, List<PatternHit>> entry = entries.next();
            List<PatternHit> live = flagging(entry.getValue(), watermark);
            if (live.isEmpty()) {
                entries.remove();
            } else if (live.size() < entry.getValue().size()) {
                entry.setValue(live);
            }
        }
        List<PatternHit> known = devices.get(hit.key);
        List<PatternHit> updated = known == null ? new ArrayList<>(1) : new ArrayList<>(known);
        updated.add(hit);
        devices.put(hit.key, updated);
    }

    @Override
    public void onTimer(
            long timestamp, OnTimerContext ctx, Collector<Either<FraudCase, AdapterParams>> out)
            throws Exception {
        for (FraudCase order : waiting.release(timestamp)) {
            out.collect(Either.Left(flag(order, ctx.getBroadcastState(DEVICE_HITS))));
        }
        List<PatternHit> all = new ArrayList<>();
        hits.get().forEach(all::add);
        List<PatternHit> live = flagging(all, timestamp);
        if (live.size() < all.size()) {
            hits.update(live);
        }
    }

    /** The hits that still flag orders after {@code time}. */
    private static List<PatternHit> flagging(List<PatternHit> hits, long time) {
        List<PatternHit> live = new ArrayList<>(hits.size());
        for (PatternHit hit : hits) {
            if (hit.flaggedUntil > time) {
                live.add(hit);
            }
        }
        return live;
    }

    private FraudCase flag(
            FraudCase order, ReadOnlyBroadcastState<String, List<PatternHit>> devices)
            throws Exception {
        long time = order.eventTime();
        boolean any = flagWith(hits.get(), order, time);
        List<PatternHit> device = devices.get(order.deviceId());
        if (device != null) {
            any |= flagWith(device, order, time);
        }
        if (any) {
            flagged.inc();
        }
        return order;
    }

    private static boolean flagWith(Iterable<PatternHit> hits, FraudCase order, long time) {
        boolean any = false;
        for (PatternHit hit : hits) {
            if (hit.flags(time)) {
                order.flag(hit.pattern);
                any = true;
            }
        }
        return any;
    }
}
