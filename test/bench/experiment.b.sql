-- label: SQL: count and avg per arm (no intervals)
SELECT count(*) FILTER (WHERE treated) AS n_treated, count(*) FILTER (WHERE NOT treated) AS n_control,
       avg(retained::int) FILTER (WHERE treated) AS rate_treated,
       avg(retained::int) FILTER (WHERE NOT treated) AS rate_control
FROM experiment_bench;
