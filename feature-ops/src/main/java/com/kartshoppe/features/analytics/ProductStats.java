package com.kartshoppe.features.analytics;

import java.util.Locale;

/**
 * Views and units bought of one product in one sliding event-time window: popularity, for analysts
 * and for trending-item candidates. A Flink POJO, also used for partial counts.
 */
public class ProductStats extends Partial<ProductStats> {

    public String productId;
    public String category;
    public long views;
    public long unitsBought;

    /** Minor units of EUR paid for those units. */
    public long revenueMinor;

    /** For Flink's POJO serializer. */
    public ProductStats() {}

    @Override
    public String key() {
        return productId;
    }

    @Override
    protected ProductStats combine(ProductStats other, int sign) {
        ProductStats r = new ProductStats();
        r.productId = productId != null ? productId : other.productId;
        r.category = category != null ? category : other.category;
        r.views = views + sign * other.views;
        r.unitsBought = unitsBought + sign * other.unitsBought;
        r.revenueMinor = revenueMinor + sign * other.revenueMinor;
        return r;
    }

    /** Mean price of a unit bought in the window, in EUR; NaN if none was bought. */
    public double unitPriceEur() {
        return unitsBought == 0 ? Double.NaN : revenueMinor / 100.0 / unitsBought;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ProductStats{%s (%s) [%d, %d) views=%d bought=%d revenue=%d}",
                productId,
                category,
                windowStart,
                windowEnd,
                views,
                unitsBought,
                revenueMinor);
    }
}
