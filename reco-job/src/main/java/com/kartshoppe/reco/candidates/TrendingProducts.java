package com.kartshoppe.reco.candidates;

import com.kartshoppe.features.analytics.ProductStats;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Trending products per category (keyed by category): collects the sliding-window {@link
 * ProductStats} of one window end, keeping the best {@code reco.trending-per-category}, and emits
 * the category's {@link Trending} list when the watermark passes the window, so each window is
 * emitted once and complete. Re-firings of windows already emitted (late events) are counted in
 * {@code staleWindowUpdates} and ignored: trending lists move on with the next slide.
 *
 * <p>State per category: the lists being built (one per window end not yet passed by the watermark;
 * upstream subtasks may already send the next window's) and the last window end emitted.
 */
public class TrendingProducts extends KeyedProcessFunction<String, ProductStats, Trending> {

    private static final long serialVersionUID = 1L;

    /** A unit bought counts as much as this many views. */
    static final double UNIT_WEIGHT = 3;

    private final int perCategory;

    private transient MapState<Long, Trending> building;
    private transient ValueState<Long> emitted;
    private transient Counter stale;

    public TrendingProducts(int perCategory) {
        this.perCategory = perCategory;
    }

    @Override
    public void open(OpenContext openContext) {
        building =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "trending-building",
                                        Types.LONG,
                                        TypeInformation.of(Trending.class)));
        emitted =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("trending-emitted", Types.LONG));
        stale = getRuntimeContext().getMetricGroup().counter("staleWindowUpdates");
    }

    @Override
    public void processElement(ProductStats s, Context ctx, Collector<Trending> out)
            throws Exception {
        Long last = emitted.value();
        if (last != null && s.windowEnd <= last) {
            stale.inc();
            return;
        }
        Trending t = building.get(s.windowEnd);
        if (t == null) {
            t = new Trending(ctx.getCurrentKey(), s.windowEnd);
            ctx.timerService().registerEventTimeTimer(s.windowEnd - 1);
        }
        t.put(s.productId, s.views + UNIT_WEIGHT * s.unitsBought, s.unitPriceEur(), perCategory);
        building.put(s.windowEnd, t);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Trending> out)
            throws Exception {
        Trending t = building.get(timestamp + 1);
        if (t != null) {
            out.collect(t);
            emitted.update(t.windowEnd);
            building.remove(timestamp + 1);
        }
    }
}
