package com.kartshoppe.features.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The KartShoppe blog's SQL features, as queries over the {@link ShopTables}: shipped as {@code
 * feature-ops/src/main/resources/sql/<name>.sql}, runnable with {@code kartshoppe sql --file}.
 *
 * <pre>{@code
 * Table t = tEnv.sqlQuery(SqlFeatures.query(SqlFeatures.VIEW_TO_PURCHASE));
 * }</pre>
 */
public final class SqlFeatures {

    /** Per product view: the earliest purchase of the product within 30 minutes, and the gap. */
    public static final String VIEW_TO_PURCHASE = "view_to_purchase";

    /** Per campaign and hour: sessions, conversions, conversion rate, mean session duration. */
    public static final String CAMPAIGN_CONVERSION = "campaign_conversion";

    /** Per shopper: sessions and their mean duration. */
    public static final String SESSION_DURATION = "session_duration";

    public static final List<String> ALL =
            List.of(VIEW_TO_PURCHASE, CAMPAIGN_CONVERSION, SESSION_DURATION);

    private SqlFeatures() {}

    /** The SQL of one feature. */
    public static String query(String name) {
        String resource = "/sql/" + name + ".sql";
        try (InputStream in = SqlFeatures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No SQL feature " + name + "; known: " + ALL);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
