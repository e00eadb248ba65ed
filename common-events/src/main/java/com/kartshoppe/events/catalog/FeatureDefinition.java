package com.kartshoppe.events.catalog;

import java.io.Serializable;
import java.util.Objects;

/**
 * One feature: what it means, in what unit, over which window, and the value a consumer uses when
 * it is missing. Features are addressed by name.
 *
 * @param kind whether the value is ready on the triggering event or when a window closes
 * @param window human-readable window, e.g. {@code 10 min (30 s buckets)}, or {@code -}
 */
public record FeatureDefinition(
        String name,
        ValueType type,
        String unit,
        Kind kind,
        String window,
        double defaultValue,
        String description)
        implements Serializable {

    /** How a value is to be read; every value travels as a double. */
    public enum ValueType {
        COUNT,
        REAL,
        FLAG
    }

    /** When a value is available. */
    public enum Kind {
        /** Updated on every event and available on the triggering event itself. */
        AS_OF_EVENT,
        /** Computed by an event-time window and available when it fires. */
        WINDOWED
    }

    public FeatureDefinition {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("feature name '" + name + "' must be snake_case");
        }
        Objects.requireNonNull(type, "type of " + name);
        Objects.requireNonNull(unit, "unit of " + name);
        Objects.requireNonNull(kind, "kind of " + name);
        Objects.requireNonNull(window, "window of " + name);
        Objects.requireNonNull(description, "description of " + name);
    }
}
