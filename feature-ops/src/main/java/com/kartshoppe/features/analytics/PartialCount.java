package com.kartshoppe.features.analytics;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The first stage's count for {@link TwoStageAggregation}: a subclass only creates an empty partial
 * and adds one input to it; the result is the partial itself, and partials merge by {@link
 * Partial#plus}.
 */
public abstract class PartialCount<IN, P extends Partial<P>>
        implements AggregateFunction<IN, P, P> {

    private static final long serialVersionUID = 1L;

    @Override
    public final P getResult(P partial) {
        return partial;
    }

    @Override
    public final P merge(P a, P b) {
        return a.plus(b);
    }
}
