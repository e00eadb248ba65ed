package com.kartshoppe.reco.backtest;

import static com.kartshoppe.reco.backtest.BacktestFixtures.bought;
import static com.kartshoppe.reco.backtest.BacktestFixtures.minutes;
import static com.kartshoppe.reco.backtest.BacktestFixtures.reco;
import static com.kartshoppe.reco.backtest.BacktestFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link PopularityBaseline}. */
class PopularityBaselineTest {

    @Test
    void ranksViewsPlusThreeTimesUnitsBoughtInTheTrailingWindow() {
        NextActions actions =
                NextActions.of(
                        List.of(
                                bought("u1", 0, "old"), // 3, leaves the window at 60
                                view("u1", 10, "a"),
                                view("u2", 20, "a"),
                                bought("u3", 30, "b"), // 3
                                view("u4", 40, "c"),
                                view("u5", 50, "v"),
                                view("u5", 50, "v"),
                                view("u5", 50, "v"),
                                view("u6", 70, "later")));
        Map<String, List<String>> lists =
                PopularityBaseline.of(
                        List.of(
                                reco("r59", "u9", 59, "v"),
                                reco("r60", "u9", 60, "v"),
                                reco("r60b", "u9", 60, "b")),
                        actions,
                        minutes(60),
                        3);

        // (-1, 59]: old 3, b 3, a 2, c 1; v left out; ties by product id.
        assertThat(lists.get("r59")).containsExactly("b", "old", "a");
        // (0, 60]: the order at 0 has left; the view at 70 is not there yet.
        assertThat(lists.get("r60")).containsExactly("b", "a", "c");
        assertThat(lists.get("r60b")).containsExactly("v", "a", "c");
    }
}
