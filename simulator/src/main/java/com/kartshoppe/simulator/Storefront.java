package com.kartshoppe.simulator;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.events.PaymentStatus;
import com.kartshoppe.events.money.Currencies;
import com.kartshoppe.events.outcomes.FraudLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The shop's side of every interaction: turns what simulated people do into events, and what
 * payments operations later learn into labels.
 */
final class Storefront {

    /** Where a request comes from: the account's device and the network it uses. */
    record Client(Shopper.Device device, String ip, Geo.Country country) {
        /** A device on its own usual network. */
        Client(Shopper.Device device, Geo.Country country) {
            this(device, device.ip(), country);
        }
    }

    /** One storefront session: who, from where, and the campaign it landed from (or null). */
    record Visit(Shopper shopper, String sessionId, Client client, String campaignId) {}

    /**
     * An order line; the unit price is in euro cents and gets converted to the buyer's currency.
     */
    record Line(Catalog.Product product, int quantity, long unitPriceCents) {
        Line(Catalog.Product product, int quantity) {
            this(product, quantity, product.priceCents());
        }
    }

    private final SimulatorConfig config;
    private final Emitter emitter;
    private final Ids ids;
    private final SimulationStats stats;
    private final Random rng;
    private ProductViewListener afterProductView;

    /** What the shop does after it shows a product, e.g. show recommendations next to it. */
    @FunctionalInterface
    interface ProductViewListener {
        void viewed(Instant t, Visit v, Catalog.Product product);
    }

    Storefront(
            SimulatorConfig config, Emitter emitter, Ids ids, SimulationStats stats, Random rng) {
        this.config = config;
        this.emitter = emitter;
        this.ids = ids;
        this.stats = stats;
        this.rng = rng;
    }

    void login(Instant t, Shopper s, Client c, boolean success, String failureReason) {
        emitter.emit(
                EventType.LOGIN,
                LoginEvent.newBuilder()
                        .setEventId(ids.next("ev"))
                        .setEventTime(t)
                        .setUserId(s.id)
                        .setSuccess(success)
                        .setFailureReason(success ? null : failureReason)
                        .setDeviceId(c.device().id())
                        .setIp(c.ip())
                        .setCountry(c.country().code())
                        .build());
    }

    /** A click of any kind; product-less kinds pass {@code product == null}. */
    void click(Instant t, Visit v, ClickType type, Catalog.Product product) {
        emitter.emit(EventType.CLICK, clickOn(t, v, type, product).build());
        if (type == ClickType.PRODUCT_VIEW && afterProductView != null) {
            afterProductView.viewed(t, v, product);
        }
    }

    /** Calls {@code listener} after every product view. */
    void afterProductView(ProductViewListener listener) {
        this.afterProductView = listener;
    }

    void search(Instant t, Visit v, int category) {
        emitter.emit(
                EventType.CLICK,
                clickOn(t, v, ClickType.SEARCH, null)
                        .setCategory(Catalog.categoryName(category))
                        .setQuery(Catalog.CATEGORIES.get(category).searchTerm())
                        .build());
    }

    void recoClick(Instant t, Visit v, Catalog.Product product, String recoId, int position) {
        emitter.emit(
                EventType.CLICK,
                clickOn(t, v, ClickType.RECO_CLICK, product)
                        .setRecoId(recoId)
                        .setRecoPosition(position)
                        .build());
        stats.recoClick();
    }

    private ClickEvent.Builder clickOn(
            Instant t, Visit v, ClickType type, Catalog.Product product) {
        return ClickEvent.newBuilder()
                .setEventId(ids.next("ev"))
                .setEventTime(t)
                .setUserId(v.shopper().id)
                .setSessionId(v.sessionId())
                .setType(type)
                .setProductId(product == null ? null : product.id())
                .setCategory(product == null ? null : Catalog.categoryName(product.category()))
                .setCampaignId(v.campaignId())
                .setDeviceId(v.client().device().id())
                .setIp(v.client().ip());
    }

    /**
     * Places an order priced in the buyer's home currency.
     *
     * @param tactic the fraud tactic behind the order, or null for a genuine one (ground truth)
     */
    OrderEvent placeOrder(Instant t, Visit v, List<Line> lines, String shipTo, FraudTactic tactic) {
        Shopper s = v.shopper();
        String currency = s.home.currency();
        List<OrderItem> items = new ArrayList<>(lines.size());
        long total = 0;
        for (Line line : lines) {
            long unit = Currencies.fromBaseMinor(line.unitPriceCents(), currency);
            items.add(
                    new OrderItem(
                            line.product().id(),
                            Catalog.categoryName(line.product().category()),
                            line.quantity(),
                            unit));
            total += unit * line.quantity();
        }
        OrderEvent order =
                OrderEvent.newBuilder()
                        .setEventId(ids.next("ev"))
                        .setEventTime(t)
                        .setOrderId(ids.next("o"))
                        .setUserId(s.id)
                        .setAccountCreatedAt(s.signedUpAt)
                        .setSessionId(v.sessionId())
                        .setStatus(OrderStatus.PLACED)
                        .setItems(items)
                        .setAmountMinor(total)
                        .setCurrency(currency)
                        .setCampaignId(v.campaignId())
                        .setShippingCountry(shipTo)
                        .setDeviceId(v.client().device().id())
                        .setIp(v.client().ip())
                        .build();
        emitter.emit(EventType.ORDER, order);
        stats.order(tactic);
        return order;
    }

    PaymentEvent pay(
            Instant t, OrderEvent order, Client c, Shopper.Card card, String declineReason) {
        PaymentEvent payment =
                PaymentEvent.newBuilder()
                        .setEventId(ids.next("ev"))
                        .setEventTime(t)
                        .setPaymentId(ids.next("pay"))
                        .setOrderId(order.getOrderId())
                        .setUserId(order.getUserId())
                        .setStatus(
                                declineReason == null
                                        ? PaymentStatus.APPROVED
                                        : PaymentStatus.DECLINED)
                        .setDeclineReason(declineReason)
                        .setCardFingerprint(card.fingerprint())
                        .setBinCountry(card.binCountry())
                        .setAmountMinor(order.getAmountMinor())
                        .setCurrency(order.getCurrency())
                        .setDeviceId(c.device().id())
                        .setIp(c.ip())
                        .build();
        emitter.emit(EventType.PAYMENT, payment);
        return payment;
    }

    /** A later change to an order: CANCELLED or REFUNDED. */
    void orderStatus(Instant t, OrderEvent order, OrderStatus status) {
        emitter.emit(
                EventType.ORDER,
                OrderEvent.newBuilder(order)
                        .setEventId(ids.next("ev"))
                        .setEventTime(t)
                        .setStatus(status)
                        .build());
    }

    /**
     * Decides what payments operations will learn about an order and schedules that label after the
     * configured delay. Fraud is charged back if it was paid, confirmed if it was not; a share of
     * legitimate orders is cleared; label noise flips a few either way.
     */
    void label(OrderEvent order, FraudTactic tactic, boolean paid) {
        FraudLabelType type;
        String fraudType = null;
        boolean noisy = Sampling.chance(config.labelNoise(), rng);
        if (tactic != null) {
            if (noisy) {
                type = FraudLabelType.CLEARED;
            } else {
                type = paid ? FraudLabelType.CHARGEBACK : FraudLabelType.CONFIRMED_FRAUD;
                fraudType = tactic.id();
            }
        } else if (noisy) {
            type = FraudLabelType.CHARGEBACK;
            fraudType = FraudLabels.FRIENDLY_FRAUD;
        } else if (Sampling.chance(config.clearedShare(), rng)) {
            type = FraudLabelType.CLEARED;
        } else {
            return;
        }
        Duration delay =
                Duration.ofMillis(
                        (long) (config.labelDelay().toMillis() * (0.5 + rng.nextDouble())));
        emitter.emit(
                EventType.FRAUD_LABEL,
                FraudLabel.newBuilder()
                        .setLabelId(ids.next("lb"))
                        .setEventTime(order.getEventTime().plus(delay))
                        .setOrderId(order.getOrderId())
                        .setUserId(order.getUserId())
                        .setOrderTime(order.getEventTime())
                        .setLabel(type)
                        .setFraudType(fraudType)
                        .build());
        stats.label(type.name());
    }
}
