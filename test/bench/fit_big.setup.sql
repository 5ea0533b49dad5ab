-- retention_fit on more rows than retention_train can hold: 10M rows x 16
-- features per unit of scale (BENCH_SCALE=5 for 50M; about 1.9 GB of table
-- per 10M rows), built like train.setup.sql.  Memory: see fit_memory.sh.
SELECT coalesce((SELECT reltuples::bigint FROM pg_class WHERE relname = 'fit_big_rows'), -1)
       = (10000000 * :scale)::bigint AS have_fit_big_rows \gset
\if :have_fit_big_rows
\else
DROP TABLE IF EXISTS fit_big_rows;
CREATE TABLE fit_big_rows AS
SELECT i,
       ARRAY[sin(i + 1.0), sin(2.0 * i + 2), sin(3.0 * i + 3), sin(4.0 * i + 4),
             sin(5.0 * i + 5), sin(6.0 * i + 6), sin(7.0 * i + 7), sin(8.0 * i + 8),
             sin(9.0 * i + 9), sin(10.0 * i + 10), sin(11.0 * i + 11), sin(12.0 * i + 12),
             sin(13.0 * i + 13), sin(14.0 * i + 14), sin(15.0 * i + 15), sin(16.0 * i + 16)]::float8[] AS x,
       ((i * 7919) % 1000) / 1000.0 < 1 / (1 + exp(-(0.3 + sin(i + 1.0) - 0.5 * sin(2.0 * i + 2) + 0.2 * sin(3.0 * i + 3)))) AS y
FROM generate_series(1, (10000000 * :scale)::bigint) i;
VACUUM ANALYZE fit_big_rows;
\set vac_table fit_big_rows
\ir all_visible.sql
\endif
