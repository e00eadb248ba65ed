package com.kartshoppe.playground.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playground's parts that need no cluster: checkpoint resume and the simulated clock. */
class PlaygroundTest {

    @TempDir Path tmp;

    @Test
    void resumesFromTheHighestCompletedCheckpoint() throws Exception {
        Path job = tmp.resolve(LocalFlink.jobId("kartshoppe-fraud").toHexString());
        for (String done : new String[] {"chk-9", "chk-12"}) {
            Files.createDirectories(job.resolve(done));
            Files.writeString(job.resolve(done).resolve("_metadata"), "m");
        }
        // Started but never completed: no metadata.
        Files.createDirectories(job.resolve("chk-13"));
        Files.createDirectories(job.resolve("shared"));

        assertThat(LocalFlink.newestCheckpoint(job)).contains(job.resolve("chk-12"));
        assertThat(LocalFlink.newestCheckpoint(tmp.resolve("never-ran"))).isEmpty();
    }

    @Test
    void aJobKeepsItsIdAcrossRuns() {
        assertThat(LocalFlink.jobId("kartshoppe-fraud"))
                .isEqualTo(LocalFlink.jobId("kartshoppe-fraud"))
                .isNotEqualTo(LocalFlink.jobId("kartshoppe-reco"));
    }

    @Test
    void simulatedTimeRunsFastUntilItCatchesUpThenInRealTime() {
        Duration lead = Duration.ofHours(24);

        assertThat(Playground.simulatedAfter(Duration.ofSeconds(90), 60, lead))
                .isEqualTo(Duration.ofMinutes(90));
        // 24 h behind at 60x: caught up after 24 h / 59 = 1464.4 s; after that, real time.
        assertThat(Playground.simulatedAfter(Duration.ofMinutes(30), 60, lead))
                .isEqualTo(lead.plus(Duration.ofMinutes(30)));
        assertThat(Playground.simulatedAfter(Duration.ofSeconds(10), 60, Duration.ZERO))
                .isEqualTo(Duration.ofSeconds(10));
    }
}
