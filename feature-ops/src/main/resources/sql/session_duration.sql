-- Average session duration per shopper (the KartShoppe blog's session feature).
-- A session is the storefront session a shopper's clicks and placed orders carry (sessionId):
-- it starts at its first event and ends at its last; the durations are averaged per shopper.
-- Equal to a brute-force computation over the files (SessionDurationSqlITCase).
-- Run it: kartshoppe sql --events jsonl:DIR --file feature-ops/src/main/resources/sql/session_duration.sql
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
        -- Milliseconds as epoch seconds and milliseconds: TIMESTAMPDIFF counts whole seconds.
        CAST((EXTRACT(EPOCH FROM MAX(eventTime)) - EXTRACT(EPOCH FROM MIN(eventTime))) * 1000
            + EXTRACT(MILLISECOND FROM MAX(eventTime)) - EXTRACT(MILLISECOND FROM MIN(eventTime))
            AS DOUBLE) / 1000 AS durationSeconds
    FROM activity
    GROUP BY userId, sessionId
)
SELECT userId, COUNT(*) AS sessions, AVG(durationSeconds) AS avgSessionSeconds
FROM sessions
GROUP BY userId
