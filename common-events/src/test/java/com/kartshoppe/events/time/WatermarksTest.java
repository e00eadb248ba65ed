package com.kartshoppe.events.time;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.serde.DeadLetters;
import java.time.Duration;
import java.time.Instant;
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
import org.apache.flink.util.clock.RelativeClock;
import org.apache.flink.util.clock.SystemClock;
import org.junit.jupiter.api.Test;

/** Tests for {@link Watermarks}. */
class WatermarksTest {

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
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark watermark) {
                    watermarks.add(watermark.getTimestamp());
                }

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };

    @Test
    void eventsDriveTheWatermarkAndDeadLettersDoNot() {
        Configuration conf = new Configuration();
        conf.set(EventTimeOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(2));
        WatermarkStrategy<Either<DeadLetter, ClickEvent>> strategy =
                Watermarks.forDecoded(EventType.CLICK, conf);
        WatermarkGenerator<Either<DeadLetter, ClickEvent>> generator =
                strategy.createWatermarkGenerator(CONTEXT);
        TimestampAssigner<Either<DeadLetter, ClickEvent>> assigner =
                strategy.createTimestampAssigner(() -> new UnregisteredMetricsGroup());

        Either<DeadLetter, ClickEvent> click = Either.Right(clickAt(10_000L));
        // A dead letter whose Kafka timestamp lies a year ahead.
        Either<DeadLetter, ClickEvent> letter =
                Either.Left(DeadLetters.of("t", 0, 0, null, new byte[0], "r", "d", null, "j"));
        long letterTs = assigner.extractTimestamp(letter, 10_000L + 365L * 86_400_000L);
        long clickTs = assigner.extractTimestamp(click, 5L);

        generator.onEvent(click, clickTs, output);
        generator.onEvent(letter, letterTs, output);
        generator.onPeriodicEmit(output);

        assertThat(clickTs).isEqualTo(10_000L);
        assertThat(letterTs).isEqualTo(10_000L + 365L * 86_400_000L);
        assertThat(watermarks).containsExactly(10_000L - 2_000L - 1L);
    }

    @Test
    void plainEventStrategyUsesTheEventTime() {
        WatermarkStrategy<ClickEvent> strategy =
                Watermarks.forEvents(EventType.CLICK, new Configuration());
        TimestampAssigner<ClickEvent> assigner =
                strategy.createTimestampAssigner(() -> new UnregisteredMetricsGroup());
        WatermarkGenerator<ClickEvent> generator = strategy.createWatermarkGenerator(CONTEXT);

        generator.onEvent(
                clickAt(60_000L), assigner.extractTimestamp(clickAt(60_000L), 1L), output);
        generator.onPeriodicEmit(output);

        assertThat(watermarks).containsExactly(60_000L - 5_000L - 1L);
    }

    private static ClickEvent clickAt(long millis) {
        ClickEvent click = SampleEvents.click();
        click.setEventTime(Instant.ofEpochMilli(millis));
        return click;
    }
}
