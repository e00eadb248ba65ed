package com.kartshoppe.features.analytics;

import java.util.Locale;

/**
 * Conversion of one campaign's sessions in one tumbling event-time window, for analysts: sessions
 * that ended in the window, those with an order, and their mean duration. A Flink POJO, also used
 * for the partial counts of the pre-aggregation.
 */
public class CampaignStats {

    public String campaignId;
    public long windowStart;
    public long windowEnd;
    public long sessions;
    public long conversions;
    public double durationSecondsSum;

    /** For Flink's POJO serializer. */
    public CampaignStats() {}

    public double conversionRate() {
        return sessions == 0 ? 0 : (double) conversions / sessions;
    }

    public double averageSessionSeconds() {
        return sessions == 0 ? 0 : durationSecondsSum / sessions;
    }

    CampaignStats plus(CampaignStats other) {
        CampaignStats sum = new CampaignStats();
        sum.campaignId = campaignId != null ? campaignId : other.campaignId;
        sum.windowStart = windowStart;
        sum.windowEnd = windowEnd;
        sum.sessions = sessions + other.sessions;
        sum.conversions = conversions + other.conversions;
        sum.durationSecondsSum = durationSecondsSum + other.durationSecondsSum;
        return sum;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "CampaignStats{%s [%d, %d) sessions=%d conversions=%d rate=%.3f avgSec=%.1f}",
                campaignId,
                windowStart,
                windowEnd,
                sessions,
                conversions,
                conversionRate(),
                averageSessionSeconds());
    }
}
