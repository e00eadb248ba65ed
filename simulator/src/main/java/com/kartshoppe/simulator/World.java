package com.kartshoppe.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** The population (shoppers and dormant fraud-ring accounts) and the catalog of one run. */
final class World {

    /** Accounts a fraud ring registered long ago and never used: woken up by gift-card cashout. */
    private static final int DORMANT_ACCOUNTS_PER_1000 = 30;

    final Catalog catalog;
    final List<Shopper> shoppers = new ArrayList<>();
    final List<Shopper> dormant = new ArrayList<>();
    private final double[] cumulativeActivity;
    private final Map<String, Shopper> byId = new HashMap<>();
    private final Random rng;
    private int accountsCreated;
    private int dormantUsed;

    private World(SimulatorConfig config, Random rng) {
        this.rng = rng;
        this.catalog = Catalog.generate(config.products(), rng);
        int dormantCount = Math.max(10, config.users() * DORMANT_ACCOUNTS_PER_1000 / 1000);
        // Shuffled account numbers, so a dormant ring account's id looks like anyone's.
        int[] numbers = shuffledNumbers(config.users() + dormantCount);
        accountsCreated = numbers.length;
        cumulativeActivity = new double[config.users()];
        double sum = 0;
        for (int i = 0; i < config.users(); i++) {
            // Customers registered between a day and three years before the run.
            Instant signedUp =
                    config.start()
                            .minus(
                                    Sampling.between(
                                            Duration.ofDays(1), Duration.ofDays(3 * 365), rng));
            Shopper s = account(numbers[i], Geo.homeCountry(rng), signedUp);
            addDevice(s, s.home);
            if (Sampling.chance(0.4, rng)) {
                addDevice(s, s.home);
            }
            if (Sampling.chance(0.15, rng)) {
                addDevice(s, s.home);
            }
            addCard(s, s.home.code());
            if (Sampling.chance(0.35, rng)) {
                // A second card, sometimes from abroad (expats, travel cards).
                addCard(
                        s,
                        Sampling.chance(0.15, rng)
                                ? Geo.otherCountry(s.home, rng).code()
                                : s.home.code());
            }
            shoppers.add(s);
            sum += Sampling.logNormal(1, 0.7, rng);
            cumulativeActivity[i] = sum;
        }
        for (int i = 0; i < dormantCount; i++) {
            Instant signedUp =
                    config.start()
                            .minus(
                                    Sampling.between(
                                            Duration.ofDays(180), Duration.ofDays(730), rng));
            Shopper s = account(numbers[config.users() + i], Geo.homeCountry(rng), signedUp);
            addDevice(s, s.home);
            addCard(s, s.home.code());
            dormant.add(s);
        }
    }

    static World generate(SimulatorConfig config) {
        return new World(config, new Random(config.seed()));
    }

    /** A shopper drawn by activity: some shop far more often than others. */
    Shopper activeShopper(Random traffic) {
        return shoppers.get(Sampling.pick(cumulativeActivity, traffic));
    }

    Shopper byId(String userId) {
        return byId.get(userId);
    }

    /** An account registered at {@code signedUpAt}, with no devices or cards yet. */
    Shopper newAccount(Geo.Country home, Instant signedUpAt) {
        return account(++accountsCreated, home, signedUpAt);
    }

    private Shopper account(int number, Geo.Country home, Instant signedUpAt) {
        Shopper s =
                new Shopper(
                        String.format(Locale.ROOT, "u-%06d", number),
                        home,
                        signedUpAt,
                        Shopper.randomPreferences(rng),
                        rng.nextDouble());
        byId.put(s.id, s);
        return s;
    }

    private int[] shuffledNumbers(int n) {
        int[] numbers = new int[n];
        for (int i = 0; i < n; i++) {
            numbers[i] = i + 1;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = numbers[i];
            numbers[i] = numbers[j];
            numbers[j] = t;
        }
        return numbers;
    }

    /**
     * The next dormant ring account; once the ones registered before the run are used up, the ring
     * buys another aged account (registered 6 to 24 months before {@code now}).
     */
    Shopper wakeDormant(Instant now) {
        if (dormantUsed < dormant.size()) {
            return dormant.get(dormantUsed++);
        }
        Shopper aged =
                newAccount(
                        Geo.homeCountry(rng),
                        now.minus(
                                Sampling.between(Duration.ofDays(180), Duration.ofDays(730), rng)));
        addDevice(aged, aged.home);
        addCard(aged, aged.home.code());
        return aged;
    }

    Shopper.Device addDevice(Shopper s, Geo.Country country) {
        Shopper.Device d = newDevice(country);
        s.devices.add(d);
        return d;
    }

    /** A device nobody has used yet, on a network in {@code country}. */
    Shopper.Device newDevice(Geo.Country country) {
        return new Shopper.Device(hexId("d-", 10), Geo.ip(country, rng));
    }

    Shopper.Card addCard(Shopper s, String binCountry) {
        Shopper.Card c = newCard(binCountry);
        s.cards.add(c);
        return c;
    }

    /** A card that belongs to nobody in the population (stolen card numbers). */
    Shopper.Card newCard(String binCountry) {
        return new Shopper.Card(hexId("c-", 12), binCountry);
    }

    Random rng() {
        return rng;
    }

    private String hexId(String prefix, int digits) {
        StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(rng.nextInt(16), 16));
        }
        return sb.toString();
    }
}
