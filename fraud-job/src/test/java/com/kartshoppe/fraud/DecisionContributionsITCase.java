package com.kartshoppe.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests for {@link FraudDetectionJob}: every scored decision of the simulated backtest carries its
 * largest feature contributions, and its prediction log the same ones.
 */
class DecisionContributionsITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @Test
    void everyScoredDecisionAndItsPredictionLogCarryTheLargestContributions() throws Exception {
        SimulatedBacktest backtest = SimulatedBacktest.get();
        List<FraudDecision> decisions = backtest.outputs().get(EventType.FRAUD_DECISION);
        Map<String, PredictionLog> logs =
                backtest.outputs().get(EventType.PREDICTION).stream()
                        .collect(
                                Collectors.toMap(
                                        PredictionLog::getPredictionId, Function.identity()));
        int kept = InferenceOptions.CONTRIBUTIONS.defaultValue();

        assertThat(decisions).isNotEmpty();
        for (FraudDecision d : decisions) {
            // the starter model is linear: its terms are exact, 21 of them, the 5 largest kept
            assertThat(d.getContributionMethod()).as(d.getDecisionId()).isEqualTo("linear");
            assertThat(d.getContributions()).as(d.getDecisionId()).hasSize(kept);
            PredictionLog log = logs.get(d.getDecisionId());
            assertThat(log.getContributions()).isEqualTo(d.getContributions());
            assertThat(log.getContributionMethod()).isEqualTo("linear");
            // each is a feature of the row the model scored
            assertThat(log.getFeatures())
                    .containsKeys(d.getContributions().keySet().toArray(String[]::new));
        }
    }
}
