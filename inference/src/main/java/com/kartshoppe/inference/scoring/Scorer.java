package com.kartshoppe.inference.scoring;

import ai.onnxruntime.OrtException;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.inference.adapter.OnlineAdapter;
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
 * <pre>{@code
 * Scorer scorer = new Scorer(registry, 64);
 * List<Score> scores = scorer.score(List.of(snapshot.getValues()), adapter);
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
        if (rows.isEmpty()) {
            return List.of();
        }
        OnnxModel model = registry.acquire();
        if (model == null) {
            return List.of();
        }
        try {
            int n = rows.size();
            fill(model, rows);
            model.predict(buffer, n, base);
            boolean adapt = adapter != null && adapter.appliesTo(model.name(), model.version());
            long adapterVersion = adapt ? adapter.version() : 0L;
            List<Score> scores = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                double p = adapt ? adapter.apply(base[r], rows.get(r)) : base[r];
                scores.add(new Score(model.name(), model.version(), adapterVersion, base[r], p));
            }
            return scores;
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "Scoring " + rows.size() + " rows with model " + model + " failed", e);
        } finally {
            model.release();
        }
    }

    private void fill(OnnxModel model, List<Map<String, Double>> rows) {
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
        if (buffer.capacity() < n * width) {
            buffer = ModelFiles.floatBuffer(n * width);
        }
        if (base.length < n) {
            base = new double[n];
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
    }

    /** Values that took their definition's default since this scorer was created. */
    public long defaultedValues() {
        return defaulted;
    }
}
