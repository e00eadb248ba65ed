package com.kartshoppe.inference.adapter;

import com.kartshoppe.events.AdapterParams;
import java.time.Instant;
import java.util.List;

/** Published adapter parameters for tests. */
public final class TestParams {

    private TestParams() {}

    /** Params for {@code model}/{@code baseVersion}, one weight per feature name. */
    public static AdapterParams of(
            String model,
            String baseVersion,
            long version,
            double bias,
            double logitWeight,
            List<String> features,
            List<Double> weights) {
        return AdapterParams.newBuilder()
                .setModelName(model)
                .setBaseModelVersion(baseVersion)
                .setAdapterVersion(version)
                .setFeatureNames(features)
                .setBias(bias)
                .setLogitWeight(logitWeight)
                .setWeights(weights)
                .setExamplesSeen(1)
                .setTrainedUpTo(Instant.EPOCH)
                .setPublishedAt(Instant.EPOCH)
                .build();
    }
}
