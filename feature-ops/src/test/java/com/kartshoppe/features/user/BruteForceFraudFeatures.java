package com.kartshoppe.features.user;

import static com.kartshoppe.events.catalog.FeatureCatalog.FRAUD_V1;

import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PaymentStatus;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.ingest.ShopEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * fraud_v1 recomputed from scratch, straight from the documented definitions, over the raw events
 * of one shopper in arrival order: the reference the incremental {@link ShopperFeatures} must
 * match. No rings, no capped sets, no state.
 */
public final class BruteForceFraudFeatures {

    private static final long S = 1_000;
    private static final long MIN = 60 * S;
    private static final long HOUR = 60 * MIN;

    private BruteForceFraudFeatures() {}

    /** The vector at {@code events.get(i)}, which must be a placed order or a payment. */
    public static double[] vector(List<ShopEvent> events, int i, long gapMillis) {
        ShopEvent e = events.get(i);
        long t = e.eventTime();
        double[] v = new double[FRAUD_V1.size()];

        Ring views = new Ring(30 * S, 20);
        Ring orders = new Ring(MIN, 60);
        Ring payments = new Ring(30 * S, 20);
        Ring failedLogins = new Ring(MIN, 60);
        long lastLogin = Long.MIN_VALUE;
        long previousPurchase = Long.MIN_VALUE;
        Map<String, Long> cardLastSeen = new HashMap<>();
        Map<String, Long> deviceLastSeen = new HashMap<>();
        Map<String, Long> deviceFirstSeen = new HashMap<>();
        long loginCountryAt = Long.MIN_VALUE;
        String loginCountry = null;
        long binAt = Long.MIN_VALUE;
        String bin = null;
        List<Double> previousAmounts = new ArrayList<>();
        long accountCreated = Long.MIN_VALUE;
        long sessionStart = Long.MIN_VALUE;
        long sessionLast = Long.MIN_VALUE;
        Set<String> sessionItems = new HashSet<>();
        int sessionViews = 0;

        for (int j = 0; j <= i; j++) {
            ShopEvent x = events.get(j);
            long tj = x.eventTime();
            deviceLastSeen.merge(x.deviceId(), tj, Math::max);
            deviceFirstSeen.merge(x.deviceId(), tj, Math::min);
            boolean placed = x.order != null && x.order.getStatus() == OrderStatus.PLACED;
            boolean inSession = false;
            if (x.click != null || placed) {
                if (sessionLast == Long.MIN_VALUE || tj > sessionLast + gapMillis) {
                    sessionStart = tj;
                    sessionLast = tj;
                    sessionItems = new HashSet<>();
                    sessionViews = 0;
                    inSession = true;
                } else if (tj >= sessionStart - gapMillis) {
                    sessionStart = Math.min(sessionStart, tj);
                    sessionLast = Math.max(sessionLast, tj);
                    inSession = true;
                }
            }
            if (x.click != null && x.click.getType() == ClickType.PRODUCT_VIEW) {
                if (inSession) {
                    sessionViews++;
                    sessionItems.add(x.click.getProductId());
                }
                views.add(tj, 1);
            }
            if (placed) {
                orders.add(tj, x.order.getAmountMinor() / 100.0);
                accountCreated = x.order.getAccountCreatedAt().toEpochMilli();
                if (j < i) {
                    previousPurchase = Math.max(previousPurchase, tj);
                    previousAmounts.add(x.order.getAmountMinor() / 100.0);
                }
            }
            if (x.payment != null) {
                payments.add(tj, x.payment.getStatus() == PaymentStatus.DECLINED ? 1 : 0);
                cardLastSeen.merge(x.payment.getCardFingerprint(), tj, Math::max);
                if (tj >= binAt) {
                    binAt = tj;
                    bin = x.payment.getBinCountry();
                }
            }
            if (x.login != null) {
                if (!x.login.getSuccess()) {
                    failedLogins.add(tj, 1);
                } else {
                    lastLogin = Math.max(lastLogin, tj);
                    if (tj >= loginCountryAt) {
                        loginCountryAt = tj;
                        loginCountry = x.login.getCountry();
                    }
                }
            }
        }
        double amount =
                (e.order != null ? e.order.getAmountMinor() : e.payment.getAmountMinor()) / 100.0;
        List<Double> recent =
                previousAmounts.subList(
                        Math.max(0, previousAmounts.size() - 50), previousAmounts.size());
        double mean = recent.stream().mapToDouble(d -> d).average().orElse(0);
        double std =
                Math.sqrt(
                        recent.stream()
                                .mapToDouble(d -> (d - mean) * (d - mean))
                                .average()
                                .orElse(0));
        double z = recent.size() < 2 || std == 0 ? 0 : (amount - mean) / std;

        set(v, "views_10m", views.count(t));
        boolean current =
                sessionLast != Long.MIN_VALUE
                        && t <= sessionLast + gapMillis
                        && t >= sessionStart - gapMillis;
        set(v, "session_distinct_items", current ? sessionItems.size() : 0);
        set(v, "session_views_before_order", current ? sessionViews : 0);
        set(v, "orders_1h", orders.count(t));
        set(v, "amount_1h_eur", orders.sum(t));
        long attempts = payments.count(t);
        double declines = payments.sum(t);
        set(v, "payment_attempts_10m", attempts);
        set(v, "payment_declines_10m", declines);
        set(v, "decline_ratio_10m", attempts == 0 ? 0 : declines / attempts);
        set(
                v,
                "distinct_cards_1h",
                cardLastSeen.values().stream().filter(s -> s > t - HOUR).count());
        set(
                v,
                "distinct_devices_24h",
                deviceLastSeen.values().stream().filter(s -> s > t - 24 * HOUR).count());
        set(v, "failed_logins_1h", failedLogins.count(t));
        set(v, "minutes_since_last_login", minutesSince(t, lastLogin));
        set(v, "minutes_since_last_purchase", minutesSince(t, previousPurchase));
        set(v, "new_device", t - deviceFirstSeen.get(e.deviceId()) < HOUR ? 1 : 0);
        set(
                v,
                "country_mismatch",
                loginCountry != null && bin != null && !loginCountry.equals(bin) ? 1 : 0);
        set(v, "amount_mean_eur", mean);
        set(v, "amount_std_eur", std);
        set(v, "order_amount_eur", amount);
        set(v, "amount_zscore", z);
        set(v, "amount_outlier", recent.size() >= 3 && z >= 3 ? 1 : 0);
        set(
                v,
                "account_age_days",
                accountCreated == Long.MIN_VALUE
                        ? 0
                        : Math.max(0, t - accountCreated) / (24.0 * HOUR));
        return v;
    }

    /**
     * A bucketed window by its README definition: a value more than 2 buckets behind the newest one
     * received is not counted; as of {@code t}, the window covers the counted values whose bucket
     * is among the W up to {@code t}'s (or later), and that the W + 2 newest buckets still hold.
     */
    private static final class Ring {
        private final long bucket;
        private final int window;
        private final List<long[]> accepted = new ArrayList<>();
        private final List<Double> values = new ArrayList<>();
        private long newest = Long.MIN_VALUE;

        Ring(long bucket, int window) {
            this.bucket = bucket;
            this.window = window;
        }

        void add(long t, double value) {
            long b = Math.floorDiv(t, bucket);
            if (newest != Long.MIN_VALUE && b < newest - 2) {
                return;
            }
            newest = Math.max(newest, b);
            accepted.add(new long[] {b});
            values.add(value);
        }

        long count(long t) {
            long n = 0;
            for (int k = 0; k < accepted.size(); k++) {
                n += covers(t, accepted.get(k)[0]) ? 1 : 0;
            }
            return n;
        }

        double sum(long t) {
            double s = 0;
            for (int k = 0; k < accepted.size(); k++) {
                s += covers(t, accepted.get(k)[0]) ? values.get(k) : 0;
            }
            return s;
        }

        private boolean covers(long t, long b) {
            return b > Math.floorDiv(t, bucket) - window && b > newest - (window + 2);
        }
    }

    private static double minutesSince(long t, long since) {
        if (since == Long.MIN_VALUE) {
            return FeatureCatalog.MINUTES_CAP;
        }
        return Math.min(FeatureCatalog.MINUTES_CAP, Math.max(0, t - since) / (double) MIN);
    }

    private static void set(double[] v, String name, double value) {
        v[FRAUD_V1.indexOf(name)] = value;
    }
}
