package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.playground.progress.ManualClock;
import com.kartshoppe.playground.progress.Progress;
import com.kartshoppe.simulator.EventSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/** Tests for {@link ProgressSink}. */
class ProgressSinkTest {

    private static final String LAST =
            "kartshoppe simulate: 3,001 records, event time 2026-03-01T11:15:30Z, 200/s, 100%,"
                    + " 15 s elapsed";

    @Test
    void passesEveryRecordOnAndReportsTheCountAndTheEventTimeReached() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2031-05-04T08:00:00Z"));
        StringWriter written = new StringWriter();
        Instant start = SampleEvents.T0;
        Progress progress =
                Progress.start(new PrintWriter(written), "kartshoppe simulate", clock, false)
                        .between(start, start.plus(Duration.ofHours(1)));
        List<Object> passed = new ArrayList<>();

        try (ProgressSink sink = new ProgressSink(new Recording(passed), progress)) {
            for (int i = 1; i <= 3000; i++) {
                ClickEvent click = SampleEvents.click();
                click.setEventTime(start.plusSeconds(i));
                sink.write(EventType.CLICK, click);
                if (i % 1000 == 0) {
                    clock.advance(Duration.ofSeconds(5));
                }
            }
            sink.writeGarbage(EventType.ORDER, "k", new byte[] {1}, start.plusSeconds(3600));
            assertThat(passed).hasSize(3001).last().isEqualTo("garbage");
            // A line is due at the first record after each five seconds.
            assertThat(written.toString().lines())
                    .containsExactly(
                            "kartshoppe simulate: 1,001 records, event time 2026-03-01T10:32:11Z,"
                                    + " 200/s, 28%, ETA 13 s, 5 s elapsed",
                            "kartshoppe simulate: 2,001 records, event time 2026-03-01T10:48:51Z,"
                                    + " 200/s, 56%, ETA 8 s, 10 s elapsed",
                            LAST);
        }
        // Closing the sink ends the progress with a final line.
        assertThat(written.toString().lines()).hasSize(4).last().isEqualTo(LAST);
    }

    /** Keeps what it is given. */
    private record Recording(List<Object> records) implements EventSink {
        @Override
        public <T extends SpecificRecordBase> void write(EventType<T> type, T record) {
            records.add(record);
        }

        @Override
        public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time) {
            records.add("garbage");
        }

        @Override
        public void close() {}
    }
}
