package com.kartshoppe.playground.cli;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.fraud.backtest.BacktestReport;
import com.kartshoppe.fraud.backtest.FraudBacktest;
import com.kartshoppe.inference.InferenceOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kartshoppe backtest fraud}: the fraud job over recorded events, with a summary. */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs a job over recorded events (`kartshoppe simulate --out jsonl:DIR`) on a local"
                    + " Flink environment: the same operators as on Kafka, events in event-time"
                    + " order.",
            "Prints how the decisions compare with the fraud.labels in the input, and writes the"
                    + " job's outputs as OUT/<topic>.jsonl when --out is given."
        })
final class BacktestCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "fraud")
    String job;

    @Option(
            names = "--events",
            required = true,
            converter = Output.Converter.class,
            description = "jsonl:DIR of recorded events")
    Output events;

    @Option(names = "--models", required = true, description = "Models directory")
    Path models;

    @Option(
            names = "--out",
            converter = Output.Converter.class,
            description = "jsonl:DIR to write decisions, predictions, snapshots, dead letters")
    Output out;

    @Option(names = "--parallelism", description = "Flink parallelism [${DEFAULT-VALUE}]")
    int parallelism = 2;

    @Option(
            names = {"-D", "--set"},
            description = "A job setting key=value, as the job's --key value (see the README)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!job.equals("fraud")) {
            throw new ParameterException(spec.commandLine(), "Unknown job '" + job + "': fraud");
        }
        if (events.kind() != Output.Kind.JSONL
                || (out != null && out.kind() != Output.Kind.JSONL)) {
            throw new ParameterException(spec.commandLine(), "--events and --out take jsonl:DIR");
        }
        Configuration conf = settings();
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        FraudBacktest.Result result = FraudBacktest.run(conf, events.dir());
        PrintWriter w = spec.commandLine().getOut();
        if (out != null) {
            result.write(out.dir());
            w.printf("Wrote the job's outputs to %s%n", out.dir());
        }
        Path labels = JsonCodec.file(events.dir(), EventType.FRAUD_LABEL);
        List<FraudLabel> known =
                Files.exists(labels)
                        ? JsonCodec.of(EventType.FRAUD_LABEL).readFile(labels)
                        : List.of();
        w.printf(
                "%d dead letters; %d fraud labels in the input%n",
                result.deadLetters().size(), known.size());
        w.print(BacktestReport.of(result.decisions(), known).format());
        w.flush();
        return 0;
    }

    private Configuration settings() {
        try {
            return Settings.validate(
                    Configuration.fromMap(settings),
                    FraudDetectionJob.options(),
                    FraudDetectionJob.prefixes());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
        }
    }
}
