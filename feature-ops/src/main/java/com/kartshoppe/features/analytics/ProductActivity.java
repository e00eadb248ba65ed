package com.kartshoppe.features.analytics;

/** One shopper's view of, or purchase of units of, one product. A Flink POJO. */
public class ProductActivity {

    public String productId;
    public String category;
    public String userId;
    public long views;
    public long units;

    /** What the units cost, in minor units of EUR (orders are normalised to EUR). */
    public long revenueMinor;

    /** For Flink's POJO serializer. */
    public ProductActivity() {}

    static ProductActivity of(
            String productId,
            String category,
            String userId,
            long views,
            long units,
            long revenueMinor) {
        ProductActivity a = new ProductActivity();
        a.productId = productId;
        a.category = category;
        a.userId = userId;
        a.views = views;
        a.units = units;
        a.revenueMinor = revenueMinor;
        return a;
    }
}
