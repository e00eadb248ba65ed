package com.kartshoppe.fraud.rules;

import com.kartshoppe.events.Decision;
import java.io.Serializable;
import java.time.Duration;

/**
 * What a {@link RuleSet} says about one fraud pattern's hits: whether they count, the least
 * decision of an order they flag, how long after a hit its key's orders are flagged, the longest a
 * hit may span from its first event to its last, and, for card testing only, the fewest distinct
 * cards and the largest probe (in euro cents) a hit may have.
 */
public record PatternRule(
        boolean enabled,
        Decision atLeast,
        Duration flagFor,
        Duration within,
        int minCards,
        long maxProbeCents)
        implements Serializable {}
