package com.kartshoppe.features.user;

import static com.kartshoppe.events.catalog.FeatureCatalog.FRAUD_V1;

import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.events.PaymentStatus;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.window.AmountHistory;
import com.kartshoppe.features.window.RecentDistinct;
import java.io.Serializable;
import java.time.Duration;

/**
 * The as-of-event shopper features ({@link FeatureCatalog#FRAUD_V1}) in plain Java: how each event
 * updates a shopper's {@link ActivityState} and {@link CommerceState}, and the feature vector on a
 * placed order or a payment, available on that very event.
 *
 * <p>Events are expected after validation and normalisation (amounts in euro cents). Every event
 * updates the state before the vector is computed, so windows include the triggering event;
 * "previous" features (last purchase, amount statistics) exclude it.
 *
 * <pre>{@code
 * ShopperFeatures features = new ShopperFeatures(Duration.ofMinutes(30), Duration.ofDays(30));
 * ActivityState a = features.newActivity();
 * CommerceState c = features.newCommerce();
 * features.onActivity(a, click);
 * double[] vector = features.onCommerce(a, c, order); // fraud_v1 values, in set order
 * }</pre>
 */
public final class ShopperFeatures implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private static final int VIEWS_10M = index("views_10m");
    private static final int SESSION_DISTINCT_ITEMS = index("session_distinct_items");
    private static final int SESSION_VIEWS = index("session_views_before_order");
    private static final int ORDERS_1H = index("orders_1h");
    private static final int AMOUNT_1H = index("amount_1h_eur");
    private static final int ATTEMPTS_10M = index("payment_attempts_10m");
    private static final int DECLINES_10M = index("payment_declines_10m");
    private static final int DECLINE_RATIO = index("decline_ratio_10m");
    private static final int CARDS_1H = index("distinct_cards_1h");
    private static final int DEVICES_24H = index("distinct_devices_24h");
    private static final int FAILED_LOGINS_1H = index("failed_logins_1h");
    private static final int SINCE_LOGIN = index("minutes_since_last_login");
    private static final int SINCE_PURCHASE = index("minutes_since_last_purchase");
    private static final int NEW_DEVICE = index("new_device");
    private static final int COUNTRY_MISMATCH = index("country_mismatch");
    private static final int AMOUNT_MEAN = index("amount_mean_eur");
    private static final int AMOUNT_STD = index("amount_std_eur");
    private static final int AMOUNT = index("order_amount_eur");
    private static final int ZSCORE = index("amount_zscore");
    private static final int OUTLIER = index("amount_outlier");
    private static final int ACCOUNT_AGE = index("account_age_days");

    private final long sessionGapMillis;
    private final Duration retention;

    /**
     * @param sessionGap inactivity after which the next click or placed order starts a new session
     * @param retention how long devices are remembered (new-device and distinct-device features)
     */
    public ShopperFeatures(Duration sessionGap, Duration retention) {
        this.sessionGapMillis = sessionGap.toMillis();
        this.retention = retention;
    }

    private static int index(String name) {
        int i = FRAUD_V1.indexOf(name);
        if (i < 0) {
            throw new IllegalStateException(FRAUD_V1 + " has no feature " + name);
        }
        return i;
    }

    public ActivityState newActivity() {
        return ActivityState.create(retention);
    }

    public CommerceState newCommerce() {
        return CommerceState.create();
    }

    /** True for the events whose features are computed: placed orders and payments. */
    public static boolean isTrigger(ShopEvent e) {
        return e.isPlacedOrder() || e.payment != null;
    }

    /** True for the events that change {@link CommerceState}: everything but clicks. */
    public static boolean touchesCommerce(ShopEvent e) {
        return e.click == null;
    }

    /** Updates the activity state with any event: device, session, product views. */
    public void onActivity(ActivityState a, ShopEvent e) {
        long t = e.eventTime();
        a.lastSeen = Math.max(a.lastSeen, t);
        a.devices.add(e.deviceId(), t);
        boolean inSession = e.isSessionActivity() && touchSession(a, t);
        if (e.isProductView()) {
            a.views.add(t, 1);
            if (inSession) {
                a.sessionViews++;
                a.sessionItems.add(e.click.getProductId(), t);
            }
        }
    }

    /**
     * Moves the current session along with a click or placed order at {@code t}: a new session if
     * {@code t} is more than a gap after its last event. Returns false for an event more than a gap
     * before the session's start: it belongs to an earlier session, not to this one.
     */
    private boolean touchSession(ActivityState a, long t) {
        if (inSession(a, t)) {
            a.sessionStart = Math.min(a.sessionStart, t);
            a.sessionLast = Math.max(a.sessionLast, t);
            return true;
        }
        if (a.sessionLast == ActivityState.NONE || t > a.sessionLast + sessionGapMillis) {
            a.sessionStart = t;
            a.sessionLast = t;
            a.sessionViews = 0;
            a.sessionItems = RecentDistinct.of(ActivityState.MAX_SESSION_ITEMS, Long.MAX_VALUE);
            return true;
        }
        return false;
    }

    /** Whether {@code t} is within a gap of the current session (which then includes it). */
    private boolean inSession(ActivityState a, long t) {
        return a.sessionLast != ActivityState.NONE
                && t <= a.sessionLast + sessionGapMillis
                && t >= a.sessionStart - sessionGapMillis;
    }

    /**
     * Updates the commerce state with an order, payment or login (after {@link #onActivity} for the
     * same event) and returns the fraud_v1 vector if the event is a trigger, else null.
     */
    public double[] onCommerce(ActivityState a, CommerceState c, ShopEvent e) {
        long t = e.eventTime();
        if (e.login != null) {
            onLogin(c, e.login, t);
            return null;
        }
        long previousPurchase = c.lastPurchase;
        long amountCents;
        if (e.order != null) {
            if (!e.isPlacedOrder()) {
                return null;
            }
            amountCents = e.order.getAmountMinor();
            c.accountCreated = e.order.getAccountCreatedAt().toEpochMilli();
            c.orders.add(t, amountCents / 100.0);
            c.lastPurchase = Math.max(c.lastPurchase, t);
            // Amount statistics describe the previous orders: add this one after the vector.
            double[] v = vector(a, c, e, t, amountCents, previousPurchase);
            c.amounts.add(amountCents);
            return v;
        }
        PaymentEvent payment = e.payment;
        amountCents = payment.getAmountMinor();
        c.payments.add(t, payment.getStatus() == PaymentStatus.DECLINED ? 1 : 0);
        c.cards.add(payment.getCardFingerprint(), t);
        if (t >= c.lastBinCountryAt) {
            c.lastBinCountryAt = t;
            c.lastBinCountry = payment.getBinCountry();
        }
        return vector(a, c, e, t, amountCents, previousPurchase);
    }

    private static void onLogin(CommerceState c, LoginEvent login, long t) {
        if (!login.getSuccess()) {
            c.failedLogins.add(t, 1);
            return;
        }
        c.lastLogin = Math.max(c.lastLogin, t);
        if (t >= c.lastLoginCountryAt) {
            c.lastLoginCountryAt = t;
            c.lastLoginCountry = login.getCountry();
        }
    }

    private double[] vector(
            ActivityState a,
            CommerceState c,
            ShopEvent e,
            long t,
            long amountCents,
            long previousPurchase) {
        AmountHistory previousAmounts = c.amounts;
        double[] v = new double[FRAUD_V1.size()];
        v[VIEWS_10M] = a.views.count(t);
        // Without a click or order within a gap of this event, there is no current session.
        boolean inSession = inSession(a, t);
        v[SESSION_DISTINCT_ITEMS] = inSession ? a.sessionItems.size : 0;
        v[SESSION_VIEWS] = inSession ? a.sessionViews : 0;
        v[ORDERS_1H] = c.orders.count(t);
        v[AMOUNT_1H] = c.orders.sum(t);
        long attempts = c.payments.count(t);
        double declines = c.payments.sum(t);
        v[ATTEMPTS_10M] = attempts;
        v[DECLINES_10M] = declines;
        v[DECLINE_RATIO] = attempts == 0 ? 0 : declines / attempts;
        v[CARDS_1H] = c.cards.distinct(t, HOUR);
        v[DEVICES_24H] = a.devices.distinct(t, DAY);
        v[FAILED_LOGINS_1H] = c.failedLogins.count(t);
        v[SINCE_LOGIN] = minutesSince(t, c.lastLogin);
        v[SINCE_PURCHASE] = minutesSince(t, previousPurchase);
        long firstSeen = a.devices.firstSeen(e.deviceId());
        v[NEW_DEVICE] = firstSeen != RecentDistinct.UNKNOWN && t - firstSeen < HOUR ? 1 : 0;
        v[COUNTRY_MISMATCH] =
                c.lastLoginCountry != null
                                && c.lastBinCountry != null
                                && !c.lastLoginCountry.equals(c.lastBinCountry)
                        ? 1
                        : 0;
        v[AMOUNT_MEAN] = previousAmounts.mean() / 100.0;
        v[AMOUNT_STD] = previousAmounts.std() / 100.0;
        v[AMOUNT] = amountCents / 100.0;
        double z = previousAmounts.zScore(amountCents);
        v[ZSCORE] = z;
        v[OUTLIER] = previousAmounts.size() >= 3 && z >= 3 ? 1 : 0;
        v[ACCOUNT_AGE] =
                c.accountCreated == CommerceState.NONE
                        ? 0
                        : Math.max(0, t - c.accountCreated) / (double) DAY;
        return v;
    }

    /** Minutes from {@code since} to {@code t}, within [0, 30 days]; 30 days if never. */
    private static double minutesSince(long t, long since) {
        if (since == CommerceState.NONE) {
            return FeatureCatalog.MINUTES_CAP;
        }
        return Math.min(FeatureCatalog.MINUTES_CAP, Math.max(0, t - since) / (double) MINUTE);
    }
}
