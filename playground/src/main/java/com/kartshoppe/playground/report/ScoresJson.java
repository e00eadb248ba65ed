package com.kartshoppe.playground.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import com.kartshoppe.inference.metrics.ScoreCurves;
import com.kartshoppe.inference.metrics.ScoreCurves.CalibrationBin;
import com.kartshoppe.inference.metrics.ScoreCurves.Histogram;
import com.kartshoppe.inference.metrics.ScoreCurves.OperatingPoint;
import java.util.List;

/**
 * The JSON of scores against labels, the part that every report shares: counts, ROC-AUC, average
 * precision, the ROC and precision-recall curves (at most {@value #MAX_POINTS} operating points),
 * calibration and score histograms per class in {@value #BINS} bins. NaN is written as null, as
 * everywhere in the reports.
 */
final class ScoresJson {

    static final int MAX_POINTS = 400;
    static final int BINS = 20;

    private ScoresJson() {}

    static ObjectNode of(double[] scores, int[] labels) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        json.put("scored", scores.length);
        json.put("positives", positives);
        put(json, "auc", BinaryMetrics.auc(scores, labels));
        put(json, "averagePrecision", ScoreCurves.averagePrecision(scores, labels));
        ArrayNode curve = json.putArray("operatingPoints");
        List<OperatingPoint> points = ScoreCurves.operatingPoints(scores, labels);
        for (OperatingPoint p : ScoreCurves.thin(points, MAX_POINTS)) {
            ObjectNode point = curve.addObject();
            // +infinity, the point that flags nothing, has no JSON number: null
            put(point, "threshold", Double.isInfinite(p.threshold()) ? Double.NaN : p.threshold());
            put(point, "falsePositiveRate", p.falsePositiveRate());
            put(point, "truePositiveRate", p.truePositiveRate());
            put(point, "precision", p.precision());
        }
        ArrayNode calibration = json.putArray("calibration");
        for (CalibrationBin bin : ScoreCurves.calibration(scores, labels, BINS / 2)) {
            ObjectNode b = calibration.addObject();
            b.put("lower", bin.lower());
            b.put("upper", bin.upper());
            b.put("count", bin.count());
            put(b, "meanScore", bin.meanScore());
            put(b, "positiveRate", bin.positiveRate());
        }
        Histogram h = ScoreCurves.histogram(scores, labels, BINS);
        ObjectNode histogram = json.putObject("histogram");
        ArrayNode edges = histogram.putArray("edges");
        for (double edge : h.edges()) {
            edges.add(edge);
        }
        ArrayNode pos = histogram.putArray("positives");
        ArrayNode neg = histogram.putArray("negatives");
        for (int b = 0; b < BINS; b++) {
            pos.add(h.positives()[b]);
            neg.add(h.negatives()[b]);
        }
        return json;
    }

    /** Puts a number, or null for NaN (JSON has no NaN). */
    static void put(ObjectNode json, String name, double value) {
        if (Double.isNaN(value)) {
            json.putNull(name);
        } else {
            json.put(name, value);
        }
    }
}
