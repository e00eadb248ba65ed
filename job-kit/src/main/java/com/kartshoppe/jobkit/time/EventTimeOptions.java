package com.kartshoppe.jobkit.time;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Event-time settings shared by every job. */
public final class EventTimeOptions {

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How far behind the newest event time seen a watermark trails. Events"
                                    + " older than the watermark are late: counted and sent to a"
                                    + " side output.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A source split that delivers nothing for this long stops holding back"
                                    + " the watermark, so one quiet partition cannot stall every"
                                    + " window.");

    public static final ConfigOption<Duration> MAX_FUTURE =
            ConfigOptions.key("event-time.max-future")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "An event time further than this ahead of the wall clock is invalid:"
                                    + " the record goes to the dead-letter queue and never moves a"
                                    + " watermark.");

    public static final ConfigOption<String> MIN =
            ConfigOptions.key("event-time.min")
                    .stringType()
                    .defaultValue("2000-01-01T00:00:00Z")
                    .withDescription(
                            "An event time before this ISO-8601 instant is invalid (typically a"
                                    + " producer writing seconds where milliseconds belong).");

    /** Every option above. */
    public static final List<ConfigOption<?>> ALL =
            List.of(OUT_OF_ORDERNESS, IDLENESS, MAX_FUTURE, MIN);

    private EventTimeOptions() {}
}
