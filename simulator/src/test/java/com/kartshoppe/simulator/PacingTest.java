package com.kartshoppe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
