package com.kartshoppe.reco.backtest;

import static com.kartshoppe.reco.backtest.BacktestFixtures.bought;
import static com.kartshoppe.reco.backtest.BacktestFixtures.minutes;
import static com.kartshoppe.reco.backtest.BacktestFixtures.reco;
import static com.kartshoppe.reco.backtest.BacktestFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link CoViewBaseline}. */
class CoViewBaselineTest {

    private final NextActions actions =
            NextActions.of(
                    List.of(
                            view("u1", 0, "a"),
                            view("u1", 1, "b"),
                            view("u1", 2, "c"),
                            view("u1", 3, "a"), // again in the same session: no new pairs
                            view("u2", 10, "c"),
                            view("u2", 11, "a"),
                            bought("u2", 12, "d"), // purchases are not co-views
                            view("u3", 20, "a"),
                            view("u3", 51, "e"), // 31 minutes later: another session
                            view("u4", 60, "a"),
                            view("u4", 61, "f")));

    @Test
    void ranksProductsBySessionsViewedTogetherWithTheViewedOneBeforeTheRequest() {
        Map<String, List<String>> lists =
                CoViewBaseline.of(
                        List.of(
                                reco("r-early", "u9", 1, "a"),
                                reco("r-mid", "u9", 2, "a"),
                                reco("r-late", "u9", 59, "a"),
                                reco("r-at", "u9", 61, "a"),
                                reco("r-after", "u9", 62, "a"),
                                reco("r-e", "u9", 62, "e")),
                        actions,
                        minutes(30),
                        2);

        // Strictly before the request: at minute 1 only u1's a.
        assertThat(lists.get("r-early")).isEmpty();
        assertThat(lists.get("r-mid")).containsExactly("b");
        // c in two sessions (u1, u2), b in one; e was in another session than u3's a.
        assertThat(lists.get("r-late")).containsExactly("c", "b");
        assertThat(lists.get("r-at")).containsExactly("c", "b");
        // b and f both once now: ties go to the smaller id, and only k are kept.
        assertThat(lists.get("r-after")).containsExactly("c", "b");
        assertThat(lists.get("r-e")).isEmpty();
    }

    @Test
    void tiesGoToTheSmallerProductId() {
        Map<String, List<String>> lists =
                CoViewBaseline.of(
                        List.of(reco("r-at", "u9", 61, "a"), reco("r", "u9", 62, "a")),
                        actions,
                        minutes(30),
                        3);
        assertThat(lists.get("r")).containsExactly("c", "b", "f");
        // u4's view of f at minute 61 is not before a request at minute 61.
        assertThat(lists.get("r-at")).containsExactly("c", "b");
    }

    @Test
    void aShortListIsCompletedByTheFallbackWithoutRepeats() {
        assertThat(CoViewBaseline.filled(List.of("c", "b"), List.of("b", "x", "y"), 3))
                .containsExactly("c", "b", "x");
        assertThat(CoViewBaseline.filled(List.of("c", "b"), List.of("x"), 1)).containsExactly("c");
        assertThat(CoViewBaseline.filled(List.of(), List.of("x"), 3)).containsExactly("x");
    }
}
