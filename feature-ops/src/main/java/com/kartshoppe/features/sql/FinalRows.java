package com.kartshoppe.features.sql;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * The final rows of a bounded query's changelog: inserts and update-afters added, deletes and
 * update-befores taken back, so a grouping reads as its result table rather than as the stream of
 * its revisions (what Flink's SQL client calls the table result mode).
 *
 * <pre>{@code
 * List<Row> rows = FinalRows.of(tEnv.executeSql(SqlFeatures.query(SqlFeatures.VIEW_TO_PURCHASE)).collect());
 * }</pre>
 */
public final class FinalRows {

    private FinalRows() {}

    /**
     * The rows left when the whole changelog has been applied, in order of first insertion; each of
     * kind {@link RowKind#INSERT}.
     *
     * @throws IllegalStateException if the changelog takes back a row it never added
     */
    public static List<Row> of(Iterator<Row> changelog) {
        Map<Row, Integer> counts = new LinkedHashMap<>();
        while (changelog.hasNext()) {
            Row change = changelog.next();
            RowKind kind = change.getKind();
            Row row = Row.copy(change);
            row.setKind(RowKind.INSERT);
            if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
                counts.merge(row, 1, Integer::sum);
            } else {
                Integer n = counts.get(row);
                if (n == null) {
                    throw new IllegalStateException(
                            "The changelog retracts a row it never added: " + change);
                }
                if (n == 1) {
                    counts.remove(row);
                } else {
                    counts.put(row, n - 1);
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        counts.forEach(
                (row, n) -> {
                    for (int i = 0; i < n; i++) {
                        rows.add(row);
                    }
                });
        return rows;
    }
}
