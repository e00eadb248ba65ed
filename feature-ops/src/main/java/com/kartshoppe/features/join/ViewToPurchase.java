package com.kartshoppe.features.join;

/**
 * For one product view: whether the shopper bought that product within the join window after it,
 * and how long after. A Flink POJO.
 */
public class ViewToPurchase {

    public String userId;
    public String productId;
    public long viewTime;
    public boolean converted;

    /** Event time of the earliest matching purchase, or -1 when not converted. */
    public long purchaseTime = -1;

    /** For Flink's POJO serializer. */
    public ViewToPurchase() {}

    static ViewToPurchase of(String userId, String productId, long viewTime, long purchaseTime) {
        ViewToPurchase v = new ViewToPurchase();
        v.userId = userId;
        v.productId = productId;
        v.viewTime = viewTime;
        v.converted = purchaseTime >= 0;
        v.purchaseTime = purchaseTime;
        return v;
    }

    /** Seconds from view to purchase, or -1 when not converted. */
    public double secondsToPurchase() {
        return converted ? (purchaseTime - viewTime) / 1000.0 : -1;
    }

    @Override
    public String toString() {
        return "ViewToPurchase{"
                + userId
                + " "
                + productId
                + " view="
                + viewTime
                + " purchase="
                + purchaseTime
                + "}";
    }
}
