package com.kartshoppe.reco.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Tests for {@link ShopperContext}. */
class ShopperContextTest {

    private static final long HALF_LIFE = Duration.ofDays(7).toMillis();

    @Test
    void sessionItemsAreDistinctMostRecentLastAndBounded() {
        ShopperContext c = new ShopperContext();
        c.touch("s1", 0);
        for (int i = 0; i < ShopperContext.SESSION_ITEMS + 5; i++) {
            c.view("p" + i, "books", i, HALF_LIFE);
        }
        c.view("p10", "books", 100, HALF_LIFE);

        assertThat(c.sessionItems).hasSize(ShopperContext.SESSION_ITEMS);
        assertThat(c.sessionItems[0]).isEqualTo("p5");
        assertThat(c.sessionItems[ShopperContext.SESSION_ITEMS - 1]).isEqualTo("p10");
        assertThat(c.sessionItems).doesNotHaveDuplicates();
        assertThat(c.sessionViews).isEqualTo(ShopperContext.SESSION_ITEMS + 6);
        assertThat(c.sessionCategoryViews).containsExactly(ShopperContext.SESSION_ITEMS + 6);
    }

    @Test
    void aViewIsPairedWithTheLastFewOtherProductsOfTheSession() {
        ShopperContext c = new ShopperContext();
        c.touch("s1", 0);
        for (int i = 0; i < 7; i++) {
            c.view("p" + i, "cat" + i, i, HALF_LIFE);
        }
        String[][] before = c.view("p3", "cat3", 10, HALF_LIFE);

        assertThat(before[0]).containsExactly("p6", "p5", "p4", "p2", "p1");
        assertThat(before[1]).containsExactly("cat6", "cat5", "cat4", "cat2", "cat1");
    }

    @Test
    void anotherSessionIdStartsAFreshSessionButKeepsInterests() {
        ShopperContext c = new ShopperContext();
        c.touch("s1", 0);
        c.view("p1", "books", 0, HALF_LIFE);
        c.touch("s2", 1000);
        c.view("p2", "toys", 1000, HALF_LIFE);

        RecoRequest r = c.request("reco-1", "u1", "p2", "toys", 1000);
        assertThat(r.sessionId).isEqualTo("s2");
        assertThat(r.sessionItems).containsExactly("p2");
        assertThat(r.sessionViews).isEqualTo(1);
        assertThat(r.interestCategories).containsExactlyInAnyOrder("books", "toys");
    }

    @Test
    void aLateEventOfAnEarlierSessionLeavesTheLiveSessionAlone() {
        ShopperContext c = new ShopperContext();
        assertThat(c.touch("s2", 40_000)).isTrue();
        c.view("p2", "books", 40_000, HALF_LIFE);
        assertThat(c.touch("s1", 1_000)).isFalse();
        assertThat(c.touch("s2", 41_000)).isTrue();
        c.view("p3", "books", 41_000, HALF_LIFE);

        assertThat(c.sessionId).isEqualTo("s2");
        assertThat(c.sessionItems).containsExactly("p2", "p3");
        assertThat(c.lastActivity).isEqualTo(41_000);
        // A newer event of another session does start a new one.
        assertThat(c.touch("s3", 50_000)).isTrue();
        assertThat(c.sessionItems).isEmpty();
    }

    @Test
    void interestsDecaySoRecentCategoriesWeighMore() {
        ShopperContext c = new ShopperContext();
        c.touch("s1", 0);
        c.view("p1", "books", 0, HALF_LIFE);
        c.view("p2", "books", 0, HALF_LIFE);
        c.touch("s2", HALF_LIFE);
        c.view("p3", "toys", HALF_LIFE, HALF_LIFE);

        RecoRequest r = c.request("reco-1", "u1", "p3", "toys", HALF_LIFE);
        // Two books views a half-life ago weigh 1, one toys view now weighs 1.
        assertThat(r.interestShare("books")).isCloseTo(0.5, within(1e-9));
        assertThat(r.interestShare("toys")).isCloseTo(0.5, within(1e-9));
        assertThat(r.interestShare("garden")).isZero();
    }

    @Test
    void anOlderEventAddsADecayedWeightWithoutMovingTime() {
        ShopperContext c = new ShopperContext();
        c.interest("books", 1, HALF_LIFE, HALF_LIFE);
        c.interest("toys", 1, 0, HALF_LIFE);

        assertThat(c.interestAsOf).isEqualTo(HALF_LIFE);
        RecoRequest r = c.request("reco-1", "u1", "p", "books", HALF_LIFE);
        assertThat(r.interestCategories).containsExactly("books", "toys");
        assertThat(r.interestShares[0]).isCloseTo(1 / 1.5, within(1e-9));
    }

    @Test
    void categoriesAreBoundedDroppingTheWeakest() {
        ShopperContext c = new ShopperContext();
        c.interest("favourite", 10, 0, HALF_LIFE);
        for (int i = 0; i < ShopperContext.MAX_CATEGORIES + 3; i++) {
            c.interest("c" + i, 1 + i, 0, HALF_LIFE);
        }
        assertThat(c.interestCategories).hasSize(ShopperContext.MAX_CATEGORIES);
        assertThat(c.interestCategories).contains("favourite").doesNotContain("c0", "c1", "c2");
    }

    @Test
    void typicalPriceIsARunningMeanOverRecentPurchases() {
        ShopperContext c = new ShopperContext();
        assertThat(c.request("r", "u", "p", "c", 0).typicalPriceEur).isNaN();
        c.bought("p1", 10);
        c.bought("p2", 30);
        assertThat(c.meanUnitPriceEur).isEqualTo(20);
        for (int i = 0; i < 100; i++) {
            c.bought("p3", 100);
        }
        assertThat(c.meanUnitPriceEur).isCloseTo(100, within(0.5));
    }

    @Test
    void clearingTheSessionForgetsOnlyTheSession() {
        ShopperContext c = new ShopperContext();
        c.touch("s1", 5);
        c.view("p1", "books", 5, HALF_LIFE);
        c.bought("p1", 12);
        c.clearSession();

        assertThat(c.inSession()).isFalse();
        assertThat(c.sessionItems).isEmpty();
        assertThat(c.sessionCategories).isEmpty();
        assertThat(c.interestCategories).containsExactly("books");
        assertThat(c.meanUnitPriceEur).isEqualTo(12);
        assertThat(c.boughtItems).containsExactly("p1");
    }

    @Test
    void theMostRecentDistinctProductsBoughtAreRememberedAndRequestsCarryThem() {
        ShopperContext c = new ShopperContext();
        for (int i = 0; i < ShopperContext.BOUGHT_ITEMS + 2; i++) {
            c.bought("p" + i, 1);
        }
        c.bought("p5", 1);
        assertThat(c.boughtItems).hasSize(ShopperContext.BOUGHT_ITEMS);
        assertThat(c.boughtItems).doesNotContain("p0", "p1").startsWith("p2", "p3", "p4", "p6");
        assertThat(c.boughtItems[ShopperContext.BOUGHT_ITEMS - 1])
                .as("bought again")
                .isEqualTo("p5");

        RecoRequest r = c.request("r", "u", "p", "c", 0);
        assertThat(r.boughtItems).containsExactly(c.boughtItems);
        assertThat(r.bought("p5")).isTrue();
        assertThat(r.bought("p0")).isFalse();
    }
}
