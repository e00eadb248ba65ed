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

    public static final ConfigOption<String> GROUP_ID = KafkaOptions.groupId("fraud");

    /** Every option above. */
    public static final List<ConfigOption<?>> ALL =
            List.of(MODEL_NAME, REVIEW_THRESHOLD, BLOCK_THRESHOLD, GROUP_ID);

    private FraudOptions() {}
}
