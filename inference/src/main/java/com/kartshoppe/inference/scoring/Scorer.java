package com.kartshoppe.inference.scoring;

import ai.onnxruntime.OrtException;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.inference.adapter.OnlineAdapter;
import com.kartshoppe.inference.explain.Contributions;
import com.kartshoppe.inference.explain.Explainer;
import com.kartshoppe.inference.explain.Explanation;
import com.kartshoppe.inference.explain.LinearLogit;
import com.kartshoppe.inference.model.ModelFiles;
import com.kartshoppe.inference.model.ModelRegistry;
import com.kartshoppe.inference.model.OnnxModel;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scores feature rows with whatever model the registry serves, plus an optional online adapter. Not
 * thread-safe: one per scoring thread (the registry is shared).
 *
 * <p>The input tensor is built by name: column {@code j} of the model takes the row's value of the
 * model's {@code j}-th feature, or the feature set's default when the row lacks it or it is not
 * finite (counted in {@link #defaultedValues()}). Rows go into one reusable direct buffer, which
 * onnxruntime reads without a copy; no per-call Java arrays of rows are built.
 *
 * <p>Asked for contributions, each score carries an {@link Explanation}: a linear model's exact
 * logit terms ({@link LinearLogit}, a dot product per row), any other model's by occlusion (extra
 * rows in the same call), and the adapter's own terms ({@link OnlineAdapter#apply(double, Map,
 * Contributions)}, the same code that computes the adapted score).
 *
 * <pre>{@code
 * Scorer scorer = new Scorer(registry, 64);
 * List<Score> scores = scorer.score(List.of(snapshot.getValues()), adapter);
 * Map<String, Double> why = scorer.score(rows, adapter, 5).get(0).explanation().contributions();
 * }</pre>
 */
public final class Scorer {

    private final ModelRegistry registry;
    private final FeatureSet featureSet;
    private FloatBuffer buffer;
    private double[] base;
    private OnnxModel columnsOf;
    private String[] columns;
    private float[] defaults;
    private long defaulted;

    public Scorer(ModelRegistry registry, int expectedRows) {
        this.registry = registry;
        this.featureSet = registry.featureSet();
        this.buffer = ModelFiles.floatBuffer(Math.max(1, expectedRows) * featureSet.size());
        this.base = new double[Math.max(1, expectedRows)];
    }

    /**
     * Scores the rows in one inference call.
     *
     * @param adapter applied when it was trained for the serving model version; may be null
     * @return one score per row in order, or an empty list when no model serves (rules-only)
     */
    public List<Score> score(List<Map<String, Double>> rows, OnlineAdapter adapter) {
        return score(rows, adapter, 0);
    }

    /**
     * Scores the rows in one inference call, each score with its {@code contributions} largest
     * feature contributions ({@link Explanation}). A linear model's are its exact terms, a dot
     * product per row; any other model's come from occlusion, which adds one row per feature (and
     * one reference row per call) to the same inference call.
     *
     * @param adapter applied when it was trained for the serving model version; may be null
     * @param contributions how many contributions each score keeps; 0 computes none
     * @return one score per row in order, or an empty list when no model serves (rules-only)
     */
    public List<Score> score(
            List<Map<String, Double>> rows, OnlineAdapter adapter, int contributions) {
        if (rows.isEmpty()) {
            return List.of();
        }
        OnnxModel model = registry.acquire();
        if (model == null) {
            return List.of();
        }
        try {
            int n = rows.size();
            Explainer explainer = contributions > 0 ? model.explainer() : null;
            boolean occlude =
                    explainer != null && explainer.method() == Explanation.Method.OCCLUSION;
            int total = fill(model, rows, occlude ? explainer : null);
            model.predict(buffer, total, base);
            boolean adapt = adapter != null && adapter.appliesTo(model.name(), model.version());
            long adapterVersion = adapt ? adapter.version() : 0L;
            List<Score> scores = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                Contributions parts = explainer == null ? null : contributions(explainer, r, n);
                double p = adapt ? adapter.apply(base[r], rows.get(r), parts) : base[r];
                Explanation explanation = parts == null ? null : parts.top(contributions);
                scores.add(
                        new Score(
                                model.name(),
                                model.version(),
                                adapterVersion,
                                base[r],
                                p,
                                explanation));
            }
            return scores;
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "Scoring " + rows.size() + " rows with model " + model + " failed", e);
        } finally {
            model.release();
        }
    }

    /** The base model's contributions to row {@code r}'s logit, from what {@link #fill} wrote. */
    private Contributions contributions(Explainer explainer, int r, int n) {
        int width = columns.length;
        double[] terms = new double[width];
        if (explainer.linear().isPresent()) {
            LinearLogit linear = explainer.linear().get();
            linear.terms(buffer, r, terms);
            return new Contributions(Explanation.Method.LINEAR, columns, terms, linear.intercept());
        }
        // Rows n + r * width + j are row r with column j at its reference; the last, all of them.
        double logit = OnlineAdapter.logit(base[r]);
        for (int j = 0; j < width; j++) {
            terms[j] = logit - OnlineAdapter.logit(base[n + r * width + j]);
        }
        double reference = OnlineAdapter.logit(base[n + n * width]);
        return new Contributions(Explanation.Method.OCCLUSION, columns, terms, reference);
    }

    /**
     * Writes the rows to the buffer; for occlusion, then each row once per column with that column
     * at its reference value, then the reference row.
     *
     * @return the rows written
     */
    private int fill(OnnxModel model, List<Map<String, Double>> rows, Explainer occlusion) {
        if (model != columnsOf) {
            List<String> features = model.features();
            columns = features.toArray(String[]::new);
            defaults = new float[columns.length];
            for (int j = 0; j < columns.length; j++) {
                defaults[j] = (float) featureSet.definition(columns[j]).defaultValue();
            }
            columnsOf = model;
        }
        int width = columns.length;
        int n = rows.size();
        int total = occlusion == null ? n : n * (width + 1) + 1;
        if (buffer.capacity() < total * width) {
            buffer = ModelFiles.floatBuffer(total * width);
        }
        if (base.length < total) {
            base = new double[total];
        }
        buffer.clear();
        for (Map<String, Double> row : rows) {
            for (int j = 0; j < width; j++) {
                Double v = row.get(columns[j]);
                if (v == null || !Double.isFinite(v)) {
                    buffer.put(defaults[j]);
                    defaulted++;
                } else {
                    buffer.put(v.floatValue());
                }
            }
        }
        if (occlusion != null) {
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < width; j++) {
                    for (int c = 0; c < width; c++) {
                        buffer.put(c == j ? occlusion.reference(c) : buffer.get(r * width + c));
                    }
                }
            }
            for (int c = 0; c < width; c++) {
                buffer.put(occlusion.reference(c));
            }
        }
        return total;
    }

    /** Values that took their definition's default since this scorer was created. */
    public long defaultedValues() {
        return defaulted;
    }
}
