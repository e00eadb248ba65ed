package com.kartshoppe.reco;

import java.io.Serializable;
import java.time.Duration;

/**
 * The recommendation job's settings, validated ({@link RecoOptions#settings}); times in
 * milliseconds.
 */
public record RecoSettings(
        int topK,
        int maxCandidates,
        long minIntervalMillis,
        double exploration,
        boolean includeViewed,
        int neighbours,
        long coviewHalfLifeMillis,
        long interestHalfLifeMillis,
        int trendingPerCategory,
        Duration profileRetention)
        implements Serializable {}
