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
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private final List<String> features;
    private final OrtSession session;
    private final String input;
    private final String output;
    private final int positiveIndex;
    private final int outputWidth;
    private final Explainer explainer;
    private final AtomicInteger references = new AtomicInteger(1);

    private OnnxModel(
            String name,
            String version,
            Path file,
            List<String> features,
            OrtSession session,
            String input,
            String output,
            int positiveIndex,
            int outputWidth,
            Explainer explainer) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.features = features;
        this.session = session;
        this.input = input;
        this.output = output;
        this.positiveIndex = positiveIndex;
        this.outputWidth = outputWidth;
        this.explainer = explainer;
    }

    /**
     * Loads and validates a model: it parses; {@value ModelMetadata#FEATURES} lists distinct names
     * that {@code featureSet} defines; one FLOAT input {@code [-1, features]}; a FLOAT output
     * {@code [-1, 1]} or {@code [-1, k]} of probabilities; and a smoke inference on the feature
     * set's defaults gives a finite probability in [0, 1].
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
            String listed = metadata.get(ModelMetadata.FEATURES);
            if (listed == null || listed.isBlank()) {
                throw new ModelRejectedException(
                        where,
                        "metadata_props has no '"
                                + ModelMetadata.FEATURES
                                + "' listing its input feature names");
            }
            List<String> features = ModelMetadata.parseFeatures(listed);
            Set<String> seen = new HashSet<>();
            for (String feature : features) {
                if (!featureSet.contains(feature)) {
                    throw new ModelRejectedException(
                            where,
                            "input feature '" + feature + "' is not in feature set " + featureSet);
                }
                if (!seen.add(feature)) {
                    throw new ModelRejectedException(
                            where, "input feature '" + feature + "' is listed twice");
                }
            }
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1) {
                throw new ModelRejectedException(
                        where, "expected one input, found " + inputs.keySet());
            }
            String input = inputs.keySet().iterator().next();
            long[] inShape = floatMatrix(inputs.get(input), where, "input '" + input + "'");
            if (inShape[1] != features.size()) {
                throw new ModelRejectedException(
                        where,
                        "input '"
                                + input
                                + "' has width "
                                + inShape[1]
                                + " but metadata lists "
                                + features.size()
                                + " features");
            }
            String output = chooseOutput(session.getOutputInfo(), metadata, where);
            long[] outShape =
                    floatMatrix(
                            session.getOutputInfo().get(output), where, "output '" + output + "'");
            int width = (int) outShape[1];
            if (width < 1) {
                throw new ModelRejectedException(
                        where, "output '" + output + "' must have a fixed width");
            }
            int positive = width == 1 ? 0 : positiveIndex(metadata, width, where);
            Explainer explainer =
                    Explainer.of(bytes, input, output, positive, features, featureSet);
            return new OnnxModel(
                    name, version, file, features, session, input, output, positive, width,
                    explainer);
        } catch (OrtException e) {
            throw new ModelRejectedException(where, "cannot describe: " + e.getMessage());
        }
    }

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
        if (outputs.size() != 1) {
            throw new ModelRejectedException(
                    where,
                    "several outputs "
                            + outputs.keySet()
                            + ": name the probability output in "
                            + ModelMetadata.OUTPUT);
        }
        return outputs.keySet().iterator().next();
    }

    private static long[] floatMatrix(NodeInfo node, String where, String what)
            throws ModelRejectedException {
        if (!(node.getInfo() instanceof TensorInfo tensor)
                || tensor.type != OnnxJavaType.FLOAT
                || tensor.getShape().length != 2) {
            throw new ModelRejectedException(
                    where, what + " must be a FLOAT tensor [rows, n], is " + node.getInfo());
        }
        return tensor.getShape();
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
        FloatBuffer row = ModelFiles.floatBuffer(features.size());
        for (String feature : features) {
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
        int width = features.size();
        FloatBuffer view = input.duplicate();
        view.position(0).limit(rows * width);
        try (OnnxTensor tensor =
                        OnnxTensor.createTensor(
                                OrtEnvironment.getEnvironment(), view, new long[] {rows, width});
                OrtSession.Result result = session.run(Map.of(this.input, tensor))) {
            Optional<OnnxValue> value = result.get(output);
            FloatBuffer out = ((OnnxTensor) value.orElseThrow()).getFloatBuffer();
            for (int r = 0; r < rows; r++) {
                into[r] = out.get(r * outputWidth + positiveIndex);
            }
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
        return features;
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
