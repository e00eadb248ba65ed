package com.kartshoppe.events.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.UseCase;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link LabeledExamples}. */
class LabeledExamplesTest {

    @Test
    void aServedPredictionKeepsItsRowAndScoresAndGetsTheOutcome() {
        PredictionLog p = SampleEvents.prediction();
        Instant labelTime = SampleEvents.T0.plusSeconds(90);

        LabeledExample e = LabeledExamples.of(p, 1, "CLICKED", labelTime);

        assertThat(e.getPredictionId()).isEqualTo("r-9:p-8");
        assertThat(e.getUseCase()).isEqualTo(UseCase.RECO);
        assertThat(e.getEntityId()).isEqualTo("u-1");
        assertThat(e.getItemId()).isEqualTo("p-8");
        assertThat(e.getEventTime()).isEqualTo(SampleEvents.T0);
        assertThat(e.getLabelTime()).isEqualTo(labelTime);
        assertThat(e.getFeatureSet()).isEqualTo("reco_v1");
        assertThat(e.getFeatureSetVersion()).isEqualTo(1);
        assertThat(e.getFeatures()).isEqualTo(p.getFeatures());
        assertThat(e.getScore()).isEqualTo(0.7);
        assertThat(e.getBaseScore()).isEqualTo(0.6);
        assertThat(e.getModelName()).isEqualTo("reco");
        assertThat(e.getModelVersion()).isEqualTo("1");
        assertThat(e.getAdapterVersion()).isZero();
        assertThat(e.getLabel()).isEqualTo(1);
        assertThat(e.getLabelSource()).isEqualTo("CLICKED");
    }

    @Test
    void anUnscoredRowHasNoModelAndIsLabelledAtItsEventTime() {
        LabeledExample e =
                LabeledExamples.unscored(
                        "sim-o-7",
                        UseCase.FRAUD,
                        "u-7",
                        null,
                        SampleEvents.T0,
                        "fraud_v1",
                        2,
                        Map.of("orders_1h", 3.0),
                        0,
                        "simulation");

        assertThat(e.getPredictionId()).isEqualTo("sim-o-7");
        assertThat(e.getItemId()).isNull();
        assertThat(e.getLabelTime()).isEqualTo(SampleEvents.T0);
        assertThat(e.getFeatureSetVersion()).isEqualTo(2);
        assertThat(e.getFeatures()).containsExactly(Map.entry("orders_1h", 3.0));
        assertThat(e.getScore()).isZero();
        assertThat(e.getBaseScore()).isZero();
        assertThat(e.getModelName()).isEqualTo(LabeledExamples.NO_MODEL);
        assertThat(e.getModelVersion()).isEmpty();
        assertThat(e.getLabel()).isZero();
        assertThat(e.getLabelSource()).isEqualTo("simulation");
    }
}
