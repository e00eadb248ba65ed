-- Average session duration per shopper (the KartShoppe blog's session feature), and the
-- SQL-defined feature set shopper_sessions_v1 (FeatureCatalog.SHOPPER_SESSIONS_V1).
-- A session is the storefront session (sessionId) of a shopper's clicks and placed orders: it
-- starts at its first event and ends at its last. One row per shopper, revised on every event:
-- its sessions so far and their mean duration, as of its newest event (eventTime). The columns
-- entityId, eventTime and one per feature are what a feature set's query declares.
-- Equal to a brute-force computation over the files (SqlFeaturesITCase, SqlFeatureSetITCase).
-- Run it: kartshoppe sql --events jsonl:DIR --file feature-ops/src/main/resources/sql/session_duration.sql
-- Serve it: kartshoppe sql --bootstrap HOST:PORT --feature-set shopper_sessions_v1 \
--     --out kafka:HOST:PORT --file feature-ops/src/main/resources/sql/session_duration.sql
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
