package com.kartshoppe.features.ingest;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PaymentEvent;
import java.time.Instant;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * One event of the shop's four input topics, so that a single keyed operator can see a shopper's
 * clicks, orders, payments and logins in one stream. Exactly one field is set.
 *
 * <p>A Flink POJO whose fields are Avro records: serialised by Flink's POJO and Avro serializers,
 * never by Kryo.
 */
public class ShopEvent {

    public ClickEvent click;
    public OrderEvent order;
    public PaymentEvent payment;
    public LoginEvent login;

    /** For Flink's POJO serializer. */
    public ShopEvent() {}

    /** Wraps a record of one of the four input types. */
    public static ShopEvent of(SpecificRecordBase record) {
        ShopEvent e = new ShopEvent();
        if (record instanceof ClickEvent c) {
            e.click = c;
        } else if (record instanceof OrderEvent o) {
            e.order = o;
        } else if (record instanceof PaymentEvent p) {
            e.payment = p;
        } else if (record instanceof LoginEvent l) {
            e.login = l;
        } else {
            throw new IllegalArgumentException(
                    "Not a shop input event: " + record.getClass().getSimpleName());
        }
        return e;
    }

    /** The wrapped record. */
    public SpecificRecordBase record() {
        if (click != null) {
            return click;
        }
        if (order != null) {
            return order;
        }
        if (payment != null) {
            return payment;
        }
        return Objects.requireNonNull(login, "empty ShopEvent");
    }

    public EventType<?> type() {
        if (click != null) {
            return EventType.CLICK;
        }
        if (order != null) {
            return EventType.ORDER;
        }
        if (payment != null) {
            return EventType.PAYMENT;
        }
        return EventType.LOGIN;
    }

    public String userId() {
        return click != null
                ? click.getUserId()
                : order != null
                        ? order.getUserId()
                        : payment != null ? payment.getUserId() : login.getUserId();
    }

    public String eventId() {
        return click != null
                ? click.getEventId()
                : order != null
                        ? order.getEventId()
                        : payment != null ? payment.getEventId() : login.getEventId();
    }

    public String deviceId() {
        return click != null
                ? click.getDeviceId()
                : order != null
                        ? order.getDeviceId()
                        : payment != null ? payment.getDeviceId() : login.getDeviceId();
    }

    public long eventTime() {
        Instant t =
                click != null
                        ? click.getEventTime()
                        : order != null
                                ? order.getEventTime()
                                : payment != null ? payment.getEventTime() : login.getEventTime();
        return t.toEpochMilli();
    }

    /** A product view click. */
    public boolean isProductView() {
        return click != null && click.getType() == ClickType.PRODUCT_VIEW;
    }

    /** An order in status PLACED: a purchase. */
    public boolean isPlacedOrder() {
        return order != null && order.getStatus() == OrderStatus.PLACED;
    }

    /**
     * A click or a placed order: the events that make up a session, both for session windows and
     * for the as-of-event session features.
     */
    public boolean isSessionActivity() {
        return click != null || isPlacedOrder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShopEvent other && record().equals(other.record());
    }

    @Override
    public int hashCode() {
        return record().hashCode();
    }

    @Override
    public String toString() {
        return type().name() + record();
    }
}
