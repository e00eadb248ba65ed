package com.kartshoppe.inference.scoring;

import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.ModelRegistry;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * Which model a {@link ScoringOperator} serves and how it batches; built once from the job's
 * settings.
 */
public record ScoringSettings(
        String modelsDir,
        String modelName,
        FeatureSet featureSet,
        String pinnedVersion,
        Duration pollInterval,
        boolean allowRulesOnly,
        int batchSize,
        Duration batchWait,
        int contributions)
        implements Serializable {

    public ScoringSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    InferenceOptions.BATCH_SIZE.key() + " must be at least 1, got " + batchSize);
        }
        if (batchWait.isNegative()) {
            throw new IllegalArgumentException(
                    InferenceOptions.BATCH_WAIT.key() + " must not be negative, got " + batchWait);
        }
        if (contributions < 0) {
            throw new IllegalArgumentException(
                    InferenceOptions.CONTRIBUTIONS.key()
                            + " must not be negative, got "
                            + contributions);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(
                    InferenceOptions.POLL_INTERVAL.key()
                            + " must be positive, got "
                            + pollInterval);
        }
    }

    /** The {@code models.*} and {@code scoring.*} settings of {@code conf} for one model. */
    public static ScoringSettings from(Configuration conf, String modelName, FeatureSet set) {
        return new ScoringSettings(
                conf.get(InferenceOptions.MODELS_DIR),
                modelName,
                set,
                conf.get(InferenceOptions.PINNED_VERSION),
                conf.get(InferenceOptions.POLL_INTERVAL),
                conf.get(InferenceOptions.ALLOW_RULES_ONLY),
                conf.get(InferenceOptions.BATCH_SIZE),
                conf.get(InferenceOptions.BATCH_WAIT),
                conf.get(InferenceOptions.CONTRIBUTIONS));
    }

    /** A registry for this model, not yet started. */
    public ModelRegistry.Builder registry() {
        return ModelRegistry.builder(Path.of(modelsDir), modelName, featureSet)
                .pinnedVersion(pinnedVersion)
                .pollInterval(pollInterval)
                .allowNoModel(allowRulesOnly);
    }
}
