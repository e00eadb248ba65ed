package com.kartshoppe.playground.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * Sends every library's log (Flink, Kafka, the jobs) to a file instead of the console, for a
 * command that prints its own compact progress: INFO for Flink and the project, WARN for Kafka's
 * chatty clients and broker. The {@code kartshoppe} launcher selects one Log4j context for the
 * whole JVM ({@code BasicContextSelector}), so this reaches the classes Flink's RPC system (Pekko)
 * loads in a class loader of its own too.
 */
final class LogFile {

    private LogFile() {}

    static void redirectTo(Path file) {
        ConfigurationBuilder<BuiltConfiguration> b =
                ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setConfigurationName("kartshoppe-log-file");
        // Flink and Kafka log while they stop, after the JVM's shutdown began: Log4j must not stop
        // first (a stopped context would start again from the console configuration).
        b.setShutdownHook("disable");
        b.add(
                b.newAppender("file", "File")
                        .addAttribute("fileName", file.toAbsolutePath().toString())
                        .addAttribute("append", true)
                        .add(
                                b.newLayout("PatternLayout")
                                        .addAttribute(
                                                "pattern",
                                                "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5p [%t] %c{1} -"
                                                        + " %m%n")));
        b.add(b.newRootLogger(Level.INFO).add(b.newAppenderRef("file")));
        b.add(b.newLogger("org.apache.kafka", Level.WARN));
        b.add(b.newLogger("kafka", Level.WARN));
        Configurator.reconfigure(b.build());
    }
}
