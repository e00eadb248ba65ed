-- The feature set shopper_sessions_v1 (FeatureCatalog.SHOPPER_SESSIONS_V1), defined in SQL.
-- One row per shopper, revised on every click and placed order: the storefront sessions
-- (sessionId) so far and their mean duration, as of the shopper's newest event. A feature set's
-- query names its columns entityId, eventTime and one per feature of the set.
-- Write it to the features topic, where the feature store materialises and serves it:
--   kartshoppe sql --bootstrap HOST:PORT --feature-set shopper_sessions_v1 --out kafka:HOST:PORT \
--       --file feature-ops/src/main/resources/sql/shopper_sessions_v1.sql
WITH activity AS (
    SELECT userId, sessionId, eventTime FROM clicks
    UNION ALL
    SELECT userId, sessionId, eventTime FROM orders
    WHERE status = 'PLACED' AND sessionId IS NOT NULL
),
sessions AS (
    SELECT
        userId,
        sessionId,
        MAX(eventTime) AS lastEvent,
        -- Milliseconds as epoch seconds and milliseconds: TIMESTAMPDIFF counts whole seconds.
        CAST((EXTRACT(EPOCH FROM MAX(eventTime)) - EXTRACT(EPOCH FROM MIN(eventTime))) * 1000
            + EXTRACT(MILLISECOND FROM MAX(eventTime)) - EXTRACT(MILLISECOND FROM MIN(eventTime))
            AS DOUBLE) / 1000 AS durationSeconds
    FROM activity
    GROUP BY userId, sessionId
)
SELECT
    userId AS entityId,
    MAX(lastEvent) AS eventTime,
    CAST(COUNT(*) AS DOUBLE) AS sessions,
    AVG(durationSeconds) AS avg_session_sec
FROM sessions
GROUP BY userId
