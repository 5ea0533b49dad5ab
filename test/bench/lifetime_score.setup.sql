-- The buyer-model data of lifetime_data.sql, made once for the three lifetime_* comparisons.
SELECT to_regclass('bench_lifetime_scale') IS NULL AS lifetime_missing
\gset
\if :lifetime_missing
\ir lifetime_data.sql
\else
SELECT scale IS DISTINCT FROM :scale::float8 AS lifetime_stale FROM bench_lifetime_scale
\gset
\if :lifetime_stale
\ir lifetime_data.sql
\endif
\endif
