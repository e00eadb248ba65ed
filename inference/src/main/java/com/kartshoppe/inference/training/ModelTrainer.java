package com.kartshoppe.inference.training;

import ai.onnx.proto.OnnxMl;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import com.kartshoppe.inference.model.ModelFiles;
import com.kartshoppe.inference.model.ModelMetadata;
import com.kartshoppe.inference.model.ModelRegistry;
import com.kartshoppe.inference.model.ModelVersions;
import com.kartshoppe.inference.model.OnnxModel;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.Scorer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a binary classifier on labelled examples with Tribuo and exports it as an ONNX model the
 * registry accepts.
 *
 * <p>Examples are taken in prediction-id order, so the same examples and seed give the same model.
 * Every fifth example (by a hash of its prediction id, so the split is stable) is held out. The
 * features are standardised with the training split's means and deviations, and the exported graph
 * starts with that standardisation, so the model takes raw feature values like any other. Features
 * that never vary in the training split are left out. Its {@value ModelMetadata#FEATURES} lists the
 * columns in Tribuo's order (sorted by name), and {@value ModelMetadata#POSITIVE_INDEX} the output
 * column of the label 1. The held-out metrics are computed by scoring the exported file through the
 * serving path ({@link ModelRegistry} and {@link Scorer}).
 *
 * <pre>{@code
 * TrainingReport report = new ModelTrainer(FeatureCatalog.FRAUD_V1, Algorithm.LOGISTIC, 42)
 *         .train(examples, Path.of("models/fraud/2.onnx"));
 * }</pre>
 */
public final class ModelTrainer {

    /** The learners on offer; both export to ONNX. */
    public enum Algorithm {
        /** Logistic regression, AdaGrad. */
        LOGISTIC,
        /** Factorization machine (pairwise feature interactions), AdaGrad. */
        FM
    }

    private static final String POSITIVE = "1";
    private static final String NEGATIVE = "0";
    private static final String STANDARDISED = "standardised_input";

    /** Tribuo's progress-log interval, in examples: never, the report says what matters. */
    private static final int QUIET = Integer.MAX_VALUE;

    private final FeatureSet featureSet;
    private final Algorithm algorithm;
    private final long seed;
    private final int epochs;

    public ModelTrainer(FeatureSet featureSet, Algorithm algorithm, long seed, int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        this.featureSet = featureSet;
        this.algorithm = algorithm;
        this.seed = seed;
        this.epochs = epochs;
    }

    /**
     * Held-out quality of a trained model, and what it was trained on: also in the file's metadata
     * ({@link ModelMetadata}).
     *
     * @param version the file's {@code model_version}: its name's number, 0 if not an integer
     * @param windowStart event time of the earliest example
     * @param windowEnd event time of the latest example
     * @param heldOutScores the model's score of each held-out example, as served
     * @param heldOutLabels the label of each held-out example, in the same order
     */
    public record TrainingReport(
            Path file,
            List<String> features,
            int trainExamples,
            int heldOutExamples,
            int heldOutPositives,
            double heldOutAuc,
            double heldOutLogLoss,
            double heldOutBrier,
            long version,
            Instant windowStart,
            Instant windowEnd,
            double[] heldOutScores,
            int[] heldOutLabels) {}

    /**
     * Trains on {@code examples} and writes the model to {@code out} ({@code
     * <models.dir>/<name>/<version>.onnx}) by an atomic move, so a watching job never reads it
     * half-written. The file carries its version ({@code model_version}, the number in its name),
     * the examples' event-time window and the held-out metrics ({@link ModelMetadata}); it is
     * published only after the held-out split has been scored.
     *
     * @throws IllegalArgumentException if an example belongs to another feature set, naming it, or
     *     if a split lacks one of the classes
     */
    public TrainingReport train(List<LabeledExample> examples, Path out) throws IOException {
        List<LabeledExample> train = new ArrayList<>();
        List<LabeledExample> heldOut = new ArrayList<>();
        // Sorted, so the same examples give the same model whatever order they were read in.
        List<LabeledExample> sorted = new ArrayList<>(examples);
        sorted.sort(Comparator.comparing(LabeledExample::getPredictionId));
        for (LabeledExample example : sorted) {
            if (!example.getFeatureSet().equals(featureSet.name())
                    || example.getFeatureSetVersion() != featureSet.version()) {
                throw new IllegalArgumentException(
                        "Example "
                                + example.getPredictionId()
                                + " has features of "
                                + example.getFeatureSet()
                                + " v"
                                + example.getFeatureSetVersion()
                                + ", not "
                                + featureSet);
            }
            (Math.floorMod(example.getPredictionId().hashCode(), 5) == 0 ? heldOut : train)
                    .add(example);
        }
        requireBothClasses(train, "training");
        requireBothClasses(heldOut, "held-out");

        double[][] x = vectors(train);
        double[] mean = new double[featureSet.size()];
        double[] scale = new double[featureSet.size()];
        standardisation(x, mean, scale);

        MutableDataset<Label> dataset =
                new MutableDataset<>(
                        new SimpleDataSourceProvenance("kartshoppe examples", new LabelFactory()),
                        new LabelFactory());
        // A column that never varies carries no signal: the model does not take it.
        int[] varying = IntStream.range(0, featureSet.size()).filter(j -> scale[j] > 0).toArray();
        String[] names =
                Arrays.stream(varying)
                        .mapToObj(j -> featureSet.definitions().get(j).name())
                        .toArray(String[]::new);
        for (int i = 0; i < x.length; i++) {
            double[] z = new double[varying.length];
            for (int k = 0; k < varying.length; k++) {
                int j = varying[k];
                z[k] = (x[i][j] - mean[j]) * scale[j];
            }
            Label label = new Label(train.get(i).getLabel() == 1 ? POSITIVE : NEGATIVE);
            dataset.add(new ArrayExample<>(label, names, z));
        }
        Model<Label> model = trainer().train(dataset);

        long version = ModelVersions.number(out).orElse(0);
        OnnxMl.ModelProto proto = export(model, mean, scale, version);
        HeldOut scored = evaluate(proto.toByteArray(), heldOut);
        Instant start = Instant.MAX;
        Instant end = Instant.MIN;
        for (LabeledExample example : sorted) {
            start = example.getEventTime().isBefore(start) ? example.getEventTime() : start;
            end = example.getEventTime().isAfter(end) ? example.getEventTime() : end;
        }
        TrainingReport report =
                new TrainingReport(
                        out,
                        scored.features(),
                        train.size(),
                        heldOut.size(),
                        scored.positives(),
                        scored.auc(),
                        scored.logLoss(),
                        scored.brier(),
                        version,
                        start,
                        end,
                        scored.scores(),
                        scored.labels());
        OnnxMl.ModelProto described =
                proto.toBuilder().addAllMetadataProps(metadata(report)).build();
        ModelFiles.publish(new ByteArrayInputStream(described.toByteArray()), out);
        return report;
    }

    private static List<OnnxMl.StringStringEntryProto> metadata(TrainingReport report) {
        return List.of(
                entry(ModelMetadata.TRAINING_WINDOW_START, report.windowStart().toString()),
                entry(ModelMetadata.TRAINING_WINDOW_END, report.windowEnd().toString()),
                entry(ModelMetadata.TRAINING_EXAMPLES, Integer.toString(report.trainExamples())),
                entry(ModelMetadata.HELD_OUT_EXAMPLES, Integer.toString(report.heldOutExamples())),
                entry(
                        ModelMetadata.HELD_OUT_POSITIVES,
                        Integer.toString(report.heldOutPositives())),
                entry(ModelMetadata.HELD_OUT_AUC, Double.toString(report.heldOutAuc())),
                entry(ModelMetadata.HELD_OUT_LOG_LOSS, Double.toString(report.heldOutLogLoss())),
                entry(ModelMetadata.HELD_OUT_BRIER, Double.toString(report.heldOutBrier())));
    }

    private Trainer<Label> trainer() {
        return switch (algorithm) {
            case LOGISTIC ->
                    new LinearSGDTrainer(
                            new LogMulticlass(), new AdaGrad(0.1, 0.1), epochs, QUIET, 1, seed);
            case FM ->
                    new FMClassificationTrainer(
                            new LogMulticlass(),
                            new AdaGrad(0.1, 0.1),
                            epochs,
                            QUIET,
                            seed,
                            4,
                            0.1);
        };
    }

    private static void requireBothClasses(List<LabeledExample> examples, String split) {
        long positives = examples.stream().filter(e -> e.getLabel() == 1).count();
        if (positives == 0 || positives == examples.size()) {
            throw new IllegalArgumentException(
                    "The "
                            + split
                            + " split has "
                            + examples.size()
                            + " examples, "
                            + positives
                            + " positive: both classes are needed");
        }
    }

    private double[][] vectors(List<LabeledExample> examples) {
        double[][] x = new double[examples.size()][featureSet.size()];
        for (int i = 0; i < x.length; i++) {
            featureSet.fill(examples.get(i).getFeatures(), x[i]);
        }
        return x;
    }

    /** Column means, and 1/deviation (0 for a constant column). */
    private static void standardisation(double[][] x, double[] mean, double[] scale) {
        for (double[] row : x) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += row[j] / x.length;
            }
        }
        for (int j = 0; j < mean.length; j++) {
            double variance = 0;
            for (double[] row : x) {
                variance += (row[j] - mean[j]) * (row[j] - mean[j]) / x.length;
            }
            scale[j] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 0;
        }
    }

    /**
     * The Tribuo graph behind {@code (input - mean) * scale} for the model's columns, with the
     * platform's metadata.
     */
    private OnnxMl.ModelProto export(
            Model<Label> model, double[] mean, double[] scale, long version) {
        OnnxMl.ModelProto exported =
                ((ONNXExportable) model).exportONNXModel("com.kartshoppe", version);
        ImmutableFeatureMap columns = model.getFeatureIDMap();
        List<String> features = new ArrayList<>();
        OnnxMl.TensorProto.Builder meanTensor = vector("standardise_mean", columns.size());
        OnnxMl.TensorProto.Builder scaleTensor = vector("standardise_scale", columns.size());
        for (int c = 0; c < columns.size(); c++) {
            String name = columns.get(c).getName();
            int j = featureSet.indexOf(name);
            features.add(name);
            meanTensor.addFloatData((float) mean[j]);
            scaleTensor.addFloatData((float) scale[j]);
        }

        OnnxMl.GraphProto.Builder graph = exported.getGraph().toBuilder();
        String input = graph.getInput(0).getName();
        for (OnnxMl.NodeProto.Builder node : graph.getNodeBuilderList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(input)) {
                    node.setInput(i, STANDARDISED);
                }
            }
        }
        graph.addInitializer(meanTensor).addInitializer(scaleTensor);
        graph.addNode(
                0,
                OnnxMl.NodeProto.newBuilder()
                        .setOpType("Sub")
                        .setName("standardise_centre")
                        .addInput(input)
                        .addInput("standardise_mean")
                        .addOutput("centred_input"));
        graph.addNode(
                1,
                OnnxMl.NodeProto.newBuilder()
                        .setOpType("Mul")
                        .setName("standardise_scale")
                        .addInput("centred_input")
                        .addInput("standardise_scale")
                        .addOutput(STANDARDISED));

        int positive = model.getOutputIDInfo().getID(new Label(POSITIVE));
        return exported.toBuilder()
                .setGraph(graph)
                .addMetadataProps(
                        entry(ModelMetadata.FEATURES, ModelMetadata.formatFeatures(features)))
                .addMetadataProps(entry(ModelMetadata.POSITIVE_INDEX, Integer.toString(positive)))
                .addMetadataProps(entry(ModelMetadata.FEATURE_SET, featureSet.toString()))
                .addMetadataProps(entry(ModelMetadata.ALGORITHM, algorithm.name()))
                .build();
    }

    private static OnnxMl.TensorProto.Builder vector(String name, int size) {
        return OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addDims(size);
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** What scoring the held-out split gave. */
    private record HeldOut(
            List<String> features,
            int positives,
            double auc,
            double logLoss,
            double brier,
            double[] scores,
            int[] labels) {}

    /** Scores the held-out split through a registry on a scratch copy of the model. */
    private HeldOut evaluate(byte[] onnx, List<LabeledExample> heldOut) throws IOException {
        Path scratch = Files.createTempDirectory("kartshoppe-eval-");
        Path copy = scratch.resolve("candidate").resolve("1.onnx");
        try {
            Files.createDirectories(copy.getParent());
            Files.write(copy, onnx);
            double[] scores = new double[heldOut.size()];
            int[] labels = new int[heldOut.size()];
            List<String> features;
            try (ModelRegistry registry =
                    ModelRegistry.builder(scratch, "candidate", featureSet).build().start()) {
                OnnxModel served = registry.acquire();
                features = served.features();
                served.release();
                Scorer scorer = new Scorer(registry, 256);
                for (int from = 0; from < heldOut.size(); from += 256) {
                    List<LabeledExample> batch =
                            heldOut.subList(from, Math.min(heldOut.size(), from + 256));
                    List<Map<String, Double>> rows =
                            batch.stream().map(LabeledExample::getFeatures).toList();
                    List<Score> scored = scorer.score(rows, null);
                    for (int i = 0; i < batch.size(); i++) {
                        scores[from + i] = scored.get(i).score();
                        labels[from + i] = batch.get(i).getLabel();
                    }
                }
            }
            return new HeldOut(
                    features,
                    (int) Arrays.stream(labels).filter(l -> l == 1).count(),
                    BinaryMetrics.auc(scores, labels),
                    BinaryMetrics.logLoss(scores, labels),
                    BinaryMetrics.brier(scores, labels),
                    scores,
                    labels);
        } finally {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(copy.getParent());
            Files.deleteIfExists(scratch);
        }
    }
}
