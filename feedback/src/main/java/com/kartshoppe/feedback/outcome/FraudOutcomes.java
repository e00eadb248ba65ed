package com.kartshoppe.feedback.outcome;

import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.outcomes.FraudLabels;
import com.kartshoppe.events.outcomes.LabeledExamples;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each fraud prediction with its order's label (keyed by order id) under label maturity: a
 * label whose event time is within {@code horizon} of the order makes an example at once (1 for
 * CHARGEBACK and CONFIRMED_FRAUD, 0 for CLEARED); an order without one when the watermark passes
 * the horizon becomes a negative example (MATURED). A label after the horizon becomes a second,
 * {@code LATE_*} example flagged {@link Outcome#late}: reported and written, never lost. A second
 * label that contradicts the first becomes a {@code CORRECTED_*} example, flagged the same way; one
 * that repeats it is dropped and counted ({@code duplicateLabels}).
 *
 * <p>State per order: the prediction, for {@code horizon + lateRetention} after the order (one
 * timer each for maturity and clean-up); a label that arrives before its prediction waits up to
 * {@code horizon} of event time, then counts as unmatched ({@code unmatchedLabels}), as does a
 * label for an order long forgotten or never scored.
 */
public final class FraudOutcomes
        extends KeyedCoProcessFunction<String, PredictionLog, FraudLabel, Outcome> {

    private static final long serialVersionUID = 1L;

    private static final int PENDING = 0;
    private static final int MATURED = 1;

    /** Labelled: this plus the label's value (0 legitimate, 1 fraud). */
    private static final int LABELLED = 2;

    private final long horizon;
    private final long lateRetention;

    private transient ValueState<PredictionLog> prediction;
    private transient ValueState<Integer> status;
    private transient ValueState<FraudLabel> waitingLabel;
    private transient Counter labelled;
    private transient Counter matured;
    private transient Counter lateLabels;
    private transient Counter unmatchedLabels;
    private transient Counter duplicatePredictions;
    private transient Counter duplicateLabels;

    public FraudOutcomes(long horizonMillis, long lateRetentionMillis) {
        this.horizon = horizonMillis;
        this.lateRetention = lateRetentionMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        prediction =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "prediction", new AvroTypeInfo<>(PredictionLog.class)));
        status = getRuntimeContext().getState(new ValueStateDescriptor<>("status", Types.INT));
        waitingLabel =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "waiting-label", new AvroTypeInfo<>(FraudLabel.class)));
        var metrics = getRuntimeContext().getMetricGroup();
        labelled = metrics.counter("fraudLabelled");
        matured = metrics.counter("fraudMatured");
        lateLabels = metrics.counter("lateLabels");
        unmatchedLabels = metrics.counter("unmatchedLabels");
        duplicatePredictions = metrics.counter("duplicatePredictions");
        duplicateLabels = metrics.counter("duplicateLabels");
    }

    @Override
    public void processElement1(PredictionLog p, Context ctx, Collector<Outcome> out)
            throws Exception {
        if (prediction.value() != null) {
            duplicatePredictions.inc(); // a replayed prediction: its outcome is already pending
            return;
        }
        prediction.update(p);
        status.update(PENDING);
        long time = p.getEventTime().toEpochMilli();
        ctx.timerService().registerEventTimeTimer(time + horizon);
        ctx.timerService().registerEventTimeTimer(time + horizon + lateRetention + 1);
        FraudLabel waiting = waitingLabel.value();
        if (waiting != null) {
            // Its expiry timer stays: it may coincide with one of the prediction's, and it finds
            // nothing to do when it fires.
            waitingLabel.clear();
            resolve(p, waiting, ctx, out);
        }
    }

    @Override
    public void processElement2(FraudLabel label, Context ctx, Collector<Outcome> out)
            throws Exception {
        PredictionLog p = prediction.value();
        if (p != null) {
            resolve(p, label, ctx, out);
        } else if (waitingLabel.value() == null) {
            waitingLabel.update(label);
            ctx.timerService()
                    .registerEventTimeTimer(label.getEventTime().toEpochMilli() + horizon);
        } else {
            unmatchedLabels.inc(); // a second label before any prediction: the first one waits
        }
    }

    private void resolve(PredictionLog p, FraudLabel label, Context ctx, Collector<Outcome> out)
            throws Exception {
        long deadline = p.getEventTime().toEpochMilli() + horizon;
        long labelTime = label.getEventTime().toEpochMilli();
        int state = status.value();
        boolean pending = state == PENDING;
        int value = FraudLabels.isFraud(label) ? 1 : 0;
        if (state == LABELLED + value) {
            duplicateLabels.inc(); // the same outcome again, e.g. a redelivered label
            return;
        }
        if (state >= LABELLED) {
            // A label that contradicts the earlier one (CLEARED, then a chargeback): written and
            // reported as a correction; learning already took the first.
            status.update(LABELLED + value);
            emitLate(p, label, value, "CORRECTED_", out);
            return;
        }
        if (pending && labelTime <= deadline) {
            status.update(LABELLED + value);
            ctx.timerService().deleteEventTimeTimer(deadline);
            labelled.inc();
            out.collect(
                    order(
                            LabeledExamples.of(
                                    p,
                                    value,
                                    label.getLabel().name(),
                                    Instant.ofEpochMilli(labelTime)),
                            true,
                            Math.max(labelTime, p.getEventTime().toEpochMilli())));
            return;
        }
        if (pending) {
            // Later than the horizon, though the watermark has not passed it yet: the order
            // matures first, as it would have had the label come in event-time order.
            ctx.timerService().deleteEventTimeTimer(deadline);
            mature(p, out);
        }
        emitLate(p, label, value, "LATE_", out);
    }

    private void emitLate(
            PredictionLog p, FraudLabel label, int value, String prefix, Collector<Outcome> out) {
        long labelTime = label.getEventTime().toEpochMilli();
        lateLabels.inc();
        Outcome late =
                new Outcome(
                        LabeledExamples.of(
                                p,
                                value,
                                prefix + label.getLabel().name(),
                                Instant.ofEpochMilli(labelTime)),
                        true,
                        labelTime);
        late.late = true;
        out.collect(late);
    }

    /** An order is its own request, of one item. */
    private static Outcome order(LabeledExample example, boolean labelled, long decidedAt) {
        Outcome outcome = new Outcome(example, labelled, decidedAt);
        outcome.requestItems = 1;
        return outcome;
    }

    private void mature(PredictionLog p, Collector<Outcome> out) throws Exception {
        status.update(MATURED);
        matured.inc();
        long deadline = p.getEventTime().toEpochMilli() + horizon;
        out.collect(
                order(
                        LabeledExamples.of(p, 0, "MATURED", Instant.ofEpochMilli(deadline)),
                        false,
                        deadline));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Outcome> out)
            throws Exception {
        PredictionLog p = prediction.value();
        if (p == null) {
            FraudLabel waiting = waitingLabel.value();
            if (waiting != null && waiting.getEventTime().toEpochMilli() + horizon == timestamp) {
                waitingLabel.clear();
                unmatchedLabels.inc();
            }
            return;
        }
        long deadline = p.getEventTime().toEpochMilli() + horizon;
        if (timestamp == deadline && status.value() == PENDING) {
            mature(p, out);
        } else if (timestamp == deadline + lateRetention + 1) {
            prediction.clear();
            status.clear();
        }
    }
}
