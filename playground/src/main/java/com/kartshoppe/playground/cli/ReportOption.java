package com.kartshoppe.playground.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.playground.report.ReportFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The {@code --report DIR} option of {@code backtest} and {@code train}: checked, then written. */
final class ReportOption {

    private ReportOption() {}

    /**
     * Refuses {@code --report} where the command has no report (a feedback backtest, a comparison
     * of rule sets), and a DIR that is a file; before any work, as usage errors.
     */
    static void check(CommandLine commandLine, Path dir, boolean supported) {
        if (!supported) {
            throw new ParameterException(
                    commandLine,
                    "--report is for a fraud or reco backtest, not with --compare-rules");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ParameterException(
                    commandLine, "--report " + dir + " is a file: give a directory");
        }
    }

    /** Writes the report files into {@code dir} and says where. */
    static void write(PrintWriter w, Path dir, ObjectNode report) throws IOException {
        ReportFiles.write(dir, report);
        w.printf(
                "Wrote the report to %s and %s%n",
                dir.resolve(ReportFiles.JSON), dir.resolve(ReportFiles.HTML));
    }
}
