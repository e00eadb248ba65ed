package com.kartshoppe.features.quality;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Ingestion rules for the shop's input events, in plain Java: required fields present, amounts not
 * negative and consistent with their items, currency known, countries well-formed, event time
 * plausible ({@link EventTimeBounds}). Returns the first violation, or null for a valid record.
 */
public final class EventValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EventTimeBounds bounds;
    private final Set<String> currencies;

    /**
     * @param currencies the currency codes a rate table exists for
     */
    public EventValidator(EventTimeBounds bounds, Set<String> currencies) {
        this.bounds = bounds;
        this.currencies = Set.copyOf(currencies);
    }

    /** The first rule the record breaks, or null. */
    public Violation check(SpecificRecordBase record) {
        Violation v;
        if (record instanceof ClickEvent c) {
            v = click(c);
        } else if (record instanceof OrderEvent o) {
            v = order(o);
        } else if (record instanceof PaymentEvent p) {
            v = payment(p);
        } else if (record instanceof LoginEvent l) {
            v = login(l);
        } else {
            v =
                    new Violation(
                            Violation.INVALID_VALUE,
                            "not a shop input event: " + record.getSchema().getName());
        }
        if (v != null) {
            return v;
        }
        long t = ((Instant) record.get("eventTime")).toEpochMilli();
        String reason = bounds.violation(t);
        return reason == null
                ? null
                : new Violation(reason, "eventTime " + Instant.ofEpochMilli(t) + " is implausible");
    }

    private static Violation click(ClickEvent c) {
        Violation v = required("eventId", c.getEventId(), "userId", c.getUserId());
        if (v == null) {
            v = required("sessionId", c.getSessionId(), "deviceId", c.getDeviceId());
        }
        if (v == null && c.getType() != ClickType.PAGE_VIEW && c.getType() != ClickType.SEARCH) {
            v = required("productId", c.getProductId());
        }
        if (v == null && c.getType() == ClickType.RECO_CLICK) {
            v = required("recoId", c.getRecoId());
        }
        return v;
    }

    private Violation order(OrderEvent o) {
        Violation v = required("eventId", o.getEventId(), "orderId", o.getOrderId());
        if (v == null) {
            v = required("userId", o.getUserId(), "deviceId", o.getDeviceId());
        }
        if (v == null) {
            v = required("currency", o.getCurrency());
        }
        if (v == null) {
            v = amount("amountMinor", o.getAmountMinor(), o.getCurrency());
        }
        if (v == null) {
            v = country("shippingCountry", o.getShippingCountry());
        }
        if (v != null || o.getStatus() != OrderStatus.PLACED) {
            return v;
        }
        if (o.getItems().isEmpty()) {
            return new Violation(Violation.INVALID_VALUE, "items: a placed order has no items");
        }
        long total = 0;
        for (OrderItem item : o.getItems()) {
            if (item.getQuantity() < 1) {
                return new Violation(
                        Violation.INVALID_VALUE,
                        "items.quantity: " + item.getQuantity() + " for " + item.getProductId());
            }
            if (item.getUnitPriceMinor() < 0) {
                return new Violation(
                        Violation.NEGATIVE_AMOUNT,
                        "items.unitPriceMinor: " + item.getUnitPriceMinor());
            }
            total += item.getUnitPriceMinor() * item.getQuantity();
        }
        if (total != o.getAmountMinor()) {
            return new Violation(
                    Violation.AMOUNT_MISMATCH,
                    "amountMinor " + o.getAmountMinor() + " but the items add up to " + total);
        }
        return null;
    }

    private Violation payment(PaymentEvent p) {
        Violation v = required("eventId", p.getEventId(), "paymentId", p.getPaymentId());
        if (v == null) {
            v = required("orderId", p.getOrderId(), "userId", p.getUserId());
        }
        if (v == null) {
            v = required("cardFingerprint", p.getCardFingerprint(), "deviceId", p.getDeviceId());
        }
        if (v == null) {
            v = required("currency", p.getCurrency());
        }
        if (v == null) {
            v = amount("amountMinor", p.getAmountMinor(), p.getCurrency());
        }
        if (v == null) {
            v = country("binCountry", p.getBinCountry());
        }
        return v;
    }

    private static Violation login(LoginEvent l) {
        Violation v = required("eventId", l.getEventId(), "userId", l.getUserId());
        if (v == null) {
            v = required("deviceId", l.getDeviceId());
        }
        if (v == null) {
            v = country("country", l.getCountry());
        }
        return v;
    }

    private Violation amount(String field, long minor, String currency) {
        if (minor < 0) {
            return new Violation(Violation.NEGATIVE_AMOUNT, field + ": " + minor);
        }
        if (!currencies.contains(currency.trim().toUpperCase(Locale.ROOT))) {
            return new Violation(
                    Violation.UNKNOWN_CURRENCY,
                    "currency: '" + currency + "' has no exchange rate");
        }
        return null;
    }

    private static Violation country(String field, String code) {
        if (code == null || !code.trim().matches("[A-Za-z]{2}")) {
            return new Violation(
                    Violation.INVALID_VALUE,
                    field + ": '" + code + "' is not an ISO 3166 alpha-2 code");
        }
        return null;
    }

    /** The first of the (name, value) pairs whose value is null or blank. */
    private static Violation required(String... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value == null || value.isBlank()) {
                return new Violation(Violation.MISSING_FIELD, namesAndValues[i] + " is empty");
            }
        }
        return null;
    }
}
