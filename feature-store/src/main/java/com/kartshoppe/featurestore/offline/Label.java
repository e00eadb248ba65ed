package com.kartshoppe.featurestore.offline;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing to learn: an entity, the moment a decision about it was made, and what turned out to be
 * true. A point-in-time join gives it the features that were known at {@code time}.
 *
 * <pre>{@code
 * Label label = new Label("fraud-o-42", "u-7", Instant.parse("2026-01-01T00:10:00Z"), 1);
 * }</pre>
 *
 * @param id the caller's id, echoed into the training row; may be null
 * @param entityId the entity the features describe, e.g. a userId
 * @param time the decision time: only features as of this time or earlier are joined
 * @param label the outcome, any number (a class or a regression target)
 */
public record Label(String id, String entityId, Instant time, double label) {

    public Label {
        Objects.requireNonNull(entityId, "entityId");
        Objects.requireNonNull(time, "time");
    }
}
