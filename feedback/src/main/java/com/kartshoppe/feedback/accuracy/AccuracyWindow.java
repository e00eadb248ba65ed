package com.kartshoppe.feedback.accuracy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.feedback.outcome.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The outcomes of one model version's predictions made in one window, and the report they make.
 * Plain Java, of fixed size apart from the adapter versions seen (one entry and one {@link
 * ScoreStats} of the served score per version); built when a window is due, not kept in state.
 */
public class AccuracyWindow {

    public String modelName;
    public String modelVersion;
    public String useCase;
    public long start;
    public long end;
    public long predictions;
    public long positives;
    public long labelled;
    public long requests;
    public long requestHits;
    public long requestPurchases;
    public long clicks;
    public long purchases;
    public ScoreStats adapted = new ScoreStats();
    public ScoreStats base = new ScoreStats();
    public long[] adapterVersions = {};
    public long[] adapterPredictions = {};
    public long[] adapterPositives = {};
    public ScoreStats[] adapterScores = {};

    /** For Flink's POJO serializer. */
    public AccuracyWindow() {}

    AccuracyWindow(LabeledExample first, long start, long end) {
        this.modelName = first.getModelName();
        this.modelVersion = first.getModelVersion();
        this.useCase = first.getUseCase().name();
        this.start = start;
        this.end = end;
    }

    void add(Outcome o, double[] thresholds) {
        LabeledExample e = o.example;
        int label = e.getLabel();
        predictions++;
        positives += label;
        labelled += o.labelled ? 1 : 0;
        clicks += o.clicked ? 1 : 0;
        purchases += o.purchased ? 1 : 0;
        if (o.requestItems > 0) {
            requests++;
            requestHits += o.requestHit ? 1 : 0;
            requestPurchases += o.requestPurchase ? 1 : 0;
        }
        adapted.add(e.getScore(), label, thresholds);
        base.add(e.getBaseScore(), label, thresholds);
        int i = Arrays.binarySearch(adapterVersions, e.getAdapterVersion());
        if (i < 0) {
            i = -i - 1;
            adapterVersions = insert(adapterVersions, i, e.getAdapterVersion());
            adapterPredictions = insert(adapterPredictions, i, 0);
            adapterPositives = insert(adapterPositives, i, 0);
            ScoreStats[] grown = new ScoreStats[adapterScores.length + 1];
            System.arraycopy(adapterScores, 0, grown, 0, i);
            grown[i] = new ScoreStats();
            System.arraycopy(adapterScores, i, grown, i + 1, adapterScores.length - i);
            adapterScores = grown;
        }
        adapterPredictions[i]++;
        adapterPositives[i] += label;
        adapterScores[i].add(e.getScore(), label, thresholds);
    }

    private static long[] insert(long[] values, int at, long value) {
        long[] grown = new long[values.length + 1];
        System.arraycopy(values, 0, grown, 0, at);
        grown[at] = value;
        System.arraycopy(values, at, grown, at + 1, values.length - at);
        return grown;
    }

    /**
     * The report, as documented in the README ("Accuracy reports").
     *
     * @param maturity the label horizon (fraud) or attribution window (reco) used
     * @param lateLabels labels and outcomes that came after the report of their window, since the
     *     previous report of this model version
     */
    ObjectNode report(double[] thresholds, Duration maturity, long lateLabels) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode r = f.objectNode();
        boolean fraud = UseCase.valueOf(useCase) == UseCase.FRAUD;
        r.put("type", "accuracy");
        r.put("useCase", useCase);
        r.put("modelName", modelName);
        r.put("modelVersion", modelVersion);
        r.put("windowStart", Instant.ofEpochMilli(start).toString());
        r.put("windowEnd", Instant.ofEpochMilli(end).toString());
        r.put(fraud ? "labelHorizon" : "attributionWindow", maturity.toString());
        r.put("predictions", predictions);
        r.put("positives", positives);
        r.put("labelled", labelled);
        r.put("unlabelled", predictions - labelled);
        r.put("lateLabels", lateLabels);
        double[] at = fraud ? thresholds : new double[0];
        r.set("adapted", adapted.json(at, predictions, positives, fraud));
        r.set("base", base.json(at, predictions, positives, fraud));
        if (!fraud) {
            ObjectNode reco = r.putObject("reco");
            reco.put("recommendations", requests);
            ScoreStats.number(
                    reco, "ctr", predictions == 0 ? Double.NaN : clicks / (double) predictions);
            ScoreStats.number(reco, "hitRate", ratio(requestHits, requests));
            ScoreStats.number(reco, "conversion", ratio(requestPurchases, requests));
        }
        ArrayNode versions = r.putArray("adapterVersions");
        for (int i = 0; i < adapterVersions.length; i++) {
            ObjectNode v = versions.addObject();
            v.put("adapterVersion", adapterVersions[i]);
            v.put("predictions", adapterPredictions[i]);
            v.put("positives", adapterPositives[i]);
            // The served score of this version's predictions: AUC, log loss, Brier and, for
            // fraud, precision, recall and false-positive rate at the thresholds.
            ObjectNode metrics =
                    adapterScores[i].json(at, adapterPredictions[i], adapterPositives[i], false);
            metrics.fields().forEachRemaining(field -> v.set(field.getKey(), field.getValue()));
        }
        return r;
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? Double.NaN : part / (double) whole;
    }
}
