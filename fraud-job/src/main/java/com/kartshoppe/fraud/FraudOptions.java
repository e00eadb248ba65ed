package com.kartshoppe.fraud;

import com.kartshoppe.events.config.KafkaOptions;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of the fraud job itself; the patterns' are in {@code PatternSettings}. */
public final class FraudOptions {

    public static final ConfigOption<String> MODEL_NAME =
            ConfigOptions.key("fraud.model-name")
                    .stringType()
                    .defaultValue("fraud")
                    .withDescription(
                            "The model that scores orders: the directory <models.dir>/<name>, and"
                                    + " the name adapter parameters on ml.model-params carry.");

    public static final ConfigOption<Double> REVIEW_THRESHOLD =
            ConfigOptions.key("fraud.review-threshold")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription("Score at or above which an order goes to REVIEW.");

    public static final ConfigOption<Double> BLOCK_THRESHOLD =
            ConfigOptions.key("fraud.block-threshold")
                    .doubleType()
                    .defaultValue(0.9)
                    .withDescription("Score at or above which an order is BLOCKed.");

    public static final ConfigOption<String> RULES_ID =
            ConfigOptions.key("fraud.rules.id")
                    .stringType()
                    .defaultValue("default")
                    .withDescription(
                            "The rule set the job follows: rule sets published to fraud.rules"
                                    + " under another id are ignored. The job's own settings are"
                                    + " version 0 of it.");

    public static final ConfigOption<String> RULES_FILE =
            ConfigOptions.key("fraud.rules.file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A rule-set file in force from the start, over the job's settings,"
                                    + " until a newer version arrives on fraud.rules; read where"
                                    + " the job is built (the flink run client). Backtests take it"
                                    + " as --rules.");

    public static final ConfigOption<String> GROUP_ID = KafkaOptions.groupId("fraud");

    /** Every option above. */
    public static final List<ConfigOption<?>> ALL =
            List.of(MODEL_NAME, REVIEW_THRESHOLD, BLOCK_THRESHOLD, RULES_ID, RULES_FILE, GROUP_ID);

    private FraudOptions() {}
}
