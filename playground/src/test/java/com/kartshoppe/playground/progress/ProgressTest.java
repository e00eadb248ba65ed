package com.kartshoppe.playground.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Tests for {@link Progress}. */
class ProgressTest {

    private static final Instant WALL = Instant.parse("2031-05-04T08:00:00Z");
    private static final Instant SIM = Instant.parse("2030-01-01T00:00:00Z");

    private final ManualClock clock = new ManualClock(WALL);
    private final StringWriter written = new StringWriter();
    private final PrintWriter out = new PrintWriter(written);

    @Test
    void plainOutputPrintsALineEveryFewSecondsWithRateShareAndEta() {
        Progress progress = Progress.start(out, "backtest", clock, false).expect(10_000);

        clock.advance(Duration.ofSeconds(2));
        progress.update(1_000, SIM.plusSeconds(60));
        assertThat(written.toString()).isEmpty(); // not due yet

        clock.advance(Duration.ofSeconds(3));
        progress.update(2_500, SIM.plusSeconds(90));
        // 2,500 of 10,000 in 5 s: 500/s, a quarter, 15 s to go
        assertThat(written.toString())
                .isEqualTo(
                        "backtest: 2,500 records, event time 2030-01-01T00:01:30Z, 500/s, 25%,"
                                + " ETA 15 s, 5 s elapsed\n");

        clock.advance(Duration.ofSeconds(4));
        progress.update(4_000, null); // the event time stays the last known
        assertThat(written.toString().lines()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        progress.update(5_000, null);
        clock.advance(Duration.ofMillis(1_500));
        progress.close();
        progress.close(); // once only
        assertThat(written.toString().lines())
                .containsExactly(
                        "backtest: 2,500 records, event time 2030-01-01T00:01:30Z, 500/s, 25%,"
                                + " ETA 15 s, 5 s elapsed",
                        "backtest: 5,000 records, event time 2030-01-01T00:01:30Z, 500/s, 50%,"
                                + " ETA 10 s, 10 s elapsed",
                        "backtest: 5,000 records, event time 2030-01-01T00:01:30Z, 435/s, 50%,"
                                + " ETA 12 s, 12 s elapsed");
    }

    @Test
    void progressLinesAreToldApartFromErrorLines() {
        Progress progress = Progress.start(out, "backtest", clock, false);
        clock.advance(Duration.ofSeconds(6));
        progress.update(0, null);

        assertThat(written.toString().lines()).allMatch(Progress::isProgressLine).hasSize(1);
        assertThat(Progress.isProgressLine("kartshoppe backtest: 12,000 records, 3 s elapsed"))
                .isTrue();
        assertThat(
                        Progress.isProgressLine(
                                "kartshoppe backtest: File /tmp/x/shop.clicks.jsonl does not"
                                        + " exist (--verbose shows the stack trace)"))
                .isFalse();
    }

    @Test
    void aShortRunPrintsNothingWhenNotOnATerminal() {
        Progress progress = Progress.start(out, "train", clock, false);
        clock.advance(Duration.ofSeconds(4));
        progress.update(100, null);
        progress.close();

        assertThat(written.toString()).isEmpty();
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlaceAndEndedAtTheClose() {
        Progress progress =
                Progress.start(out, "simulate", clock, true)
                        .between(SIM, SIM.plus(Duration.ofHours(2)));

        clock.advance(Duration.ofMillis(100));
        progress.update(10, SIM);
        assertThat(written.toString()).isEmpty(); // redrawn at most every 250 ms

        clock.advance(Duration.ofMillis(900));
        progress.update(12_000, SIM.plus(Duration.ofMinutes(30)));
        clock.advance(Duration.ofSeconds(1));
        progress.update(99_000, SIM.plus(Duration.ofHours(2)));
        progress.close();

        String first =
                "simulate: 12,000 records, event time 2030-01-01T00:30:00Z, 12,000/s, 25%,"
                        + " ETA 3 s, 1 s elapsed";
        String second =
                "simulate: 99,000 records, event time 2030-01-01T02:00:00Z, 49,500/s, 100%,"
                        + " 2 s elapsed";
        // The second line is shorter than the first: spaces blank out the rest of it.
        String blank = " ".repeat(first.length() - second.length());
        assertThat(written.toString())
                .isEqualTo("\r" + first + "\r" + second + blank + "\r" + second + "\n");
    }

    @Test
    void aShorterLineOnATerminalBlanksOutTheRestOfTheLongerOne() {
        Progress progress = Progress.start(out, "examples", clock, true);
        clock.advance(Duration.ofSeconds(1));
        progress.update(1_000_000, SIM);
        clock.advance(Duration.ofSeconds(1));
        progress.update(1_000_000, null);

        String[] drawn = written.toString().split("\r", -1);
        assertThat(drawn).hasSize(3);
        assertThat(drawn[2]).hasSameSizeAs(drawn[1]).endsWith("2 s elapsed  ");
        assertThat(drawn[1]).contains("event time").endsWith("1 s elapsed");
    }

    @Test
    void withoutATotalOrASimulatedRangeThereIsNoShareNorEta() {
        Progress progress = Progress.start(out, "train", clock, false);
        clock.advance(Duration.ofSeconds(8));
        progress.update(4_000, null);

        assertThat(progress.done()).isNaN();
        assertThat(progress.line()).isEqualTo("train: 4,000 records, 500/s, 8 s elapsed");
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertThat(Progress.duration(44_600)).isEqualTo("45 s");
        assertThat(Progress.duration(185_000)).isEqualTo("3 min 05 s");
        assertThat(Progress.duration(Duration.ofMinutes(127).toMillis())).isEqualTo("2 h 07 min");
    }
}
