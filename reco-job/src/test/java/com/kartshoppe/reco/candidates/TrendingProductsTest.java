package com.kartshoppe.reco.candidates;

import static com.kartshoppe.features.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.analytics.ProductStats;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import com.kartshoppe.reco.RecoOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link TrendingProducts}. */
class TrendingProductsTest {

    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Instant W1 = minutes(60);
    private static final Instant W2 = minutes(65);

    private KeyedOneInputStreamOperatorTestHarness<String, ProductStats, Trending> harness;

    private void open(int perCategory, Backend backend) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.TRENDING, perCategory);
        harness =
                Harnesses.keyed(
                        new TrendingProducts(RecoOptions.settings(conf).trendingPerCategory()),
                        s -> s.category == null ? "" : s.category,
                        backend);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Stats of one product in the window ending at {@code end}. */
    private static ProductStats stats(
            String product,
            String category,
            Instant end,
            long views,
            long unitsBought,
            long revenueMinor) {
        ProductStats s = new ProductStats();
        s.productId = product;
        s.category = category;
        s.views = views;
        s.unitsBought = unitsBought;
        s.revenueMinor = revenueMinor;
        s.window(end.minus(WINDOW).toEpochMilli(), end.toEpochMilli());
        return s;
    }

    /** As a window emits it: stamped with the window's last millisecond. */
    private void send(ProductStats s) throws Exception {
        harness.processElement(s, s.windowEnd - 1);
    }

    private void watermark(long time) throws Exception {
        harness.processWatermark(time);
    }

    private List<Trending> lists() {
        return harness.extractOutputValues().stream()
                .sorted(
                        Comparator.comparingLong((Trending t) -> t.windowEnd)
                                .thenComparing(t -> t.category))
                .toList();
    }

    private int keysWith(String state) throws Exception {
        KeyedStateBackend<String> keyed =
                ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        try (Stream<String> keys = keyed.getKeys(state, VoidNamespace.INSTANCE)) {
            return (int) keys.count();
        }
    }

    /**
     * Nothing is being built and no timer is left; per category, only the last window end emitted
     * is kept (to ignore re-firings of it).
     */
    private void assertOnlyEmittedWindowsLeft(int categories) throws Exception {
        assertThat(keysWith("trending-building")).isZero();
        assertThat(keysWith("trending-emitted")).isEqualTo(categories);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCategorysTopProductsAreEmittedOnceWhenTheWatermarkPassesTheWindow(Backend backend)
            throws Exception {
        open(3, backend);
        send(stats("p3", "cat-a", W1, 11, 0, 0));
        send(stats("p5", "cat-a", W1, 1, 0, 0));
        send(stats("p1", "cat-a", W1, 20, 0, 0));
        send(stats("q1", "cat-b", W1, 4, 0, 0));
        send(stats("p4", "cat-a", W1, 5, 1, 9_99));
        send(stats("p2", "cat-a", W1, 2, 3, 45_00));

        watermark(W1.toEpochMilli() - 2);
        assertThat(lists()).isEmpty();
        assertThat(keysWith("trending-building")).isEqualTo(2);

        watermark(W1.toEpochMilli() - 1);
        List<Trending> lists = lists();
        assertThat(lists).extracting(t -> t.category).containsExactly("cat-a", "cat-b");
        Trending a = lists.get(0);
        assertThat(a.windowEnd).isEqualTo(W1.toEpochMilli());
        // p2: 2 views + 3 x 3 units = 11, tied with p3's 11 views; ties go by product id.
        assertThat(a.productIds).containsExactly("p1", "p2", "p3");
        assertThat(a.scores).containsExactly(20.0, 11.0, 11.0);
        assertThat(a.pricesEur[0]).isNaN();
        assertThat(a.pricesEur[1]).isEqualTo(15.0);
        assertThat(a.pricesEur[2]).isNaN();
        Trending b = lists.get(1);
        assertThat(b.productIds).containsExactly("q1");
        assertThat(b.scores).containsExactly(4.0);

        // A re-firing of the emitted window (late events) is ignored.
        send(stats("p5", "cat-a", W1, 100, 0, 0));
        watermark(W2.toEpochMilli());
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertOnlyEmittedWindowsLeft(2);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void interleavedWindowsAreEmittedAsTwoListsInWindowOrder(Backend backend) throws Exception {
        open(20, backend);
        send(stats("p1", "cat-a", W1, 3, 0, 0));
        send(stats("p1", "cat-a", W2, 1, 2, 24_00));
        send(stats("p2", "cat-a", W2, 5, 0, 0));
        send(stats("p2", "cat-a", W1, 2, 0, 0));
        assertThat(harness.numEventTimeTimers()).as("one per window end").isEqualTo(2);

        watermark(W1.toEpochMilli() - 1);
        assertThat(lists()).extracting(t -> t.windowEnd).containsExactly(W1.toEpochMilli());
        send(stats("p3", "cat-a", W2, 4, 0, 0));
        watermark(W2.toEpochMilli() - 1);

        List<Trending> lists = harness.extractOutputValues();
        assertThat(lists)
                .extracting(t -> t.windowEnd)
                .containsExactly(W1.toEpochMilli(), W2.toEpochMilli());
        assertThat(lists.get(0).productIds).containsExactly("p1", "p2");
        assertThat(lists.get(0).scores).containsExactly(3.0, 2.0);
        assertThat(lists.get(1).productIds).containsExactly("p1", "p2", "p3");
        assertThat(lists.get(1).scores).containsExactly(7.0, 5.0, 4.0);
        assertThat(lists.get(1).pricesEur[0]).isEqualTo(12.0);
        assertOnlyEmittedWindowsLeft(1);
    }

    @Test
    void aWindowsNewerStatsReplaceTheProductsEarlierOnes() throws Exception {
        open(2, Backend.HEAP);
        send(stats("p1", "cat-a", W1, 10, 0, 0));
        send(stats("p2", "cat-a", W1, 5, 0, 0));
        send(stats("p1", "cat-a", W1, 3, 0, 0));
        send(stats("p3", "cat-a", W1, 4, 0, 0));
        watermark(W1.toEpochMilli());

        Trending a = harness.extractOutputValues().get(0);
        assertThat(a.productIds).containsExactly("p2", "p3");
        assertThat(a.scores).containsExactly(5.0, 4.0);
        assertOnlyEmittedWindowsLeft(1);
    }

    @Test
    void statsOfAWindowTheWatermarkHasPassedAreEmittedAtTheNextWatermark() throws Exception {
        open(5, Backend.HEAP);
        watermark(W2.toEpochMilli());
        send(stats("p1", "cat-a", W1, 1, 0, 0));
        assertThat(lists()).isEmpty();
        watermark(W2.toEpochMilli() + 1);
        assertThat(lists()).extracting(t -> t.windowEnd).containsExactly(W1.toEpochMilli());
        assertOnlyEmittedWindowsLeft(1);
    }
}
