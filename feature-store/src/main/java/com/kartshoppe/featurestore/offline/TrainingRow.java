package com.kartshoppe.featurestore.offline;

import java.time.Instant;
import java.util.Map;

/**
 * One row of a training set: a label and the feature values that were current at its time. {@code
 * featureTime <= time} always holds.
 *
 * @param id the label's id, or null if it had none
 * @param entityId the entity
 * @param time the label's time
 * @param label the label's value
 * @param featureSet the feature set's name
 * @param featureSetVersion the version the joined snapshot was written with
 * @param featureTime the event time of the joined snapshot
 * @param values the snapshot's values by name, in the feature set's definition order (names it does
 *     not define follow, sorted)
 */
public record TrainingRow(
        String id,
        String entityId,
        Instant time,
        double label,
        String featureSet,
        int featureSetVersion,
        Instant featureTime,
        Map<String, Double> values) {}
