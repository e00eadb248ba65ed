package com.kartshoppe.playground.cli;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.featurestore.offline.TrainingSet;
import com.kartshoppe.inference.model.ModelVersions;
import com.kartshoppe.inference.training.ExampleSource;
import com.kartshoppe.inference.training.ModelTrainer;
import com.kartshoppe.inference.training.ModelTrainer.Algorithm;
import com.kartshoppe.inference.training.ModelTrainer.TrainingReport;
import com.kartshoppe.playground.progress.Progress;
import com.kartshoppe.playground.report.TrainingJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe train}: a model from labelled examples, exported as ONNX. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains a model on labelled examples (LabeledExample: what the feedback job writes to"
                    + " ml.training-examples, or `kartshoppe examples`; or the rows of a"
                    + " `kartshoppe training-set` output, on any feature set), exports it to ONNX"
                    + " with the kartshoppe.features metadata, and prints held-out AUC and log"
                    + " loss.",
            "Writing into <models.dir>/<name>/<version>.onnx publishes it: running jobs pick it"
                    + " up (the file is moved into place atomically). The file's metadata holds"
                    + " its version, the examples' event-time window and the held-out metrics"
                    + " (`kartshoppe models inspect` shows them)."
        })
final class TrainCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--use-case",
            required = true,
            converter = UseCaseConverter.class,
            description = "fraud or reco")
    UseCase useCase;

    @Option(
            names = "--examples",
            required = true,
            description =
                    "jsonl:FILE_OR_DIR (LabeledExamples, or a training-set output directory or its"
                            + " training-set.jsonl) or kafka:HOST:PORT[/TOPIC]")
    String examples;

    @Option(
            names = "--out",
            required = true,
            description =
                    "models/<name>/<version>.onnx, or the directory models/<name> to write the"
                            + " next version after the highest there")
    Path out;

    @Option(
            names = "--algorithm",
            description = "LOGISTIC or FM (factorization machine) [${DEFAULT-VALUE}]")
    Algorithm algorithm = Algorithm.LOGISTIC;

    @Option(names = "--epochs", description = "Passes over the data [${DEFAULT-VALUE}]")
    int epochs = 5;

    @Option(names = "--seed", description = "Random seed [${DEFAULT-VALUE}]")
    long seed = 42;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description =
                    "Write the held-out figures as DIR/report.json and, with ROC, precision-recall,"
                            + " calibration and score histograms, as DIR/report.html"
                            + " (self-contained, opens offline)")
    Path reportDir;

    @Mixin KafkaWait kafkaWait;

    @Override
    public Integer call() throws Exception {
        if (reportDir != null) {
            ReportOption.check(spec.commandLine(), reportDir, true);
        }
        if (examples.startsWith("jsonl:")) {
            InputPaths.fileOrDirectory(
                    Path.of(examples.substring("jsonl:".length())), "--examples");
        } else if (examples.startsWith("kafka:")) {
            String target = examples.substring("kafka:".length());
            kafkaWait.untilReachable(KafkaSettings.of(target.replaceFirst("/.*", "")));
        } else {
            throw new ParameterException(
                    spec.commandLine(),
                    "--examples '"
                            + examples
                            + "': use jsonl:FILE_OR_DIR or kafka:HOST:PORT[/TOPIC]");
        }
        String useCase = UseCaseConverter.name(this.useCase);
        List<LabeledExample> read;
        try (Progress progress = CommandProgress.start(spec)) {
            read = read(progress);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (read.isEmpty()) {
            spec.commandLine().getErr().println("No " + useCase + " examples in " + examples);
            return 1;
        }
        FeatureSet set = FeatureCatalog.byName(read.get(0).getFeatureSet());
        out.printf("Training %s on %d %s examples of %s%n", algorithm, read.size(), useCase, set);
        Path target = ModelVersions.target(this.out);
        long newest = ModelVersions.highest(target.toAbsolutePath().getParent());
        if (ModelVersions.number(target).orElse(0) < newest) {
            spec.commandLine()
                    .getErr()
                    .printf("Note: version %d there is newer: a job serves that one%n", newest);
        }
        TrainingReport report = new ModelTrainer(set, algorithm, seed, epochs).train(read, target);
        out.printf(
                Locale.ROOT,
                "Wrote %s (version %d, %d input features, examples from %s to %s)%n"
                        + "held-out: %d examples, %d positive; AUC %.4f, log loss %.4f, Brier"
                        + " %.4f%n",
                report.file(),
                report.version(),
                report.features().size(),
                report.windowStart(),
                report.windowEnd(),
                report.heldOutExamples(),
                report.heldOutPositives(),
                report.heldOutAuc(),
                report.heldOutLogLoss(),
                report.heldOutBrier());
        if (reportDir != null) {
            ReportOption.write(
                    out,
                    reportDir,
                    TrainingJson.of(
                            report,
                            new TrainingJson.Run(
                                    useCase, algorithm.name(), set, epochs, seed, examples)));
        }
        return 0;
    }

    /**
     * The examples: a training set's rows, or LabeledExamples (these with their progress as they
     * are read).
     */
    private List<LabeledExample> read(Progress progress) throws IOException {
        Path path = Path.of(examples.substring(examples.indexOf(':') + 1));
        boolean trainingSet =
                examples.startsWith("jsonl:")
                        && (Files.isDirectory(path)
                                ? Files.exists(path.resolve(TrainingSet.ROWS_FILE))
                                : path.getFileName().toString().equals(TrainingSet.ROWS_FILE));
        long[] seen = {0};
        return trainingSet
                ? TrainingSet.readExamples(path, useCase)
                : ExampleSource.read(
                        examples, useCase, e -> progress.update(++seen[0], e.getEventTime()));
    }
}
