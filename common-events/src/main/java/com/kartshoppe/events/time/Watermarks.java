package com.kartshoppe.events.time;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.types.Either;

/**
 * Watermark strategies taken from each event's own timestamp, with bounded out-of-orderness and
 * idleness from {@link EventTimeOptions}.
 *
 * <pre>{@code
 * env.fromSource(kafkaSource, Watermarks.forDecoded(EventType.CLICK, conf), "clicks");
 * }</pre>
 */
public final class Watermarks {

    private Watermarks() {}

    /** For a stream of events of one type. */
    public static <T extends SpecificRecordBase> WatermarkStrategy<T> forEvents(
            EventType<T> type, ReadableConfig conf) {
        return WatermarkStrategy.<T>forBoundedOutOfOrderness(
                        conf.get(EventTimeOptions.OUT_OF_ORDERNESS))
                .withTimestampAssigner((event, recordTs) -> type.eventTime(event).toEpochMilli())
                .withIdleness(conf.get(EventTimeOptions.IDLENESS));
    }

    /**
     * For a decoded source stream. A dead letter keeps its Kafka record timestamp but never moves
     * the watermark: its bytes may claim any time at all.
     */
    public static <T extends SpecificRecordBase>
            WatermarkStrategy<Either<DeadLetter, T>> forDecoded(
                    EventType<T> type, ReadableConfig conf) {
        Duration outOfOrderness = conf.get(EventTimeOptions.OUT_OF_ORDERNESS);
        return WatermarkStrategy.<Either<DeadLetter, T>>forGenerator(
                        ctx -> new IgnoringDeadLetters<>(outOfOrderness))
                .withTimestampAssigner(
                        (value, recordTs) ->
                                value.isLeft()
                                        ? Math.max(0L, recordTs)
                                        : type.eventTime(value.right()).toEpochMilli())
                .withIdleness(conf.get(EventTimeOptions.IDLENESS));
    }

    /** Bounded out-of-orderness over the events only. */
    private static final class IgnoringDeadLetters<T>
            implements WatermarkGenerator<Either<DeadLetter, T>> {

        private final BoundedOutOfOrdernessWatermarks<T> events;

        private IgnoringDeadLetters(Duration outOfOrderness) {
            this.events = new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
        }

        @Override
        public void onEvent(Either<DeadLetter, T> value, long timestamp, WatermarkOutput output) {
            if (value.isRight()) {
                events.onEvent(value.right(), timestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            events.onPeriodicEmit(output);
        }
    }
}
