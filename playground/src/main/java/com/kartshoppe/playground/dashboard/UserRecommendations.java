package com.kartshoppe.playground.dashboard;

import java.util.List;

/**
 * The latest recommendation a shopper received, as {@link LiveView} keeps it.
 *
 * @param createdAt wall-clock time the list was produced, epoch milliseconds
 * @param items in display order, best first (at most {@link LiveAggregates#ITEMS_KEPT})
 */
public record UserRecommendations(
        String userId,
        String recoId,
        String modelName,
        String modelVersion,
        long adapterVersion,
        long createdAt,
        List<Item> items) {

    public UserRecommendations {
        items = List.copyOf(items);
    }

    /** One recommended product with its served (adapted) and base model scores. */
    public record Item(String productId, double score, double baseScore, boolean explored) {}
}
