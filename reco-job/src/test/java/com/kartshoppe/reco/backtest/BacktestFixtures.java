package com.kartshoppe.reco.backtest;

import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Fixed instants, actions and recommendations for the backtest measures' tests. */
final class BacktestFixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private BacktestFixtures() {}

    static long at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes)).toEpochMilli();
    }

    static long minutes(int minutes) {
        return Duration.ofMinutes(minutes).toMillis();
    }

    static NextActions.Action view(String user, int minute, String product) {
        return new NextActions.Action(user, at(minute), product, 0);
    }

    static NextActions.Action bought(String user, int minute, String product) {
        return new NextActions.Action(user, at(minute), product, 1);
    }

    /** A recommendation; a product id ending in {@code *} is shown as explored. */
    static Recommendation reco(String id, String user, int minute, String viewed, String... shown) {
        List<RecommendedItem> items = new ArrayList<>();
        for (String p : shown) {
            boolean explored = p.endsWith("*");
            items.add(new RecommendedItem(p.replace("*", ""), 0.5, 0.5, explored));
        }
        return Recommendation.newBuilder()
                .setRecoId(id)
                .setEventTime(Instant.ofEpochMilli(at(minute)))
                .setUserId(user)
                .setTriggerProductId(viewed)
                .setItems(items)
                .setModelName("reco")
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .setCreatedAt(Instant.ofEpochMilli(at(minute)))
                .build();
    }
}
