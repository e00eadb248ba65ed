package com.kartshoppe.inference.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.inference.metrics.ScoreCurves.CalibrationBin;
import com.kartshoppe.inference.metrics.ScoreCurves.Histogram;
import com.kartshoppe.inference.metrics.ScoreCurves.OperatingPoint;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Tests for {@link ScoreCurves}. */
class ScoreCurvesTest {

    // Three positives, two negatives; a tie at 0.8 between a positive and a negative.
    private static final double[] SCORES = {0.9, 0.8, 0.8, 0.3, 0.1};
    private static final int[] LABELS = {1, 1, 0, 1, 0};

    @Test
    void operatingPointsStepThroughEveryDistinctScoreFromTheTop() {
        List<OperatingPoint> points = ScoreCurves.operatingPoints(SCORES, LABELS);

        assertThat(points)
                .extracting(OperatingPoint::threshold)
                .containsExactly(Double.POSITIVE_INFINITY, 0.9, 0.8, 0.3, 0.1);
        assertThat(points).extracting(OperatingPoint::truePositives).containsExactly(0, 1, 2, 3, 3);
        assertThat(points)
                .extracting(OperatingPoint::falsePositives)
                .containsExactly(0, 0, 1, 1, 2);
        OperatingPoint tie = points.get(2);
        assertThat(tie.truePositiveRate()).isEqualTo(2 / 3.0);
        assertThat(tie.falsePositiveRate()).isEqualTo(0.5);
        assertThat(tie.precision()).isEqualTo(2 / 3.0);
        assertThat(points.get(0).precision()).isEqualTo(1);
    }

    @Test
    void theRocCurveEnclosesTheAuc() {
        Random random = new Random(5);
        double[] scores = new double[500];
        int[] labels = new int[500];
        for (int i = 0; i < scores.length; i++) {
            labels[i] = random.nextDouble() < 0.2 ? 1 : 0;
            // Rounded, so there are ties.
            scores[i] = Math.round((random.nextDouble() + 0.4 * labels[i]) * 20) / 28.0;
        }
        List<OperatingPoint> points = ScoreCurves.operatingPoints(scores, labels);
        double area = 0;
        for (int j = 1; j < points.size(); j++) {
            OperatingPoint a = points.get(j - 1);
            OperatingPoint b = points.get(j);
            area +=
                    (b.falsePositiveRate() - a.falsePositiveRate())
                            * (a.truePositiveRate() + b.truePositiveRate())
                            / 2;
        }

        assertThat(area).isCloseTo(BinaryMetrics.auc(scores, labels), within(1e-12));
        assertThat(points.get(points.size() - 1).truePositiveRate()).isEqualTo(1);
        assertThat(points.get(points.size() - 1).falsePositiveRate()).isEqualTo(1);
    }

    @Test
    void averagePrecisionWeighsPrecisionByTheRecallEachThresholdAdds() {
        assertThat(ScoreCurves.averagePrecision(SCORES, LABELS))
                .isCloseTo((1 + 2 / 3.0 + 3 / 4.0) / 3, within(1e-12));
        assertThat(ScoreCurves.averagePrecision(new double[] {0.5}, new int[] {0})).isNaN();
    }

    @Test
    void calibrationComparesTheMeanScoreWithTheShareOfPositivesPerBin() {
        List<CalibrationBin> bins = ScoreCurves.calibration(SCORES, LABELS, 2);

        assertThat(bins).hasSize(2);
        assertThat(bins.get(0).count()).isEqualTo(2);
        assertThat(bins.get(0).meanScore()).isCloseTo(0.2, within(1e-12));
        assertThat(bins.get(0).positiveRate()).isEqualTo(0.5);
        assertThat(bins.get(1).lower()).isEqualTo(0.5);
        assertThat(bins.get(1).upper()).isEqualTo(1);
        assertThat(bins.get(1).count()).isEqualTo(3);
        assertThat(bins.get(1).meanScore()).isCloseTo(2.5 / 3, within(1e-12));
        assertThat(bins.get(1).positiveRate()).isEqualTo(2 / 3.0);

        List<CalibrationBin> empty = ScoreCurves.calibration(SCORES, LABELS, 10);
        assertThat(empty.get(5).count()).isZero();
        assertThat(empty.get(5).meanScore()).isNaN();
    }

    @Test
    void histogramCountsEachClassPerBinWithOneInTheLastBin() {
        Histogram h =
                ScoreCurves.histogram(
                        new double[] {0.9, 0.8, 0.8, 0.3, 0.1, 1.0, 0.0},
                        new int[] {1, 1, 0, 1, 0, 1, 0},
                        10);

        assertThat(h.edges()).hasSize(11).startsWith(0.0).endsWith(1.0);
        assertThat(h.positives()).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 1, 2);
        assertThat(h.negatives()).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 1, 0);
    }

    @Test
    void thinKeepsTheEndsAndAtMostMaxPoints() {
        List<Integer> all = IntStream.range(0, 1001).boxed().toList();

        assertThat(ScoreCurves.thin(all, 5)).containsExactly(0, 250, 500, 750, 1000);
        assertThat(ScoreCurves.thin(all.subList(0, 3), 5)).containsExactly(0, 1, 2);
        assertThatThrownBy(() -> ScoreCurves.thin(all, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mismatchedArraysAndLabelsOtherThanZeroOrOneAreRefused() {
        assertThatThrownBy(() -> ScoreCurves.operatingPoints(new double[2], new int[1]))
                .hasMessage("2 scores but 1 labels");
        assertThatThrownBy(() -> ScoreCurves.histogram(new double[1], new int[] {2}, 4))
                .hasMessage("labels must be 0 or 1, got 2");
    }
}
