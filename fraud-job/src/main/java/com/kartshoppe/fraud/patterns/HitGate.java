package com.kartshoppe.fraud.patterns;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.FraudRuleSet;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.fraud.rules.RuleSet;
import com.kartshoppe.fraud.rules.RuleSetUpdates;
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
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by shopper: flags each placed order with every {@link PatternHit} from before it that flags
 * it under the rule set in force ({@link RuleSet#flags}), in the task that scores it, and applies
 * that rule set to it ({@link RuleSet#applyTo}).
 *
 * <p>Inputs. Keyed: the shopper's orders ({@code Left}) and the hits of the shopper-keyed patterns
 * ({@code Right}), both from the shopper's own task (forward, no shuffle). Broadcast: the hits of
 * the device-keyed patterns ({@code Right}: few, so every subtask keeps all of them, by device, in
 * broadcast state); rule sets ({@code Left(Right)}), already validated ({@link RuleSetUpdates}),
 * each in force for every order processed after it, kept in broadcast state so that a restore keeps
 * it; and the adapter parameters ({@code Left(Left)}), which are passed on as they come to the
 * scorer chained after the gate: the parameters reach the scorer without a two-input operator of
 * their own, which could not chain.
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
 * mode, orders until the watermark passes them; the rule set in force, when one was published.
 * Metrics: {@code flaggedOrders}, {@code ruleSetVersion} (of the set in force), {@code
 * ruleSetChanges}.
 */
public final class HitGate
        extends KeyedBroadcastProcessFunction<
                String,
                Either<FraudCase, PatternHit>,
                Either<Either<AdapterParams, FraudRuleSet>, PatternHit>,
                Either<FraudCase, AdapterParams>> {

    private static final long serialVersionUID = 1L;

    /** Device hits by device id: the broadcast state. */
    public static final MapStateDescriptor<String, List<PatternHit>> DEVICE_HITS =
            new MapStateDescriptor<>(
                    "device-hits",
                    Types.STRING,
                    new ListTypeInfo<>(TypeInformation.of(PatternHit.class)));

    /** The rule set in force, under {@link #IN_FORCE}, when one was published: broadcast state. */
    public static final MapStateDescriptor<String, FraudRuleSet> RULES =
            new MapStateDescriptor<>(
                    "fraud-rules", Types.STRING, new AvroTypeInfo<>(FraudRuleSet.class));

    private static final String IN_FORCE = "in-force";
    private static final Logger LOG = LoggerFactory.getLogger(HitGate.class);

    private final boolean atWatermark;
    private final RuleSet initial;

    private transient ListState<PatternHit> hits;
    private transient WatermarkHold<FraudCase> waiting;
    private transient Counter flagged;
    private transient Counter ruleSetChanges;
    private transient volatile long ruleSetVersion;

    /** The parsed form of {@link #parsedFrom}, the record in broadcast state. */
    private transient RuleSet parsed;

    private transient FraudRuleSet parsedFrom;

    /**
     * @param atWatermark hold each order until the watermark passes it (for input in event-time
     *     order)
     * @param initial the rule set in force until one is published
     */
    public HitGate(boolean atWatermark, RuleSet initial) {
        this.atWatermark = atWatermark;
        this.initial = initial;
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
        ruleSetChanges = getRuntimeContext().getMetricGroup().counter("ruleSetChanges");
        ruleSetVersion = initial.version();
        getRuntimeContext()
                .getMetricGroup()
                .gauge("ruleSetVersion", (Gauge<Long>) () -> ruleSetVersion);
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
            out.collect(Either.Left(flag(order, ctx)));
        }
    }

    @Override
    public void processBroadcastElement(
            Either<Either<AdapterParams, FraudRuleSet>, PatternHit> in,
            Context ctx,
            Collector<Either<FraudCase, AdapterParams>> out)
            throws Exception {
        if (in.isLeft() && in.left().isLeft()) {
            out.collect(Either.Right(in.left().left()));
            return;
        }
        if (in.isLeft()) {
            FraudRuleSet update = in.left().right();
            BroadcastState<String, FraudRuleSet> rules = ctx.getBroadcastState(RULES);
            if (update.getVersion() > inForce(rules.get(IN_FORCE)).version()) {
                rules.put(IN_FORCE, update);
                RuleSet now = inForce(update);
                ruleSetChanges.inc();
                if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                    LOG.info("Fraud rule set in force: {}", now.summary());
                }
            }
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
            out.collect(Either.Left(flag(order, ctx)));
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

    /**
     * The rule set in force given the record in broadcast state (null: none published): parsed once
     * per record, also after a restore.
     */
    private RuleSet inForce(FraudRuleSet record) {
        if (record == null) {
            return initial;
        }
        if (record != parsedFrom) {
            // Validated before it was broadcast (RuleSetUpdates), against the same initial set.
            parsed = RuleSet.parse(record.getDocument(), initial);
            parsedFrom = record;
            ruleSetVersion = parsed.version();
        }
        return parsed;
    }

    private FraudCase flag(FraudCase order, ReadOnlyContext ctx) throws Exception {
        RuleSet rules = inForce(ctx.getBroadcastState(RULES).get(IN_FORCE));
        long time = order.eventTime();
        boolean any = flagWith(hits.get(), order, time, rules);
        List<PatternHit> device = ctx.getBroadcastState(DEVICE_HITS).get(order.deviceId());
        if (device != null) {
            any |= flagWith(device, order, time, rules);
        }
        if (any) {
            flagged.inc();
        }
        rules.applyTo(order);
        return order;
    }

    private static boolean flagWith(
            Iterable<PatternHit> hits, FraudCase order, long time, RuleSet rules) {
        boolean any = false;
        for (PatternHit hit : hits) {
            if (rules.flags(hit, time)) {
                order.flag(hit.pattern);
                any = true;
            }
        }
        return any;
    }
}
