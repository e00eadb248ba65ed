package com.kartshoppe.feedback.backtest;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A feedback backtest in a few lines: examples by model version and label source, and over all of a
 * version's examples the ROC-AUC and log loss of the served (adapted) score next to the base
 * model's, and the adapters published.
 */
public record FeedbackSummary(
        List<LabeledExample> examples, List<AdapterParams> params, int reports) {

    public String format() {
        StringBuilder s = new StringBuilder();
        Map<String, List<LabeledExample>> byVersion =
                examples.stream()
                        .collect(
                                Collectors.groupingBy(
                                        e -> e.getModelName() + " v" + e.getModelVersion(),
                                        TreeMap::new,
                                        Collectors.toList()));
        s.append(
                String.format(
                        "%d labelled examples, %d accuracy reports and update decisions, %d adapter"
                                + " versions published%n",
                        examples.size(), reports, params.size()));
        for (Map.Entry<String, List<LabeledExample>> version : byVersion.entrySet()) {
            List<LabeledExample> list = version.getValue();
            double[] adapted = list.stream().mapToDouble(LabeledExample::getScore).toArray();
            double[] base = list.stream().mapToDouble(LabeledExample::getBaseScore).toArray();
            int[] labels = list.stream().mapToInt(LabeledExample::getLabel).toArray();
            s.append(
                    String.format(
                            "%-12s %7d examples  %s%n",
                            version.getKey(),
                            list.size(),
                            new TreeMap<>(
                                    list.stream()
                                            .collect(
                                                    Collectors.groupingBy(
                                                            LabeledExample::getLabelSource,
                                                            Collectors.counting())))));
            s.append(
                    String.format(
                            "%-12s ROC-AUC adapted %.4f base %.4f   log loss adapted %.4f base"
                                    + " %.4f%n",
                            "",
                            BinaryMetrics.auc(adapted, labels),
                            BinaryMetrics.auc(base, labels),
                            BinaryMetrics.logLoss(adapted, labels),
                            BinaryMetrics.logLoss(base, labels)));
        }
        params.stream()
                .collect(
                        Collectors.toMap(
                                p -> p.getModelName() + " v" + p.getBaseModelVersion(),
                                p -> p,
                                (a, b) -> a.getAdapterVersion() >= b.getAdapterVersion() ? a : b,
                                TreeMap::new))
                .forEach(
                        (model, p) ->
                                s.append(
                                        String.format(
                                                "%-12s newest adapter v%d after %d examples:"
                                                        + " bias %.3f, logit %+.3f, %s %s%n",
                                                model,
                                                p.getAdapterVersion(),
                                                p.getExamplesSeen(),
                                                p.getBias(),
                                                p.getLogitWeight(),
                                                p.getFeatureNames(),
                                                p.getWeights().stream()
                                                        .map(w -> String.format("%.3f", w))
                                                        .toList())));
        return s.toString();
    }
}
