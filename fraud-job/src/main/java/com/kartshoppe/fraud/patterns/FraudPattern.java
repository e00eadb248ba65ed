package com.kartshoppe.fraud.patterns;

import com.kartshoppe.events.Decision;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The fraud patterns matched with Flink CEP ({@link FraudPatterns} has their definitions). Each has
 * an id, used in decision reasons as {@code cep:<id>} and as the flag {@code cep_<id>} next to the
 * model's features, and three settings under {@code cep.<id>.}: the pattern's time window, how long
 * a hit flags the key's later orders, and the least decision a flagged order gets.
 */
public enum FraudPattern {
    /** Small declined payments over several cards on one account. */
    CARD_TESTING("card-testing", Key.USER, Duration.ofMinutes(10), Duration.ofMinutes(10)),
    /** Failed logins, then a successful one from a device that failed. */
    ACCOUNT_TAKEOVER("account-takeover", Key.USER, Duration.ofMinutes(15), Duration.ofMinutes(15)),
    /** Many orders on one account within minutes. */
    VELOCITY("velocity", Key.USER, Duration.ofMinutes(10), Duration.ofMinutes(30)),
    /** Orders from several accounts on one device. */
    SHARED_DEVICE("shared-device", Key.DEVICE, Duration.ofHours(1), Duration.ofHours(1));

    /** What a pattern is keyed by, and what its hits flag. */
    public enum Key {
        USER,
        DEVICE
    }

    private final String id;
    private final Key key;
    private final ConfigOption<Duration> within;
    private final ConfigOption<Duration> armFor;
    private final ConfigOption<Decision> atLeast;

    FraudPattern(String id, Key key, Duration within, Duration armFor) {
        this.id = id;
        this.key = key;
        this.within =
                ConfigOptions.key("cep." + id + ".within")
                        .durationType()
                        .defaultValue(within)
                        .withDescription(
                                "Event-time span within which the "
                                        + id
                                        + " pattern must complete.");
        this.armFor =
                ConfigOptions.key("cep." + id + ".flag-for")
                        .durationType()
                        .defaultValue(armFor)
                        .withDescription(
                                "How long after a "
                                        + id
                                        + " hit the "
                                        + key.name().toLowerCase(Locale.ROOT)
                                        + "'s orders are flagged with it.");
        this.atLeast =
                ConfigOptions.key("cep." + id + ".at-least")
                        .enumType(Decision.class)
                        .defaultValue(Decision.REVIEW)
                        .withDescription(
                                "The least decision for an order flagged by "
                                        + id
                                        + ", whatever its score: ALLOW only adds the reason.");
    }

    public String id() {
        return id;
    }

    public Key key() {
        return key;
    }

    /** The decision reason of a hit: {@code cep:<id>}. */
    public String reason() {
        return "cep:" + id;
    }

    /** The flag next to the model's features: {@code cep_<id>} with dashes as underscores. */
    public String flag() {
        return "cep_" + id.replace('-', '_');
    }

    public ConfigOption<Duration> withinOption() {
        return within;
    }

    public ConfigOption<Duration> flagForOption() {
        return armFor;
    }

    public ConfigOption<Decision> atLeastOption() {
        return atLeast;
    }
}
