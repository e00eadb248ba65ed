package com.kartshoppe.features.quality;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Sourced;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Ingestion quality for one event type: rejects invalid events ({@link EventValidator}) to the
 * dead-letter side output {@link DeadLetters#TAG} with the reason, the source partition and offset
 * (or line), and the record re-encoded in the wire format (the same bytes as on Kafka for a record
 * written with the current schema); normalises the valid ones ({@link Normalizer}) and wraps them
 * as {@link ShopEvent}. Events behind the watermark pass on (as-of-event features use them) and are
 * counted as late.
 *
 * <p>Metrics: {@code validEvents}, {@code lateEvents}, and {@code invalidEvents} per reason code in
 * the group {@code reason=<code>} (a Prometheus label).
 */
public class ValidateAndNormalize<T extends SpecificRecordBase>
        extends ProcessFunction<Sourced<T>, ShopEvent> {

    private static final long serialVersionUID = 1L;

    private final EventType<T> type;
    private final String topic;
    private final String job;
    private final EventValidator validator;
    private final Normalizer normalizer;

    private transient AvroCodec<T> codec;
    private transient Counter valid;
    private transient Counter late;
    private transient MetricGroup metrics;
    private transient Map<String, Counter> invalid;

    public ValidateAndNormalize(
            EventType<T> type,
            String topic,
            String job,
            EventValidator validator,
            Normalizer normalizer) {
        this.type = type;
        this.topic = topic;
        this.job = job;
        this.validator = validator;
        this.normalizer = normalizer;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = AvroCodec.of(type);
        metrics = getRuntimeContext().getMetricGroup();
        valid = metrics.counter("validEvents");
        late = metrics.counter("lateEvents");
        invalid = new HashMap<>();
    }

    @Override
    public void processElement(Sourced<T> sourced, Context ctx, Collector<ShopEvent> out) {
        T event = sourced.record;
        Violation violation = validator.check(event);
        if (violation != null) {
            invalid.computeIfAbsent(
                            violation.reason(),
                            reason -> metrics.addGroup("reason", reason).counter("invalidEvents"))
                    .inc();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.rejected(
                            sourced,
                            type,
                            codec,
                            topic,
                            violation.reason(),
                            type.name() + " " + event.get("eventId") + ": " + violation.detail(),
                            job));
            return;
        }
        valid.inc();
        if (ctx.timestamp() < ctx.timerService().currentWatermark()) {
            late.inc();
        }
        out.collect(ShopEvent.of(normalizer.normalize(event)));
    }
}
