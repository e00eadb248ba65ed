package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tests for {@link SqlScript}. */
class SqlScriptTest {

    @Test
    void cutsAtTheSemicolonsThatEndStatements() {
        assertThat(SqlScript.statements("SELECT 1; SELECT 2;\n SELECT 3"))
                .containsExactly("SELECT 1", "SELECT 2", "SELECT 3");
    }

    @Test
    void keepsSemicolonsInQuotesAndComments() {
        String script =
                "-- a comment; not a statement\n"
                        + "SELECT 'a;b', \"c;d\", `e;f` FROM t /* g; h */ WHERE x = 'it''s;';\n"
                        + "/* only a comment; */\n";

        assertThat(SqlScript.statements(script))
                .containsExactly(
                        "-- a comment; not a statement\n"
                                + "SELECT 'a;b', \"c;d\", `e;f` FROM t /* g; h */ WHERE x ="
                                + " 'it''s;'");
    }

    @Test
    void dropsEmptyStatements() {
        assertThat(SqlScript.statements(" ; ;\n-- nothing\n")).isEmpty();
        assertThat(SqlScript.statements("SELECT 1;;")).containsExactly("SELECT 1");
    }

    @Test
    void tellsAQueryFromOtherStatements() {
        assertThat(SqlCommand.isQuery("-- c\nSELECT 1")).isTrue();
        assertThat(SqlCommand.isQuery("with t AS (SELECT 1) SELECT * FROM t")).isTrue();
        assertThat(SqlCommand.isQuery("(SELECT 1) UNION ALL (SELECT 2)")).isTrue();
        assertThat(SqlCommand.isQuery("CREATE TEMPORARY VIEW v AS SELECT 1")).isFalse();
        assertThat(SqlCommand.isQuery("/* x */ INSERT INTO t SELECT 1")).isFalse();
    }
}
