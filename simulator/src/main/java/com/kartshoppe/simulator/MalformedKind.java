package com.kartshoppe.simulator;

import java.util.Arrays;

/** The kinds of bad records the simulator injects, as extra records next to the real ones. */
public enum MalformedKind {
    /** Bytes (or a JSON line) that are not an encoded record at all. */
    GARBAGE("garbage"),
    /** A valid encoding whose required identifier (user, order, card...) is empty. */
    MISSING_FIELD("missing-field"),
    /** An order or payment with a negative amount. */
    NEGATIVE_AMOUNT("negative-amount"),
    /**
     * An event time far in the future: the real time in microseconds, written where milliseconds
     * belong.
     */
    FUTURE_TIMESTAMP("future-timestamp");

    private final String id;

    MalformedKind(String id) {
        this.id = id;
    }

    /** The kind's name on the command line and in the summary. */
    public String id() {
        return id;
    }

    public static MalformedKind fromId(String id) {
        return Arrays.stream(values())
                .filter(k -> k.id.equals(id))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "Unknown malformed kind '"
                                                + id
                                                + "'; known: "
                                                + Arrays.stream(values())
                                                        .map(MalformedKind::id)
                                                        .toList()));
    }
}
