-- Time from product view to purchase (the KartShoppe blog's interval join).
-- One row per product view: the shopper's earliest purchase of the viewed product (a PLACED
-- order with the product among its items) within 30 minutes after the view, and the gap in
-- seconds; purchaseTime and secondsToPurchase are NULL when the view did not convert.
-- The same rows as the DataStream ViewToPurchaseJoin (SqlFeaturesITCase).
-- Run it: kartshoppe sql --events jsonl:DIR --file feature-ops/src/main/resources/sql/view_to_purchase.sql
SELECT
    v.userId,
    v.productId,
    v.eventId AS viewEventId,
    v.eventTime AS viewTime,
    MIN(p.purchaseTime) AS purchaseTime,
    -- Milliseconds as epoch seconds and milliseconds: TIMESTAMPDIFF counts whole seconds only.
    CAST((EXTRACT(EPOCH FROM MIN(p.purchaseTime)) - EXTRACT(EPOCH FROM v.eventTime)) * 1000
        + EXTRACT(MILLISECOND FROM MIN(p.purchaseTime)) - EXTRACT(MILLISECOND FROM v.eventTime)
        AS DOUBLE) / 1000 AS secondsToPurchase
FROM clicks AS v
LEFT JOIN (
    SELECT o.userId, i.productId, o.eventTime, CAST(o.eventTime AS TIMESTAMP(3)) AS purchaseTime
    FROM orders AS o
    CROSS JOIN UNNEST(o.items) AS i (productId, category, quantity, unitPriceMinor)
    WHERE o.status = 'PLACED'
) AS p
    ON p.userId = v.userId
    AND p.productId = v.productId
    AND p.eventTime BETWEEN v.eventTime AND v.eventTime + INTERVAL '30' MINUTE
WHERE v.type = 'PRODUCT_VIEW'
GROUP BY v.userId, v.productId, v.eventId, v.eventTime
