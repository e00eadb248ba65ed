package com.kartshoppe.playground.cli;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.playground.training.SimulatedExamples;
import com.kartshoppe.reco.backtest.RecoExamples;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kartshoppe examples}: labelled examples from a simulation, for a first model. */
@Command(
        name = "examples",
        mixinStandardHelpOptions = true,
        description = {
            "fraud: runs the fraud feature pipeline over a simulation written by `kartshoppe"
                    + " simulate --out jsonl:DIR` and joins each placed order's fraud_v1 features"
                    + " with the simulation's labels.",
            "reco: runs the reco job's candidate generation over it; every candidate's reco_v1"
                    + " row is an example, positive if the shopper viewed or bought it within"
                    + " --horizon.",
            "Writes OUT/ml.training-examples.jsonl, which `kartshoppe train --examples"
                    + " jsonl:OUT` reads."
        })
final class ExamplesCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--use-case",
            converter = UseCaseConverter.class,
            defaultValue = "fraud",
            description = "fraud or reco [${DEFAULT-VALUE}]")
    UseCase useCase;

    @Option(names = "--from", required = true, description = "The simulation's directory")
    Path from;

    @Option(names = "--out", required = true, description = "Directory to write into")
    Path out;

    @Option(
            names = "--horizon",
            converter = DurationConverter.class,
            description =
                    "reco: how long after a request a view or purchase counts"
                            + " [${DEFAULT-VALUE}]")
    Duration horizon = Duration.ofMinutes(30);

    @Override
    public Integer call() throws Exception {
        InputPaths.directory(from, "--from");
        Configuration conf = new Configuration();
        List<LabeledExample> examples =
                CommandProgress.job(
                        spec,
                        conf,
                        () ->
                                switch (useCase) {
                                    case FRAUD -> SimulatedExamples.fraud(from, conf);
                                    case RECO -> RecoExamples.of(conf, from, horizon.toMillis());
                                },
                        from);
        Path file = SimulatedExamples.write(examples, out);
        long positives = examples.stream().filter(e -> e.getLabel() == 1).count();
        spec.commandLine()
                .getOut()
                .printf(
                        "Wrote %d %s examples (%d positive) to %s%n",
                        examples.size(), UseCaseConverter.name(useCase), positives, file);
        return 0;
    }
}
