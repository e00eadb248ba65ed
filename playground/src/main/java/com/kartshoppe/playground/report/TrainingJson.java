package com.kartshoppe.playground.report;

import static com.kartshoppe.playground.report.ScoresJson.put;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.inference.training.ModelTrainer.TrainingReport;

/**
 * The report of a training run: under {@code summary} the held-out figures the terminal shows,
 * under {@code scores} the curves of the held-out scores, and under {@code model} what was trained
 * and written.
 *
 * <pre>{@code
 * ObjectNode json = TrainingJson.of(report, new TrainingJson.Run("fraud", "LOGISTIC", set, 5, 42));
 * ReportFiles.write(dir, json);
 * }</pre>
 */
public final class TrainingJson {

    public static final String KIND = "training";

    private TrainingJson() {}

    /** How the model was trained. */
    public record Run(
            String useCase,
            String algorithm,
            FeatureSet featureSet,
            int epochs,
            long seed,
            String examples) {}

    public static ObjectNode of(TrainingReport report, Run run) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("kind", KIND);
        json.put("title", "Training: " + run.useCase() + " " + run.algorithm());
        ObjectNode model = json.putObject("model");
        model.put("file", report.file().toString());
        model.put("version", report.version());
        model.put("windowStart", String.valueOf(report.windowStart()));
        model.put("windowEnd", String.valueOf(report.windowEnd()));
        model.put("useCase", run.useCase());
        model.put("algorithm", run.algorithm());
        model.put("featureSet", run.featureSet().name());
        model.put("featureSetVersion", run.featureSet().version());
        model.put("epochs", run.epochs());
        model.put("seed", run.seed());
        model.put("examples", run.examples());
        ArrayNode features = model.putArray("features");
        report.features().forEach(features::add);
        ObjectNode s = json.putObject("summary");
        s.put("trainExamples", report.trainExamples());
        s.put("heldOutExamples", report.heldOutExamples());
        s.put("heldOutPositives", report.heldOutPositives());
        put(s, "heldOutAuc", report.heldOutAuc());
        put(s, "heldOutLogLoss", report.heldOutLogLoss());
        put(s, "heldOutBrier", report.heldOutBrier());
        json.set("scores", ScoresJson.of(report.heldOutScores(), report.heldOutLabels()));
        return json;
    }
}
