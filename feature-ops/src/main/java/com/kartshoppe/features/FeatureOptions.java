package com.kartshoppe.features;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of ingestion and of the feature operators. */
public final class FeatureOptions {

    public static final ConfigOption<Duration> DEDUP_HORIZON =
            ConfigOptions.key("ingest.dedup-horizon")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "How long (event time) an event id is remembered to drop redelivered"
                                    + " copies. A copy arriving later than this after the original"
                                    + " passes as new; longer means more state per shopper.");

    public static final ConfigOption<Map<String, String>> CURRENCY_RATES =
            ConfigOptions.key("ingest.currency-rates")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Units of a currency per euro, overriding the built-in reference rates"
                                    + " used to normalise amounts, e.g. USD:1.10,GBP:0.86.");

    public static final ConfigOption<Boolean> EVENT_TIME_ORDER =
            ConfigOptions.key("ingest.event-time-order")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Put Kafka input back in event-time order per shopper before any"
                                    + " feature sees it, as replays of files always are. For"
                                    + " catching up on a backlog, where each topic is read at its"
                                    + " own pace; it delays every event by the watermark's lag.");

    public static final ConfigOption<Duration> INGEST_BUFFER_TIMEOUT =
            ConfigOptions.key("ingest.buffer-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "How long a partly filled network buffer of validated input events may"
                                    + " wait before it is sent on to the shopper's task (the"
                                    + " ingestion's keyed exchange). Every decision waits for it:"
                                    + " Flink's default of 100 ms would add up to 100 ms; 0 sends"
                                    + " every event on its own, which costs throughput.");

    public static final ConfigOption<Duration> SESSION_GAP =
            ConfigOptions.key("features.session-gap")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription(
                            "Inactivity (event time) that ends a shopper's session, for in-session"
                                    + " features and session windows. The fraud_v1 and session_v1"
                                    + " definitions describe the default: models trained on one gap"
                                    + " must be retrained for another.");

    public static final ConfigOption<Duration> SHOPPER_RETENTION =
            ConfigOptions.key("features.shopper-retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(30))
                    .withDescription(
                            "A shopper idle this long (event time) loses all feature state; also"
                                    + " how long devices are remembered.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("features.allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "Windowed features accept events this late behind the watermark and"
                                    + " fire again with the update; later ones go to the late side"
                                    + " output.");

    public static final ConfigOption<Duration> CAMPAIGN_WINDOW =
            ConfigOptions.key("features.campaign-window")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription("Tumbling window of the per-campaign conversion analytics.");

    public static final ConfigOption<Duration> POPULARITY_WINDOW =
            ConfigOptions.key("features.popularity-window")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription("Length of the sliding window of product popularity.");

    public static final ConfigOption<Duration> POPULARITY_SLIDE =
            ConfigOptions.key("features.popularity-slide")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("How often the product popularity window slides.");

    public static final ConfigOption<Integer> PRE_AGGREGATION_SPREAD =
            ConfigOptions.key("features.pre-aggregation-spread")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "Windowed analytics first aggregate each key in this many sub-keys,"
                                    + " then merge, so a hot key is spread over several subtasks.");

    /** Every option above. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    DEDUP_HORIZON,
                    CURRENCY_RATES,
                    EVENT_TIME_ORDER,
                    INGEST_BUFFER_TIMEOUT,
                    SESSION_GAP,
                    SHOPPER_RETENTION,
                    ALLOWED_LATENESS,
                    CAMPAIGN_WINDOW,
                    POPULARITY_WINDOW,
                    POPULARITY_SLIDE,
                    PRE_AGGREGATION_SPREAD);

    private FeatureOptions() {}
}
