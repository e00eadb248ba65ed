package com.kartshoppe.playground.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Row;

/**
 * Rows as a text table, in the layout of Flink's SQL client: a border, the column names, one line
 * per row, {@code <NULL>} for nulls, timestamps in UTC with milliseconds.
 */
final class TablePrinter {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private TablePrinter() {}

    static void print(List<String> columns, List<Row> rows, PrintWriter out) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).length();
        }
        List<String[]> cells = new ArrayList<>();
        for (Row row : rows) {
            String[] line = new String[widths.length];
            for (int c = 0; c < widths.length; c++) {
                line[c] = text(row.getField(c));
                widths[c] = Math.max(widths[c], line[c].length());
            }
            cells.add(line);
        }
        StringBuilder border = new StringBuilder("+");
        for (int w : widths) {
            border.append("-".repeat(w + 2)).append('+');
        }
        out.println(border);
        out.println(line(columns.toArray(String[]::new), widths));
        out.println(border);
        for (String[] line : cells) {
            out.println(line(line, widths));
        }
        out.println(border);
        out.println(rows.size() + (rows.size() == 1 ? " row in set" : " rows in set"));
    }

    /** A value as text: {@code <NULL>}, a UTC timestamp, or the value's own text. */
    static String text(Object value) {
        if (value == null) {
            return "<NULL>";
        }
        if (value instanceof LocalDateTime t) {
            return TIMESTAMP.format(t);
        }
        if (value instanceof Instant t) {
            return TIMESTAMP.format(t.atOffset(ZoneOffset.UTC));
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Object[] array) {
            List<String> items = new ArrayList<>();
            for (Object item : array) {
                items.add(text(item));
            }
            return items.toString();
        }
        if (value instanceof byte[] bytes) {
            return Arrays.toString(bytes);
        }
        if (value instanceof Map<?, ?> map) {
            List<String> entries = new ArrayList<>();
            map.forEach((k, v) -> entries.add(text(k) + "=" + text(v)));
            return "{" + String.join(", ", entries) + "}";
        }
        return value.toString();
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder("|");
        for (int c = 0; c < widths.length; c++) {
            line.append(' ').append(" ".repeat(widths[c] - cells[c].length())).append(cells[c]);
            line.append(" |");
        }
        return line.toString();
    }
}
