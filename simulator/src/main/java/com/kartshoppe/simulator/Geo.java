package com.kartshoppe.simulator;

import java.util.List;
import java.util.Random;

/** Countries the shop sees, with their currency and a synthetic IP range each. */
final class Geo {

    record Country(String code, String currency, int ipPrefix, double shopperWeight) {}

    /** Shoppers live in the first nine; visitors and attackers may come from any. */
    static final List<Country> COUNTRIES =
            List.of(
                    new Country("DE", "EUR", 84, 0.22),
                    new Country("FR", "EUR", 86, 0.16),
                    new Country("ES", "EUR", 88, 0.10),
                    new Country("IT", "EUR", 93, 0.10),
                    new Country("NL", "EUR", 94, 0.07),
                    new Country("GB", "GBP", 81, 0.14),
                    new Country("US", "USD", 73, 0.12),
                    new Country("PL", "PLN", 83, 0.05),
                    new Country("SE", "SEK", 78, 0.04),
                    new Country("BR", "BRL", 177, 0),
                    new Country("IN", "INR", 117, 0),
                    new Country("JP", "JPY", 126, 0),
                    new Country("CA", "CAD", 99, 0),
                    new Country("AU", "AUD", 101, 0),
                    new Country("MX", "MXN", 187, 0));

    private static final double[] SHOPPER_CUMULATIVE = cumulative();

    private Geo() {}

    private static double[] cumulative() {
        double[] c = new double[COUNTRIES.size()];
        double sum = 0;
        for (int i = 0; i < c.length; i++) {
            sum += COUNTRIES.get(i).shopperWeight();
            c[i] = sum;
        }
        return c;
    }

    /** A home country for a shopper, weighted by the shop's market. */
    static Country homeCountry(Random rng) {
        return COUNTRIES.get(Sampling.pick(SHOPPER_CUMULATIVE, rng));
    }

    /** Any country other than {@code notThis}. */
    static Country otherCountry(Country notThis, Random rng) {
        Country c;
        do {
            c = COUNTRIES.get(rng.nextInt(COUNTRIES.size()));
        } while (c.equals(notThis));
        return c;
    }

    /** A random address in the country's synthetic range. */
    static String ip(Country country, Random rng) {
        return country.ipPrefix()
                + "."
                + rng.nextInt(256)
                + "."
                + rng.nextInt(256)
                + "."
                + (1 + rng.nextInt(254));
    }
}
