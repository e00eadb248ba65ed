package com.kartshoppe.features.join;

import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Time from product view to purchase, as a left outer interval join keyed by shopper: every product
 * view at {@code v} is matched with the purchases (placed orders containing the product) at {@code
 * o} with {@code v <= o <= v + window}. Once the watermark passes {@code v + window}, the view
 * yields exactly one {@link ViewToPurchase}: converted with its earliest matching purchase, or not
 * converted. Flink's DataStream interval join is inner-only and emits one record per pair; this
 * variant also reports the views that never convert.
 *
 * <p>State: pending views and recent purchases per product, each removed by event-time timers once
 * the window has passed, so state is bounded by the window. Views and orders that arrive behind the
 * watermark cannot be joined correctly; they go to {@link #LATE}. Metrics: {@code lateJoinEvents}.
 */
public class ViewToPurchaseJoin extends KeyedProcessFunction<String, ShopEvent, ViewToPurchase> {

    private static final long serialVersionUID = 1L;

    /** Views and placed orders that arrived behind the watermark. */
    public static final OutputTag<ShopEvent> LATE =
            new OutputTag<>("late-join-events", ShopEvents.TYPE);

    private final long windowMillis;

    private transient MapState<String, long[]> views;
    private transient MapState<String, long[]> purchases;
    private transient Counter late;

    public ViewToPurchaseJoin(Duration window) {
        this.windowMillis = window.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        views =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "views",
                                        Types.STRING,
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        purchases =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "purchases",
                                        Types.STRING,
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        late = getRuntimeContext().getMetricGroup().counter("lateJoinEvents");
    }

    @Override
    public void processElement(ShopEvent e, Context ctx, Collector<ViewToPurchase> out)
            throws Exception {
        boolean view = e.click != null && e.click.getType() == ClickType.PRODUCT_VIEW;
        boolean purchase = e.order != null && e.order.getStatus() == OrderStatus.PLACED;
        if (!view && !purchase) {
            return;
        }
        long t = e.eventTime();
        if (t < ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(LATE, e);
            return;
        }
        if (view) {
            append(views, e.click.getProductId(), t);
        } else {
            for (OrderItem item : e.order.getItems()) {
                append(purchases, item.getProductId(), t);
            }
        }
        // One timer per second at most: the window closes at the next whole second after it ends.
        ctx.timerService()
                .registerEventTimeTimer(Math.floorDiv(t + windowMillis + 999, 1000) * 1000);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ViewToPurchase> out)
            throws Exception {
        String userId = ctx.getCurrentKey();
        List<String> emptied = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : views.entries()) {
            long[] pending = entry.getValue();
            long[] bought = purchases.get(entry.getKey());
            int kept = 0;
            for (long v : pending) {
                if (v + windowMillis <= timestamp) {
                    out.collect(
                            ViewToPurchase.of(
                                    userId, entry.getKey(), v, earliestWithin(bought, v)));
                } else {
                    pending[kept++] = v;
                }
            }
            if (kept == 0) {
                emptied.add(entry.getKey());
            } else if (kept < pending.length) {
                entry.setValue(Arrays.copyOf(pending, kept));
            }
        }
        for (String product : emptied) {
            views.remove(product);
        }
        Iterator<Map.Entry<String, long[]>> it = purchases.iterator();
        while (it.hasNext()) {
            Map.Entry<String, long[]> entry = it.next();
            long[] recent =
                    Arrays.stream(entry.getValue())
                            .filter(o -> o + windowMillis > timestamp)
                            .toArray();
            if (recent.length == 0) {
                it.remove();
            } else if (recent.length < entry.getValue().length) {
                entry.setValue(recent);
            }
        }
        if (views.isEmpty()) {
            views.clear();
        }
        if (purchases.isEmpty()) {
            purchases.clear();
        }
    }

    /** The earliest time in {@code purchases} within {@code [v, v + window]}, or -1. */
    private long earliestWithin(long[] purchases, long v) {
        long best = -1;
        if (purchases != null) {
            for (long o : purchases) {
                if (o >= v && o <= v + windowMillis && (best < 0 || o < best)) {
                    best = o;
                }
            }
        }
        return best;
    }

    private static void append(MapState<String, long[]> state, String key, long t)
            throws Exception {
        long[] times = state.get(key);
        long[] grown = times == null ? new long[1] : Arrays.copyOf(times, times.length + 1);
        grown[grown.length - 1] = t;
        state.put(key, grown);
    }
}
