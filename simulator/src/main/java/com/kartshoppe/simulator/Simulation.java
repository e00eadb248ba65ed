package com.kartshoppe.simulator;

import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * A KartShoppe traffic simulation: shoppers' sessions, fraud attacks, labels and data-quality
 * faults, generated in event-time order.
 *
 * <pre>{@code
 * Simulation sim = new Simulation(SimulatorConfig.builder().seed(42).build());
 * try (EventSink sink = new JsonLinesSink(Path.of("/tmp/sim"))) {
 *     SimulationStats stats = sim.run(sink);
 * }
 * }</pre>
 *
 * <p>Sessions start as a Poisson process over the arrival window ({@link SimulatorConfig#end()});
 * sessions and attacks already under way when it closes play to the end, and labels follow their
 * orders by the label delay, so the output's event times extend past the window. Recommendations
 * handed to {@link #offer} (from any thread) make the addressed shopper react at the current
 * simulation time; without them a run is deterministic.
 */
public final class Simulation {

    private final SimulatorConfig config;
    private final Agenda agenda = new Agenda();
    private final SimulationStats stats = new SimulationStats();
    private final Emitter emitter;
    private final Shoppers shoppers;
    private final Fraudsters fraudsters;
    private final Random traffic;
    private final Queue<Recommendation> inbox = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Simulation(SimulatorConfig config) {
        this.config = config;
        World world = World.generate(config);
        Ids ids = new Ids(config.seed(), config.start().toEpochMilli());
        this.traffic = new Random(config.seed() * 7 + 3);
        this.emitter = new Emitter(config, agenda, ids, stats);
        Storefront shop = new Storefront(config, emitter, ids, stats, traffic);
        this.shoppers = new Shoppers(world, shop, ids, traffic);
        this.fraudsters = new Fraudsters(world, shop, ids, traffic);
        if (config.storefrontRecommendations()) {
            shop.afterProductView(
                    (t, visit, product) -> {
                        if (!visit.shopper().devices.contains(visit.client().device())) {
                            return; // a stranger on the account: its owner sees nothing
                        }
                        long shown = t.toEpochMilli() + WIDGET_DELAY_MILLIS;
                        Recommendation widget = popularNext(ids, world.catalog, visit, product, t);
                        agenda.at(
                                shown,
                                () -> {
                                    stats.recommendationReceived();
                                    shoppers.react(widget, Instant.ofEpochMilli(shown));
                                });
                    });
        }
    }

    /** How long after a product view the storefront's own recommendations show. */
    private static final long WIDGET_DELAY_MILLIS = 300;

    /** The storefront's widget: the category's most popular products but the one viewed. */
    private static Recommendation popularNext(
            Ids ids, Catalog catalog, Storefront.Visit visit, Catalog.Product viewed, Instant t) {
        List<RecommendedItem> items = new ArrayList<>(WIDGET_ITEMS);
        for (Catalog.Product p : catalog.mostPopular(viewed.category(), WIDGET_ITEMS + 1)) {
            if (p != viewed && items.size() < WIDGET_ITEMS) {
                items.add(new RecommendedItem(p.id(), p.popularity(), p.popularity(), false));
            }
        }
        return Recommendation.newBuilder()
                .setRecoId(ids.next("rw"))
                .setEventTime(t)
                .setUserId(visit.shopper().id)
                .setSessionId(visit.sessionId())
                .setTriggerProductId(viewed.id())
                .setItems(items)
                .setModelName("storefront-popular")
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .setCreatedAt(t)
                .build();
    }

    private static final int WIDGET_ITEMS = 10;

    /** Hands a recommendation to the simulated shopper it is for; thread-safe. */
    public void offer(Recommendation recommendation) {
        inbox.add(recommendation);
    }

    /**
     * What the run has produced so far; of it, {@link SimulationStats#orders()} and {@link
     * SimulationStats#fraudOrderTotal()} may be read from any thread while it runs.
     */
    public SimulationStats stats() {
        return stats;
    }

    /** Ends {@link #run} after the current action, ending any pacing wait at once; thread-safe. */
    public void stop() {
        stopped.countDown();
    }

    /**
     * Generates the traffic into {@code sink}, pacing by the configured rate or speed-up. Returns
     * early, with what was produced so far, after {@link #stop()} or when the thread is interrupted
     * (the interrupt flag stays set).
     *
     * @return what was produced
     * @throws UncheckedIOException if the sink fails
     */
    public SimulationStats run(EventSink sink) {
        emitter.attach(sink, new Pacer(config, stopped));
        long start = config.start().toEpochMilli();
        long firstSession = start + sessionGap();
        agenda.at(firstSession, () -> sessionArrives(firstSession));
        scheduleAttacks(FraudTactic.CARD_TESTING, start, config.cardTestingPerHour());
        scheduleAttacks(FraudTactic.ACCOUNT_TAKEOVER, start, config.accountTakeoverPerHour());
        scheduleAttacks(FraudTactic.PROMO_ABUSE, start, config.promoAbusePerHour());
        if (config.driftStart() != null) {
            scheduleAttacks(
                    FraudTactic.GIFT_CARD_CASHOUT,
                    config.driftStart().toEpochMilli(),
                    config.driftAttacksPerHour());
        }
        while (stopped.getCount() > 0 && !agenda.isEmpty()) {
            for (Recommendation reco = inbox.poll(); reco != null; reco = inbox.poll()) {
                stats.recommendationReceived();
                shoppers.react(reco, Instant.ofEpochMilli(agenda.nextTime()));
            }
            agenda.runNext();
            if (Thread.currentThread().isInterrupted()) {
                stop();
            }
        }
        return stats;
    }

    private void sessionArrives(long t) {
        shoppers.session(Instant.ofEpochMilli(t));
        stats.session();
        long next = t + sessionGap();
        if (beforeEnd(next)) {
            agenda.at(next, () -> sessionArrives(next));
        }
    }

    private long sessionGap() {
        double meanMillis = 3_600_000.0 / (config.users() * config.sessionsPerUserHour());
        return Math.max(1, (long) (-StrictMath.log(1 - traffic.nextDouble()) * meanMillis));
    }

    /** Regular arrivals with jitter: the first within one interval, then every 0.5-1.5 of it. */
    private void scheduleAttacks(FraudTactic tactic, long from, double perHourPer1000) {
        double perHour = perHourPer1000 * config.users() / 1000.0;
        if (perHour <= 0) {
            return;
        }
        long interval = Math.max(1, (long) (3_600_000 / perHour));
        long first = from + (long) (traffic.nextDouble() * interval);
        if (beforeEnd(first)) {
            agenda.at(first, () -> attackArrives(tactic, first, interval));
        }
    }

    private void attackArrives(FraudTactic tactic, long t, long interval) {
        fraudsters.attack(tactic, Instant.ofEpochMilli(t));
        stats.attack(tactic);
        long next = t + (long) (interval * (0.5 + traffic.nextDouble()));
        if (beforeEnd(next)) {
            agenda.at(next, () -> attackArrives(tactic, next, interval));
        }
    }

    private boolean beforeEnd(long t) {
        return config.end() == null || t < config.end().toEpochMilli();
    }
}
