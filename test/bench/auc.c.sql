-- label: SQL: GROUP BY score, then a running sum() window over the groups
WITH per_score AS (
    SELECT score, count(*) FILTER (WHERE label) AS p, count(*) FILTER (WHERE NOT label) AS n
    FROM auc_bench GROUP BY score
), below AS (
    SELECT p, n, sum(n) OVER (ORDER BY score) - n AS n_below FROM per_score
)
SELECT sum(p * (n_below + n / 2.0)) / (sum(p) * sum(n)) AS auc FROM below;
