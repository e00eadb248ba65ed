package com.kartshoppe.inference.scoring;

import com.kartshoppe.events.AdapterParams;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.types.Either;

/**
 * Merges requests (input 1) and broadcast {@link AdapterParams} (input 2) into the one input of a
 * {@link ScoringOperator}, which chains after it. Event time comes from input 1 alone: the
 * parameter stream carries no event time and never holds back watermarks. No state.
 */
final class WithAdapterParams<IN> extends AbstractStreamOperator<Either<IN, AdapterParams>>
        implements TwoInputStreamOperator<IN, AdapterParams, Either<IN, AdapterParams>> {

    private static final long serialVersionUID = 1L;

    @Override
    public void processElement1(StreamRecord<IN> element) {
        output.collect(element.replace(Either.Left(element.getValue())));
    }

    @Override
    public void processElement2(StreamRecord<AdapterParams> element) {
        output.collect(element.replace(Either.Right(element.getValue())));
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // parameters carry no event time
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) {
        if (index == 0) {
            output.emitWatermarkStatus(status);
        }
    }
}
