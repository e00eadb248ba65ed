package com.kartshoppe.playground.cli;

import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.featurestore.offline.FeatureSource;
import com.kartshoppe.featurestore.offline.Labels;
import com.kartshoppe.featurestore.offline.SnapshotIndex;
import com.kartshoppe.featurestore.offline.TrainingSet;
import com.kartshoppe.playground.progress.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe training-set}: labels joined with the features known at their time. */
@Command(
        name = "training-set",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Builds a point-in-time training set: every label (entity, time, label) joined with"
                    + " the values of one feature set that were current for the entity at the"
                    + " label's time, the newest snapshot with eventTime <= time; never a later"
                    + " one.",
            "Labels whose entity had no snapshot by then get no row and are counted. Writes"
                    + " OUT/training-set.jsonl and OUT/summary.json.",
            "features.user is compacted: from Kafka, only the snapshots the topic still holds are"
                    + " joined; read an archive (jsonl:) for long history."
        })
final class TrainingSetCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--labels",
            required = true,
            converter = Output.Converter.class,
            description =
                    "jsonl:FILE, one label per line: {\"id\": \"optional\", \"entityId\": \"u-1\","
                            + " \"time\": \"2026-01-01T00:00:00Z\" or epoch millis, \"label\": 1}")
    Output labels;

    @Option(
            names = "--features",
            required = true,
            description =
                    "jsonl:PATH (a FeatureSnapshot file, or a directory holding"
                            + " features.user.jsonl) or kafka:HOST:PORT[/TOPIC] (default topic"
                            + " features.user)")
    String features;

    @Option(
            names = "--feature-set",
            required = true,
            converter = FeatureSetConverter.class,
            description = "e.g. fraud_v1")
    FeatureSet set;

    @Option(
            names = "--out",
            required = true,
            converter = Output.Converter.class,
            description = "jsonl:DIR to write training-set.jsonl and summary.json into")
    Output out;

    @Mixin KafkaWait kafkaWait;

    @Override
    public Integer call() throws Exception {
        if (labels.kind() != Output.Kind.JSONL || out.kind() != Output.Kind.JSONL) {
            throw new ParameterException(spec.commandLine(), "--labels and --out take jsonl:");
        }
        if (!features.startsWith("jsonl:") && !features.startsWith("kafka:")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--features '" + features + "': use jsonl:PATH or kafka:HOST:PORT[/TOPIC]");
        }
        Path labelFile = InputPaths.file(Path.of(labels.target()), "--labels");
        if (features.startsWith("kafka:")) {
            String target = features.substring("kafka:".length());
            kafkaWait.untilReachable(KafkaSettings.of(target.replaceFirst("/.*", "")));
        }
        SnapshotIndex index;
        try (Progress progress = CommandProgress.start(spec)) {
            long[] seen = {0};
            index =
                    FeatureSource.read(
                            features, set, f -> progress.update(++seen[0], f.getEventTime()));
        }
        TrainingSet trainingSet = TrainingSet.join(Labels.read(labelFile), index);
        Path written = trainingSet.write(out.dir());
        TrainingSet.Summary summary = trainingSet.summary();
        PrintWriter w = spec.commandLine().getOut();
        w.printf(
                "%d snapshots of %s (%d entities) from %s%n",
                summary.snapshots(), set, index.entities(), features);
        w.printf("labels                    %d%n", summary.labels());
        w.printf("joined                    %d%n", summary.joined());
        w.printf("without features yet      %d%n", summary.withoutFeatures());
        w.printf("Wrote %s and %s%n", written, written.resolveSibling(TrainingSet.SUMMARY_FILE));
        w.flush();
        return 0;
    }
}
