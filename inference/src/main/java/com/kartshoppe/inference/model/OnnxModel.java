package com.kartshoppe.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.inference.explain.Explainer;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One validated ONNX binary classifier: its session, the ordered feature names its input takes and
 * where its output holds P(positive).
 *
 * <p>A model is reference counted so a hot swap never closes a session under a running inference:
 * the registry holds one reference, each scoring call {@link #tryAcquire() acquires} one, and the
 * session closes when the last is {@link #release() released} after the registry {@link #retire()
 * retired} it.
 *
 * <pre>{@code
 * OnnxModel model = OnnxModel.load(path, "fraud", "3", FeatureCatalog.FRAUD_V1);
 * double[] p = new double[rows];
 * model.predict(buffer, rows, p);
 * }</pre>
 */
public final class OnnxModel {

    /** Sessions not yet closed in this JVM: what a swap leak would grow. */
    private static final AtomicInteger OPEN_SESSIONS = new AtomicInteger();

    private final String name;
    private final String version;
    private final Path file;
    private final ModelInputs inputs;
    private final OrtSession session;
    private final String output;
    private final boolean doubleOutput;
    private final int positiveIndex;
    private final int outputWidth;
    private final Explainer explainer;
    private final AtomicInteger references = new AtomicInteger(1);

    private OnnxModel(
            String name,
            String version,
            Path file,
            ModelInputs inputs,
            OrtSession session,
            String output,
            boolean doubleOutput,
            int positiveIndex,
            int outputWidth,
            Explainer explainer) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.inputs = inputs;
        this.session = session;
        this.output = output;
        this.doubleOutput = doubleOutput;
        this.positiveIndex = positiveIndex;
        this.outputWidth = outputWidth;
        this.explainer = explainer;
    }

    /**
     * Loads and validates a model: it parses; its inputs are one matrix {@code [-1, features]}
     * whose columns {@value ModelMetadata#FEATURES} lists, or one {@code [-1, 1]} input per feature
     * named after it ({@link ModelInputs}), all of them features {@code featureSet} defines; FLOAT
     * or DOUBLE inputs; a FLOAT or DOUBLE output {@code [-1, 1]} or {@code [-1, k]} of
     * probabilities; and a smoke inference on the feature set's defaults gives a finite probability
     * in [0, 1].
     *
     * @throws ModelRejectedException naming the file and the failed check
     */
    public static OnnxModel load(Path file, String name, String version, FeatureSet featureSet)
            throws ModelRejectedException {
        String where = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelRejectedException(where, "cannot read: " + e, e);
        }
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // A Flink subtask scores on its own thread; extra ORT threads would only contend
            // with the other slots for the same cores.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = OrtEnvironment.getEnvironment().createSession(bytes, options);
        } catch (OrtException e) {
            throw new ModelRejectedException(where, "not a loadable ONNX model: " + e.getMessage());
        }
        OPEN_SESSIONS.incrementAndGet();
        try {
            OnnxModel model = describe(session, bytes, where, name, version, file, featureSet);
            model.smokeTest(featureSet);
            return model;
        } catch (ModelRejectedException | RuntimeException e) {
            closeSession(session);
            throw e;
        }
    }

    private static OnnxModel describe(
            OrtSession session,
            byte[] bytes,
            String where,
            String name,
            String version,
            Path file,
            FeatureSet featureSet)
            throws ModelRejectedException {
        try {
            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            ModelInputs inputs =
                    ModelInputs.of(
                            session.getInputInfo(),
                            metadata.get(ModelMetadata.FEATURES),
                            featureSet,
                            where);
            List<String> features = inputs.features();
            String output = chooseOutput(session.getOutputInfo(), metadata, where);
            TensorInfo out =
                    ModelInputs.numeric(
                            session.getOutputInfo().get(output), where, "output '" + output + "'");
            long[] outShape = out.getShape();
            if (outShape.length != 2) {
                throw new ModelRejectedException(
                        where, "output '" + output + "' must be a tensor [rows, k], is " + out);
            }
            int width = (int) outShape[1];
            if (width < 1) {
                throw new ModelRejectedException(
                        where, "output '" + output + "' must have a fixed width");
            }
            int positive = width == 1 ? 0 : positiveIndex(metadata, width, where);
            // Only a matrix input is read as a linear graph; one input per feature is explained
            // by occlusion.
            Explainer explainer =
                    Explainer.of(
                            bytes, inputs.matrixInput(), output, positive, features, featureSet);
            return new OnnxModel(
                    name,
                    version,
                    file,
                    inputs,
                    session,
                    output,
                    out.type == OnnxJavaType.DOUBLE,
                    positive,
                    width,
                    explainer);
        } catch (OrtException e) {
            throw new ModelRejectedException(where, "cannot describe: " + e.getMessage());
        }
    }

    /**
     * The probability output: the one {@value ModelMetadata#OUTPUT} names, the only output, or the
     * only FLOAT or DOUBLE matrix among several (sklearn-onnx's label and probabilities).
     */
    private static String chooseOutput(
            Map<String, NodeInfo> outputs, Map<String, String> metadata, String where)
            throws ModelRejectedException {
        String named = metadata.get(ModelMetadata.OUTPUT);
        if (named != null) {
            if (!outputs.containsKey(named)) {
                throw new ModelRejectedException(
                        where,
                        ModelMetadata.OUTPUT
                                + " names '"
                                + named
                                + "' but the outputs are "
                                + outputs.keySet());
            }
            return named;
        }
        if (outputs.size() == 1) {
            return outputs.keySet().iterator().next();
        }
        List<String> matrices =
                outputs.entrySet().stream()
                        .filter(
                                e ->
                                        e.getValue().getInfo() instanceof TensorInfo t
                                                && (t.type == OnnxJavaType.FLOAT
                                                        || t.type == OnnxJavaType.DOUBLE)
                                                && t.getShape().length == 2)
                        .map(Map.Entry::getKey)
                        .toList();
        if (matrices.size() == 1) {
            return matrices.get(0);
        }
        throw new ModelRejectedException(
                where,
                "several outputs "
                        + outputs.keySet()
                        + " and "
                        + (matrices.isEmpty() ? "none" : "more than one")
                        + " is a FLOAT or DOUBLE matrix: name the probability output in "
                        + ModelMetadata.OUTPUT
                        + (matrices.isEmpty()
                                ? " (an sklearn-onnx classifier: convert with options"
                                        + " {'zipmap': False})"
                                : ""));
    }

    private static int positiveIndex(Map<String, String> metadata, int width, String where)
            throws ModelRejectedException {
        String value = metadata.getOrDefault(ModelMetadata.POSITIVE_INDEX, "1");
        try {
            int index = Integer.parseInt(value.trim());
            if (index >= 0 && index < width) {
                return index;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelRejectedException(
                where,
                ModelMetadata.POSITIVE_INDEX
                        + " '"
                        + value
                        + "' is not a column of an output of width "
                        + width);
    }

    private void smokeTest(FeatureSet featureSet) throws ModelRejectedException {
        FloatBuffer row = ModelFiles.floatBuffer(features().size());
        for (String feature : features()) {
            row.put((float) featureSet.definition(feature).defaultValue());
        }
        double[] p = new double[1];
        try {
            predict(row, 1, p);
        } catch (OrtException | RuntimeException e) {
            throw new ModelRejectedException(
                    file.toString(), "smoke inference failed: " + e.getMessage());
        }
        if (!(p[0] >= 0.0 && p[0] <= 1.0)) {
            throw new ModelRejectedException(
                    file.toString(),
                    "smoke inference on the default vector gave "
                            + p[0]
                            + ", not a probability in [0, 1]");
        }
    }

    /**
     * Scores {@code rows} rows laid out row-major in {@code input} (a direct buffer of at least
     * {@code rows * features().size()} floats from position 0) into {@code into[0..rows)}.
     */
    public void predict(FloatBuffer input, int rows, double[] into) throws OrtException {
        Map<String, OnnxTensor> feed = inputs.tensors(OrtEnvironment.getEnvironment(), input, rows);
        try (OrtSession.Result result = session.run(feed)) {
            Optional<OnnxValue> value = result.get(output);
            OnnxTensor out = (OnnxTensor) value.orElseThrow();
            if (doubleOutput) {
                DoubleBuffer probabilities = out.getDoubleBuffer();
                for (int r = 0; r < rows; r++) {
                    into[r] = probabilities.get(r * outputWidth + positiveIndex);
                }
            } else {
                FloatBuffer probabilities = out.getFloatBuffer();
                for (int r = 0; r < rows; r++) {
                    into[r] = probabilities.get(r * outputWidth + positiveIndex);
                }
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** Takes a reference for one scoring call; false once the model has closed. */
    public boolean tryAcquire() {
        int n;
        do {
            n = references.get();
            if (n == 0) {
                return false;
            }
        } while (!references.compareAndSet(n, n + 1));
        return true;
    }

    /** Returns a reference; the last one closes the session. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            closeSession(session);
        }
    }

    /** Drops the registry's reference: the session closes once in-flight calls finish. */
    public void retire() {
        release();
    }

    public boolean isClosed() {
        return references.get() == 0;
    }

    private static void closeSession(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot close ONNX session: " + e.getMessage(), e);
        } finally {
            OPEN_SESSIONS.decrementAndGet();
        }
    }

    /** ONNX sessions open in this JVM. */
    public static int openSessions() {
        return OPEN_SESSIONS.get();
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    public Path file() {
        return file;
    }

    /** Input columns in order. */
    public List<String> features() {
        return inputs.features();
    }

    /** How the model takes its rows, e.g. "one FLOAT matrix input 'input'". */
    public String inputLayout() {
        return inputs.layout();
    }

    /** How this model's scores are explained: exactly if its graph is linear, else by occlusion. */
    public Explainer explainer() {
        return explainer;
    }

    @Override
    public String toString() {
        return name + "/" + version;
    }
}
