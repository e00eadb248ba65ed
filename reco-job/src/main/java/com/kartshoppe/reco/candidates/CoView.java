package com.kartshoppe.reco.candidates;

/**
 * Evidence that two products go together: viewed in one session (weight 1) or bought together
 * (weight 3). Routed to {@link #productId}'s {@link ItemNeighbours}. A Flink POJO.
 */
public class CoView {

    public String productId;
    public String neighbourId;
    public String neighbourCategory;
    public double weight;
    public long eventTime;

    /** For Flink's POJO serializer. */
    public CoView() {}

    public CoView(
            String productId,
            String neighbourId,
            String neighbourCategory,
            double weight,
            long eventTime) {
        this.productId = productId;
        this.neighbourId = neighbourId;
        this.neighbourCategory = neighbourCategory;
        this.weight = weight;
        this.eventTime = eventTime;
    }

    @Override
    public String toString() {
        return productId + "~" + neighbourId + " " + weight + "@" + eventTime;
    }
}
