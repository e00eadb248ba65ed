package com.kartshoppe.reco;

import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Settings;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/** Settings of the recommendation job; read and checked once by {@link #settings}. */
public final class RecoOptions {

    public static final ConfigOption<String> MODEL_NAME =
            ConfigOptions.key("reco.model-name")
                    .stringType()
                    .defaultValue("reco")
                    .withDescription(
                            "The ranking model: the directory <models.dir>/<name>, and the name"
                                    + " adapter parameters on ml.model-params carry.");

    public static final ConfigOption<Integer> TOP_K =
            ConfigOptions.key("reco.top-k")
                    .intType()
                    .defaultValue(10)
                    .withDescription("Products in one recommendation.");

    public static final ConfigOption<Integer> MAX_CANDIDATES =
            ConfigOptions.key("reco.max-candidates")
                    .intType()
                    .defaultValue(50)
                    .withDescription(
                            "Candidates ranked per request (one inference call of this many rows"
                                    + " at most); at least reco.top-k.");

    public static final ConfigOption<Duration> MIN_INTERVAL =
            ConfigOptions.key("reco.min-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Rate limit: at most one recommendation per shopper per this much"
                                    + " event time; product views in between ask for none.");

    public static final ConfigOption<Double> EXPLORATION =
            ConfigOptions.key("reco.exploration")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription(
                            "Share of recommendations whose last slot shows a candidate ranked"
                                    + " below the top k instead (flagged 'explored'), so feedback"
                                    + " also learns about what the model would not show; 0 to"
                                    + " 1.");

    public static final ConfigOption<Boolean> INCLUDE_VIEWED =
            ConfigOptions.key("reco.include-viewed")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Whether the product just viewed may be recommended alongside"
                                    + " itself.");

    public static final ConfigOption<Integer> NEIGHBOURS =
            ConfigOptions.key("reco.neighbours")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "Co-viewed / co-bought neighbours kept per product, the strongest by"
                                    + " decayed weight.");

    public static final ConfigOption<Duration> COVIEW_HALF_LIFE =
            ConfigOptions.key("reco.coview-half-life")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription("Half-life of co-view and co-purchase weights.");

    public static final ConfigOption<Duration> INTEREST_HALF_LIFE =
            ConfigOptions.key("reco.interest-half-life")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription("Half-life of a shopper's category interests.");

    public static final ConfigOption<Integer> TRENDING =
            ConfigOptions.key("reco.trending-per-category")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "Trending products kept per category, by views + 3 x units bought in"
                                    + " the features.popularity-window.");

    public static final ConfigOption<Duration> PROFILE_RETENTION =
            ConfigOptions.key("reco.profile-retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(30))
                    .withDescription(
                            "A shopper's interests and a product's neighbours are forgotten after"
                                    + " this long without activity (event time for shoppers,"
                                    + " processing time for products).");

    public static final ConfigOption<String> GROUP_ID = KafkaOptions.groupId("reco");

    /** Every option above. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    MODEL_NAME,
                    TOP_K,
                    MAX_CANDIDATES,
                    MIN_INTERVAL,
                    EXPLORATION,
                    INCLUDE_VIEWED,
                    NEIGHBOURS,
                    COVIEW_HALF_LIFE,
                    INTEREST_HALF_LIFE,
                    TRENDING,
                    PROFILE_RETENTION,
                    GROUP_ID);

    private RecoOptions() {}

    /**
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public static RecoSettings settings(Configuration conf) {
        int topK = Settings.atLeast(conf, TOP_K, 1);
        int maxCandidates = Settings.atLeast(conf, MAX_CANDIDATES, topK);
        double exploration = conf.get(EXPLORATION);
        if (!(exploration >= 0 && exploration <= 1)) {
            throw new IllegalArgumentException(
                    EXPLORATION.key() + " must be between 0 and 1, got " + exploration);
        }
        return new RecoSettings(
                topK,
                maxCandidates,
                Settings.nonNegative(conf, MIN_INTERVAL).toMillis(),
                exploration,
                conf.get(INCLUDE_VIEWED),
                Settings.atLeast(conf, NEIGHBOURS, 1),
                Settings.positive(conf, COVIEW_HALF_LIFE).toMillis(),
                Settings.positive(conf, INTEREST_HALF_LIFE).toMillis(),
                Settings.atLeast(conf, TRENDING, 1),
                Settings.positive(conf, PROFILE_RETENTION));
    }
}
