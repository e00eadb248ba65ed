package com.kartshoppe.jobkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement.TextStyle;
import org.apache.flink.util.TimeUtils;

/**
 * A job's {@code --help}: a usage line, then every setting it reads with its default and
 * description, as the {@link ConfigOption}s declare them.
 *
 * <pre>{@code
 * if (OptionsHelp.asked(args)) {
 *     System.out.print(OptionsHelp.format("kartshoppe-fraud", options, Settings.JOB_PREFIXES));
 *     return;
 * }
 * }</pre>
 */
public final class OptionsHelp {

    private static final int WIDTH = 100;
    private static final String INDENT = "      ";

    private OptionsHelp() {}

    /** Whether the arguments ask for help: {@code --help} or {@code -h} in a key's position. */
    public static boolean asked(String[] args) {
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param job the job's name, for the usage line
     * @param options the settings the job reads, in the order to list them
     * @param prefixes key prefixes passed through unchecked (Flink's, Kafka's)
     */
    public static String format(
            String job, Collection<ConfigOption<?>> options, Collection<String> prefixes) {
        StringBuilder out = new StringBuilder();
        out.append("Usage: flink run <")
                .append(job)
                .append(" jar> [--config FILE] [--KEY VALUE]...\n\n");
        wrap(
                out,
                "Runs "
                        + job
                        + " on Kafka. Every setting is --KEY VALUE; --config FILE reads a"
                        + " properties file first and the arguments override it. An unknown key or"
                        + " an invalid value stops the job before it is submitted.",
                "");
        out.append('\n');
        out.append("Settings [default]:\n");
        for (ConfigOption<?> option : options) {
            out.append("  --").append(option.key());
            String value = defaultValue(option);
            out.append(value == null ? "" : " [" + value + "]").append('\n');
            String description = new PlainText().format(option.description());
            wrap(out, description, INDENT);
        }
        if (!prefixes.isEmpty()) {
            out.append("\nAlso passed through unchecked: any key starting with ")
                    .append(String.join(", ", prefixes))
                    .append('\n');
        }
        return out.toString();
    }

    /** The default as a value of {@code --key} would be written ({@code 5 s}, {@code a;b}). */
    @SuppressWarnings("unchecked")
    static String defaultValue(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return null;
        }
        if (option.defaultValue() instanceof List<?> list) {
            return list.stream()
                    .map(
                            v ->
                                    v instanceof Duration d
                                            ? TimeUtils.formatWithHighestUnit(d)
                                            : String.valueOf(v))
                    .collect(Collectors.joining(";"));
        }
        Configuration conf = new Configuration();
        conf.set((ConfigOption<Object>) option, option.defaultValue());
        return conf.toMap().get(option.key());
    }

    private static void wrap(StringBuilder out, String text, String indent) {
        for (String paragraph : text.split("\n")) {
            StringBuilder line = new StringBuilder(indent);
            for (String word : paragraph.strip().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                if (line.length() > indent.length()) {
                    if (line.length() + 1 + word.length() > WIDTH) {
                        out.append(line).append('\n');
                        line = new StringBuilder(indent);
                    } else {
                        line.append(' ');
                    }
                }
                line.append(word);
            }
            if (line.length() > indent.length()) {
                out.append(line).append('\n');
            }
        }
    }

    /** Flink's option descriptions as plain text (Flink ships an HTML formatter only). */
    private static final class PlainText extends Formatter {

        @Override
        protected void formatLink(StringBuilder state, String link, String description) {
            state.append(description.isEmpty() ? link : description + " (" + link + ")");
        }

        @Override
        protected void formatLineBreak(StringBuilder state) {
            state.append('\n');
        }

        @Override
        protected void formatText(
                StringBuilder state, String format, String[] elements, EnumSet<TextStyle> styles) {
            state.append(String.format(format, (Object[]) elements));
        }

        @Override
        protected void formatList(StringBuilder state, String[] entries) {
            List<String> items = new ArrayList<>();
            for (String entry : entries) {
                items.add("- " + entry);
            }
            state.append('\n').append(String.join("\n", items)).append('\n');
        }

        @Override
        protected Formatter newInstance() {
            return new PlainText();
        }
    }
}
