package com.kartshoppe.simulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** Products in categories with Zipf popularity and log-normal prices, and the campaigns. */
final class Catalog {

    record Category(String name, long medianPriceCents, String searchTerm) {}

    record Product(String id, int category, long priceCents, double popularity) {}

    static final List<Category> CATEGORIES =
            List.of(
                    new Category("electronics", 15_000, "headphones"),
                    new Category("books", 1_500, "novel"),
                    new Category("fashion", 4_000, "jacket"),
                    new Category("home", 5_000, "lamp"),
                    new Category("beauty", 2_000, "serum"),
                    new Category("sports", 4_500, "running shoes"),
                    new Category("toys", 2_500, "lego"),
                    new Category("grocery", 800, "coffee"),
                    new Category("garden", 3_500, "planter"),
                    new Category("jewelry", 12_000, "necklace"),
                    new Category("gift-cards", 5_000, "gift card"),
                    new Category("music", 1_200, "vinyl"));

    static final int ELECTRONICS = 0;
    static final int JEWELRY = 9;
    static final int GIFT_CARDS = 10;

    /** Ordinary marketing campaigns, then the welcome promotion that bots abuse. */
    static final List<String> CAMPAIGNS =
            List.of("cmp-spring-sale", "cmp-newsletter", "cmp-social", "cmp-free-shipping");

    static final String ABUSED_PROMO = "cmp-welcome10";

    private static final long[] GIFT_CARD_DENOMINATIONS = {2_500, 5_000, 10_000, 20_000};

    private final List<Product> products;
    private final Map<String, Product> byId = new HashMap<>();
    private final List<List<Product>> byCategory;
    private final List<double[]> cumulativePopularity;

    private Catalog(List<Product> products) {
        this.products = products;
        this.byCategory = new ArrayList<>();
        this.cumulativePopularity = new ArrayList<>();
        for (int c = 0; c < CATEGORIES.size(); c++) {
            byCategory.add(new ArrayList<>());
        }
        for (Product p : products) {
            byCategory.get(p.category()).add(p);
            byId.put(p.id(), p);
        }
        for (List<Product> list : byCategory) {
            double[] cumulative = new double[list.size()];
            double sum = 0;
            for (int i = 0; i < list.size(); i++) {
                sum += list.get(i).popularity();
                cumulative[i] = sum;
            }
            cumulativePopularity.add(cumulative);
        }
    }

    static Catalog generate(int count, Random rng) {
        List<Product> products = new ArrayList<>(count);
        int[] rankInCategory = new int[CATEGORIES.size()];
        for (int i = 0; i < count; i++) {
            // Round-robin keeps every category populated; Zipf(1.1) by rank inside it.
            int category = i % CATEGORIES.size();
            int rank = ++rankInCategory[category];
            Category cat = CATEGORIES.get(category);
            long price =
                    category == GIFT_CARDS
                            ? GIFT_CARD_DENOMINATIONS[rank % GIFT_CARD_DENOMINATIONS.length]
                            : Math.max(
                                    199,
                                    Math.round(
                                                            Sampling.logNormal(
                                                                            cat.medianPriceCents(),
                                                                            0.6,
                                                                            rng)
                                                                    / 10.0)
                                                    * 10
                                            - 1);
            products.add(
                    new Product(
                            String.format(Locale.ROOT, "p-%05d", i + 1),
                            category,
                            price,
                            1.0 / StrictMath.pow(rank, 1.1)));
        }
        return new Catalog(products);
    }

    List<Product> products() {
        return products;
    }

    /** The product with this id, or null if the catalog has none. */
    Product byId(String productId) {
        return byId.get(productId);
    }

    /** A product of the category, drawn by popularity. */
    Product popular(int category, Random rng) {
        return byCategory.get(category).get(Sampling.pick(cumulativePopularity.get(category), rng));
    }

    /** The category's {@code n} most popular products, most popular first. */
    List<Product> mostPopular(int category, int n) {
        List<Product> list = byCategory.get(category);
        return list.subList(0, Math.min(n, list.size()));
    }

    /** A product of the category priced at or above {@code minCents}, or the dearest there is. */
    Product expensive(int category, long minCents, Random rng) {
        List<Product> candidates =
                byCategory.get(category).stream().filter(p -> p.priceCents() >= minCents).toList();
        if (candidates.isEmpty()) {
            return byCategory.get(category).stream()
                    .max((a, b) -> Long.compare(a.priceCents(), b.priceCents()))
                    .orElseThrow();
        }
        return candidates.get(rng.nextInt(candidates.size()));
    }

    static String categoryName(int category) {
        return CATEGORIES.get(category).name();
    }
}
