package com.kartshoppe.reco;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.jobkit.input.Input;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobEdge;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tests for the shape of {@link RecommendationJob}'s job graph. */
class RecommendationJobTest {

    private static JobGraph graph;

    @BeforeAll
    static void build() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        new RecommendationJob(new Configuration(), Input.jsonl("/nonexistent"), null).build(env);
        graph = env.getStreamGraph().getJobGraph();
    }

    private static JobVertex vertexWith(String operator) {
        List<JobVertex> found = new ArrayList<>();
        for (JobVertex v : graph.getVertices()) {
            if (v.getName().contains(operator)) {
                found.add(v);
            }
        }
        assertThat(found).as("the task that runs %s", operator).hasSize(1);
        return found.get(0);
    }

    private static List<String> inputs(JobVertex v) {
        return v.getInputs().stream().map(JobEdge::getShipStrategyName).sorted().toList();
    }

    @Test
    void aRequestCrossesOneKeyedExchangeThenAForwardHopIntoTheTaskThatRanksIt() {
        JobVertex session = vertexWith("session context");
        JobVertex candidates = vertexWith("candidates");

        assertThat(candidates.getName())
                .as("the scorer and the outputs are chained to the candidates")
                .contains("candidates -> rank -> (recommendations, prediction logs)");
        assertThat(inputs(session)).as("the keyed exchange by shopper").containsOnly("HASH");
        assertThat(candidates.getInputs())
                .filteredOn(e -> e.getShipStrategyName().equals("FORWARD"))
                .singleElement()
                .satisfies(e -> assertThat(e.getSource().getProducer()).isSameAs(session));
        assertThat(inputs(candidates))
                .as("the requests, and by broadcast co-views, trending lists and parameters")
                .containsOnly("FORWARD", "BROADCAST");
    }

    @Test
    void theJobGraphReusesObjectsBetweenChainedOperators() throws Exception {
        assertThat(
                        graph.getSerializedExecutionConfig()
                                .deserializeValue(getClass().getClassLoader())
                                .isObjectReuseEnabled())
                .isTrue();
    }

    @Test
    void helpListsEverySettingWithItsDefaultAndStartsNothing() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RecommendationJob.DESCRIPTION.run(
                new String[] {"--help"}, new PrintStream(out, true, UTF_8));

        assertThat(out.toString(UTF_8))
                .startsWith("Usage: flink run <kartshoppe-reco jar>")
                .contains("--reco.top-k [10]")
                .contains("--reco.group-id [kartshoppe-reco]")
                .contains("--models.dir [models]");
    }
}
