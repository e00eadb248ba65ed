package com.kartshoppe.jobkit.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link EventTimeBounds}. */
class EventTimeBoundsTest {

    private static final long NOW = Instant.parse("2026-11-26T12:00:00Z").toEpochMilli();
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    @Test
    void defaultsAcceptThePastAndTheNearFuture() {
        EventTimeBounds bounds = EventTimeBounds.from(new Configuration(), CLOCK);

        assertThat(bounds.violation(Instant.parse("2000-01-01T00:00:00Z").toEpochMilli())).isNull();
        assertThat(bounds.violation(NOW + Duration.ofMinutes(5).toMillis())).isNull();
        assertThat(bounds.violation(NOW + Duration.ofMinutes(5).toMillis() + 1))
                .isEqualTo(EventTimeBounds.FUTURE);
        assertThat(bounds.violation(Instant.parse("1999-12-31T23:59:59.999Z").toEpochMilli()))
                .isEqualTo(EventTimeBounds.BEFORE_FLOOR);
    }

    @Test
    void boundsAreConfigurable() {
        Configuration conf = new Configuration();
        conf.set(EventTimeOptions.MAX_FUTURE, Duration.ofDays(1));
        conf.set(EventTimeOptions.MIN, "2026-01-01T00:00:00Z");
        EventTimeBounds bounds = EventTimeBounds.from(conf, CLOCK);

        assertThat(bounds.isPlausible(NOW + Duration.ofHours(23).toMillis())).isTrue();
        assertThat(bounds.isPlausible(Instant.parse("2025-12-31T00:00:00Z").toEpochMilli()))
                .isFalse();
    }

    @Test
    void aBadFloorNamesTheKey() {
        Configuration conf = new Configuration();
        conf.set(EventTimeOptions.MIN, "yesterday");

        assertThatThrownBy(() -> EventTimeBounds.from(conf, CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event-time.min")
                .hasMessageContaining("'yesterday'");
    }
}
