package com.kartshoppe.features.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/** Tests for {@link FinalRows}. */
class FinalRowsTest {

    @Test
    void appliesUpdatesAndRetractions() {
        List<Row> changelog =
                List.of(
                        Row.ofKind(RowKind.INSERT, "a", 1L),
                        Row.ofKind(RowKind.INSERT, "b", 1L),
                        Row.ofKind(RowKind.UPDATE_BEFORE, "a", 1L),
                        Row.ofKind(RowKind.UPDATE_AFTER, "a", 2L),
                        Row.ofKind(RowKind.INSERT, "c", 7L),
                        Row.ofKind(RowKind.DELETE, "b", 1L));

        assertThat(FinalRows.of(changelog.iterator()))
                .containsExactly(Row.of("a", 2L), Row.of("c", 7L))
                .allSatisfy(r -> assertThat(r.getKind()).isEqualTo(RowKind.INSERT));
    }

    @Test
    void keepsEqualRowsAsOftenAsTheyRemain() {
        List<Row> changelog =
                List.of(
                        Row.ofKind(RowKind.INSERT, "x"),
                        Row.ofKind(RowKind.INSERT, "x"),
                        Row.ofKind(RowKind.INSERT, "x"),
                        Row.ofKind(RowKind.DELETE, "x"));

        assertThat(FinalRows.of(changelog.iterator())).containsExactly(Row.of("x"), Row.of("x"));
    }

    @Test
    void refusesARetractionOfARowNeverAdded() {
        assertThatThrownBy(
                        () ->
                                FinalRows.of(
                                        List.of(Row.ofKind(RowKind.UPDATE_BEFORE, "a", 1L))
                                                .iterator()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("retracts a row it never added");
    }
}
