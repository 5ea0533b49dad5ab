-- Scoring with the registry's active model: 200 000 members x 16 features per
-- unit of scale; a model trained on a sample, saved and activated as 'bench'.
DROP TABLE IF EXISTS registry_rows, registry_model;
DELETE FROM retention_model_registry WHERE name = 'bench';
CREATE TABLE registry_rows AS
SELECT i, ARRAY(SELECT sin(i * k + k) FROM generate_series(1, 16) k)::float8[] AS x
FROM generate_series(1, (200000 * :scale)::bigint) i;
VACUUM ANALYZE registry_rows;
CREATE TABLE registry_model AS
SELECT retention_train(x, sin(i * 0.37) + x[1] > 0) AS model FROM registry_rows WHERE i % 20 = 0;
SELECT retention_model_activate('bench', retention_model_save('bench', model)) FROM registry_model;
