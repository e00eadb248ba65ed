package com.kartshoppe.playground.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code kartshoppe} command: one entry point for every local tool. Run {@code kartshoppe
 * --help} or {@code kartshoppe <command> --help}.
 *
 * <p>Every command reports a failure in one line on stderr ({@link OneLineErrors}): exit code 2 for
 * a usage error, 1 for a runtime error; {@code --verbose} adds the stack trace.
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
            FeaturesCommand.class,
            TrainingSetCommand.class,
            SqlCommand.class,
            RulesCommand.class,
            TopicsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class KartshoppeCli implements Runnable {

    @Spec CommandSpec spec;

    /** Read by {@link OneLineErrors} from the parse result, on whichever command it was given. */
    @Option(
            names = OneLineErrors.VERBOSE,
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error, not only its one-line message")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the project's converters and error reporting registered. */
    public static CommandLine commandLine() {
        OneLineErrors errors = new OneLineErrors();
        return new CommandLine(new KartshoppeCli())
                .registerConverter(Duration.class, new DurationConverter())
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }
}
