package com.kartshoppe.reco.backtest;

import static com.kartshoppe.reco.backtest.BacktestFixtures.at;
import static com.kartshoppe.reco.backtest.BacktestFixtures.bought;
import static com.kartshoppe.reco.backtest.BacktestFixtures.minutes;
import static com.kartshoppe.reco.backtest.BacktestFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link NextActions}. */
class NextActionsTest {

    // Out of event-time order on purpose: NextActions sorts them.
    private final NextActions actions =
            NextActions.of(
                    List.of(
                            bought("u1", 25, "d"),
                            view("u1", 10, "a"),
                            bought("u1", 15, "b"),
                            bought("u1", 15, "a"),
                            view("u1", 12, "c"),
                            bought("u1", 15, "c"),
                            bought("u1", 45, "e"),
                            bought("u2", 11, "x"),
                            bought("u1", 10, "z")));

    @Test
    void theNextPurchaseIsTheFirstOrderAfterTheRequestWithoutTheViewedProduct() {
        // Order at 15 (a, b, c); the order at 25 is a later purchase; z at 10 is not after 10.
        assertThat(actions.nextPurchase("u1", at(10), minutes(30), "a"))
                .containsExactlyInAnyOrder("b", "c");
        assertThat(actions.nextPurchase("u1", at(15), minutes(30), "a")).containsExactly("d");
    }

    @Test
    void aPurchaseAfterTheHorizonOrOnlyOfTheViewedProductIsNone() {
        assertThat(actions.nextPurchase("u1", at(26), minutes(10), "q")).isEmpty();
        assertThat(actions.nextPurchase("u1", at(26), minutes(19), "q")).containsExactly("e");
        assertThat(actions.nextPurchase("u1", at(16), minutes(30), "d")).isEmpty();
        assertThat(actions.nextPurchase("u3", at(0), minutes(30), "a")).isEmpty();
    }

    @Test
    void sessionViewsGoBackAlongViewsWithGapsOfAtMostTheSessionGap() {
        NextActions session =
                NextActions.of(
                        List.of(
                                view("u1", 0, "old"),
                                view("u1", 31, "a"),
                                bought("u1", 40, "p"),
                                view("u1", 60, "b"),
                                view("u1", 70, "c"),
                                view("u1", 71, "later")));
        assertThat(session.sessionViews("u1", at(70), minutes(30)))
                .containsExactlyInAnyOrder("c", "b", "a");
        assertThat(session.sessionViews("u1", at(70), minutes(20))).containsExactly("c", "b");
        assertThat(session.sessionViews("u1", at(30), minutes(30))).containsExactly("old");
        assertThat(session.sessionViews("u1", at(31), minutes(30))).containsExactly("a");
        assertThat(session.sessionViews("u1", at(62), minutes(1))).isEmpty();
    }

    @Test
    void afterIsEveryViewAndPurchaseWithinTheHorizonButTheViewedProduct() {
        assertThat(actions.after("u1", at(10), minutes(15), "a")).containsExactly("c", "b", "d");
    }
}
