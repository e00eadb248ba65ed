package com.kartshoppe.simulator;

import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Legitimate shoppers: a session funnel (login, search, views mostly in preferred categories, cart
 * adds and removes, checkout, payment with the occasional decline) and reactions to recommendations
 * that depend on the shopper's latent preferences.
 */
final class Shoppers {

    private static final Duration SESSION_GAP = Duration.ofMinutes(30);

    /** Share of sessions by customers who registered minutes before. */
    private static final double NEWCOMER_SHARE = 0.03;

    /**
     * Recommendations a shopper clicks in one session at most; they buy from one of them only in a
     * session without a checkout of its own. Each click is a product view that earns a new
     * recommendation: without these caps, a shopper in the closed loop kept clicking and ordering,
     * one order per item, which no shopper does (and which the velocity pattern rightly flagged).
     */
    static final int MAX_RECO_CLICKS_PER_SESSION = 3;

    private static final String[] DECLINES = {"insufficient_funds", "do_not_honor"};

    private final World world;
    private final Storefront shop;
    private final Ids ids;
    private final Random rng;

    Shoppers(World world, Storefront shop, Ids ids, Random rng) {
        this.world = world;
        this.shop = shop;
        this.ids = ids;
        this.rng = rng;
    }

    /**
     * Plays one whole session starting at {@code start}: usually of a regular shopper, sometimes of
     * a customer who just registered (often with the welcome promotion).
     */
    void session(Instant start) {
        boolean newcomer = Sampling.chance(NEWCOMER_SHARE, rng);
        Shopper s = newcomer ? newcomer(start) : world.activeShopper(rng);
        String campaign =
                newcomer && Sampling.chance(0.4, rng)
                        ? Catalog.ABUSED_PROMO
                        : Sampling.chance(0.12, rng)
                                ? Catalog.CAMPAIGNS.get(rng.nextInt(Catalog.CAMPAIGNS.size()))
                                : null;
        Storefront.Visit visit = new Storefront.Visit(s, ids.next("s"), client(s), campaign);
        Instant t = start;
        boolean newDevice = !s.devices.contains(visit.client().device());
        if (newDevice) {
            s.devices.add(visit.client().device());
        }
        if (newcomer || newDevice || Sampling.chance(0.35, rng)) {
            if (Sampling.chance(0.06, rng)) {
                shop.login(t, s, visit.client(), false, "bad_password");
                t = t.plus(seconds(5, 20));
            }
            shop.login(t, s, visit.client(), true, null);
        }
        List<Catalog.Product> cart = new ArrayList<>();
        int steps = Math.min(30, Sampling.geometric(7, rng));
        for (int i = 0; i < steps; i++) {
            t = t.plus(think());
            double r = rng.nextDouble();
            if (r < 0.05) {
                shop.click(t, visit, ClickType.PAGE_VIEW, null);
                continue;
            }
            int category = s.browseCategory(rng);
            if (r < 0.2) {
                shop.search(t, visit, category);
                t = t.plus(seconds(2, 10));
            }
            Catalog.Product product = pick(s, category);
            shop.click(t, visit, ClickType.PRODUCT_VIEW, product);
            if (!cart.contains(product)
                    && Sampling.chance(
                            0.06 + 0.3 * s.affinity(category) * s.priceFit(product), rng)) {
                t = t.plus(seconds(3, 20));
                shop.click(t, visit, ClickType.ADD_TO_CART, product);
                cart.add(product);
            } else if (!cart.isEmpty() && Sampling.chance(0.05, rng)) {
                Catalog.Product removed = cart.remove(rng.nextInt(cart.size()));
                t = t.plus(seconds(2, 15));
                shop.click(t, visit, ClickType.REMOVE_FROM_CART, removed);
            }
        }
        if (!cart.isEmpty() && Sampling.chance(campaign == null ? 0.5 : 0.65, rng)) {
            t = checkout(t.plus(seconds(10, 60)), visit, cart);
            // One checkout per session: what the shopper buys from recommendations meanwhile
            // would have gone into this cart.
            s.recoUse(visit.sessionId())[1] = 1;
        }
        s.inSession(visit.sessionId(), t.plus(SESSION_GAP).toEpochMilli());
    }

    /**
     * A shopper sees a recommendation and may click one item (position-biased, by preference and
     * price), view it, and sometimes buy it.
     */
    void react(Recommendation reco, Instant now) {
        Shopper s = world.byId(reco.getUserId());
        // Fraudsters' accounts pay with stolen cards, never their own: they do not shop from
        // recommendations.
        if (s == null || s.devices.isEmpty() || s.cards.isEmpty()) {
            return;
        }
        String sessionId =
                reco.getSessionId() != null
                        ? reco.getSessionId()
                        : s.sessionId != null && s.sessionIdleAtMillis > now.toEpochMilli()
                                ? s.sessionId
                                : null;
        if (sessionId != null && s.recoUse(sessionId)[0] >= MAX_RECO_CLICKS_PER_SESSION) {
            return;
        }
        List<RecommendedItem> items = reco.getItems();
        for (int position = 0; position < items.size(); position++) {
            Catalog.Product product = world.catalog.byId(items.get(position).getProductId());
            if (product == null) {
                continue;
            }
            double interest = s.affinity(product.category()) * s.priceFit(product);
            if (!Sampling.chance((0.03 + 0.45 * interest) / (1 + 0.3 * position), rng)) {
                continue;
            }
            Storefront.Visit visit =
                    new Storefront.Visit(
                            s,
                            sessionId != null ? sessionId : ids.next("s"),
                            new Storefront.Client(s.primaryDevice(), s.home),
                            null);
            int[] use = s.recoUse(visit.sessionId());
            use[0]++;
            Instant t = now.plus(seconds(2, 20));
            shop.recoClick(t, visit, product, reco.getRecoId(), position);
            t = t.plus(seconds(1, 3));
            shop.click(t, visit, ClickType.PRODUCT_VIEW, product);
            if (use[1] == 0 && Sampling.chance(0.3 * interest, rng)) {
                use[1] = 1;
                t = t.plus(seconds(5, 30));
                shop.click(t, visit, ClickType.ADD_TO_CART, product);
                t = checkout(t.plus(seconds(20, 90)), visit, List.of(product));
            }
            s.inSession(visit.sessionId(), t.plus(SESSION_GAP).toEpochMilli());
            return;
        }
    }

    /** A customer who registered minutes before {@code start}, with one device and one card. */
    private Shopper newcomer(Instant start) {
        Geo.Country home = Geo.homeCountry(rng);
        Shopper s = world.newAccount(home, start.minus(seconds(60, 1200)));
        world.addDevice(s, home);
        world.addCard(s, home.code());
        return s;
    }

    /** Device and network of a session: mostly the usual ones, sometimes new or abroad. */
    private Storefront.Client client(Shopper s) {
        Shopper.Device device;
        double r = rng.nextDouble();
        if (r < 0.03) {
            device = world.newDevice(s.home); // a new phone: session() registers it
        } else if (r < 0.15 && s.devices.size() > 1) {
            device = s.devices.get(1 + rng.nextInt(s.devices.size() - 1));
        } else {
            device = s.primaryDevice();
        }
        if (Sampling.chance(0.02, rng)) {
            Geo.Country abroad = Geo.otherCountry(s.home, rng);
            return new Storefront.Client(device, Geo.ip(abroad, rng), abroad);
        }
        return new Storefront.Client(device, s.home);
    }

    /** A product of the category the shopper finds acceptable, by popularity and price fit. */
    private Catalog.Product pick(Shopper s, int category) {
        Catalog.Product product = world.catalog.popular(category, rng);
        for (int tries = 0; tries < 5 && !Sampling.chance(s.priceFit(product), rng); tries++) {
            product = world.catalog.popular(category, rng);
        }
        return product;
    }

    private Duration think() {
        return Sampling.exponential(
                Duration.ofSeconds(25), Duration.ofSeconds(2), Duration.ofSeconds(180), rng);
    }

    private Duration seconds(int min, int max) {
        return Sampling.between(Duration.ofSeconds(min), Duration.ofSeconds(max), rng);
    }

    /** Orders the cart at {@code t} and pays; returns the time the checkout finished. */
    private Instant checkout(Instant t, Storefront.Visit visit, List<Catalog.Product> cart) {
        Shopper s = visit.shopper();
        Storefront.Client client = visit.client();
        List<Storefront.Line> lines = new ArrayList<>();
        for (Catalog.Product p : cart) {
            lines.add(new Storefront.Line(p, Sampling.chance(0.1, rng) ? 2 : 1));
        }
        OrderEvent order = shop.placeOrder(t, visit, lines, s.home.code(), null);
        t = t.plus(seconds(2, 15));
        Shopper.Card card =
                s.cards.size() > 1 && Sampling.chance(0.15, rng) ? s.cards.get(1) : s.primaryCard();
        boolean paid = true;
        if (Sampling.chance(0.04, rng)) {
            shop.pay(t, order, client, card, DECLINES[rng.nextInt(DECLINES.length)]);
            Shopper.Card other = s.cards.stream().filter(c -> c != card).findFirst().orElse(null);
            if (other != null && Sampling.chance(0.9, rng)) {
                t = t.plus(seconds(20, 90));
                shop.pay(t, order, client, other, null);
            } else {
                paid = false;
                shop.orderStatus(t.plus(seconds(300, 900)), order, OrderStatus.CANCELLED);
            }
        } else {
            shop.pay(t, order, client, card, null);
        }
        if (paid && Sampling.chance(0.015, rng)) {
            shop.orderStatus(t.plus(seconds(600, 3600)), order, OrderStatus.REFUNDED);
        } else if (paid && Sampling.chance(0.01, rng)) {
            shop.orderStatus(t.plus(seconds(120, 1200)), order, OrderStatus.CANCELLED);
        }
        shop.label(order, null, paid);
        return t;
    }
}
