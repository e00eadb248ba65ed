package com.kartshoppe.features.session;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.jobkit.time.Late;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Windowed session features: event-time session windows per shopper over clicks and placed orders
 * (gap {@code features.session-gap}), firing on the watermark, with allowed lateness ({@code
 * features.allowed-lateness}: a late event re-fires the window with a higher {@link
 * SessionSummary#revision}) and later events in the {@link #LATE} side output (count them with
 * {@link Late#counted}).
 *
 * <pre>{@code
 * SingleOutputStreamOperator<SessionSummary> sessions = Sessions.summarize(byShopper, conf);
 * DataStream<ShopEvent> tooLate = sessions.getSideOutput(Sessions.LATE);
 * DataStream<FeatureSnapshot> snapshots = Sessions.snapshots(sessions);
 * }</pre>
 */
public final class Sessions {

    /** Clicks and orders that arrived after their session window and its allowed lateness. */
    public static final OutputTag<ShopEvent> LATE =
            new OutputTag<>("late-session-events", ShopEvents.TYPE);

    private Sessions() {}

    /**
     * Session summaries of the shoppers in {@code byShopper}; operator uid {@code sessions}.
     *
     * @throws IllegalArgumentException if the allowed lateness is not shorter than the session gap:
     *     a late event could then revive a session after a later one has fired
     */
    public static SingleOutputStreamOperator<SessionSummary> summarize(
            KeyedStream<ShopEvent, String> byShopper, Configuration conf) {
        Duration gap = conf.get(FeatureOptions.SESSION_GAP);
        Duration lateness = conf.get(FeatureOptions.ALLOWED_LATENESS);
        if (lateness.compareTo(gap) >= 0) {
            throw new IllegalArgumentException(
                    FeatureOptions.ALLOWED_LATENESS.key()
                            + " ("
                            + lateness
                            + ") must be shorter than "
                            + FeatureOptions.SESSION_GAP.key()
                            + " ("
                            + gap
                            + ")");
        }
        KeyedStream<ShopEvent, String> activity =
                DataStreamUtils.reinterpretAsKeyedStream(
                        byShopper
                                .filter(ShopEvent::isSessionActivity)
                                .name("clicks and placed orders")
                                .uid("sessions-activity"),
                        ShopEvent::userId,
                        Types.STRING);
        return activity.window(EventTimeSessionWindows.withGap(gap))
                .allowedLateness(lateness)
                .sideOutputLateData(LATE)
                .aggregate(
                        new Aggregate(),
                        new Summarize(),
                        TypeInformation.of(SessionAccumulator.class),
                        TypeInformation.of(SessionAccumulator.class),
                        TypeInformation.of(SessionSummary.class))
                .uid("sessions")
                .name("session windows");
    }

    /** Session summaries as {@link FeatureCatalog#SESSION_V1} snapshots, for the feature store. */
    public static SingleOutputStreamOperator<FeatureSnapshot> snapshots(
            DataStream<SessionSummary> sessions) {
        return sessions.map(Sessions::snapshot, new AvroTypeInfo<>(FeatureSnapshot.class))
                .uid("session-snapshots")
                .name("session feature snapshots");
    }

    static FeatureSnapshot snapshot(SessionSummary s) {
        double[] v = {
            s.durationSeconds(),
            s.views,
            s.distinctItems,
            s.distinctCategories,
            s.cartAdds,
            s.converted ? 1 : 0
        };
        return FeatureCatalog.SESSION_V1.snapshot(s.userId, s.end, v);
    }

    static final class Aggregate
            implements AggregateFunction<ShopEvent, SessionAccumulator, SessionAccumulator> {
        private static final long serialVersionUID = 1L;

        @Override
        public SessionAccumulator createAccumulator() {
            return new SessionAccumulator();
        }

        @Override
        public SessionAccumulator add(ShopEvent value, SessionAccumulator acc) {
            return acc.add(value);
        }

        @Override
        public SessionAccumulator getResult(SessionAccumulator acc) {
            return acc;
        }

        @Override
        public SessionAccumulator merge(SessionAccumulator a, SessionAccumulator b) {
            return a.merge(b);
        }
    }

    /**
     * Attaches the shopper and numbers the firings of a session, so updates caused by late events
     * are recognisable. Session windows merge, so per-window state is unavailable: the last fired
     * session of the shopper (start, end, revision) is kept in keyed state instead, and cleared
     * when that window is purged after its allowed lateness.
     */
    static final class Summarize
            extends ProcessWindowFunction<SessionAccumulator, SessionSummary, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        private static final ValueStateDescriptor<long[]> LAST_FIRED =
                new ValueStateDescriptor<>(
                        "last-fired-session",
                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);

        @Override
        public void process(
                String userId,
                Context ctx,
                Iterable<SessionAccumulator> accumulators,
                Collector<SessionSummary> out)
                throws Exception {
            ValueState<long[]> lastFired = ctx.globalState().getState(LAST_FIRED);
            long[] last = lastFired.value();
            TimeWindow w = ctx.window();
            int revision =
                    last != null && w.getStart() <= last[1] && w.getEnd() >= last[0]
                            ? (int) last[2] + 1
                            : 0;
            lastFired.update(new long[] {w.getStart(), w.getEnd(), revision});
            out.collect(accumulators.iterator().next().toSummary(userId, revision));
        }

        @Override
        public void clear(Context ctx) throws Exception {
            ValueState<long[]> lastFired = ctx.globalState().getState(LAST_FIRED);
            long[] last = lastFired.value();
            if (last != null
                    && last[0] == ctx.window().getStart()
                    && last[1] == ctx.window().getEnd()) {
                lastFired.clear();
            }
        }
    }
}
