-- Engagement features benchmark data: at scale 1, 10M events over 100k members
-- across 180 days (deterministic: a multiplicative hash of the row number).
DROP TABLE IF EXISTS bench_activity;
CREATE TABLE bench_activity (member_id bigint, occurred_at timestamptz, minutes float8);
INSERT INTO bench_activity
SELECT g % greatest((100000 * :scale)::bigint, 1),
       '2024-01-03 00:00+00'::timestamptz
         + make_interval(secs => ((g * 2654435761) % (180 * 86400))::float8),
       ((g * 40503) % 60)::float8
FROM generate_series(1, greatest((10000000 * :scale)::bigint, 1)) g;
VACUUM ANALYZE bench_activity;
\set vac_table bench_activity
\ir all_visible.sql
