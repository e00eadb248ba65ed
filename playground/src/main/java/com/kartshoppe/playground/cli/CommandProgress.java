package com.kartshoppe.playground.cli;

import com.kartshoppe.playground.progress.JobProgress;
import com.kartshoppe.playground.progress.Progress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The progress of a command on its standard error (its output stays for results): one updating line
 * on a terminal, a plain line every few seconds otherwise.
 */
final class CommandProgress {

    private CommandProgress() {}

    /** A progress line named after the command, e.g. "kartshoppe simulate". */
    static Progress start(CommandSpec spec) {
        return Progress.start(
                spec.commandLine().getErr(),
                spec.qualifiedName(" "),
                Clock.systemUTC(),
                System.console() != null);
    }

    /**
     * Runs a Flink job made from {@code conf} in this JVM, showing its progress; the lines of the
     * JSON-lines files in {@code inputs} give the total.
     */
    static <T> T job(CommandSpec spec, Configuration conf, Callable<T> job, Path... inputs)
            throws Exception {
        try (JobProgress watching =
                JobProgress.attach(conf, start(spec), JobProgress.linesByTopic(inputs))) {
            return job.call();
        }
    }
}
