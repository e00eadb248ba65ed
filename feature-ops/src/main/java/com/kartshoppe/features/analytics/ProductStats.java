package com.kartshoppe.features.analytics;

import java.util.Locale;

/**
 * Views and units bought of one product in one sliding event-time window: popularity, for analysts
 * and for trending-item candidates. A Flink POJO, also used for partial counts.
 */
public class ProductStats implements Partial<ProductStats> {

    public String productId;
    public String category;
    public long windowStart;
    public long windowEnd;
    public long views;
    public long unitsBought;

    /** For Flink's POJO serializer. */
    public ProductStats() {}

    @Override
    public String key() {
        return productId;
    }

    @Override
    public long windowStart() {
        return windowStart;
    }

    @Override
    public long windowEnd() {
        return windowEnd;
    }

    @Override
    public void window(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    @Override
    public ProductStats plus(ProductStats other) {
        return combine(other, 1);
    }

    @Override
    public ProductStats minus(ProductStats other) {
        return combine(other, -1);
    }

    private ProductStats combine(ProductStats other, int sign) {
        ProductStats r = new ProductStats();
        r.productId = productId != null ? productId : other.productId;
        r.category = category != null ? category : other.category;
        r.windowStart = windowStart;
        r.windowEnd = windowEnd;
        r.views = views + sign * other.views;
        r.unitsBought = unitsBought + sign * other.unitsBought;
        return r;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ProductStats{%s (%s) [%d, %d) views=%d bought=%d}",
                productId,
                category,
                windowStart,
                windowEnd,
                views,
                unitsBought);
    }
}
