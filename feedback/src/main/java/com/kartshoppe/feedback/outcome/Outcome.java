package com.kartshoppe.feedback.outcome;

import com.kartshoppe.events.LabeledExample;
import java.util.Map;

/**
 * One prediction's outcome: its {@link LabeledExample} and what the accuracy reports count about it
 * beyond the label. A Flink POJO.
 */
public class Outcome {

    /** The served prediction with its label. */
    public LabeledExample example;

    /**
     * The label arrived after the label horizon, when the prediction had already matured as
     * negative: written as a training example, counted in the reports, not learned from.
     */
    public boolean late;

    /** Whether the label is a real one, not the maturity default (MATURED, NO_CLICK). */
    public boolean labelled;

    /** For reco: the shopper clicked the shown item on the recommendation. */
    public boolean clicked;

    /** For reco: the shopper ordered the shown item within the attribution window. */
    public boolean purchased;

    /**
     * Set on one outcome per request (an order, a recommendation): the number of shown items of the
     * request; 0 on the others. Requests are counted by it.
     */
    public int requestItems;

    /** On the counted outcome of a recommendation: any shown item was clicked or bought. */
    public boolean requestHit;

    /** On the counted outcome of a recommendation: any shown item was bought. */
    public boolean requestPurchase;

    /**
     * The event time at which the outcome became final: the later of the label's and the
     * prediction's time for a fraud label, the end of the horizon or attribution window for a
     * matured one. Unlike the record's timestamp it does not depend on which input arrived first,
     * so it orders learning the same way in every replay.
     */
    public long decidedAt;

    /** For Flink's POJO serializer. */
    public Outcome() {}

    Outcome(LabeledExample example, boolean labelled, long decidedAt) {
        this.example = example;
        this.labelled = labelled;
        this.decidedAt = decidedAt;
    }

    /** This outcome without the example's feature values: what the accuracy reports keep. */
    public Outcome withoutFeatures() {
        Outcome slim =
                new Outcome(
                        LabeledExample.newBuilder(example).setFeatures(Map.of()).build(),
                        labelled,
                        decidedAt);
        slim.late = late;
        slim.clicked = clicked;
        slim.purchased = purchased;
        slim.requestItems = requestItems;
        slim.requestHit = requestHit;
        slim.requestPurchase = requestPurchase;
        return slim;
    }
}
