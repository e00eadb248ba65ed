package com.kartshoppe.reco.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tests for {@link TrendingHistory} and {@link Trending}. */
class TrendingHistoryTest {

    private static Trending list(long windowEnd, String... products) {
        Trending t = new Trending("books", windowEnd);
        for (int i = 0; i < products.length; i++) {
            t.put(products[i], products.length - i, Double.NaN, 10);
        }
        return t;
    }

    @Test
    void aRequestSeesTheNewestWindowThatEndedBeforeIt() {
        TrendingHistory h =
                new TrendingHistory()
                        .with(list(300, "c"), Long.MIN_VALUE, 0)
                        .with(list(100, "a"), Long.MIN_VALUE, 0)
                        .with(list(200, "b"), Long.MIN_VALUE, 0);

        assertThat(h.asOf(99)).isNull();
        assertThat(h.asOf(100).productIds).containsExactly("a");
        assertThat(h.asOf(299).productIds).containsExactly("b");
        assertThat(h.asOf(1000).productIds).containsExactly("c");
    }

    @Test
    void aListForTheSameWindowReplacesTheOldOne() {
        TrendingHistory h =
                new TrendingHistory()
                        .with(list(100, "a"), Long.MIN_VALUE, 0)
                        .with(list(100, "z"), Long.MIN_VALUE, 0);
        assertThat(h.lists).hasSize(1);
        assertThat(h.asOf(100).productIds).containsExactly("z");
    }

    @Test
    void listsNoRequestWithinTheSlackCanSelectAreDropped() {
        TrendingHistory h = new TrendingHistory();
        for (long end = 100; end <= 1000; end += 100) {
            h = h.with(list(end, "p" + end), 950, 300);
        }
        // Requests from 650 on select the list ending at 600 or later.
        assertThat(h.lists[0].windowEnd).isEqualTo(600);
        assertThat(h.asOf(650).productIds).containsExactly("p600");
    }

    @Test
    void atMostALimitedNumberOfListsIsKept() {
        TrendingHistory h = new TrendingHistory();
        for (long end = 1; end <= TrendingHistory.MAX_KEPT + 10; end++) {
            h = h.with(list(end, "p"), Long.MIN_VALUE, 0);
        }
        assertThat(h.lists).hasSize(TrendingHistory.MAX_KEPT);
        assertThat(h.lists[0].windowEnd).isEqualTo(11);
    }

    @Test
    void trendingKeepsTheBestByScoreThenProductId() {
        Trending t = new Trending("books", 100);
        t.put("b", 5, 10.0, 3);
        t.put("a", 5, Double.NaN, 3);
        t.put("c", 9, 1.0, 3);
        t.put("d", 1, 1.0, 3);
        t.put("b", 20, 12.0, 3);

        assertThat(t.productIds).containsExactly("b", "c", "a");
        assertThat(t.scores).containsExactly(20.0, 9.0, 5.0);
        assertThat(t.pricesEur[0]).isEqualTo(12.0);
        assertThat(t.pricesEur[2]).isNaN();
        assertThat(t.rank("a")).isEqualTo(2);
        assertThat(t.rank("d")).isEqualTo(-1);
        assertThat(t.total()).isEqualTo(34.0);
    }
}
