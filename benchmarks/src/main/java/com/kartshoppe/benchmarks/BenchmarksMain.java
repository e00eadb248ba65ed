package com.kartshoppe.benchmarks;

import com.kartshoppe.benchmarks.e2e.BareReadBenchmark;
import java.util.Arrays;

/**
 * Entry point of {@code benchmarks.jar}:
 *
 * <ul>
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar [JMH options]} runs the JMH
 *       micro-benchmarks ({@code -h} lists JMH's options);
 *   <li>{@code java -jar benchmarks/target/benchmarks.jar bare-read [--events N] [--runs R]} runs
 *       the end-to-end bare-read harness.
 * </ul>
 *
 * <p>Started with {@code -jar}, the JVM takes Flink's JDK 17 module flags from the manifest.
 */
public final class BenchmarksMain {

    private BenchmarksMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("bare-read")) {
            BareReadBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
        } else {
            org.openjdk.jmh.Main.main(args);
        }
    }
}
