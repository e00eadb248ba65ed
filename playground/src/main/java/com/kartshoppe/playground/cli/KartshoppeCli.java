package com.kartshoppe.playground.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code kartshoppe} command: one entry point for every local tool. Run {@code kartshoppe
 * --help} or {@code kartshoppe <command> --help}.
 */
@Command(
        name = "kartshoppe",
        mixinStandardHelpOptions = true,
        version = "KartShoppe RT-ML 0.1.0-SNAPSHOT",
        description = "KartShoppe real-time ML platform: local tools.",
        subcommands = {
            PlaygroundCommand.class,
            SimulateCommand.class,
            KafkaCommand.class,
            ExamplesCommand.class,
            TrainCommand.class,
            ModelsCommand.class,
            BacktestCommand.class,
            ServeFeaturesCommand.class,
            TrainingSetCommand.class,
            CommandLine.HelpCommand.class
        })
public final class KartshoppeCli implements Runnable {

    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the project's converters registered. */
    public static CommandLine commandLine() {
        return new CommandLine(new KartshoppeCli())
                .registerConverter(Duration.class, new DurationConverter());
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: see --help");
    }
}
