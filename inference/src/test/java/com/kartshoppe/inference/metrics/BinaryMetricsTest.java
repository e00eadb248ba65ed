package com.kartshoppe.inference.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** Tests for {@link BinaryMetrics}. */
class BinaryMetricsTest {

    @Test
    void aucCountsPairsRankedRightWithTiesAsHalf() {
        double[] scores = {0.9, 0.8, 0.8, 0.3, 0.1};
        int[] labels = {1, 1, 0, 0, 1};
        // positives {0.9, 0.8, 0.1}, negatives {0.8, 0.3}: pairs won 2 + 1.5 + 0 of 6
        assertThat(BinaryMetrics.auc(scores, labels)).isCloseTo(3.5 / 6, offset(1e-12));
        assertThat(BinaryMetrics.auc(new double[] {0.2, 0.4}, new int[] {1, 1})).isNaN();
    }

    @Test
    void logLossAndBrierMatchTheirDefinitions() {
        double[] scores = {0.8, 0.4};
        int[] labels = {1, 0};
        assertThat(BinaryMetrics.logLoss(scores, labels))
                .isCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, offset(1e-12));
        assertThat(BinaryMetrics.brier(scores, labels)).isCloseTo((0.04 + 0.16) / 2, offset(1e-12));
    }
}
