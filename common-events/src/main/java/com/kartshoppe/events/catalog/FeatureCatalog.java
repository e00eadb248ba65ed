package com.kartshoppe.events.catalog;

import static com.kartshoppe.events.catalog.FeatureDefinition.Kind.AS_OF_EVENT;
import static com.kartshoppe.events.catalog.FeatureDefinition.Kind.WINDOWED;
import static com.kartshoppe.events.catalog.FeatureDefinition.ValueType.COUNT;
import static com.kartshoppe.events.catalog.FeatureDefinition.ValueType.FLAG;
import static com.kartshoppe.events.catalog.FeatureDefinition.ValueType.REAL;

import java.util.List;

/**
 * Every feature set the platform computes. The README's feature table documents the same
 * definitions; {@code FeatureCatalogTest} keeps the two in step.
 */
public final class FeatureCatalog {

    /** Thirty days in minutes: the cap, and the value when there was no earlier event at all. */
    public static final double MINUTES_CAP = 43_200;

    /**
     * Per-shopper fraud features, as of each order and payment (amounts in EUR after
     * normalisation). Windows include the triggering event.
     */
    public static final FeatureSet FRAUD_V1 =
            new FeatureSet(
                    "fraud_v1",
                    1,
                    List.of(
                            def(
                                    "views_10m",
                                    COUNT,
                                    "views",
                                    "10 min (30 s buckets)",
                                    0,
                                    "Product views by the shopper."),
                            def(
                                    "session_distinct_items",
                                    COUNT,
                                    "products",
                                    "session (30 min gap)",
                                    0,
                                    "Distinct products viewed in the current session."),
                            def(
                                    "session_views_before_order",
                                    COUNT,
                                    "views",
                                    "session (30 min gap)",
                                    0,
                                    "Product views in the current session before this event."),
                            def(
                                    "orders_1h",
                                    COUNT,
                                    "orders",
                                    "1 h (1 min buckets)",
                                    0,
                                    "Orders placed, this one included."),
                            def(
                                    "amount_1h_eur",
                                    REAL,
                                    "EUR",
                                    "1 h (1 min buckets)",
                                    0,
                                    "Total amount of the orders placed, this one included."),
                            def(
                                    "payment_attempts_10m",
                                    COUNT,
                                    "attempts",
                                    "10 min (30 s buckets)",
                                    0,
                                    "Payment attempts, approved or declined."),
                            def(
                                    "payment_declines_10m",
                                    COUNT,
                                    "attempts",
                                    "10 min (30 s buckets)",
                                    0,
                                    "Declined payment attempts."),
                            def(
                                    "decline_ratio_10m",
                                    REAL,
                                    "ratio",
                                    "10 min (30 s buckets)",
                                    0,
                                    "Declines divided by attempts; 0 without attempts."),
                            def(
                                    "distinct_cards_1h",
                                    COUNT,
                                    "cards",
                                    "1 h",
                                    0,
                                    "Distinct card fingerprints used in payment attempts (at most"
                                            + " 64)."),
                            def(
                                    "distinct_devices_24h",
                                    COUNT,
                                    "devices",
                                    "24 h",
                                    0,
                                    "Distinct devices the shopper's events came from (at most"
                                            + " 32)."),
                            def(
                                    "failed_logins_1h",
                                    COUNT,
                                    "logins",
                                    "1 h (1 min buckets)",
                                    0,
                                    "Failed login attempts on the account."),
                            def(
                                    "minutes_since_last_login",
                                    REAL,
                                    "minutes",
                                    "30 days",
                                    MINUTES_CAP,
                                    "Since the latest successful login received; capped at 30"
                                            + " days, which is also the value without one."),
                            def(
                                    "minutes_since_last_purchase",
                                    REAL,
                                    "minutes",
                                    "30 days",
                                    MINUTES_CAP,
                                    "Since the previous order placed; capped at 30 days, which is"
                                            + " also the value without one."),
                            def(
                                    "new_device",
                                    FLAG,
                                    "0/1",
                                    "1 h",
                                    0,
                                    "1 if this event's device was first seen for the shopper less"
                                            + " than an hour ago."),
                            def(
                                    "country_mismatch",
                                    FLAG,
                                    "0/1",
                                    "-",
                                    0,
                                    "1 if the latest successful login's country differs from the"
                                            + " BIN country of the latest payment card."),
                            def(
                                    "amount_mean_eur",
                                    REAL,
                                    "EUR",
                                    "last 50 orders",
                                    0,
                                    "Mean amount of the shopper's previous orders."),
                            def(
                                    "amount_std_eur",
                                    REAL,
                                    "EUR",
                                    "last 50 orders",
                                    0,
                                    "Population standard deviation of those amounts."),
                            def(
                                    "order_amount_eur",
                                    REAL,
                                    "EUR",
                                    "-",
                                    0,
                                    "Amount of this order or payment."),
                            def(
                                    "amount_zscore",
                                    REAL,
                                    "std devs",
                                    "last 50 orders",
                                    0,
                                    "(amount - mean) / std of the previous orders; 0 with fewer"
                                            + " than 2 or no spread."),
                            def(
                                    "amount_outlier",
                                    FLAG,
                                    "0/1",
                                    "last 50 orders",
                                    0,
                                    "1 if at least 3 previous orders and a z-score of 3 or more:"
                                            + " flagged, never dropped."),
                            def(
                                    "account_age_days",
                                    REAL,
                                    "days",
                                    "-",
                                    0,
                                    "Age of the account at this event, from the order's"
                                            + " accountCreatedAt (latest known for payments).")));

    /** Per-session features, when a session window closes (gap 30 minutes by default). */
    public static final FeatureSet SESSION_V1 =
            new FeatureSet(
                    "session_v1",
                    1,
                    List.of(
                            windowed(
                                    "session_duration_sec",
                                    REAL,
                                    "seconds",
                                    "From the first to the last event of the session."),
                            windowed("session_views", COUNT, "views", "Product views."),
                            windowed(
                                    "session_distinct_items",
                                    COUNT,
                                    "products",
                                    "Distinct products viewed (at most 500)."),
                            windowed(
                                    "session_distinct_categories",
                                    COUNT,
                                    "categories",
                                    "Distinct categories of the products viewed."),
                            windowed("session_cart_adds", COUNT, "adds", "Add-to-cart clicks."),
                            windowed(
                                    "session_converted",
                                    FLAG,
                                    "0/1",
                                    "1 if an order was placed in the session.")));

    /**
     * Per (shopper, candidate product) ranking features, as of the product view that asks for a
     * recommendation: the shopper's session and interests against the candidate.
     */
    public static final FeatureSet RECO_V1 =
            new FeatureSet(
                    "reco_v1",
                    1,
                    List.of(
                            def(
                                    "category_affinity",
                                    REAL,
                                    "share",
                                    "decayed (half-life 7 days)",
                                    0,
                                    "Share of the shopper's product views and cart adds in the"
                                            + " candidate's category, older ones weighing less."),
                            def(
                                    "session_category_views",
                                    COUNT,
                                    "views",
                                    "session (30 min gap)",
                                    0,
                                    "Views of the candidate's category in the current session."),
                            def(
                                    "same_category",
                                    FLAG,
                                    "0/1",
                                    "-",
                                    0,
                                    "1 if the candidate is in the category of the viewed product."),
                            def(
                                    "coview_strength",
                                    REAL,
                                    "log weight",
                                    "decayed (half-life 1 day)",
                                    0,
                                    "ln(1 + weight) of the viewed product and the candidate being"
                                            + " viewed (1) or bought (3) together in sessions."),
                            def(
                                    "popularity",
                                    REAL,
                                    "log count",
                                    "1 h sliding (5 min)",
                                    0,
                                    "ln(1 + views + 3 x units bought) of the candidate."),
                            def(
                                    "category_share",
                                    REAL,
                                    "share",
                                    "1 h sliding (5 min)",
                                    0,
                                    "The candidate's share of its category's trending score; 0"
                                            + " if not trending."),
                            def(
                                    "expected_share",
                                    REAL,
                                    "share",
                                    "-",
                                    0,
                                    "category_affinity x category_share: how likely the shopper"
                                            + " is to pick it if choosing by category, then by"
                                            + " popularity."),
                            def(
                                    "price_ratio_log",
                                    REAL,
                                    "log ratio",
                                    "1 h sliding / last 20 items",
                                    0,
                                    "ln(candidate unit price / the shopper's mean unit price"
                                            + " bought); 0 when either is unknown."),
                            def(
                                    "viewed_in_session",
                                    FLAG,
                                    "0/1",
                                    "session (30 min gap)",
                                    0,
                                    "1 if the shopper viewed the candidate in this session."),
                            def(
                                    "session_views",
                                    COUNT,
                                    "views",
                                    "session (30 min gap)",
                                    0,
                                    "Product views in the current session, this one included.")));

    /**
     * Per-shopper session history, defined in Flink SQL ({@code
     * feature-ops/src/main/resources/sql/session_duration.sql}, written by {@code kartshoppe sql
     * --feature-set shopper_sessions_v1}): updated on every click and placed order.
     */
    public static final FeatureSet SHOPPER_SESSIONS_V1 =
            new FeatureSet(
                    "shopper_sessions_v1",
                    1,
                    List.of(
                            def(
                                    "sessions",
                                    COUNT,
                                    "sessions",
                                    "all time",
                                    0,
                                    "Storefront sessions (sessionId) with a click or placed"
                                            + " order."),
                            def(
                                    "avg_session_sec",
                                    REAL,
                                    "seconds",
                                    "all time",
                                    0,
                                    "Mean duration of those sessions, from their first to their"
                                            + " last click or placed order.")));

    /** Every set, for look-ups by name. */
    public static final List<FeatureSet> ALL =
            List.of(FRAUD_V1, SESSION_V1, RECO_V1, SHOPPER_SESSIONS_V1);

    private FeatureCatalog() {}

    /**
     * @throws IllegalArgumentException naming the unknown set and the known ones
     */
    public static FeatureSet byName(String name) {
        for (FeatureSet set : ALL) {
            if (set.name().equals(name)) {
                return set;
            }
        }
        throw new IllegalArgumentException(
                "Unknown feature set '"
                        + name
                        + "'; known: "
                        + ALL.stream().map(FeatureSet::name).toList());
    }

    private static FeatureDefinition def(
            String name,
            FeatureDefinition.ValueType type,
            String unit,
            String window,
            double defaultValue,
            String description) {
        return new FeatureDefinition(
                name, type, unit, AS_OF_EVENT, window, defaultValue, description);
    }

    private static FeatureDefinition windowed(
            String name, FeatureDefinition.ValueType type, String unit, String description) {
        return new FeatureDefinition(
                name, type, unit, WINDOWED, "session (30 min gap)", 0, description);
    }
}
