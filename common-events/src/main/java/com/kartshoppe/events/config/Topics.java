package com.kartshoppe.events.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Topic names, one {@link ConfigOption} per topic. The defaults are the names in the README's topic
 * table; every job reads its topic names from these options, so a deployment can rename any of
 * them.
 */
public final class Topics {

    public static final ConfigOption<String> CLICKS =
            topic("clicks", "shop.clicks", "ClickEvent values keyed by userId.");
    public static final ConfigOption<String> ORDERS =
            topic("orders", "shop.orders", "OrderEvent values keyed by userId.");
    public static final ConfigOption<String> PAYMENTS =
            topic("payments", "shop.payments", "PaymentEvent values keyed by userId.");
    public static final ConfigOption<String> LOGINS =
            topic("logins", "shop.logins", "LoginEvent values keyed by userId.");
    public static final ConfigOption<String> FRAUD_LABELS =
            topic("fraud-labels", "fraud.labels", "FraudLabel values keyed by orderId.");
    public static final ConfigOption<String> FRAUD_DECISIONS =
            topic("fraud-decisions", "fraud.decisions", "FraudDecision values keyed by orderId.");
    public static final ConfigOption<String> RECOMMENDATIONS =
            topic(
                    "recommendations",
                    "reco.recommendations",
                    "Recommendation values keyed by userId.");
    public static final ConfigOption<String> PREDICTIONS =
            topic("predictions", "ml.predictions", "PredictionLog values keyed by predictionId.");
    public static final ConfigOption<String> MODEL_PARAMS =
            topic("model-params", "ml.model-params", "AdapterParams values keyed by model name.");
    public static final ConfigOption<String> FEEDBACK_ACCURACY =
            topic(
                    "feedback-accuracy",
                    "ml.feedback-accuracy",
                    "JSON accuracy reports keyed by model name.");
    public static final ConfigOption<String> TRAINING_EXAMPLES =
            topic(
                    "training-examples",
                    "ml.training-examples",
                    "LabeledExample values keyed by predictionId.");
    public static final ConfigOption<String> FRAUD_RULES =
            topic(
                    "fraud-rules",
                    "fraud.rules",
                    "FraudRuleSet values keyed by rule-set id; a compacted topic.");
    public static final ConfigOption<String> FEATURES_USER =
            topic(
                    "features-user",
                    "features.user",
                    "FeatureSnapshot values keyed by entity id; a compacted topic.");
    public static final ConfigOption<String> DLQ =
            topic("dlq", "dlq.events", "DeadLetter values keyed by source topic.");

    /** Every topic option, in the order of the README's topic table. */
    public static final List<ConfigOption<String>> ALL =
            List.of(
                    CLICKS,
                    ORDERS,
                    PAYMENTS,
                    LOGINS,
                    FRAUD_LABELS,
                    FRAUD_DECISIONS,
                    RECOMMENDATIONS,
                    PREDICTIONS,
                    MODEL_PARAMS,
                    FEEDBACK_ACCURACY,
                    TRAINING_EXAMPLES,
                    FRAUD_RULES,
                    FEATURES_USER,
                    DLQ);

    /** The topics that must be log-compacted: only the latest value per key matters. */
    public static final List<ConfigOption<String>> COMPACTED = List.of(FRAUD_RULES, FEATURES_USER);

    private Topics() {}

    private static ConfigOption<String> topic(String name, String defaultTopic, String content) {
        return ConfigOptions.key("topics." + name)
                .stringType()
                .defaultValue(defaultTopic)
                .withDescription("Kafka topic carrying " + content);
    }
}
