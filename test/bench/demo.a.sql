-- label: retention_demo_activity (C generator)
-- About 1.6 million activity rows per unit of scale (15000 members, 180 days).
SELECT count(*) FROM retention_demo_activity((15000 * :scale)::int, 180, 42);
