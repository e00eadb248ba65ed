package com.kartshoppe.fraud.patterns;

import com.kartshoppe.events.PaymentStatus;
import com.kartshoppe.features.ingest.ShopEvent;

/**
 * What the {@link FraudPatterns} read of an event: its kind, time, shopper and device, and the few
 * fields a condition tests. CEP keeps every event a partial match may still use in its state, so it
 * is fed this projection (about 60 bytes serialised) instead of the whole {@link ShopEvent} with
 * its Avro record. A Flink POJO.
 */
public class PatternEvent {

    /** What happened; only the events some pattern can use are projected. */
    public enum Kind {
        PLACED_ORDER,
        PAYMENT,
        LOGIN
    }

    public Kind kind;
    public long time;
    public String userId;
    public String deviceId;

    /** Payments: the amount in minor units of the payment's currency. */
    public long amountMinor;

    /** Payments: declined; logins: failed. */
    public boolean failed;

    /** Payments: the card's fingerprint. */
    public String card;

    /**
     * Logins: the account used this device before ({@link AccountDevices} sets it; false from
     * {@link #of}).
     */
    public boolean knownDevice;

    /** For Flink's POJO serializer. */
    public PatternEvent() {}

    /**
     * The projection of {@code e}.
     *
     * @throws IllegalArgumentException for an event no pattern uses (a click, an order not placed)
     */
    public static PatternEvent of(ShopEvent e) {
        PatternEvent p = new PatternEvent();
        p.time = e.eventTime();
        p.userId = e.userId();
        p.deviceId = e.deviceId();
        if (e.isPlacedOrder()) {
            p.kind = Kind.PLACED_ORDER;
        } else if (e.payment != null) {
            p.kind = Kind.PAYMENT;
            p.amountMinor = e.payment.getAmountMinor();
            p.failed = e.payment.getStatus() == PaymentStatus.DECLINED;
            p.card = e.payment.getCardFingerprint();
        } else if (e.login != null) {
            p.kind = Kind.LOGIN;
            p.failed = !e.login.getSuccess();
        } else {
            throw new IllegalArgumentException("No fraud pattern uses " + e);
        }
        return p;
    }

    public boolean isPlacedOrder() {
        return kind == Kind.PLACED_ORDER;
    }

    @Override
    public String toString() {
        return kind + "@" + time + "[" + userId + "," + deviceId + "]";
    }
}
