package com.kartshoppe.features.user;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by shopper: keeps the shopper's {@link ActivityState} and {@link CommerceState}, updates
 * them on every event through {@link ShopperFeatures}, and emits a {@link Featured} on each placed
 * order and payment, at once (no window to wait for).
 *
 * <p>State hygiene: a shopper idle (in event time) for the retention period loses all state; one
 * event-time timer per shopper, rounded up to the hour, does it.
 *
 * <p>Metrics: {@code featureVectors}; {@code lateForWindows}, events more than a minute behind the
 * shopper's newest one, which the bucketed windows may no longer count.
 */
public class ShopperFeatureFunction extends KeyedProcessFunction<String, ShopEvent, Featured> {

    private static final long serialVersionUID = 1L;
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long LATE_FOR_WINDOWS = Duration.ofMinutes(1).toMillis();

    private final ShopperFeatures features;
    private final long retentionMillis;

    private transient ValueState<ActivityState> activity;
    private transient ValueState<CommerceState> commerce;
    private transient Counter vectors;
    private transient Counter lateForWindows;

    public ShopperFeatureFunction(Duration sessionGap, Duration retention) {
        this.features = new ShopperFeatures(sessionGap, retention);
        this.retentionMillis = retention.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        activity =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "activity", ActivityStateSerializer.INSTANCE));
        commerce =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "commerce", CommerceStateSerializer.INSTANCE));
        vectors = getRuntimeContext().getMetricGroup().counter("featureVectors");
        lateForWindows = getRuntimeContext().getMetricGroup().counter("lateForWindows");
    }

    @Override
    public void processElement(ShopEvent event, Context ctx, Collector<Featured> out)
            throws Exception {
        ActivityState a = activity.value();
        if (a == null) {
            a = features.newActivity();
        }
        if (a.lastSeen != ActivityState.NONE && event.eventTime() < a.lastSeen - LATE_FOR_WINDOWS) {
            // Bucketed windows ignore events this far behind; everything else still uses them.
            lateForWindows.inc();
        }
        features.onActivity(a, event);
        scheduleCleanup(a, ctx);
        if (ShopperFeatures.touchesCommerce(event)) {
            CommerceState c = commerce.value();
            if (c == null) {
                c = features.newCommerce();
            }
            double[] vector = features.onCommerce(a, c, event);
            commerce.update(c);
            if (vector != null) {
                vectors.inc();
                out.collect(
                        new Featured(
                                event,
                                FeatureCatalog.FRAUD_V1.snapshot(
                                        ctx.getCurrentKey(), event.eventTime(), vector)));
            }
        }
        activity.update(a);
    }

    private void scheduleCleanup(ActivityState a, Context ctx) {
        long due = roundUpToHour(a.lastSeen + retentionMillis);
        if (due > a.cleanupTimer) {
            if (a.cleanupTimer != ActivityState.NONE) {
                ctx.timerService().deleteEventTimeTimer(a.cleanupTimer);
            }
            ctx.timerService().registerEventTimeTimer(due);
            a.cleanupTimer = due;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Featured> out)
            throws Exception {
        ActivityState a = activity.value();
        if (a != null && timestamp >= a.lastSeen + retentionMillis) {
            activity.clear();
            commerce.clear();
        }
    }

    private static long roundUpToHour(long t) {
        return Math.floorDiv(t + HOUR - 1, HOUR) * HOUR;
    }
}
