package com.kartshoppe.benchmarks.e2e;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The command lines of the end-to-end harnesses, on picocli: each harness describes its options as
 * an annotated class, passes its own defaults as arguments that the user's override (a later value
 * of an option replaces an earlier one), and prints its help from the same class.
 *
 * <pre>{@code
 * JobOptions.Spec spec = HarnessOptions.parse(new JobOptions.Spec(), DEFAULTS, args);
 * String help = HarnessOptions.usage("reco", new JobOptions.Spec(), DEFAULTS);
 * }</pre>
 */
final class HarnessOptions {

    private HarnessOptions() {}

    /**
     * Parses {@code defaults}, then {@code args}, into {@code spec}.
     *
     * @throws IllegalArgumentException with picocli's message (an unknown option, a missing or a
     *     bad value) and the options known
     */
    static <T> T parse(T spec, String[] defaults, String[] args) {
        CommandLine commandLine = commandLine(spec);
        String[] all = Arrays.copyOf(defaults, defaults.length + args.length);
        System.arraycopy(args, 0, all, defaults.length, args.length);
        try {
            commandLine.parseArgs(all);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(
                    e.getMessage() + "; known: " + known(commandLine), e);
        }
        return spec;
    }

    /** The help of a harness: its options, with its own defaults. */
    static String usage(String name, Object spec, String[] defaults) {
        parse(spec, defaults, new String[0]);
        // A new model takes the fields' current values, the harness's defaults, as defaults.
        return commandLine(spec).setCommandName(name).getUsageMessage();
    }

    private static CommandLine commandLine(Object spec) {
        return new CommandLine(spec).setOverwrittenOptionsAllowed(true);
    }

    private static String known(CommandLine commandLine) {
        return String.join(
                " ",
                commandLine.getCommandSpec().options().stream()
                        .map(o -> o.longestName() + " " + o.paramLabel())
                        .toList());
    }

    /** A whole number of at least 0. */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return atLeast(value, 0);
        }
    }

    /** A whole number of at least 1. */
    static final class Positive implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return atLeast(value, 1);
        }
    }

    private static long atLeast(String value, long min) {
        try {
            long n = Long.parseLong(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException(
                "expected a whole number of at least " + min + ", got '" + value + "'");
    }
}
