-- retention_km over 1e6 distinct durations, checked against a plain SQL
-- recomputation at six points.  Rank i (1..1e6) has duration i / 8 and is
-- churned unless i % 3 = 0, so the member at rank r is at risk with
-- 1000001 - r others and, by the product-limit formula,
--   S(r) = exp(sum over churned ranks i <= r of ln(1 - 1 / (1000001 - i))),
--   Greenwood: se = S * sqrt(sum over churned i <= r of 1 / (n_i (n_i - 1))).
-- Prints "check|NAME|true/false" lines and "hwm|kB", the backend's memory peak.
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
SET max_parallel_workers_per_gather = 0;
-- the memory peak of the aggregate alone (the checks below hold the curve twice)
SELECT pg_backend_pid() AS pid \gset
SELECT cardinality(retention_km(i::float8 / 8, i % 3 <> 0)) > 0 AS built FROM generate_series(1, 1000000) i \gset
\setenv CR_PID :pid
\! sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\).*/hwm|\1/p" /proc/$CR_PID/status
WITH k AS (SELECT retention_km(i::float8 / 8, i % 3 <> 0) AS c FROM generate_series(1, 1000000) i),
pts AS (SELECT p.*, o AS r FROM k, unnest(c) WITH ORDINALITY AS p(time, at_risk, churned, censored, survival, std_err, lower, upper, o)
        WHERE o IN (1, 2, 3, 499999, 500000, 999998, 1000000)),
ref AS (SELECT r, exp(sum(ln(1 - 1.0::float8 / (1000001 - i))) FILTER (WHERE i % 3 <> 0)) AS s,
               sum(1.0::float8 / ((1000001 - i)::float8 * (1000000 - i))) FILTER (WHERE i % 3 <> 0) AS gw
        FROM (VALUES (1), (2), (3), (499999), (500000), (999998)) v(r), generate_series(1, r) i GROUP BY r)
SELECT 'check|' || name || '|' || ok FROM (
  SELECT 'one point per distinct duration' AS name, (SELECT cardinality(c) = 1000000 FROM k) AS ok
  UNION ALL
  SELECT 'time, at_risk, churned, censored at 6 points',
         bool_and(p.time = p.r::float8 / 8 AND p.at_risk = 1000001 - p.r AND p.churned = (p.r % 3 <> 0)::int
                  AND p.censored = (p.r % 3 = 0)::int) AND count(*) = 6
  FROM pts p JOIN ref USING (r)
  UNION ALL
  SELECT 'survival and Greenwood std_err at 6 points (relative 1e-9)',
         bool_and(abs(p.survival - ref.s) <= 1e-9 * ref.s
                  AND abs(p.std_err - ref.s * sqrt(ref.gw)) <= 1e-9 * ref.s * sqrt(ref.gw)) AND count(*) = 6
  FROM pts p JOIN ref USING (r)
  UNION ALL
  SELECT 'the last member churns: survival 0, std_err NULL',
         p.survival = 0 AND p.std_err IS NULL FROM pts p WHERE r = 1000000
) x ORDER BY name;
