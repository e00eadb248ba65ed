package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.MalformedKind;
import com.kartshoppe.simulator.SimulatorConfig;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for restoring {@link FraudDetectionJob} from the savepoint that {@link
 * FraudSavepointFixture} took on an earlier commit ({@value FraudSavepointFixture#RESOURCE}): every
 * piece of its state must map to an operator uid of today's job (no state may be left unrestored)
 * and deserialise with today's classes, and the restored job must go on deciding orders. A changed
 * uid, or a class held in state that moved or changed incompatibly, fails it.
 */
class FraudJobSavepointRestoreITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @TempDir Path dir;

    /** The same shoppers an hour after the savepoint's traffic, so they meet their own state. */
    private static SimulatorConfig afterTheSavepoint() {
        SimulatorConfig before = FraudSavepointFixture.traffic();
        return SimulatorConfig.builder()
                .seed(2027)
                .users(before.users())
                .start(before.end().plus(Duration.ofHours(1)))
                .duration(Duration.ofMinutes(10))
                .sessionsPerUserHour(6)
                .malformedKinds(EnumSet.of(MalformedKind.GARBAGE))
                .build();
    }

    @Test
    void restoresEveryStateAndDecidesNewOrders(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        URL metadata = getClass().getResource("/" + FraudSavepointFixture.RESOURCE + "/_metadata");
        assertThat(metadata).as("the kept savepoint").isNotNull();
        Path savepoint = Path.of(metadata.toURI()).getParent();
        Path models = dir.resolve("models");
        StarterModels.install(models);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());
            // The broker the savepoint was taken on held this traffic: the same records at the
            // same offsets (a simulation is deterministic), after which the sources resume.
            Set<String> before =
                    FraudSavepointFixture.write(kafka, FraudSavepointFixture.traffic());
            assertThat(FraudSavepointFixture.inputEnds(kafka))
                    .as("input offsets after replaying the savepoint's traffic")
                    .isEqualTo(FraudSavepointFixture.inputEndsKept(savepoint));
            Set<String> after = FraudSavepointFixture.write(kafka, afterTheSavepoint());
            assertThat(after).isNotEmpty().doesNotContainAnyElementsOf(before);

            JobClient job =
                    FraudSavepointFixture.submit(
                            cluster,
                            FraudSavepointFixture.settings(kafka, models),
                            // No state left unrestored: each must map to an operator.
                            SavepointRestoreSettings.forPath(savepoint.toString(), false));
            try {
                Set<String> decided =
                        FraudSavepointFixture.decided(
                                FraudSavepointFixture.awaitDecisions(kafka, job, after, TIMEOUT));

                AccessExecutionGraph graph =
                        cluster.getExecutionGraph(job.getJobID()).get(10, TimeUnit.SECONDS);
                RestoredCheckpointStats restored =
                        graph.getCheckpointStatsSnapshot().getLatestRestoredCheckpoint();
                assertThat(restored).as("the checkpoint the job restored").isNotNull();
                assertThat(restored.getProperties().isSavepoint()).isTrue();
                assertThat(Path.of(restored.getExternalPath().replaceFirst("^file:", "")))
                        .isEqualTo(savepoint);
                // Restarts are off: a failure would have ended the job, and none was recorded.
                assertThat(graph.getState()).isEqualTo(JobStatus.RUNNING);
                assertThat(graph.getFailureInfo()).isNull();
                assertThat(graph.getAllExecutionVertices())
                        .allSatisfy(
                                v ->
                                        assertThat(
                                                        v.getCurrentExecutionAttempt()
                                                                .getAttemptNumber())
                                                .isZero());
                // Decisions on the new orders only: the sources resumed at the savepoint's offsets.
                assertThat(decided).containsAll(after).doesNotContainAnyElementsOf(before);
            } finally {
                if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    job.cancel().get(30, TimeUnit.SECONDS);
                }
            }
        }
    }
}
