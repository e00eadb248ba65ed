package com.kartshoppe.fraud.patterns;

import com.kartshoppe.events.Decision;
import com.kartshoppe.events.config.Settings;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Thresholds of the {@link FraudPattern}s, read and validated once.
 *
 * <pre>{@code
 * PatternSettings settings = PatternSettings.from(conf);
 * Pattern<PatternEvent, ?> cardTesting = FraudPatterns.of(FraudPattern.CARD_TESTING, settings);
 * }</pre>
 */
public final class PatternSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final ConfigOption<Integer> MIN_DECLINES =
            ConfigOptions.key("cep.card-testing.min-declines")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Small declined payments that make card testing (at least 2).");

    public static final ConfigOption<Integer> MIN_CARDS =
            ConfigOptions.key("cep.card-testing.min-cards")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Distinct cards the declined payments must span (at least 1).");

    public static final ConfigOption<Double> MAX_PROBE_EUR =
            ConfigOptions.key("cep.card-testing.max-probe-eur")
                    .doubleType()
                    .defaultValue(10.0)
                    .withDescription(
                            "Largest payment, in euros after normalisation, that counts as a"
                                    + " card-testing probe.");

    public static final ConfigOption<Integer> MIN_FAILED_LOGINS =
            ConfigOptions.key("cep.account-takeover.min-failed-logins")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Failed logins before the successful one that make an account"
                                    + " takeover (at least 1).");

    public static final ConfigOption<Duration> KNOWN_DEVICE_FOR =
            ConfigOptions.key("cep.account-takeover.known-device-for")
                    .durationType()
                    .defaultValue(Duration.ofDays(90))
                    .withDescription(
                            "How long after an account last used a device (a successful login, a"
                                    + " placed order or an approved payment) failed logins from it"
                                    + " count as the owner's typos rather than guesses.");

    public static final ConfigOption<Integer> MIN_ORDERS =
            ConfigOptions.key("cep.velocity.min-orders")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Placed orders on one account that make velocity (at least 2).");

    public static final ConfigOption<Integer> MIN_ACCOUNTS =
            ConfigOptions.key("cep.shared-device.min-accounts")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Distinct accounts ordering from one device that make a shared device"
                                    + " (at least 2).");

    /** Every option of the patterns, thresholds and per-pattern settings. */
    public static final List<ConfigOption<?>> ALL = all();

    private final int minDeclines;
    private final int minCards;
    private final long maxProbeCents;
    private final int minFailedLogins;
    private final Duration knownDeviceFor;
    private final int minOrders;
    private final int minAccounts;
    private final EnumMap<FraudPattern, Duration> within = new EnumMap<>(FraudPattern.class);
    private final EnumMap<FraudPattern, Duration> flagFor = new EnumMap<>(FraudPattern.class);
    private final EnumMap<FraudPattern, Decision> atLeast = new EnumMap<>(FraudPattern.class);

    private PatternSettings(Configuration conf) {
        minDeclines = Settings.atLeast(conf, MIN_DECLINES, 2);
        minCards = Settings.atLeast(conf, MIN_CARDS, 1);
        minFailedLogins = Settings.atLeast(conf, MIN_FAILED_LOGINS, 1);
        knownDeviceFor = Settings.positive(conf, KNOWN_DEVICE_FOR);
        minOrders = Settings.atLeast(conf, MIN_ORDERS, 2);
        minAccounts = Settings.atLeast(conf, MIN_ACCOUNTS, 2);
        double probe = conf.get(MAX_PROBE_EUR);
        if (!(probe > 0) || Double.isInfinite(probe)) {
            throw new IllegalArgumentException(
                    MAX_PROBE_EUR.key() + " must be a positive amount, got " + probe);
        }
        maxProbeCents = Math.round(probe * 100);
        for (FraudPattern p : FraudPattern.values()) {
            within.put(p, Settings.positive(conf, p.withinOption()));
            flagFor.put(p, Settings.positive(conf, p.flagForOption()));
            atLeast.put(p, conf.get(p.atLeastOption()));
        }
    }

    /**
     * @throws IllegalArgumentException naming the option whose value is out of range
     */
    public static PatternSettings from(Configuration conf) {
        return new PatternSettings(conf);
    }

    private static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all =
                new ArrayList<>(
                        List.of(
                                MIN_DECLINES,
                                MIN_CARDS,
                                MAX_PROBE_EUR,
                                MIN_FAILED_LOGINS,
                                KNOWN_DEVICE_FOR,
                                MIN_ORDERS,
                                MIN_ACCOUNTS));
        for (FraudPattern p : FraudPattern.values()) {
            all.addAll(List.of(p.withinOption(), p.flagForOption(), p.atLeastOption()));
        }
        return List.copyOf(all);
    }

    public int minDeclines() {
        return minDeclines;
    }

    public int minCards() {
        return minCards;
    }

    public long maxProbeCents() {
        return maxProbeCents;
    }

    public int minFailedLogins() {
        return minFailedLogins;
    }

    public Duration knownDeviceFor() {
        return knownDeviceFor;
    }

    public int minOrders() {
        return minOrders;
    }

    public int minAccounts() {
        return minAccounts;
    }

    public Duration within(FraudPattern p) {
        return within.get(p);
    }

    public Duration flagFor(FraudPattern p) {
        return flagFor.get(p);
    }

    /** The least decision of every pattern. */
    public Map<FraudPattern, Decision> atLeast() {
        return new EnumMap<>(atLeast);
    }
}
