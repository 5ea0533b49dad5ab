-- label: engagement_summary, one aggregate per member
CREATE TEMP TABLE bench_features AS
SELECT member_id, engagement_summary(occurred_at, '2024-07-01 00:00+00', minutes) AS e
FROM bench_activity
GROUP BY member_id;
