-- retention_km per group over 100 000 groups (500 000 rows, some durations
-- tied within a group), three groups recomputed in plain SQL: at risk as a
-- running count from the longest duration down, survival as a running
-- product of (1 - churned / at risk).  Prints "hwm|kB", the memory peak
-- after the GROUP BY, and "check|NAME|true/false" lines.
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE spells AS
SELECT i % 100000 AS g, (i / 100000)::float8 + (i % 3) / 2.0 AS d, i % 5 <> 0 AS churned
FROM generate_series(1, 500000) i;
SELECT pg_backend_pid() AS pid \gset
CREATE TEMP TABLE res AS SELECT g, retention_km(d, churned) AS c FROM spells GROUP BY g;
\setenv CR_PID :pid
\! sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\).*/hwm|\1/p" /proc/$CR_PID/status
WITH ref AS (
  SELECT g, d, count(*) AS n, count(*) FILTER (WHERE churned) AS e
  FROM spells WHERE g IN (0, 12345, 99999) GROUP BY g, d),
ref2 AS (SELECT g, d, sum(n) OVER (PARTITION BY g ORDER BY d DESC) AS at_risk, e FROM ref),
ref3 AS (SELECT g, d, at_risk,
                exp(sum(ln(greatest(1 - e::float8 / at_risk, 1e-300))) OVER (PARTITION BY g ORDER BY d)) AS s
         FROM ref2),
cmp AS (SELECT p.*, r.at_risk AS ref_at_risk, r.s AS ref_s
        FROM res, unnest(c) p JOIN ref3 r ON p.time = r.d WHERE res.g IN (0, 12345, 99999) AND r.g = res.g)
SELECT 'check|' || name || '|' || ok FROM (
  SELECT '100000 groups, 500000 rows in their curves' AS name,
         (SELECT count(*) = 100000 AND sum((SELECT sum(p.churned + p.censored) FROM unnest(c) p)) = 500000 FROM res) AS ok
  UNION ALL
  SELECT 'three groups equal a SQL recomputation (at risk; survival to 1e-12)',
         count(*) = (SELECT count(*) FROM ref) AND bool_and(at_risk = ref_at_risk AND abs(survival - ref_s) <= 1e-12)
  FROM cmp
) x ORDER BY name;
