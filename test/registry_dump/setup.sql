-- Run by the non-superuser database owner cr_rd_owner in cr_rd_src: it
-- installs the extension (so it owns the registry table), saves versions,
-- lets the coach role save its own, and enables row-level security.
SET TimeZone = 'UTC';
CREATE EXTENSION community_retention;
CREATE TABLE rd_rows AS
SELECT i, ARRAY[(i % 7)::float8, (i % 3)::float8] AS x, (i % 7 + i % 3) % 4 <> 0 AS y
FROM generate_series(1, 300) i;
SELECT retention_model_save('churn', retention_train(x, y, jsonb_build_object('features', ARRAY['a', 'b'], 'l2', l2)),
                            jsonb_build_object('l2', l2), 'l2 ' || l2)
FROM rd_rows, (VALUES (0), (5)) v(l2) GROUP BY l2 ORDER BY l2;
SELECT retention_model_activate('churn', 2);
-- a name that needs quoting, a note over two lines, no active version
SELECT retention_model_save('weighted "v2"', model, '{"auc": 0.75}', E'a note\nover two lines')
FROM retention_model_registry WHERE name = 'churn' AND version = 1;
GRANT SELECT, INSERT, UPDATE ON retention_model_registry TO cr_rd_coach;
