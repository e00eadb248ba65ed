package com.kartshoppe.playground.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the kartshoppe command line in-process and captures what it prints. */
public record CliRunner(int exitCode, String out, String err) {

    public static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                KartshoppeCli.commandLine()
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(err, true))
                        .execute(args);
        return new CliRunner(code, out.toString(), err.toString());
    }
}
