package com.kartshoppe.features.analytics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Windowed counts per key that a hot key cannot stall: the first stage counts each key in {@code
 * spread} sub-keys (the key plus a hash of, say, the shopper), so one busy key is spread over
 * several subtasks; the second stage adds the sub-keys' partials per key and window. Works with any
 * non-merging event-time windows (tumbling, sliding).
 *
 * <p>Lateness: both stages accept events {@code lateness} behind the watermark. A late event
 * re-fires its first-stage window, which passes on only the delta since its previous firing; the
 * second stage then fires again with the updated total, so the newest result per key and window is
 * always exact. Later events go to the {@code late} side output of the first stage.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<CampaignStats> stats = TwoStageAggregation.aggregate(
 *         sessions, s -> s.campaignId, s -> s.userId, 8,
 *         TumblingEventTimeWindows.of(Duration.ofHours(1)), Duration.ofMinutes(1),
 *         new Count(), TypeInformation.of(CampaignStats.class), LATE, "campaign");
 * }</pre>
 */
public final class TwoStageAggregation {

    private TwoStageAggregation() {}

    /**
     * @param uid prefix of the operator uids: {@code <uid>-partials} and {@code <uid>-totals}
     */
    public static <IN, P extends Partial<P>> SingleOutputStreamOperator<P> aggregate(
            DataStream<IN> in,
            KeySelector<IN, String> key,
            KeySelector<IN, String> spreadBy,
            int spread,
            WindowAssigner<Object, TimeWindow> windows,
            Duration lateness,
            PartialCount<IN, P> add,
            TypeInformation<P> type,
            OutputTag<IN> late,
            String uid) {
        return partials(in, key, spreadBy, spread, windows, lateness, add, type, late, uid)
                .keyBy(Partial::key, Types.STRING)
                .window(new OwnWindow<P>())
                .allowedLateness(lateness)
                .reduce(P::plus)
                .uid(uid + "-totals")
                .name(uid + ": totals");
    }

    /** The first stage alone: deltas per sub-key and window, stamped with their window. */
    public static <IN, P extends Partial<P>> SingleOutputStreamOperator<P> partials(
            DataStream<IN> in,
            KeySelector<IN, String> key,
            KeySelector<IN, String> spreadBy,
            int spread,
            WindowAssigner<Object, TimeWindow> windows,
            Duration lateness,
            PartialCount<IN, P> add,
            TypeInformation<P> type,
            OutputTag<IN> late,
            String uid) {
        if (spread < 1) {
            throw new IllegalArgumentException(uid + ": spread must be at least 1, got " + spread);
        }
        return in.keyBy(
                        e ->
                                key.getKey(e)
                                        + "#"
                                        + Math.floorMod(spreadBy.getKey(e).hashCode(), spread),
                        Types.STRING)
                .window(windows)
                .allowedLateness(lateness)
                .sideOutputLateData(late)
                .aggregate(add, new EmitDelta<>(type), type, type, type)
                .uid(uid + "-partials")
                .name(uid + ": partial counts");
    }

    /** Emits what changed since this window's previous firing, stamped with the window. */
    static final class EmitDelta<P extends Partial<P>>
            extends ProcessWindowFunction<P, P, String, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final ValueStateDescriptor<P> emitted;

        EmitDelta(TypeInformation<P> type) {
            this.emitted = new ValueStateDescriptor<>("emitted", type);
        }

        @Override
        public void process(String subKey, Context ctx, Iterable<P> counts, Collector<P> out)
                throws Exception {
            P current = counts.iterator().next();
            current.window(ctx.window().getStart(), ctx.window().getEnd());
            ValueState<P> previous = ctx.windowState().getState(emitted);
            P delta = previous.value() == null ? current : current.minus(previous.value());
            previous.update(current);
            out.collect(delta);
        }

        @Override
        public void clear(Context ctx) {
            ctx.windowState().getState(emitted).clear();
        }
    }

    /** Puts each partial in exactly the window it was counted in. */
    static final class OwnWindow<P extends Partial<P>> extends WindowAssigner<Object, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings("unchecked")
        public Collection<TimeWindow> assignWindows(
                Object element, long timestamp, WindowAssignerContext context) {
            P partial = (P) element;
            return List.of(new TimeWindow(partial.windowStart, partial.windowEnd));
        }

        @Override
        public Trigger<Object, TimeWindow> getDefaultTrigger() {
            return EventTimeTrigger.create();
        }

        @Override
        public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig config) {
            return new TimeWindow.Serializer();
        }

        @Override
        public boolean isEventTime() {
            return true;
        }
    }
}
