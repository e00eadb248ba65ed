package com.kartshoppe.jobkit.time;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.jobkit.input.Sourced;
import java.time.Clock;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.types.Either;

/**
 * Watermarks taken from each event's own timestamp, with bounded out-of-orderness and idleness from
 * {@link EventTimeOptions}.
 *
 * <pre>{@code
 * env.fromSource(kafkaSource, Watermarks.forDecoded(EventType.CLICK, conf, Clock.systemUTC()), "clicks");
 * }</pre>
 */
public final class Watermarks {

    private Watermarks() {}

    /**
     * For a decoded source stream. A dead letter is stamped with its Kafka record time (or, from a
     * file, the time it was detected), and an event with an implausible time ({@link
     * EventTimeBounds}, judged against {@code clock}) keeps its own, but neither ever moves the
     * watermark: validation will reject both.
     */
    public static <T extends SpecificRecordBase>
            WatermarkStrategy<Either<DeadLetter, Sourced<T>>> forDecoded(
                    EventType<T> type, ReadableConfig conf, Clock clock) {
        return forDecoded(type, conf, clock, false);
    }

    /**
     * As above; for a bounded input ({@code bounded}: a replay of files) no split goes idle.
     * Idleness is for a live partition that falls quiet; a file ends with the final watermark
     * instead, and a file slow to start being read (a busy machine) must not let another file's
     * watermark run ahead of its records, which would make them late and a replay's results depend
     * on timing.
     */
    public static <T extends SpecificRecordBase>
            WatermarkStrategy<Either<DeadLetter, Sourced<T>>> forDecoded(
                    EventType<T> type, ReadableConfig conf, Clock clock, boolean bounded) {
        Duration outOfOrderness = conf.get(EventTimeOptions.OUT_OF_ORDERNESS);
        Duration idleness = conf.get(EventTimeOptions.IDLENESS);
        EventTimeBounds bounds = EventTimeBounds.from(conf, clock);
        return WatermarkStrategy.<Either<DeadLetter, Sourced<T>>>forGenerator(
                        ctx -> {
                            WatermarkGenerator<Sourced<T>> events =
                                    new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
                            return new PlausibleEventsOnly<>(
                                    bounded
                                            ? events
                                            : new WatermarksWithIdleness<>(
                                                    events, idleness, ctx.getInputActivityClock()),
                                    bounds);
                        })
                .withTimestampAssigner(
                        (value, recordTs) ->
                                value.isLeft()
                                        ? deadLetterTime(value.left())
                                        : type.eventTime(value.right().record).toEpochMilli());
    }

    private static long deadLetterTime(DeadLetter letter) {
        return (letter.getRecordTime() != null ? letter.getRecordTime() : letter.getDetectedAt())
                .toEpochMilli();
    }

    /**
     * Feeds only plausible events to the watermark generator, idleness included: a split that
     * delivers nothing but dead letters or absurd timestamps goes idle instead of holding back the
     * watermark of the whole job.
     */
    private static final class PlausibleEventsOnly<T>
            implements WatermarkGenerator<Either<DeadLetter, T>> {

        private final WatermarkGenerator<T> events;
        private final EventTimeBounds bounds;

        private PlausibleEventsOnly(WatermarkGenerator<T> events, EventTimeBounds bounds) {
            this.events = events;
            this.bounds = bounds;
        }

        @Override
        public void onEvent(Either<DeadLetter, T> value, long timestamp, WatermarkOutput output) {
            if (value.isRight() && bounds.isPlausible(timestamp)) {
                events.onEvent(value.right(), timestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            events.onPeriodicEmit(output);
        }
    }
}
