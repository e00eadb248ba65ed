package com.kartshoppe.features.analytics;

/** One shopper's view of, or purchase of units of, one product. A Flink POJO. */
public class ProductActivity {

    public String productId;
    public String category;
    public String userId;
    public long views;
    public long units;

    /** For Flink's POJO serializer. */
    public ProductActivity() {}

    static ProductActivity of(
            String productId, String category, String userId, long views, long units) {
        ProductActivity a = new ProductActivity();
        a.productId = productId;
        a.category = category;
        a.userId = userId;
        a.views = views;
        a.units = units;
        return a;
    }
}
