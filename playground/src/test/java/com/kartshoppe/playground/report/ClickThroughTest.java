package com.kartshoppe.playground.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import com.kartshoppe.reco.backtest.Baselines;
import com.kartshoppe.reco.backtest.NextActions;
import com.kartshoppe.reco.backtest.NextActions.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link ClickThrough}. */
class ClickThroughTest {

    private static final Instant T0 = Instant.parse("2031-01-01T00:00:00Z");
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long HORIZON = Duration.ofMinutes(30).toMillis();

    @Test
    void countsTheShownSlotsViewedOrBoughtWithinTheHorizonPerListAndPosition() {
        NextActions actions =
                NextActions.of(
                        List.of(
                                // before the request: pB is the most popular, then pA
                                view("u2", 0, "pA"),
                                view("u2", 1, "pB"),
                                view("u3", 2, "pB"),
                                // after it, by the shopper asked for: a view and a purchase
                                view("u1", 15, "pA"),
                                new Action("u1", at(20), "pC", 1),
                                // too late, and somebody else's
                                view("u1", 41, "pB"),
                                view("u4", 12, "pB")));
        Recommendation reco = reco("r1", "u1", 10, "p0", "pC", "pA", "pB");

        ClickThrough ctr =
                ClickThrough.of(
                        List.of(reco),
                        actions,
                        HORIZON,
                        Baselines.of(List.of(reco), actions, HOUR, HOUR, 3));

        assertThat(ctr.job().impressions()).containsExactly(1, 1, 1);
        assertThat(ctr.job().relevant()).containsExactly(1, 1, 0);
        assertThat(ctr.job().rate()).isEqualTo(2 / 3.0);
        assertThat(ctr.job().rate(2)).isZero();
        // popularity shows [pB, pA]: nothing else was viewed before the request
        assertThat(ctr.popularity().impressions()).containsExactly(1, 1, 0);
        assertThat(ctr.popularity().relevant()).containsExactly(0, 1, 0);
        assertThat(ctr.popularity().rate()).isEqualTo(0.5);
        assertThat(ctr.popularity().rate(2)).isNaN();
        // nothing was co-viewed with p0: the co-view list is popularity's
        assertThat(ctr.coView().relevant()).containsExactly(0, 1, 0);
    }

    private static long at(int minute) {
        return T0.plus(Duration.ofMinutes(minute)).toEpochMilli();
    }

    private static Action view(String user, int minute, String product) {
        return new Action(user, at(minute), product, 0);
    }

    private static Recommendation reco(
            String id, String user, int minute, String viewed, String... shown) {
        return Recommendation.newBuilder()
                .setRecoId(id)
                .setEventTime(Instant.ofEpochMilli(at(minute)))
                .setUserId(user)
                .setTriggerProductId(viewed)
                .setItems(
                        Arrays.stream(shown)
                                .map(p -> new RecommendedItem(p, 0.5, 0.5, false))
                                .toList())
                .setModelName("reco")
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .setCreatedAt(Instant.ofEpochMilli(at(minute)))
                .build();
    }
}
