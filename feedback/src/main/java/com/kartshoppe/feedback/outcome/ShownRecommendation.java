package com.kartshoppe.feedback.outcome;

import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.outcomes.LabeledExamples;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The items of one recommendation, as their prediction logs arrive, and what the shopper did with
 * each within the attribution window. Plain Java; a Flink POJO in {@link RecoOutcomes}' state.
 */
public class ShownRecommendation {

    public long time;
    public PredictionLog[] items = {};
    public boolean[] clicked = {};
    public boolean[] purchased = {};

    /** Event time of the first click or purchase of each item; 0 while none. */
    public long[] positiveAt = {};

    /** For Flink's POJO serializer. */
    public ShownRecommendation() {}

    ShownRecommendation(long time) {
        this.time = time;
    }

    /**
     * Adds a shown item's prediction log.
     *
     * @return false, adding nothing, for a prediction already held (a redelivered log)
     */
    boolean add(PredictionLog item) {
        for (PredictionLog held : items) {
            if (held.getPredictionId().equals(item.getPredictionId())) {
                return false;
            }
        }
        int n = items.length;
        items = Arrays.copyOf(items, n + 1);
        items[n] = item;
        clicked = Arrays.copyOf(clicked, n + 1);
        purchased = Arrays.copyOf(purchased, n + 1);
        positiveAt = Arrays.copyOf(positiveAt, n + 1);
        return true;
    }

    /** Whether an engagement at {@code t} is attributed: at or after showing, within the window. */
    boolean attributes(long t, long window) {
        return t >= time && t <= time + window;
    }

    /**
     * Records a click or purchase of {@code productId} at {@code t}.
     *
     * @return whether the product was shown
     */
    boolean engage(String productId, long t, boolean purchase) {
        boolean shown = false;
        for (int i = 0; i < items.length; i++) {
            if (productId.equals(items[i].getItemId())) {
                shown = true;
                if (purchase) {
                    purchased[i] = true;
                } else {
                    clicked[i] = true;
                }
                if (positiveAt[i] == 0 || t < positiveAt[i]) {
                    positiveAt[i] = t;
                }
            }
        }
        return shown;
    }

    /**
     * One outcome per item, in display order (the logs arrive in any order: they are keyed by
     * prediction id); the first carries the request's counts.
     */
    Outcome[] outcomes(long deadline) {
        Outcome[] outcomes = new Outcome[items.length];
        boolean hit = false;
        boolean bought = false;
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> position(items[i])));
        for (int k = 0; k < items.length; k++) {
            int i = order[k];
            boolean positive = clicked[i] || purchased[i];
            String source = purchased[i] ? "PURCHASE" : clicked[i] ? "RECO_CLICK" : "NO_CLICK";
            long labelTime = positive ? positiveAt[i] : deadline;
            Outcome o =
                    new Outcome(
                            LabeledExamples.of(
                                    items[i],
                                    positive ? 1 : 0,
                                    source,
                                    Instant.ofEpochMilli(labelTime)),
                            positive,
                            deadline);
            o.clicked = clicked[i];
            o.purchased = purchased[i];
            outcomes[k] = o;
            hit |= positive;
            bought |= purchased[i];
        }
        if (outcomes.length > 0) {
            // Counted once, on the first item shown.
            outcomes[0].requestItems = items.length;
            outcomes[0].requestHit = hit;
            outcomes[0].requestPurchase = bought;
        }
        return outcomes;
    }

    private static int position(PredictionLog item) {
        return item.getPosition() == null ? Integer.MAX_VALUE : item.getPosition();
    }
}
