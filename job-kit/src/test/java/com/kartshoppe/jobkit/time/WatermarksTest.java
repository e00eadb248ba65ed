package com.kartshoppe.jobkit.time;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.serde.DeadLetterRecords;
import com.kartshoppe.jobkit.input.Sourced;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.apache.flink.util.clock.SystemClock;
import org.junit.jupiter.api.Test;

/** Tests for {@link Watermarks}. */
class WatermarksTest {

    /** The wall clock that {@code event-time.max-future} is measured from. */
    private static final Clock WALL_CLOCK =
            Clock.fixed(Instant.parse("2026-03-01T10:30:00Z"), ZoneOffset.UTC);

    private static final WatermarkGeneratorSupplier.Context CONTEXT =
            new WatermarkGeneratorSupplier.Context() {
                @Override
                public MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public RelativeClock getInputActivityClock() {
                    return SystemClock.getInstance();
                }
            };

    private final List<Long> watermarks = new ArrayList<>();
    private boolean idle;
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark watermark) {
                    watermarks.add(watermark.getTimestamp());
                    idle = false;
                }

                @Override
                public void markIdle() {
                    idle = true;
                }

                @Override
                public void markActive() {
                    idle = false;
                }
            };

    @Test
    void eventsDriveTheWatermarkAndDeadLettersDoNot() {
        Configuration conf = new Configuration();
        conf.set(EventTimeOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(2));
        WatermarkStrategy<Either<DeadLetter, Sourced<ClickEvent>>> strategy =
                Watermarks.forDecoded(EventType.CLICK, conf, WALL_CLOCK);
        WatermarkGenerator<Either<DeadLetter, Sourced<ClickEvent>>> generator =
                strategy.createWatermarkGenerator(CONTEXT);
        TimestampAssigner<Either<DeadLetter, Sourced<ClickEvent>>> assigner =
                strategy.createTimestampAssigner(() -> new UnregisteredMetricsGroup());

        long t = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
        Either<DeadLetter, Sourced<ClickEvent>> click = Either.Right(Sourced.of(clickAt(t), 0, 0));
        // A dead letter whose Kafka timestamp lies an hour ahead.
        Either<DeadLetter, Sourced<ClickEvent>> letter =
                Either.Left(
                        DeadLetterRecords.of(
                                "t",
                                0,
                                0,
                                null,
                                new byte[0],
                                "r",
                                "d",
                                Instant.ofEpochMilli(t + 3_600_000L),
                                "j"));
        long letterTs = assigner.extractTimestamp(letter, 5L);
        long clickTs = assigner.extractTimestamp(click, 5L);

        generator.onEvent(click, clickTs, output);
        generator.onEvent(letter, letterTs, output);
        generator.onPeriodicEmit(output);

        assertThat(clickTs).isEqualTo(t);
        assertThat(letterTs).isEqualTo(t + 3_600_000L);
        assertThat(watermarks).containsExactly(t - 2_000L - 1L);
    }

    @Test
    void implausibleEventTimesNeverMoveTheWatermark() {
        WatermarkStrategy<Either<DeadLetter, Sourced<ClickEvent>>> strategy =
                Watermarks.forDecoded(EventType.CLICK, new Configuration(), WALL_CLOCK);
        WatermarkGenerator<Either<DeadLetter, Sourced<ClickEvent>>> generator =
                strategy.createWatermarkGenerator(CONTEXT);
        long real = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
        // A producer writing microseconds where milliseconds belong, and one writing seconds.
        long micros = real * 1000;
        long seconds = real / 1000;
        // The default max-future is 5 minutes ahead of the injected wall clock.
        long lastPlausible = WALL_CLOCK.millis() + Duration.ofMinutes(5).toMillis();
        long tooFarAhead = lastPlausible + 1;

        for (long t : new long[] {real, micros, seconds, lastPlausible, tooFarAhead}) {
            generator.onEvent(Either.Right(Sourced.of(clickAt(t), 0, 0)), t, output);
        }
        generator.onPeriodicEmit(output);

        assertThat(watermarks).containsExactly(lastPlausible - 5_000L - 1L);
    }

    @Test
    void aSplitDeliveringOnlyDeadLettersGoesIdle() {
        Configuration conf = new Configuration();
        conf.set(EventTimeOptions.IDLENESS, Duration.ofMillis(1));
        ManualClock clock = new ManualClock();
        WatermarkGenerator<Either<DeadLetter, Sourced<ClickEvent>>> generator =
                Watermarks.forDecoded(EventType.CLICK, conf, WALL_CLOCK)
                        .createWatermarkGenerator(contextWith(clock));
        Either<DeadLetter, Sourced<ClickEvent>> letter =
                Either.Left(
                        DeadLetterRecords.of("t", 0, 0, null, new byte[0], "r", "d", null, "j"));

        generator.onPeriodicEmit(output); // the idleness timer starts
        for (int i = 0; i < 5; i++) {
            clock.advanceTime(Duration.ofMillis(10));
            generator.onEvent(letter, 1L, output);
            generator.onPeriodicEmit(output);
        }

        assertThat(idle).as("dead letters are no activity").isTrue();
    }

    @Test
    void aBoundedInputNeverGoesIdle() {
        Configuration conf = new Configuration();
        conf.set(EventTimeOptions.IDLENESS, Duration.ofMillis(1));
        ManualClock clock = new ManualClock();
        WatermarkGenerator<Either<DeadLetter, Sourced<ClickEvent>>> generator =
                Watermarks.forDecoded(EventType.CLICK, conf, WALL_CLOCK, true)
                        .createWatermarkGenerator(contextWith(clock));

        for (int i = 0; i < 5; i++) {
            generator.onPeriodicEmit(output);
            clock.advanceTime(Duration.ofSeconds(60));
        }

        assertThat(idle).as("a file is read to its end, however long it takes to start").isFalse();
    }

    private static WatermarkGeneratorSupplier.Context contextWith(ManualClock clock) {
        return new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return clock;
            }
        };
    }

    private static ClickEvent clickAt(long millis) {
        ClickEvent click = SampleEvents.click();
        click.setEventTime(Instant.ofEpochMilli(millis));
        return click;
    }
}
