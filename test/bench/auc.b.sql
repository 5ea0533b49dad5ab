-- label: SQL: rank() window, ties at their average rank (Mann-Whitney)
WITH ranked AS (
    SELECT label,
           rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS avg_rank
    FROM auc_bench
), totals AS (
    SELECT sum(avg_rank) FILTER (WHERE label) AS rank_sum,
           count(*) FILTER (WHERE label) AS np,
           count(*) FILTER (WHERE NOT label) AS nn
    FROM ranked
)
SELECT (rank_sum - np * (np + 1) / 2.0) / (np * nn) AS auc FROM totals;
