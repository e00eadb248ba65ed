package com.kartshoppe.jobkit.input;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes decoded records whose event time is plausible ({@code event-time.min}, {@code
 * event-time.max-future}) and sends the others to {@link DeadLetters#TAG} with the reason: the
 * watermarks ignore such a record, so a keyed operator waiting for the watermark to pass it would
 * hold it (and its timer) for ever.
 */
final class PlausibleRecords<T extends SpecificRecordBase> extends ProcessFunction<Sourced<T>, T> {

    private static final long serialVersionUID = 1L;

    private final EventType<T> type;
    private final String topic;
    private final String job;
    private final EventTimeBounds bounds;
    private transient AvroCodec<T> codec;
    private transient Counter implausible;

    PlausibleRecords(EventType<T> type, String topic, String job, EventTimeBounds bounds) {
        this.type = type;
        this.topic = topic;
        this.job = job;
        this.bounds = bounds;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = AvroCodec.of(type);
        implausible = getRuntimeContext().getMetricGroup().counter("implausibleEventTimes");
    }

    @Override
    public void processElement(Sourced<T> sourced, Context ctx, Collector<T> out) {
        T record = sourced.record;
        Instant time = type.eventTime(record);
        String violation = bounds.violation(time.toEpochMilli());
        if (violation == null) {
            out.collect(record);
            return;
        }
        implausible.inc();
        ctx.output(
                DeadLetters.TAG,
                DeadLetters.rejected(
                        sourced,
                        type,
                        codec,
                        topic,
                        violation,
                        type.name() + " with event time " + time,
                        job));
    }
}
