package com.kartshoppe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link Pacer} through {@link Simulation}: pacing follows send times, and {@link
 * Simulation#stop()} ends a paced run at once. Lower bounds on elapsed time are guaranteed by
 * pacing; upper bounds are generous.
 */
class PacingTest {

    @TempDir Path tmp;

    @Test
    void speedupPacesBySendTimeNotByTheTimesFaultsClaim() throws Exception {
        SimulatorConfig config =
                SimulatorConfig.builder()
                        .seed(2)
                        .users(300)
                        .duration(Duration.ofMinutes(2))
                        .labelDelay(Duration.ofMinutes(1))
                        .clean()
                        .malformedRate(0.2)
                        .malformedKinds(EnumSet.of(MalformedKind.FUTURE_TIMESTAMP))
                        .speedup(240)
                        .build();

        long started = System.nanoTime();
        SimulatedFiles run = SimulatedFiles.run(config, tmp);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(run.stats.malformed(MalformedKind.FUTURE_TIMESTAMP)).isPositive();
        // Sessions start within 2 minutes of event time: at 120x at least ~1 s of wall clock.
        assertThat(elapsed)
                .isGreaterThan(Duration.ofMillis(900))
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aLiveRunCatchesUpWithTheWallClockAndNeverSendsAheadOfIt() throws Exception {
        // A wall clock that runs in real time from an instant of the test's choosing, far from
        // the system clock's date: the pacer must follow the injected clock.
        Instant started = Instant.parse("2031-05-05T12:00:00Z");
        Clock wallClock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), started));
        // Ten minutes of history: at 1000x it takes 0.6 s, then the run must go in real time.
        Simulation simulation =
                new Simulation(
                        SimulatorConfig.builder()
                                .seed(4)
                                .users(3000)
                                .start(started.minus(Duration.ofMinutes(10)))
                                .clean()
                                .speedup(1000)
                                .live(wallClock)
                                .build());
        List<Instant> early = new ArrayList<>();
        AtomicLong afterStart = new AtomicLong();
        EventSink sink =
                new EventSink() {
                    @Override
                    public <T extends SpecificRecordBase> void write(EventType<T> type, T record) {
                        Instant eventTime = (Instant) record.get("eventTime");
                        // The pacer waits in milliseconds of the wall clock.
                        if (wallClock.instant().plusMillis(2).isBefore(eventTime)) {
                            early.add(eventTime);
                        }
                        if (eventTime.isAfter(started.plusSeconds(1))
                                && afterStart.incrementAndGet() == 20) {
                            simulation.stop();
                        }
                    }

                    @Override
                    public void writeGarbage(
                            EventType<?> type, String key, byte[] payload, Instant time) {}

                    @Override
                    public void close() {}
                };

        simulation.run(sink);

        assertThat(afterStart.get()).as("records stamped after the catch-up").isEqualTo(20);
        assertThat(early).as("records sent before the wall clock reached them").isEmpty();
        assertThat(Duration.between(started, wallClock.instant()))
                .isGreaterThan(Duration.ofSeconds(1));
    }

    @Test
    void rateCapsRecordsPerSecond() throws Exception {
        SimulatorConfig config =
                SimulatorConfig.builder()
                        .seed(2)
                        .users(300)
                        .duration(Duration.ofMinutes(10))
                        .clean()
                        .rate(500)
                        .build();

        long started = System.nanoTime();
        SimulatedFiles run = SimulatedFiles.run(config, tmp);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        long records = run.stats.records().values().stream().mapToLong(Long::longValue).sum();
        assertThat(records).isGreaterThan(500);
        assertThat(elapsed.toMillis()).isGreaterThanOrEqualTo((records - 1) * 1000 / 500);
    }

    @Test
    void stopEndsAPacedRunAtOnce() throws Exception {
        // Paced in real time, this run would take an hour.
        Simulation simulation =
                new Simulation(
                        SimulatorConfig.builder()
                                .seed(2)
                                .users(100)
                                .duration(Duration.ofHours(1))
                                .speedup(1)
                                .build());
        CompletableFuture<SimulationStats> run =
                CompletableFuture.supplyAsync(
                        () -> {
                            try (JsonLinesSink sink = new JsonLinesSink(tmp)) {
                                return simulation.run(sink);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });

        simulation.stop();

        SimulationStats stats = run.get(10, TimeUnit.SECONDS);
        assertThat(stats.sessions()).isLessThan(5);
    }
}
