package com.kartshoppe.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that shapes a simulation run. The same configuration (seed included) always produces
 * the same events, byte for byte, when nothing feeds recommendations back in.
 *
 * <pre>{@code
 * SimulatorConfig config = SimulatorConfig.builder().seed(7).users(500)
 *         .duration(Duration.ofMinutes(10)).duplicateRate(0).build();
 * }</pre>
 *
 * <p>Rates of fraud attacks are per hour of event time and per 1,000 shoppers, so the fraud share
 * stays the same whatever the population size. Attacks arrive regularly with jitter (every {@code
 * 1/rate} on average, the first within one interval), so any run longer than one interval contains
 * every enabled tactic.
 */
public record SimulatorConfig(
        long seed,
        int users,
        int products,
        Duration duration,
        Instant start,
        double sessionsPerUserHour,
        double cardTestingPerHour,
        double accountTakeoverPerHour,
        double promoAbusePerHour,
        Duration driftAt,
        double driftAttacksPerHour,
        Duration labelDelay,
        double clearedShare,
        double labelNoise,
        double duplicateRate,
        double outOfOrderRate,
        Duration maxDelay,
        double malformedRate,
        Set<MalformedKind> malformedKinds,
        double rate,
        double speedup,
        Clock liveClock,
        boolean storefrontRecommendations) {

    /**
     * Placed orders per shopper session, measured on simulations without recommendations (seeds
     * 11-13, 2,000 shoppers, 3 hours: 0.316-0.326): the legitimate side of {@link
     * Builder#fraudShare}.
     */
    static final double LEGIT_ORDERS_PER_SESSION = 0.32;

    /** The same with {@link Builder#storefrontRecommendations} (0.600-0.615). */
    static final double LEGIT_ORDERS_PER_SESSION_WITH_STOREFRONT_RECOS = 0.608;

    /** Mean orders of one attack of each tactic: its script's ranges' means (see Fraudsters). */
    static final double CARD_TESTING_ORDERS = 10 + 1;

    static final double ACCOUNT_TAKEOVER_ORDERS = 1;
    static final double PROMO_ABUSE_ORDERS = 8.5;

    /** Default start of event time for file output: fixed, so runs are reproducible. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    public SimulatorConfig {
        malformedKinds = Set.copyOf(malformedKinds);
        validate(users > 0, "users", users, "must be positive");
        validate(products >= 50, "products", products, "must be at least 50");
        validate(
                duration == null || (!duration.isNegative() && !duration.isZero()),
                "duration",
                duration,
                "must be positive");
        Objects.requireNonNull(start, "start");
        validate(sessionsPerUserHour > 0, "sessions-per-user-hour", sessionsPerUserHour, ">0");
        for (double r :
                new double[] {
                    cardTestingPerHour,
                    accountTakeoverPerHour,
                    promoAbusePerHour,
                    driftAttacksPerHour
                }) {
            validate(r >= 0, "fraud attack rate", r, "must not be negative");
        }
        validate(
                driftAt == null || !driftAt.isNegative(),
                "drift-at",
                driftAt,
                "must not be negative");
        validate(
                !labelDelay.isNegative() && !labelDelay.isZero(),
                "label-delay",
                labelDelay,
                "must be positive");
        probability("cleared-share", clearedShare);
        probability("label-noise", labelNoise);
        probability("duplicate-rate", duplicateRate);
        probability("out-of-order-rate", outOfOrderRate);
        probability("malformed-rate", malformedRate);
        validate(
                maxDelay.compareTo(Duration.ofSeconds(1)) >= 0,
                "max-delay",
                maxDelay,
                "must be at least 1s");
        validate(
                malformedRate == 0 || !malformedKinds.isEmpty(),
                "malformed-kinds",
                malformedKinds,
                "must name at least one kind when malformed-rate > 0");
        validate(rate >= 0, "rate", rate, "must not be negative (0 = as fast as possible)");
        validate(speedup >= 0, "speedup", speedup, "must not be negative (0 = not paced)");
    }

    private static void rate(String name, double perHourPer1000) {
        validate(
                perHourPer1000 >= 0 && perHourPer1000 <= 10_000,
                name,
                perHourPer1000,
                "must be within [0, 10000] attacks per hour per 1,000 shoppers");
    }

    private static void probability(String name, double value) {
        validate(value >= 0 && value <= 1, name, value, "must be within [0, 1]");
    }

    private static void validate(boolean ok, String name, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + rule + ", got " + value);
        }
    }

    /**
     * Whether the run is live: paced so that it never sends a record before {@link #liveClock()}
     * reaches its send time (null: not live).
     */
    public boolean live() {
        return liveClock != null;
    }

    /** When new sessions and attacks stop arriving; null for a run without end. */
    public Instant end() {
        return duration == null ? null : start.plus(duration);
    }

    /** When the drift tactic starts, or null if it never does. */
    public Instant driftStart() {
        return driftAt == null ? null : start.plus(driftAt);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private long seed = 1;
        private int users = 1000;
        private int products = 500;
        private Duration duration = Duration.ofMinutes(30);
        private Instant start = DEFAULT_START;
        private double sessionsPerUserHour = 1.0;
        private double cardTestingPerHour = 2;
        private double accountTakeoverPerHour = 4;
        private double promoAbusePerHour = 2;
        private Double fraudShare;
        private Duration driftAt;
        private double driftAttacksPerHour = 8;
        private Duration labelDelay = Duration.ofMinutes(10);
        private double clearedShare = 0.3;
        private double labelNoise = 0.01;
        private double duplicateRate = 0.01;
        private double outOfOrderRate = 0.02;
        private Duration maxDelay = Duration.ofSeconds(10);
        private double malformedRate = 0.005;
        private Set<MalformedKind> malformedKinds = EnumSet.allOf(MalformedKind.class);
        private double rate;
        private double speedup;
        private Clock liveClock;
        private boolean storefrontRecommendations;

        Builder() {}

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder users(int users) {
            this.users = users;
            return this;
        }

        public Builder products(int products) {
            this.products = products;
            return this;
        }

        /** Arrival window of sessions and attacks; null runs until stopped. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder start(Instant start) {
            this.start = start;
            return this;
        }

        public Builder sessionsPerUserHour(double sessionsPerUserHour) {
            this.sessionsPerUserHour = sessionsPerUserHour;
            return this;
        }

        public Builder cardTestingPerHour(double perHour) {
            this.cardTestingPerHour = perHour;
            return this;
        }

        public Builder accountTakeoverPerHour(double perHour) {
            this.accountTakeoverPerHour = perHour;
            return this;
        }

        public Builder promoAbusePerHour(double perHour) {
            this.promoAbusePerHour = perHour;
            return this;
        }

        /**
         * Scales the card-testing, account-takeover and promo-abuse rates by one factor, so that
         * about this share of placed orders comes from fraudsters (the drift tactic comes on top);
         * null keeps the rates as set. The defaults give about 12%; a real shop sees well under 1%.
         * The factor is worked out from the mean orders of each tactic's script and {@link
         * #LEGIT_ORDERS_PER_SESSION}, so the realised share is near the target, not exact, and
         * varies with the seed: few attacks make a small share.
         */
        public Builder fraudShare(Double share) {
            this.fraudShare = share;
            return this;
        }

        /** Offset from the start at which the gift-card-cashout tactic begins; null = never. */
        public Builder driftAt(Duration driftAt) {
            this.driftAt = driftAt;
            return this;
        }

        public Builder driftAttacksPerHour(double perHour) {
            this.driftAttacksPerHour = perHour;
            return this;
        }

        /**
         * Mean delay of a label after its order; actual delays are uniform in [0.5, 1.5] x mean.
         */
        public Builder labelDelay(Duration labelDelay) {
            this.labelDelay = labelDelay;
            return this;
        }

        /** Share of legitimate orders that receive a CLEARED label. */
        public Builder clearedShare(double clearedShare) {
            this.clearedShare = clearedShare;
            return this;
        }

        /** Share of labels that are wrong: fraud CLEARED, or a legitimate order charged back. */
        public Builder labelNoise(double labelNoise) {
            this.labelNoise = labelNoise;
            return this;
        }

        public Builder duplicateRate(double duplicateRate) {
            this.duplicateRate = duplicateRate;
            return this;
        }

        public Builder outOfOrderRate(double outOfOrderRate) {
            this.outOfOrderRate = outOfOrderRate;
            return this;
        }

        /** Longest delay of an out-of-order event or a duplicate behind the original. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
            return this;
        }

        public Builder malformedRate(double malformedRate) {
            this.malformedRate = malformedRate;
            return this;
        }

        public Builder malformedKinds(Set<MalformedKind> malformedKinds) {
            this.malformedKinds = malformedKinds;
            return this;
        }

        /** Turns off every data-quality fault: no duplicates, no delays, no malformed records. */
        public Builder clean() {
            return duplicateRate(0).outOfOrderRate(0).malformedRate(0);
        }

        /** Caps emission at this many records per wall-clock second; 0 = unlimited. */
        public Builder rate(double rate) {
            this.rate = rate;
            return this;
        }

        /** Paces emission so event time runs this many times faster than the wall clock. */
        public Builder speedup(double speedup) {
            this.speedup = speedup;
            return this;
        }

        /**
         * Makes the run live: it never sends a record before {@code wallClock} (the system clock,
         * or one a test injects) reaches its send time. Started in the past, it catches up at
         * {@link #speedup} and then goes on in real time.
         */
        public Builder live(Clock wallClock) {
            this.liveClock = wallClock;
            return this;
        }

        /**
         * Shows a recommendation after every product view, the shop's own "popular in this
         * category" widget, and lets shoppers react to it as to the reco job's: runs without a
         * recommendation feed then have purchases from recommendations too, as the closed loop
         * does. Deterministic: the widget is part of the simulation.
         */
        public Builder storefrontRecommendations(boolean on) {
            this.storefrontRecommendations = on;
            return this;
        }

        public SimulatorConfig build() {
            double scale = 1;
            if (fraudShare != null) {
                validate(
                        fraudShare > 0 && fraudShare < 1,
                        "fraud-share",
                        fraudShare,
                        "must be within (0, 1)");
                double fraudOrders =
                        cardTestingPerHour * CARD_TESTING_ORDERS
                                + accountTakeoverPerHour * ACCOUNT_TAKEOVER_ORDERS
                                + promoAbusePerHour * PROMO_ABUSE_ORDERS;
                validate(fraudOrders > 0, "fraud-share", fraudShare, "needs a fraud tactic");
                double legitOrders =
                        1000
                                * sessionsPerUserHour
                                * (storefrontRecommendations
                                        ? LEGIT_ORDERS_PER_SESSION_WITH_STOREFRONT_RECOS
                                        : LEGIT_ORDERS_PER_SESSION);
                scale = fraudShare * legitOrders / ((1 - fraudShare) * fraudOrders);
            }
            return new SimulatorConfig(
                    seed,
                    users,
                    products,
                    duration,
                    start,
                    sessionsPerUserHour,
                    cardTestingPerHour * scale,
                    accountTakeoverPerHour * scale,
                    promoAbusePerHour * scale,
                    driftAt,
                    driftAttacksPerHour,
                    labelDelay,
                    clearedShare,
                    labelNoise,
                    duplicateRate,
                    outOfOrderRate,
                    maxDelay,
                    malformedRate,
                    malformedKinds,
                    rate,
                    speedup,
                    liveClock,
                    storefrontRecommendations);
        }
    }
}
