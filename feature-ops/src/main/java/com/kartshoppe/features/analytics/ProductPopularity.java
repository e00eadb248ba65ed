package com.kartshoppe.features.analytics;

import com.kartshoppe.events.OrderItem;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.ingest.ShopEvent;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Product popularity over a sliding event-time window ({@code features.popularity-window}, every
 * {@code features.popularity-slide}): views, units bought and revenue per product. A best-seller is
 * a hot key, so the counts go through {@link TwoStageAggregation}. Views and purchases later than
 * the allowed lateness go to {@link #LATE}. Operator uids: {@code product-activity}, {@code
 * popularity-partials}, {@code popularity-totals}.
 */
public final class ProductPopularity {

    public static final TypeInformation<ProductActivity> ACTIVITY =
            TypeInformation.of(ProductActivity.class);

    /** Product activity that arrived after its windows and their allowed lateness. */
    public static final OutputTag<ProductActivity> LATE =
            new OutputTag<>("late-product-activity", ACTIVITY);

    private ProductPopularity() {}

    public static SingleOutputStreamOperator<ProductStats> compute(
            DataStream<ShopEvent> events, Configuration conf) {
        DataStream<ProductActivity> activity =
                events.flatMap(new ToActivity(), ACTIVITY)
                        .uid("product-activity")
                        .name("product views and purchases");
        return TwoStageAggregation.aggregate(
                activity,
                a -> a.productId,
                a -> a.userId,
                conf.get(FeatureOptions.PRE_AGGREGATION_SPREAD),
                SlidingEventTimeWindows.of(
                        conf.get(FeatureOptions.POPULARITY_WINDOW),
                        conf.get(FeatureOptions.POPULARITY_SLIDE)),
                conf.get(FeatureOptions.ALLOWED_LATENESS),
                new Count(),
                TypeInformation.of(ProductStats.class),
                LATE,
                "popularity");
    }

    /** Product views and the lines of placed orders. */
    static final class ToActivity implements FlatMapFunction<ShopEvent, ProductActivity> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(ShopEvent e, Collector<ProductActivity> out) {
            if (e.isProductView()) {
                out.collect(
                        ProductActivity.of(
                                e.click.getProductId(),
                                e.click.getCategory(),
                                e.click.getUserId(),
                                1,
                                0,
                                0));
            } else if (e.isPlacedOrder()) {
                for (OrderItem item : e.order.getItems()) {
                    out.collect(
                            ProductActivity.of(
                                    item.getProductId(),
                                    item.getCategory(),
                                    e.order.getUserId(),
                                    0,
                                    item.getQuantity(),
                                    item.getQuantity() * item.getUnitPriceMinor()));
                }
            }
        }
    }

    static final class Count extends PartialCount<ProductActivity, ProductStats> {
        private static final long serialVersionUID = 1L;

        @Override
        public ProductStats createAccumulator() {
            return new ProductStats();
        }

        @Override
        public ProductStats add(ProductActivity a, ProductStats acc) {
            acc.productId = a.productId;
            if (acc.category == null) {
                acc.category = a.category;
            }
            acc.views += a.views;
            acc.unitsBought += a.units;
            acc.revenueMinor += a.revenueMinor;
            return acc;
        }
    }
}
