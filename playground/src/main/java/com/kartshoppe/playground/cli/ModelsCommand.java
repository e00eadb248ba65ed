package com.kartshoppe.playground.cli;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.inference.explain.Explanation;
import com.kartshoppe.inference.model.ModelRejectedException;
import com.kartshoppe.inference.model.OnnxModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kartshoppe models inspect|validate}: look at a model file before publishing it. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Inspect and validate ONNX model files.",
        subcommands = {ModelsCommand.Inspect.class, ModelsCommand.Validate.class})
final class ModelsCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints inputs, outputs and metadata as onnxruntime reads them. */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description =
                    "Prints a model's inputs, outputs, model_version and metadata_props (for a"
                            + " model from `kartshoppe train`: its training window and held-out"
                            + " metrics).")
    static final class Inspect implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "An .onnx file")
        Path file;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            InputPaths.file(file, "FILE");
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                    OrtSession session =
                            OrtEnvironment.getEnvironment()
                                    .createSession(Files.readAllBytes(file), options)) {
                out.println(file);
                print(out, "input", session.getInputInfo());
                print(out, "output", session.getOutputInfo());
                out.println("producer: " + session.getMetadata().getProducerName());
                out.println("model_version: " + session.getMetadata().getVersion());
                new TreeMap<>(session.getMetadata().getCustomMetadata())
                        .forEach((k, v) -> out.println("metadata " + k + " = " + shorten(v)));
                return 0;
            } catch (OrtException e) {
                spec.commandLine()
                        .getErr()
                        .println(file + ": not a loadable ONNX model: " + OneLineErrors.message(e));
                return 1;
            }
        }

        /** One line; long values (Tribuo's provenance) cut to their start and length. */
        private static String shorten(String value) {
            String line = value.replace('\n', ' ');
            return line.length() <= 300
                    ? line
                    : line.substring(0, 300) + "... (" + value.length() + " chars)";
        }

        private static void print(PrintWriter out, String kind, Map<String, NodeInfo> nodes) {
            nodes.forEach((name, node) -> out.println(kind + " " + name + ": " + node.getInfo()));
        }
    }

    /** Runs every check the registry runs before a model may serve. */
    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = {
                "Runs the checks a job runs before a model may serve: loads, lists its input"
                        + " features in metadata_props (kartshoppe.features), every one defined in"
                        + " the feature set, input and output shapes, and a smoke inference on the"
                        + " default vector giving a probability in [0, 1].",
                "Exit code 0 when valid, 1 with the reason otherwise."
            })
    static final class Validate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "An .onnx file")
        Path file;

        @Option(
                names = "--feature-set",
                required = true,
                converter = FeatureSetConverter.class,
                description = "The job's feature set, e.g. fraud_v1")
        FeatureSet set;

        @Override
        public Integer call() throws Exception {
            InputPaths.file(file, "FILE");
            try {
                OnnxModel model = OnnxModel.load(file, "candidate", "0", set);
                spec.commandLine()
                        .getOut()
                        .println(
                                file
                                        + ": valid for "
                                        + set
                                        + ", "
                                        + model.features().size()
                                        + " input features "
                                        + model.features());
                spec.commandLine().getOut().println("inputs: " + model.inputLayout());
                spec.commandLine()
                        .getOut()
                        .println(
                                "contributions: "
                                        + (model.explainer().method() == Explanation.Method.LINEAR
                                                ? "linear (a linear graph: exact logit terms)"
                                                : "occlusion (not a graph read as linear: one"
                                                        + " extra inference row per feature)"));
                model.retire();
                return 0;
            } catch (ModelRejectedException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 1;
            }
        }
    }
}
