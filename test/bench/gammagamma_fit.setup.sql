-- gammagamma_fit benchmark data, 1M repeat buyers per unit of scale, made
-- once (remade at another scale):
--   bench_gg_max     a likelihood with a maximum: x ~ 1 + Poisson-like,
--                    mean spend exp(3 + 0.5 z1 + 0.4 z2 / sqrt(x)), seeded;
--   bench_gg_runoff  no maximum: the run-off data of sql/lifetime_badinput.sql
--                    ('no proper maximum', x = 2 .. 20, m = 1.5 x + x % 3)
--                    repeated, 19 distinct rows;
--   bench_gg_runoff_distinct  the same with every spend distinct (times
--                    1 + 1e-15 s): still no maximum;
--   bench_gg_limit_a drawn from limit A itself (mean spends Gamma(8 x, 0.1 x),
--                    the sum of 8 x exponentials), seeded: at scale 1 a
--                    maximum at q = 16400, near the face (other scales may
--                    have none).
-- Before Newton's tolerances followed the rounding of the log-likelihood
-- (cr_optim.c, cr_ml_fit_newton), bench_gg_limit_a took 10-13 s at 1M rows.
-- Before the faces decided during Newton (test/unit/test_bgnbd.c,
-- test_gammagamma_faces_decide), the run-off took 20-23 s at 1M rows.
SET client_min_messages = warning;
SELECT to_regclass('bench_gg_scale') IS NULL AS gg_missing
\gset
\if :gg_missing
\else
SELECT scale IS DISTINCT FROM :scale::float8 AS gg_missing FROM bench_gg_scale
\gset
\endif
\if :gg_missing
DROP TABLE IF EXISTS bench_gg_max, bench_gg_runoff, bench_gg_runoff_distinct, bench_gg_limit_a,
  bench_gg_scale;
SELECT setseed(0.5);
CREATE TABLE bench_gg_max AS
SELECT x, exp(3 + 0.5 * z1 + 0.4 * z2 / sqrt(x)) AS m
FROM (SELECT 1 + floor(-3 * ln(random()))::int AS x,
             sqrt(-2 * ln(random())) * cos(2 * pi() * random()) AS z1,
             sqrt(-2 * ln(random())) * cos(2 * pi() * random()) AS z2
      FROM generate_series(1, greatest((1000000 * :scale::float8)::bigint, 1))) q;
CREATE TABLE bench_gg_runoff AS
SELECT x, x * 1.5 + x % 3 AS m
FROM (SELECT 2 + s % 19 AS x FROM generate_series(0, greatest((1000000 * :scale::float8)::bigint, 19) - 1) s) q;
CREATE TABLE bench_gg_runoff_distinct AS
SELECT x, (x * 1.5 + x % 3) * (1 + 1e-15 * s) AS m
FROM (SELECT s, 2 + s % 19 AS x FROM generate_series(0, greatest((1000000 * :scale::float8)::bigint, 19) - 1) s) q;
SELECT setseed(0.2);
CREATE TABLE bench_gg_limit_a AS
SELECT x, (SELECT -sum(ln(1 - random())) FROM generate_series(1, 8 * x)) / (0.1 * x) AS m
FROM (SELECT 1 + floor(-3 * ln(1 - random()))::int AS x
      FROM generate_series(1, greatest((1000000 * :scale::float8)::bigint, 1))) q;
VACUUM ANALYZE bench_gg_max, bench_gg_runoff, bench_gg_runoff_distinct, bench_gg_limit_a;
CREATE TABLE bench_gg_scale AS SELECT :scale::float8 AS scale;
\endif
