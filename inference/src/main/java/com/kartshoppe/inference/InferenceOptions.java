package com.kartshoppe.inference;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of model serving, shared by the scoring jobs. */
public final class InferenceOptions {

    public static final ConfigOption<String> MODELS_DIR =
            ConfigOptions.key("models.dir")
                    .stringType()
                    .defaultValue("models")
                    .withDescription(
                            "Directory of models laid out as <model-name>/<version>.onnx. Every"
                                    + " TaskManager must see it (a local path deployed on each"
                                    + " host, or a shared mount). Publish a version by moving a"
                                    + " complete file into place.");

    public static final ConfigOption<Duration> POLL_INTERVAL =
            ConfigOptions.key("models.poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription("How often the models directory is checked for new versions.");

    public static final ConfigOption<String> PINNED_VERSION =
            ConfigOptions.key("models.pinned-version")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Serve only this version (the file name without .onnx) instead of"
                                    + " the newest valid one.");

    public static final ConfigOption<Boolean> ALLOW_RULES_ONLY =
            ConfigOptions.key("models.allow-rules-only")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Start and keep running when no valid model exists, deciding by"
                                    + " rules alone until one is published. Off: start-up fails"
                                    + " with the reason each file was rejected.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("scoring.batch-size")
                    .intType()
                    .defaultValue(32)
                    .withDescription(
                            "Most requests scored in one inference call. 1 scores every request"
                                    + " on arrival, for the lowest latency.");

    public static final ConfigOption<Duration> BATCH_WAIT =
            ConfigOptions.key("scoring.batch-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "Longest a request waits (processing time) for its batch to fill"
                                    + " before it is scored anyway.");

    public static final ConfigOption<Integer> CONTRIBUTIONS =
            ConfigOptions.key("scoring.contributions")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "Feature contributions each explained score keeps (the fraud job's"
                                    + " decisions), largest magnitude first: a linear model's exact"
                                    + " logit terms (a dot product per row), any other model's by"
                                    + " occlusion (one extra inference row per feature). 0 computes"
                                    + " none.");

    public static final List<ConfigOption<?>> ALL =
            List.of(
                    MODELS_DIR,
                    POLL_INTERVAL,
                    PINNED_VERSION,
                    ALLOW_RULES_ONLY,
                    BATCH_SIZE,
                    BATCH_WAIT,
                    CONTRIBUTIONS);

    private InferenceOptions() {}
}
