package com.kartshoppe.fraud.decision;

import static com.kartshoppe.features.TestEvents.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.fraud.rules.RuleSet;
import com.kartshoppe.inference.adapter.OnlineAdapter;
import com.kartshoppe.inference.explain.Explanation;
import com.kartshoppe.inference.model.ModelRegistry;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.Scorer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link FraudScoring}: decisions and prediction logs with their contributions. */
class FraudScoringTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    private final FraudScoring scoring = new FraudScoring("fraud");

    private static FraudCase velocityOrder(double[] values) {
        ShopEvent e = order("u-1", 250_00, T);
        FraudCase order =
                new FraudCase(
                        new Featured(
                                e,
                                FeatureCatalog.FRAUD_V1.snapshot("u-1", T.toEpochMilli(), values)));
        order.flag(FraudPattern.VELOCITY);
        RuleSet.fromConfiguration(new Configuration()).applyTo(order);
        return order;
    }

    @Test
    void theContributionsSitNextToThePatternReasonsInTheDecisionAndTheLog() {
        FraudCase order = velocityOrder(new double[FeatureCatalog.FRAUD_V1.size()]);
        Map<String, Double> why = new LinkedHashMap<>();
        why.put("decline_ratio_10m", 2.25);
        why.put("cep_velocity", 0.75);
        why.put("account_age_days", -0.5);
        Score score =
                new Score(
                        "fraud",
                        "1",
                        3,
                        0.4,
                        0.6,
                        new Explanation(Explanation.Method.LINEAR, -2.0, why));

        FraudOutcome outcome = scoring.decide(order, scoring.rows(order), List.of(score));

        FraudDecision decision = outcome.decision;
        assertThat(decision.getReasons()).containsExactly("score>=review", "cep:velocity");
        assertThat(decision.getContributions()).isEqualTo(why);
        assertThat(decision.getContributionMethod()).isEqualTo("linear");
        assertThat(decision.getRuleSetId()).isEqualTo("default");
        assertThat(decision.getRuleSetVersion()).isZero();
        assertThat(outcome.prediction.getContributions()).isEqualTo(why);
        assertThat(outcome.prediction.getContributionMethod()).isEqualTo("linear");
        assertThat(scoring.explains()).isTrue();
    }

    @Test
    void aRulesOnlyDecisionHasNoContributions() {
        FraudCase order = velocityOrder(new double[FeatureCatalog.FRAUD_V1.size()]);

        FraudOutcome outcome = scoring.decide(order, scoring.rows(order), List.of());

        assertThat(outcome.decision.getReasons()).containsExactly("no-model", "cep:velocity");
        assertThat(outcome.decision.getContributions()).isEmpty();
        assertThat(outcome.decision.getContributionMethod()).isEmpty();
        assertThat(outcome.prediction).isNull();
    }

    @Test
    void aLogisticModelsDecisionIsExplainedByTermsThatAddUpToItsLogit(@TempDir Path models) {
        StarterModels.install(models);
        double[] values = new double[FeatureCatalog.FRAUD_V1.size()];
        values[FeatureCatalog.FRAUD_V1.indexOf("payment_declines_10m")] = 2;
        values[FeatureCatalog.FRAUD_V1.indexOf("decline_ratio_10m")] = 0.5;
        values[FeatureCatalog.FRAUD_V1.indexOf("order_amount_eur")] = 120;
        values[FeatureCatalog.FRAUD_V1.indexOf("account_age_days")] = 40;
        FraudCase order = velocityOrder(values);
        // an adapter that weighs the velocity flag and rescales the model's logit
        OnlineAdapter adapter =
                OnlineAdapter.from(
                        AdapterParams.newBuilder()
                                .setModelName("fraud")
                                .setBaseModelVersion("1")
                                .setAdapterVersion(6)
                                .setFeatureNames(List.of("cep_velocity", "new_device"))
                                .setBias(-0.2)
                                .setLogitWeight(0.3)
                                .setWeights(List.of(0.9, 0.4))
                                .setExamplesSeen(1)
                                .setTrainedUpTo(T)
                                .setPublishedAt(T)
                                .build());
        try (ModelRegistry registry =
                ModelRegistry.builder(models, "fraud", FeatureCatalog.FRAUD_V1).build().start()) {
            List<Map<String, Double>> rows = scoring.rows(order);
            Score score = new Scorer(registry, 1).score(rows, adapter, Integer.MAX_VALUE).get(0);

            FraudOutcome outcome = scoring.decide(order, rows, List.of(score));

            FraudDecision decision = outcome.decision;
            assertThat(decision.getAdapterVersion()).isEqualTo(6);
            assertThat(decision.getReasons()).contains("cep:velocity");
            assertThat(decision.getContributions()).containsEntry("cep_velocity", 0.9);
            double logit = Math.log(decision.getScore() / (1 - decision.getScore()));
            double sum =
                    score.explanation().intercept()
                            + decision.getContributions().values().stream()
                                    .mapToDouble(d -> d)
                                    .sum();
            assertThat(decision.getScore()).isBetween(0.01, 0.99);
            assertThat(sum).isCloseTo(logit, offset(1e-6 * Math.abs(logit)));
            assertThat(outcome.prediction.getContributions())
                    .isEqualTo(decision.getContributions());
        }
    }

    @Test
    void theStarterModelsDecisionCarriesItsFiveLargestTerms(@TempDir Path models) {
        StarterModels.install(models);
        double[] values = new double[FeatureCatalog.FRAUD_V1.size()];
        values[FeatureCatalog.FRAUD_V1.indexOf("payment_declines_10m")] = 3;
        values[FeatureCatalog.FRAUD_V1.indexOf("decline_ratio_10m")] = 0.75;
        values[FeatureCatalog.FRAUD_V1.indexOf("new_device")] = 1;
        values[FeatureCatalog.FRAUD_V1.indexOf("order_amount_eur")] = 250;
        FraudCase order = velocityOrder(values);
        try (ModelRegistry registry =
                ModelRegistry.builder(models, "fraud", FeatureCatalog.FRAUD_V1).build().start()) {
            Scorer scorer = new Scorer(registry, 1);
            List<Map<String, Double>> rows = scoring.rows(order);

            Score all = scorer.score(rows, null, Integer.MAX_VALUE).get(0);
            FraudDecision decision =
                    scoring.decide(order, rows, scorer.score(rows, null, 5)).decision;

            assertThat(decision.getContributionMethod()).isEqualTo("linear");
            assertThat(decision.getContributions().entrySet())
                    .containsExactlyElementsOf(
                            all.explanation().contributions().entrySet().stream()
                                    .limit(5)
                                    .toList());
        }
    }
}
