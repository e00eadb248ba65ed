package com.kartshoppe.feedback;

import com.kartshoppe.events.UseCase;
import com.kartshoppe.inference.adapter.FtrlSettings;
import java.io.Serializable;
import java.util.List;

/**
 * The feedback job's settings, validated ({@link FeedbackOptions#settings}); times in milliseconds.
 */
public record FeedbackSettings(
        long labelHorizonMillis,
        long lateLabelRetentionMillis,
        double[] thresholds,
        long attributionWindowMillis,
        long accuracyWindowMillis,
        boolean adaptation,
        List<String> fraudAdapterFeatures,
        List<String> recoAdapterFeatures,
        int fraudPublishEvery,
        int recoPublishEvery,
        long publishIntervalMillis,
        FtrlSettings ftrl,
        double holdoutShare,
        int holdoutSize,
        int minHoldout,
        double maxLogLossIncrease)
        implements Serializable {

    /** How long after a prediction its outcome is final: the horizon or attribution window. */
    public long maturityMillis(UseCase useCase) {
        return useCase == UseCase.FRAUD ? labelHorizonMillis : attributionWindowMillis;
    }

    /** How many new training examples make an adapter update of a use case's models due. */
    public int publishEvery(UseCase useCase) {
        return useCase == UseCase.FRAUD ? fraudPublishEvery : recoPublishEvery;
    }

    /** The features the adapter of a use case's models weighs. */
    public List<String> adapterFeatures(UseCase useCase) {
        return useCase == UseCase.FRAUD ? fraudAdapterFeatures : recoAdapterFeatures;
    }
}
