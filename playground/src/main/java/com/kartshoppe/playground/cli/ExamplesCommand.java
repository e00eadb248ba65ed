package com.kartshoppe.playground.cli;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.playground.training.SimulatedExamples;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kartshoppe examples}: labelled fraud examples from a simulation, for a first model. */
@Command(
        name = "examples",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the fraud feature pipeline over a simulation written by `kartshoppe simulate"
                    + " --out jsonl:DIR` and joins each placed order's fraud_v1 features with"
                    + " the simulation's labels.",
            "Writes OUT/ml.training-examples.jsonl, which `kartshoppe train --examples"
                    + " jsonl:OUT` reads."
        })
final class ExamplesCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--from", required = true, description = "The simulation's directory")
    Path from;

    @Option(names = "--out", required = true, description = "Directory to write into")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<LabeledExample> examples = SimulatedExamples.fraud(from, new Configuration());
        Path file = SimulatedExamples.write(examples, out);
        long positives = examples.stream().filter(e -> e.getLabel() == 1).count();
        spec.commandLine()
                .getOut()
                .printf(
                        "Wrote %d fraud examples (%d fraud) to %s%n",
                        examples.size(), positives, file);
        return 0;
    }
}
