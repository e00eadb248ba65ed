-- Conversion rate per campaign (the KartShoppe blog's grouping), per hour.
-- Sessions are event-time session windows of a shopper's clicks and placed orders (30-minute
-- gap); a session belongs to the campaign of its earliest click that carries one ('none' if no
-- click does), converts if it has a placed order, lasts from its first to its last event, and
-- counts in the hour in which its session window closes (window_time: a gap after its last
-- event). The same numbers as the DataStream CampaignConversion (SqlFeaturesITCase).
-- Run it: kartshoppe sql --events jsonl:DIR --file feature-ops/src/main/resources/sql/campaign_conversion.sql
WITH activity AS (
    SELECT userId, eventTime, campaignId, 0 AS isOrder FROM clicks
    UNION ALL
    SELECT userId, eventTime, CAST(NULL AS STRING) AS campaignId, 1 AS isOrder
    FROM orders
    WHERE status = 'PLACED'
),
sessions AS (
    SELECT
        userId,
        window_time AS closedAt,
        -- The campaign of the earliest click carrying one: the minimum of (time, campaign), the
        -- time written so that text order is time order (23 characters).
        COALESCE(
            SUBSTRING(
                MIN(CASE WHEN campaignId IS NOT NULL THEN CONCAT(
                    DATE_FORMAT(eventTime, 'yyyy-MM-dd HH:mm:ss.SSS'), campaignId) END)
                FROM 24),
            'none') AS campaignId,
        MAX(isOrder) AS converted,
        -- Milliseconds as epoch seconds and milliseconds: TIMESTAMPDIFF counts whole seconds.
        CAST((EXTRACT(EPOCH FROM MAX(eventTime)) - EXTRACT(EPOCH FROM MIN(eventTime))) * 1000
            + EXTRACT(MILLISECOND FROM MAX(eventTime)) - EXTRACT(MILLISECOND FROM MIN(eventTime))
            AS DOUBLE) / 1000 AS durationSeconds
    FROM TABLE(SESSION(TABLE activity PARTITION BY userId, DESCRIPTOR(eventTime),
        INTERVAL '30' MINUTE))
    GROUP BY userId, window_start, window_end, window_time
)
SELECT
    campaignId,
    window_start AS windowStart,
    window_end AS windowEnd,
    COUNT(*) AS sessions,
    SUM(converted) AS conversions,
    CAST(SUM(converted) AS DOUBLE) / COUNT(*) AS conversionRate,
    AVG(durationSeconds) AS avgSessionSeconds
FROM TABLE(TUMBLE(TABLE sessions, DESCRIPTOR(closedAt), INTERVAL '1' HOUR))
GROUP BY campaignId, window_start, window_end
