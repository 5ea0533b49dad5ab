-- The hand-written SQL Kaplan-Meier of the survival benchmarks, over the table :tbl
-- (included by survival.b.sql and survival_exact.b.sql).
WITH c AS (
    SELECT plan, duration, count(*) FILTER (WHERE churned) AS d, count(*) AS left_at
    FROM :tbl GROUP BY plan, duration
), r AS (
    SELECT plan, duration, d,
           sum(left_at) OVER (PARTITION BY plan ORDER BY duration DESC) AS at_risk
    FROM c
), s AS (
    SELECT plan, duration, d, at_risk,
           exp(sum(ln(greatest(1 - d::float8 / at_risk, 1e-300))) OVER w) AS surv,
           sum(CASE WHEN d > 0 AND at_risk > d THEN d::float8 / (at_risk * (at_risk - d)) ELSE 0 END) OVER w AS gw
    FROM r WINDOW w AS (PARTITION BY plan ORDER BY duration)
), ci AS (
    SELECT plan, surv, surv * sqrt(gw) AS se,
           CASE WHEN surv > 0 AND surv < 1 THEN exp(-exp(ln(-ln(surv)) + 1.959963984540054 * sqrt(gw) / abs(ln(surv)))) END AS lower,
           CASE WHEN surv > 0 AND surv < 1 THEN exp(-exp(ln(-ln(surv)) - 1.959963984540054 * sqrt(gw) / abs(ln(surv)))) END AS upper
    FROM s
)
SELECT plan, count(*), min(lower), max(upper) FROM ci GROUP BY plan;
