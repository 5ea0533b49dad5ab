-- Scoring benchmark: 1 million members x 16 features per unit of scale and a
-- model trained on a sample of them.
DROP TABLE IF EXISTS score_rows, score_model;
CREATE TABLE score_rows AS
SELECT i, ARRAY(SELECT sin(i * k + k) FROM generate_series(1, 16) k)::float8[] AS x
FROM generate_series(1, (1000000 * :scale)::bigint) i;
VACUUM ANALYZE score_rows;
\set vac_table score_rows
\ir all_visible.sql
CREATE TABLE score_model AS
SELECT retention_train(x, sin(i * 0.37) + x[1] > 0) AS model FROM score_rows WHERE i % 20 = 0;
ANALYZE score_model;
