package com.kartshoppe.features.join;

import com.kartshoppe.events.OrderItem;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.jobkit.time.ExpiryIndex;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Time from product view to purchase, as a left outer interval join keyed by shopper: every product
 * view at {@code v} is matched with the purchases (placed orders containing the product) at {@code
 * o} with {@code v <= o <= v + window}. When the watermark reaches the view's closing second (the
 * first whole second at or after {@code v + window}), the view yields exactly one {@link
 * ViewToPurchase}: converted with its earliest matching purchase, or not converted. Flink's
 * DataStream interval join is inner-only and emits one record per pair; this variant also reports
 * the views that never convert.
 *
 * <p>Out-of-order events are joined as long as they can still matter: a view whose closing second
 * the watermark has already reached, or a purchase that no pending view can match any more, goes to
 * {@link #LATE} and is counted in {@code lateJoinEvents}.
 *
 * <p>State: pending views indexed by closing second, and recent purchases per product with an index
 * by the second they may be dropped; each timer (one per second at most) touches only what closes
 * then. State is bounded by the window.
 */
public class ViewToPurchaseJoin extends KeyedProcessFunction<String, ShopEvent, ViewToPurchase> {

    private static final long serialVersionUID = 1L;

    /** Views and placed orders that arrived too late to be joined. */
    public static final OutputTag<ShopEvent> LATE =
            new OutputTag<>("late-join-events", ShopEvents.TYPE);

    private final long windowMillis;

    private transient MapState<Long, ViewBatch> pendingViews;
    private transient MapState<String, long[]> purchases;
    private transient ExpiryIndex purchasesExpiring;
    private transient Counter late;

    public ViewToPurchaseJoin(Duration window) {
        this.windowMillis = window.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        pendingViews =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending-views",
                                        Types.LONG,
                                        TypeInformation.of(ViewBatch.class)));
        purchases =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "purchases",
                                        Types.STRING,
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        purchasesExpiring = ExpiryIndex.open(getRuntimeContext(), "purchases-expiring");
        late = getRuntimeContext().getMetricGroup().counter("lateJoinEvents");
    }

    @Override
    public void processElement(ShopEvent e, Context ctx, Collector<ViewToPurchase> out)
            throws Exception {
        boolean view = e.isProductView();
        boolean purchase = e.isPlacedOrder();
        if (!view && !purchase) {
            return;
        }
        long t = e.eventTime();
        long closes = closingSecond(t);
        if (closes <= ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(LATE, e);
            return;
        }
        if (view) {
            ViewBatch batch = pendingViews.get(closes);
            pendingViews.put(
                    closes,
                    (batch == null ? new ViewBatch() : batch).plus(e.click.getProductId(), t));
        } else {
            for (OrderItem item : e.order.getItems()) {
                long[] times = purchases.get(item.getProductId());
                long[] grown = times == null ? new long[1] : Arrays.copyOf(times, times.length + 1);
                grown[grown.length - 1] = t;
                purchases.put(item.getProductId(), grown);
                purchasesExpiring.add(closes, item.getProductId(), ctx.timerService());
            }
        }
        ctx.timerService().registerEventTimeTimer(closes);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ViewToPurchase> out)
            throws Exception {
        ViewBatch closing = pendingViews.get(timestamp);
        if (closing != null) {
            for (int i = 0; i < closing.products.length; i++) {
                long v = closing.times[i];
                out.collect(
                        ViewToPurchase.of(
                                ctx.getCurrentKey(),
                                closing.products[i],
                                v,
                                earliestWithin(purchases.get(closing.products[i]), v)));
            }
            pendingViews.remove(timestamp);
        }
        for (String product : purchasesExpiring.take(timestamp)) {
            long[] times = purchases.get(product);
            if (times == null) {
                continue;
            }
            long[] kept = Arrays.stream(times).filter(o -> closingSecond(o) > timestamp).toArray();
            if (kept.length == 0) {
                purchases.remove(product);
            } else {
                purchases.put(product, kept);
            }
        }
    }

    /** The first whole second at or after {@code t + window}: when a view at {@code t} closes. */
    private long closingSecond(long t) {
        return Math.floorDiv(t + windowMillis + 999, 1000) * 1000;
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
}
