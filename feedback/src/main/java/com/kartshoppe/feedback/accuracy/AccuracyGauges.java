package com.kartshoppe.feedback.accuracy;

import com.kartshoppe.events.UseCase;
import com.kartshoppe.inference.model.ModelVersions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The latest accuracy report of each model as gauges, so a metrics system sees what {@code
 * ml.feedback-accuracy} carries. Per model name (the group {@code accuracy}, variable {@code
 * model}): {@code modelVersion} and {@code windowEnd} (epoch ms) of the report, and per score
 * (variable {@code score}: {@code adapted} or {@code base}) its {@code auc}, {@code logLoss}, and
 * per decision threshold (variable {@code threshold}) its {@code recall} and {@code precision}
 * (fraud only, as in the report). In Prometheus:
 *
 * <pre>{@code
 * flink_taskmanager_job_task_operator_accuracy_model_score_auc{model="fraud",score="adapted"}
 * flink_taskmanager_job_task_operator_accuracy_model_score_threshold_recall{model="fraud",score="base",threshold="0.5"}
 * }</pre>
 *
 * <p>A figure the window cannot define (AUC without both classes) is NaN. Each subtask reports the
 * models whose keys it holds; the newest window wins.
 */
final class AccuracyGauges {

    private static final String[] SCORES = {"adapted", "base"};

    private final MetricGroup group;
    private final double[] thresholds;
    private final Map<String, Latest> byModel = new HashMap<>();

    AccuracyGauges(MetricGroup operator, double[] thresholds) {
        this.group = operator.addGroup("accuracy");
        this.thresholds = thresholds.clone();
    }

    /** Takes a due window's figures if it is the model's newest yet. */
    void update(AccuracyWindow window) {
        Latest latest = byModel.computeIfAbsent(window.modelName, m -> register(window));
        if (window.end >= latest.windowEnd) {
            latest.take(window, thresholds.length);
        }
    }

    private Latest register(AccuracyWindow first) {
        Latest latest = new Latest(thresholds.length);
        MetricGroup m = group.addGroup("model", first.modelName);
        // only fraud reports have figures at thresholds
        int atThresholds = UseCase.valueOf(first.useCase) == UseCase.FRAUD ? thresholds.length : 0;
        m.gauge("modelVersion", (Gauge<Long>) () -> latest.modelVersion);
        m.gauge("windowEnd", (Gauge<Long>) () -> latest.windowEnd);
        for (int s = 0; s < SCORES.length; s++) {
            int score = s;
            MetricGroup g = m.addGroup("score", SCORES[s]);
            g.gauge("auc", (Gauge<Double>) () -> latest.auc[score]);
            g.gauge("logLoss", (Gauge<Double>) () -> latest.logLoss[score]);
            for (int i = 0; i < atThresholds; i++) {
                int at = i;
                MetricGroup t = g.addGroup("threshold", label(thresholds[i]));
                t.gauge("recall", (Gauge<Double>) () -> latest.recall[score][at]);
                t.gauge("precision", (Gauge<Double>) () -> latest.precision[score][at]);
            }
        }
        return latest;
    }

    /** 0.5, 0.85: the threshold as the report prints it. */
    static String label(double threshold) {
        return Double.toString(threshold);
    }

    /**
     * The newest report's figures of one model. The reporter's thread reads them without a lock: it
     * may see one window's AUC next to the previous window's recall, for one scrape.
     */
    private static final class Latest {
        volatile long modelVersion = -1;
        volatile long windowEnd = Long.MIN_VALUE;
        final double[] auc = {Double.NaN, Double.NaN};
        final double[] logLoss = {Double.NaN, Double.NaN};
        final double[][] recall;
        final double[][] precision;

        Latest(int thresholds) {
            recall = new double[SCORES.length][thresholds];
            precision = new double[SCORES.length][thresholds];
            for (int s = 0; s < SCORES.length; s++) {
                Arrays.fill(recall[s], Double.NaN);
                Arrays.fill(precision[s], Double.NaN);
            }
        }

        void take(AccuracyWindow w, int thresholds) {
            boolean fraud = UseCase.valueOf(w.useCase) == UseCase.FRAUD;
            ScoreStats[] stats = {w.adapted, w.base};
            for (int s = 0; s < stats.length; s++) {
                auc[s] = stats[s].auc();
                logLoss[s] = w.predictions == 0 ? Double.NaN : stats[s].logLossSum / w.predictions;
                for (int i = 0; i < thresholds; i++) {
                    recall[s][i] = fraud ? stats[s].recall(i, w.positives) : Double.NaN;
                    precision[s][i] = fraud ? stats[s].precision(i) : Double.NaN;
                }
            }
            modelVersion = ModelVersions.number(w.modelVersion).orElse(-1L);
            windowEnd = w.end;
        }
    }
}
