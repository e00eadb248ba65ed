package com.kartshoppe.playground.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every {@code kartshoppe} command reports a failure: one line on stderr that says what is
 * wrong, and a stack trace only with {@code --verbose}.
 *
 * <ul>
 *   <li>A usage error (a {@link ParameterException}: a bad option, value or setting) exits with 2
 *       and points at the command's {@code --help}.
 *   <li>Anything else (a missing file, an unreachable broker, a failing job) exits with 1, with the
 *       most specific message in the exception's causes.
 * </ul>
 */
final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

    static final String VERBOSE = "--verbose";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(name).append(": ").append(firstLine(ex));
        if (ex instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append(" (did you mean ")
                        .append(
                                String.join(
                                        " or ",
                                        suggestions.subList(0, Math.min(3, suggestions.size()))))
                        .append("?)");
            }
        }
        line.append("; see '").append(name).append(" --help'");
        PrintWriter err = cmd.getErr();
        err.println(line);
        if (Arrays.asList(args).contains(VERBOSE)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        if (ex instanceof ParameterException usage) {
            return handleParseException(
                    usage, verbose(parsed) ? new String[] {VERBOSE} : new String[0]);
        }
        PrintWriter err = cmd.getErr();
        boolean verbose = verbose(parsed);
        err.println(
                cmd.getCommandSpec().qualifiedName()
                        + ": "
                        + message(ex)
                        + (verbose ? "" : " (--verbose shows the stack trace)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The most specific message among {@code t} and its causes: the outermost one that is not a
     * wrapper (no message of its own, the cause's {@code toString()} as its message, or thrown by
     * Flink's or Kafka's machinery around the real cause).
     */
    static String message(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable last = t;
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            last = c;
            if (!isWrapper(c)) {
                return describe(c);
            }
        }
        return describe(last);
    }

    private static boolean isWrapper(Throwable t) {
        Throwable cause = t.getCause();
        if (cause == null || cause == t) {
            return false;
        }
        String message = t.getMessage();
        return message == null
                || message.isBlank()
                || message.equals(cause.toString())
                || t instanceof ExecutionException
                || t instanceof CompletionException
                || t instanceof InvocationTargetException
                || t instanceof UndeclaredThrowableException
                || thrownBy(t, "org.apache.flink.")
                || thrownBy(t, "org.apache.kafka.");
    }

    private static boolean thrownBy(Throwable t, String packagePrefix) {
        StackTraceElement[] frames = t.getStackTrace();
        return t.getClass().getName().startsWith(packagePrefix)
                || (frames.length > 0 && frames[0].getClassName().startsWith(packagePrefix));
    }

    /** One line for one exception; file system errors say what is wrong with the file. */
    private static String describe(Throwable t) {
        if (t instanceof FileSystemException f && f.getReason() == null) {
            String what =
                    t instanceof NoSuchFileException
                            ? "no such file or directory"
                            : t instanceof AccessDeniedException
                                    ? "permission denied"
                                    : t instanceof FileAlreadyExistsException
                                            ? "already exists"
                                            : t instanceof NotDirectoryException
                                                    ? "not a directory"
                                                    : t instanceof DirectoryNotEmptyException
                                                            ? "directory not empty"
                                                            : "cannot access";
            return f.getFile() + ": " + what;
        }
        String message = firstLine(t);
        return message.isEmpty() ? t.getClass().getSimpleName() : message;
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage();
        if (message == null) {
            return "";
        }
        return message.strip().lines().findFirst().orElse("").strip();
    }
}
