package com.kartshoppe.simulator;

import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.OrderEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Scripts of the fraud tactics; see {@link FraudTactic} for what each one looks like. */
final class Fraudsters {

    private static final String[] TESTING_DECLINES = {
        "do_not_honor", "invalid_cvv", "insufficient_funds", "stolen_card"
    };

    private final World world;
    private final Storefront shop;
    private final Ids ids;
    private final Random rng;

    Fraudsters(World world, Storefront shop, Ids ids, Random rng) {
        this.world = world;
        this.shop = shop;
        this.ids = ids;
        this.rng = rng;
    }

    void attack(FraudTactic tactic, Instant start) {
        switch (tactic) {
            case CARD_TESTING -> cardTesting(start);
            case ACCOUNT_TAKEOVER -> accountTakeover(start);
            case PROMO_ABUSE -> promoAbuse(start);
            case GIFT_CARD_CASHOUT -> giftCardCashout(start);
        }
    }

    private void cardTesting(Instant start) {
        Geo.Country from = Geo.COUNTRIES.get(rng.nextInt(Geo.COUNTRIES.size()));
        Shopper fraudster =
                world.newAccount(
                        from, start.minus(between(Duration.ofMinutes(2), Duration.ofHours(2))));
        Storefront.Client client = new Storefront.Client(world.addDevice(fraudster, from), from);
        Storefront.Visit visit = new Storefront.Visit(fraudster, ids.next("s"), client, null);
        Instant t = start;
        shop.login(t, fraudster, client, true, null);
        List<Shopper.Card> stolen = new ArrayList<>();
        for (int i = Sampling.between(3, 6, rng); i > 0; i--) {
            stolen.add(world.newCard(Geo.COUNTRIES.get(rng.nextInt(Geo.COUNTRIES.size())).code()));
        }
        Shopper.Card working = null;
        for (int attempt = Sampling.between(6, 14, rng); attempt > 0; attempt--) {
            t = t.plus(seconds(10, 40));
            // Probes are tiny: a custom-value gift card of 1 to 6 euros.
            Catalog.Product giftCard = world.catalog.popular(Catalog.GIFT_CARDS, rng);
            Storefront.Line probe =
                    new Storefront.Line(giftCard, 1, Sampling.between(100L, 600L, rng));
            OrderEvent order =
                    shop.placeOrder(
                            t, visit, List.of(probe), from.code(), FraudTactic.CARD_TESTING);
            Shopper.Card card = stolen.get(rng.nextInt(stolen.size()));
            t = t.plus(seconds(2, 10));
            // The tester keeps going until a card works: the last probe succeeds if none did.
            boolean approved = Sampling.chance(0.2, rng) || (attempt == 1 && working == null);
            shop.pay(
                    t,
                    order,
                    client,
                    card,
                    approved ? null : TESTING_DECLINES[rng.nextInt(TESTING_DECLINES.length)]);
            if (approved) {
                working = card;
            }
            shop.label(order, FraudTactic.CARD_TESTING, approved);
        }
        t = t.plus(between(Duration.ofMinutes(1), Duration.ofMinutes(4)));
        Catalog.Product loot = world.catalog.expensive(Catalog.ELECTRONICS, 30_000, rng);
        shop.click(t, visit, ClickType.PRODUCT_VIEW, loot);
        orderAndPay(
                t.plus(seconds(10, 40)),
                FraudTactic.CARD_TESTING,
                visit,
                List.of(new Storefront.Line(loot, Sampling.between(1, 3, rng))),
                from.code(),
                working);
    }

    private void accountTakeover(Instant start) {
        Shopper victim = world.activeShopper(rng);
        Geo.Country from = Geo.otherCountry(victim.home, rng);
        Storefront.Client client = new Storefront.Client(world.newDevice(from), from);
        Instant t = start;
        for (int i = Sampling.between(3, 8, rng); i > 0; i--) {
            shop.login(t, victim, client, false, "bad_password");
            t = t.plus(seconds(3, 15));
        }
        shop.login(t, victim, client, true, null);
        Storefront.Visit visit = new Storefront.Visit(victim, ids.next("s"), client, null);
        List<Storefront.Line> lines = new ArrayList<>();
        for (int i = Sampling.between(1, 3, rng); i > 0; i--) {
            t = t.plus(seconds(5, 30));
            int category = Sampling.chance(0.6, rng) ? Catalog.ELECTRONICS : Catalog.JEWELRY;
            Catalog.Product product = world.catalog.expensive(category, 20_000, rng);
            shop.click(t, visit, ClickType.PRODUCT_VIEW, product);
            if (lines.isEmpty() || Sampling.chance(0.5, rng)) {
                lines.add(new Storefront.Line(product, 1));
            }
        }
        orderAndPay(
                t.plus(seconds(30, 240)),
                FraudTactic.ACCOUNT_TAKEOVER,
                visit,
                lines,
                from.code(),
                victim.primaryCard());
    }

    private void promoAbuse(Instant start) {
        Geo.Country from = Geo.homeCountry(rng);
        Shopper.Device bot = world.newDevice(from);
        Storefront.Client client = new Storefront.Client(bot, from);
        List<Shopper.Card> cards = new ArrayList<>();
        for (int i = Sampling.between(2, 3, rng); i > 0; i--) {
            cards.add(world.newCard(from.code()));
        }
        Instant t = start;
        for (int account = Sampling.between(5, 12, rng); account > 0; account--) {
            Shopper fake = world.newAccount(from, t.minus(seconds(5, 60)));
            fake.devices.add(bot);
            Storefront.Visit visit =
                    new Storefront.Visit(fake, ids.next("s"), client, Catalog.ABUSED_PROMO);
            shop.login(t, fake, client, true, null);
            Catalog.Product product = null;
            for (int i = Sampling.between(1, 3, rng); i > 0; i--) {
                t = t.plus(seconds(2, 8));
                product = world.catalog.popular(fake.browseCategory(rng), rng);
                shop.click(t, visit, ClickType.PRODUCT_VIEW, product);
            }
            t = t.plus(seconds(2, 6));
            shop.click(t, visit, ClickType.ADD_TO_CART, product);
            t =
                    orderAndPay(
                            t.plus(seconds(5, 15)),
                            FraudTactic.PROMO_ABUSE,
                            visit,
                            List.of(new Storefront.Line(product, 1)),
                            from.code(),
                            cards.get(rng.nextInt(cards.size())));
            t = t.plus(seconds(20, 120));
        }
    }

    private void giftCardCashout(Instant start) {
        Shopper ring = world.wakeDormant(start);
        Storefront.Client client = new Storefront.Client(ring.primaryDevice(), ring.home);
        Storefront.Visit visit = new Storefront.Visit(ring, ids.next("s"), client, null);
        Shopper.Card fresh = world.addCard(ring, ring.home.code());
        Instant t = start;
        shop.login(t, ring, client, true, null);
        for (int order = Sampling.between(2, 4, rng); order > 0; order--) {
            List<Storefront.Line> lines = new ArrayList<>();
            for (int i = Sampling.between(1, 3, rng); i > 0; i--) {
                t = t.plus(seconds(5, 30));
                Catalog.Product card = world.catalog.expensive(Catalog.GIFT_CARDS, 10_000, rng);
                shop.click(t, visit, ClickType.PRODUCT_VIEW, card);
                lines.add(new Storefront.Line(card, Sampling.between(1, 3, rng)));
            }
            t =
                    orderAndPay(
                            t.plus(seconds(10, 60)),
                            FraudTactic.GIFT_CARD_CASHOUT,
                            visit,
                            lines,
                            ring.home.code(),
                            fresh);
            t = t.plus(between(Duration.ofMinutes(1), Duration.ofMinutes(4)));
        }
    }

    /**
     * Places a fraudulent order at {@code t}, pays it (approved) a few seconds later with {@code
     * card} and labels it; returns the payment time.
     */
    private Instant orderAndPay(
            Instant t,
            FraudTactic tactic,
            Storefront.Visit visit,
            List<Storefront.Line> lines,
            String shipTo,
            Shopper.Card card) {
        OrderEvent order = shop.placeOrder(t, visit, lines, shipTo, tactic);
        Instant paidAt = t.plus(seconds(2, 10));
        shop.pay(paidAt, order, visit.client(), card, null);
        shop.label(order, tactic, true);
        return paidAt;
    }

    private Duration seconds(int min, int max) {
        return between(Duration.ofSeconds(min), Duration.ofSeconds(max));
    }

    private Duration between(Duration min, Duration max) {
        return Sampling.between(min, max, rng);
    }
}
