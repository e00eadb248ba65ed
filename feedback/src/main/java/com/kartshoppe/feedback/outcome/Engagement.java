package com.kartshoppe.feedback.outcome;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.OrderStatus;

/**
 * What a shopper did that can make a shown product a positive example: a click on a recommendation,
 * or an order. A Flink POJO.
 */
public class Engagement {

    public String userId;
    public long time;

    /** The recommendation clicked on; null for an order. */
    public String recoId;

    /** The product clicked, or the products ordered. */
    public String[] productIds;

    /** For Flink's POJO serializer. */
    public Engagement() {}

    Engagement(String userId, long time, String recoId, String[] productIds) {
        this.userId = userId;
        this.time = time;
        this.recoId = recoId;
        this.productIds = productIds;
    }

    /** A click on a recommended product, or null for any other click or an incomplete one. */
    public static Engagement of(ClickEvent click) {
        if (click.getType() != ClickType.RECO_CLICK
                || click.getRecoId() == null
                || click.getProductId() == null) {
            return null;
        }
        return new Engagement(
                click.getUserId(),
                click.getEventTime().toEpochMilli(),
                click.getRecoId(),
                new String[] {click.getProductId()});
    }

    /** A placed order, or null for a cancellation or refund. */
    public static Engagement of(OrderEvent order) {
        if (order.getStatus() != OrderStatus.PLACED) {
            return null;
        }
        return new Engagement(
                order.getUserId(),
                order.getEventTime().toEpochMilli(),
                null,
                order.getItems().stream().map(OrderItem::getProductId).toArray(String[]::new));
    }

    boolean isPurchase() {
        return recoId == null;
    }
}
