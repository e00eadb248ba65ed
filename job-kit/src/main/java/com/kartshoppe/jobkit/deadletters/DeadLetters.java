package com.kartshoppe.jobkit.deadletters;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DeadLetterRecords;
import com.kartshoppe.jobkit.input.Sourced;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The dead-letter side output: records that cannot be decoded or validated leave the main stream
 * here, whole and with a reason, instead of failing the job.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<ClickEvent> clicks =
 *         DeadLetters.split(decoded, "clicks", EventType.CLICK);
 * DataStream<DeadLetter> dlq = clicks.getSideOutput(DeadLetters.TAG);
 * }</pre>
 */
public final class DeadLetters {

    /** Side output carrying every rejected record. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private DeadLetters() {}

    /**
     * Builds the dead letter of a decoded record that a check rejected: the record encoded again,
     * with its type's key, at its source position.
     */
    public static <T extends SpecificRecordBase> DeadLetter rejected(
            Sourced<T> sourced,
            EventType<T> type,
            AvroCodec<T> codec,
            String topic,
            String reason,
            String detail,
            String job) {
        String key = type.key(sourced.record);
        return DeadLetterRecords.of(
                topic,
                sourced.partition,
                sourced.offset,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                codec.encode(sourced.record),
                reason,
                detail,
                null,
                job);
    }

    /** All dead letters in one stream. */
    @SuppressWarnings("unchecked")
    public static DataStream<DeadLetter> union(List<DataStream<DeadLetter>> deadLetters) {
        return deadLetters
                .get(0)
                .union(deadLetters.subList(1, deadLetters.size()).toArray(DataStream[]::new));
    }

    /**
     * Sends the {@code Left} values of a decoded stream to {@link #TAG} and the {@code Right}
     * values downstream.
     *
     * @param uidPrefix stable prefix for the operator's uid, e.g. the topic's short name
     */
    public static <T> SingleOutputStreamOperator<T> split(
            DataStream<Either<DeadLetter, T>> decoded,
            String uidPrefix,
            TypeInformation<T> valueType) {
        return decoded.process(new Splitter<T>())
                .returns(valueType)
                .uid(uidPrefix + "-dead-letter-split")
                .name(uidPrefix + ": split dead letters");
    }

    /**
     * Routes {@code Left} to the side output, counting it as {@code deadLetters} and per reason in
     * the counter {@code deadLetters} of the group {@code reason=<reason>}: in Prometheus, {@code
     * ..._operator_reason_deadLetters{reason="decode.bad-header"}}, the reason a label, not a
     * metric name. Reasons are the few codes the decoders and validators define.
     */
    static final class Splitter<T> extends ProcessFunction<Either<DeadLetter, T>, T> {

        private static final long serialVersionUID = 1L;

        private transient Counter deadLetters;
        private transient MetricGroup metrics;
        private transient Map<String, Counter> byReason;

        @Override
        public void open(OpenContext openContext) {
            metrics = getRuntimeContext().getMetricGroup();
            deadLetters = metrics.counter("deadLetters");
            byReason = new HashMap<>();
        }

        @Override
        public void processElement(Either<DeadLetter, T> value, Context ctx, Collector<T> out) {
            if (value.isLeft()) {
                deadLetters.inc();
                byReason.computeIfAbsent(
                                value.left().getReason(),
                                reason -> metrics.addGroup("reason", reason).counter("deadLetters"))
                        .inc();
                ctx.output(TAG, value.left());
            } else {
                out.collect(value.right());
            }
        }
    }
}
