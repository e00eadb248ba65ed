package com.kartshoppe.features;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.events.PaymentStatus;
import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Fixed instants and factories of normalised shop events (amounts in euro cents), for feature
 * tests. Each factory call gets a fresh event id.
 */
public final class TestEvents {

    /** The reference instant every test counts from. */
    public static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    public static final Instant ACCOUNT_CREATED = Instant.parse("2025-06-01T00:00:00Z");

    private static long ids;

    private TestEvents() {}

    public static Instant at(Duration offset) {
        return T0.plus(offset);
    }

    public static Instant seconds(long s) {
        return T0.plusSeconds(s);
    }

    public static Instant minutes(long m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    public static ShopEvent view(String user, String product, Instant t) {
        return click(user, ClickType.PRODUCT_VIEW, product, t, "d-" + user);
    }

    public static ShopEvent click(
            String user, ClickType type, String product, Instant t, String device) {
        return ShopEvent.of(
                ClickEvent.newBuilder()
                        .setEventId(nextId())
                        .setEventTime(t)
                        .setUserId(user)
                        .setSessionId("s-" + user)
                        .setType(type)
                        .setProductId(product)
                        .setCategory(product == null ? null : "cat-" + product.hashCode() % 3)
                        .setDeviceId(device)
                        .setIp("10.0.0.1")
                        .build());
    }

    public static ShopEvent order(String user, long amountCents, Instant t) {
        return order(user, "p-1", amountCents, t, "d-" + user);
    }

    public static ShopEvent order(
            String user, String product, long amountCents, Instant t, String device) {
        return ShopEvent.of(
                OrderEvent.newBuilder()
                        .setEventId(nextId())
                        .setEventTime(t)
                        .setOrderId("o-" + ids)
                        .setUserId(user)
                        .setAccountCreatedAt(ACCOUNT_CREATED)
                        .setSessionId("s-" + user)
                        .setStatus(OrderStatus.PLACED)
                        .setItems(List.of(new OrderItem(product, "cat", 1, amountCents)))
                        .setAmountMinor(amountCents)
                        .setCurrency("EUR")
                        .setCampaignId(null)
                        .setShippingCountry("de")
                        .setDeviceId(device)
                        .setIp("10.0.0.1")
                        .build());
    }

    public static ShopEvent payment(
            String user, long amountCents, boolean approved, String card, String bin, Instant t) {
        return ShopEvent.of(
                PaymentEvent.newBuilder()
                        .setEventId(nextId())
                        .setEventTime(t)
                        .setPaymentId("pay-" + ids)
                        .setOrderId("o-x")
                        .setUserId(user)
                        .setStatus(approved ? PaymentStatus.APPROVED : PaymentStatus.DECLINED)
                        .setDeclineReason(approved ? null : "do_not_honor")
                        .setCardFingerprint(card)
                        .setBinCountry(bin)
                        .setAmountMinor(amountCents)
                        .setCurrency("EUR")
                        .setDeviceId("d-" + user)
                        .setIp("10.0.0.1")
                        .build());
    }

    public static ShopEvent login(
            String user, boolean success, String country, String device, Instant t) {
        return ShopEvent.of(
                LoginEvent.newBuilder()
                        .setEventId(nextId())
                        .setEventTime(t)
                        .setUserId(user)
                        .setSuccess(success)
                        .setFailureReason(success ? null : "bad_password")
                        .setDeviceId(device)
                        .setIp("10.0.0.1")
                        .setCountry(country)
                        .build());
    }

    private static synchronized String nextId() {
        return "ev-" + (++ids);
    }
}
