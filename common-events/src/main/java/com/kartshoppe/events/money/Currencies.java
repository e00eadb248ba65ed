package com.kartshoppe.events.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The currencies KartShoppe trades in, their ISO 4217 minor-unit digits and reference exchange
 * rates against the base currency (EUR). The simulator prices with these rates; ingestion
 * normalisation uses them as its default rate table. Amounts are always integer minor units.
 *
 * <pre>{@code
 * long eurCents = Currencies.toBaseMinor(12_000, "JPY"); // 12,000 yen in euro cents
 * }</pre>
 */
public final class Currencies {

    /** The currency every amount is normalised to. */
    public static final String BASE = "EUR";

    private record Currency(int digits, BigDecimal perEuro) {}

    private static final Map<String, Currency> CURRENCIES =
            Map.ofEntries(
                    Map.entry("EUR", new Currency(2, new BigDecimal("1"))),
                    Map.entry("USD", new Currency(2, new BigDecimal("1.08"))),
                    Map.entry("GBP", new Currency(2, new BigDecimal("0.85"))),
                    Map.entry("PLN", new Currency(2, new BigDecimal("4.30"))),
                    Map.entry("SEK", new Currency(2, new BigDecimal("11.40"))),
                    Map.entry("BRL", new Currency(2, new BigDecimal("5.90"))),
                    Map.entry("INR", new Currency(2, new BigDecimal("90.00"))),
                    Map.entry("JPY", new Currency(0, new BigDecimal("162"))),
                    Map.entry("CAD", new Currency(2, new BigDecimal("1.47"))),
                    Map.entry("AUD", new Currency(2, new BigDecimal("1.65"))),
                    Map.entry("MXN", new Currency(2, new BigDecimal("18.50"))));

    private Currencies() {}

    /** The ISO 4217 codes known here. */
    public static Set<String> codes() {
        return CURRENCIES.keySet();
    }

    public static boolean isKnown(String code) {
        return CURRENCIES.containsKey(code);
    }

    /** Reference units of {@code code} per one euro. */
    public static BigDecimal perEuro(String code) {
        return currency(code).perEuro();
    }

    /** Minor-unit digits of {@code code}: 2 for EUR, 0 for JPY. */
    public static int digits(String code) {
        return currency(code).digits();
    }

    /** Converts euro cents into minor units of {@code code}, rounding half-even. */
    public static long fromBaseMinor(long eurCents, String code) {
        Currency c = currency(code);
        return BigDecimal.valueOf(eurCents)
                .movePointLeft(2)
                .multiply(c.perEuro())
                .movePointRight(c.digits())
                .setScale(0, RoundingMode.HALF_EVEN)
                .longValueExact();
    }

    /** Converts minor units of {@code code} into euro cents at the reference rate. */
    public static long toBaseMinor(long minor, String code) {
        return toBaseMinor(minor, code, perEuro(code));
    }

    /**
     * Converts minor units of {@code code} into euro cents at {@code perEuro} units per euro,
     * rounding half-even.
     */
    public static long toBaseMinor(long minor, String code, BigDecimal perEuro) {
        return BigDecimal.valueOf(minor)
                .movePointLeft(digits(code))
                .divide(perEuro, 10, RoundingMode.HALF_EVEN)
                .movePointRight(2)
                .setScale(0, RoundingMode.HALF_EVEN)
                .longValueExact();
    }

    private static Currency currency(String code) {
        Currency c = CURRENCIES.get(code);
        if (c == null) {
            throw new IllegalArgumentException(
                    "Unknown currency '" + code + "'; known: " + new TreeSet<>(codes()));
        }
        return c;
    }
}
