-- Data for the concurrency soak (make soak, and 30 s of it in make test):
-- the demo's tables, model, view and rules, and a table of 1M groups.
\set QUIET on
\o /dev/null
\ir ../scripts/demo.sql
\o
CREATE TABLE groups_1m AS
SELECT g, k,
       ARRAY[sin(g * 2 + k), cos(g + k)]::float8[] AS x,
       k = 1 AS y,
       timestamptz '2025-06-01 00:00:00+00' + (g % 97) * interval '1 day' + k * interval '5 hours' AS ts,
       ((g * 7 + k * 3) % 100) / 100.0 AS score
FROM generate_series(1, 1000000) g, generate_series(0, 1) k;
ANALYZE groups_1m;
