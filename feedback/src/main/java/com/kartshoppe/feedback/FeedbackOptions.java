package com.kartshoppe.feedback;

import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.inference.adapter.FtrlSettings;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/** Settings of the feedback job; read and checked once by {@link #settings}. */
public final class FeedbackOptions {

    public static final ConfigOption<Duration> LABEL_HORIZON =
            ConfigOptions.key("feedback.fraud.label-horizon")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription(
                            "How long after an order its fraud label may arrive (label maturity):"
                                    + " an order with no fraud label by then counts as legitimate"
                                    + " (MATURED). Chargebacks take weeks in production; the"
                                    + " default suits the simulator, whose labels arrive 5 to 15"
                                    + " minutes after the order. Fraud predictions are kept in"
                                    + " state this long plus"
                                    + " feedback.fraud.late-label-retention.");

    public static final ConfigOption<Duration> LATE_LABEL_RETENTION =
            ConfigOptions.key("feedback.fraud.late-label-retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "How long after the label horizon a matured prediction is kept, so"
                                    + " that a label arriving late still becomes a (LATE_*)"
                                    + " training example and is counted in the reports; a label"
                                    + " later than that, or for an order never scored, is"
                                    + " counted as unmatched.");

    public static final ConfigOption<List<Double>> THRESHOLDS =
            ConfigOptions.key("feedback.fraud.thresholds")
                    .doubleType()
                    .asList()
                    .defaultValues(0.5, 0.9)
                    .withDescription(
                            "Score thresholds at which the fraud reports give precision, recall"
                                    + " and false-positive rate; the defaults are the fraud job's"
                                    + " fraud.review-threshold and fraud.block-threshold. Values"
                                    + " in (0, 1], separated by ';'.");

    public static final ConfigOption<Duration> ATTRIBUTION_WINDOW =
            ConfigOptions.key("feedback.reco.attribution-window")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription(
                            "A shown product is a positive example if the shopper clicks it on"
                                    + " the recommendation (RECO_CLICK) or orders it within this"
                                    + " long after it was shown; otherwise a negative one"
                                    + " (NO_CLICK).");

    public static final ConfigOption<Duration> ACCURACY_WINDOW =
            ConfigOptions.key("feedback.accuracy.window")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Tumbling event-time window of prediction times that one accuracy"
                                    + " report covers; a window is reported once all its"
                                    + " predictions have matured (label horizon or attribution"
                                    + " window after its end).");

    public static final ConfigOption<Boolean> ADAPTATION =
            ConfigOptions.key("feedback.adapter.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether the job trains online adapters and publishes them to"
                                    + " ml.model-params; when false it only writes examples and"
                                    + " reports.");

    public static final ConfigOption<List<String>> FRAUD_ADAPTER_FEATURES =
            ConfigOptions.key("feedback.fraud.adapter-features")
                    .stringType()
                    .asList()
                    .defaultValues(
                            "payment_attempts_10m",
                            "new_device",
                            "orders_1h",
                            "session_views_before_order")
                    .withDescription(
                            "Logged features the fraud adapter weighs next to logit(base score),"
                                    + " separated by ';'. Use features of small, bounded range:"
                                    + " the adapter takes them unscaled. Empty: the adapter only"
                                    + " recalibrates the base score.");

    public static final ConfigOption<List<String>> RECO_ADAPTER_FEATURES =
            ConfigOptions.key("feedback.reco.adapter-features")
                    .stringType()
                    .asList()
                    .defaultValues("same_category", "viewed_in_session", "category_share")
                    .withDescription(
                            "Logged features the ranking adapter weighs next to logit(base"
                                    + " score), separated by ';'.");

    public static final ConfigOption<Integer> FRAUD_PUBLISH_EVERY =
            ConfigOptions.key("feedback.fraud.publish-every")
                    .intType()
                    .defaultValue(50)
                    .withDescription(
                            "Judge and publish a fraud adapter update after this many new training"
                                    + " examples (orders), or after"
                                    + " feedback.adapter.publish-interval, whichever comes first.");

    public static final ConfigOption<Integer> RECO_PUBLISH_EVERY =
            ConfigOptions.key("feedback.reco.publish-every")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Judge and publish a ranking adapter update after this many new"
                                    + " training examples (shown items: about a tenth as many"
                                    + " recommendations), or after"
                                    + " feedback.adapter.publish-interval.");

    public static final ConfigOption<Duration> PUBLISH_INTERVAL =
            ConfigOptions.key("feedback.adapter.publish-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Publish an adapter update once the examples' event time has"
                                    + " moved this far since the last publication (and there is"
                                    + " a new example), even before"
                                    + " feedback.fraud.publish-every or"
                                    + " feedback.reco.publish-every.");

    public static final ConfigOption<Double> ALPHA =
            ConfigOptions.key("feedback.adapter.alpha")
                    .doubleType()
                    .defaultValue(0.3)
                    .withDescription("FTRL-Proximal learning rate scale (alpha); positive.");

    public static final ConfigOption<Double> BETA =
            ConfigOptions.key("feedback.adapter.beta")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription("FTRL-Proximal learning rate smoothing (beta).");

    public static final ConfigOption<Double> L1 =
            ConfigOptions.key("feedback.adapter.l1")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription("FTRL-Proximal L1 regularisation: keeps weak weights at 0.");

    public static final ConfigOption<Double> L2 =
            ConfigOptions.key("feedback.adapter.l2")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription("FTRL-Proximal L2 regularisation.");

    public static final ConfigOption<Double> HOLDOUT_SHARE =
            ConfigOptions.key("feedback.adapter.holdout-share")
                    .doubleType()
                    .defaultValue(0.2)
                    .withDescription(
                            "Share of examples (by prediction id) held back from training to"
                                    + " judge each update: between 0 (exclusive) and 1"
                                    + " (exclusive).");

    public static final ConfigOption<Integer> HOLDOUT_SIZE =
            ConfigOptions.key("feedback.adapter.holdout-size")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "The guard rail's window: the most recent held-back examples an"
                                    + " update is judged on.");

    public static final ConfigOption<Integer> MIN_HOLDOUT =
            ConfigOptions.key("feedback.adapter.min-holdout")
                    .intType()
                    .defaultValue(30)
                    .withDescription(
                            "No update is published before this many examples are held back.");

    public static final ConfigOption<Double> MAX_LOG_LOSS_INCREASE =
            ConfigOptions.key("feedback.adapter.max-log-loss-increase")
                    .doubleType()
                    .defaultValue(0.01)
                    .withDescription(
                            "Guard rail: an update is published only if its log loss on the"
                                    + " held-back window exceeds the base model's by at most"
                                    + " this much (0: it must be at least as good; the default"
                                    + " tolerates a small loss on the old behaviour while a drift"
                                    + " is being learned); every"
                                    + " decision is reported on ml.feedback-accuracy.");

    public static final ConfigOption<String> GROUP_ID = KafkaOptions.groupId("feedback");

    /** Every option above. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    LABEL_HORIZON,
                    LATE_LABEL_RETENTION,
                    THRESHOLDS,
                    ATTRIBUTION_WINDOW,
                    ACCURACY_WINDOW,
                    ADAPTATION,
                    FRAUD_ADAPTER_FEATURES,
                    RECO_ADAPTER_FEATURES,
                    FRAUD_PUBLISH_EVERY,
                    RECO_PUBLISH_EVERY,
                    PUBLISH_INTERVAL,
                    ALPHA,
                    BETA,
                    L1,
                    L2,
                    HOLDOUT_SHARE,
                    HOLDOUT_SIZE,
                    MIN_HOLDOUT,
                    MAX_LOG_LOSS_INCREASE,
                    GROUP_ID);

    private FeedbackOptions() {}

    /**
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public static FeedbackSettings settings(Configuration conf) {
        List<Double> thresholds = conf.get(THRESHOLDS);
        if (thresholds.isEmpty()) {
            throw new IllegalArgumentException(THRESHOLDS.key() + " must name a threshold");
        }
        for (double t : thresholds) {
            if (!(t > 0 && t <= 1)) {
                throw new IllegalArgumentException(
                        THRESHOLDS.key() + " must be in (0, 1], got " + t);
            }
        }
        double share = conf.get(HOLDOUT_SHARE);
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException(
                    HOLDOUT_SHARE.key() + " must be between 0 and 1 (exclusive), got " + share);
        }
        double increase = conf.get(MAX_LOG_LOSS_INCREASE);
        if (!(increase >= 0) || Double.isInfinite(increase)) {
            throw new IllegalArgumentException(
                    MAX_LOG_LOSS_INCREASE.key() + " must be finite and >= 0, got " + increase);
        }
        for (ConfigOption<Double> option : List.of(ALPHA, BETA, L1, L2)) {
            double value = conf.get(option);
            if (!Double.isFinite(value) || value < 0 || (option == ALPHA && value == 0)) {
                throw new IllegalArgumentException(
                        option.key()
                                + " must be "
                                + (option == ALPHA ? "positive" : "non-negative")
                                + " and finite, got "
                                + value);
            }
        }
        FtrlSettings ftrl =
                new FtrlSettings(conf.get(ALPHA), conf.get(BETA), conf.get(L1), conf.get(L2));
        int holdoutSize = Settings.atLeast(conf, HOLDOUT_SIZE, 1);
        return new FeedbackSettings(
                Settings.positive(conf, LABEL_HORIZON).toMillis(),
                Settings.nonNegative(conf, LATE_LABEL_RETENTION).toMillis(),
                thresholds.stream().mapToDouble(Double::doubleValue).sorted().toArray(),
                Settings.positive(conf, ATTRIBUTION_WINDOW).toMillis(),
                Settings.positive(conf, ACCURACY_WINDOW).toMillis(),
                conf.get(ADAPTATION),
                features(conf, FRAUD_ADAPTER_FEATURES),
                features(conf, RECO_ADAPTER_FEATURES),
                Settings.atLeast(conf, FRAUD_PUBLISH_EVERY, 1),
                Settings.atLeast(conf, RECO_PUBLISH_EVERY, 1),
                Settings.positive(conf, PUBLISH_INTERVAL).toMillis(),
                ftrl,
                share,
                holdoutSize,
                Math.min(Settings.atLeast(conf, MIN_HOLDOUT, 0), holdoutSize),
                increase);
    }

    private static List<String> features(Configuration conf, ConfigOption<List<String>> option) {
        List<String> names = conf.get(option).stream().map(String::trim).toList();
        if (names.stream().anyMatch(String::isEmpty)
                || new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException(
                    option.key() + " must name distinct, non-empty features, got " + names);
        }
        return names;
    }
}
