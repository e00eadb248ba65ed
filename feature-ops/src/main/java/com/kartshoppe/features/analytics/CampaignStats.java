package com.kartshoppe.features.analytics;

import java.util.Locale;

/**
 * Conversion of one campaign's sessions in one tumbling event-time window, for analysts: the
 * sessions counted in the window (by the time their session window closed, a gap after their last
 * event), those with an order, and their total duration. A Flink POJO.
 */
public class CampaignStats extends Partial<CampaignStats> {

    public String campaignId;
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

    @Override
    public String key() {
        return campaignId;
    }

    @Override
    protected CampaignStats combine(CampaignStats other, int sign) {
        CampaignStats r = new CampaignStats();
        r.campaignId = campaignId != null ? campaignId : other.campaignId;
        r.sessions = sessions + sign * other.sessions;
        r.conversions = conversions + sign * other.conversions;
        r.durationSecondsSum = durationSecondsSum + sign * other.durationSecondsSum;
        return r;
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
