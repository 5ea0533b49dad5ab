-- label: the same 20 rules as hand-written SQL: one count(*) per rule, UNION ALL
SELECT sum(n) FROM (
  SELECT count(*) AS n FROM rules_members m WHERE m.recency_days > 14 AND m.retention_score < 0.3
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.plan = 'annual' AND m.recency_days BETWEEN 20 AND 60
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.current_streak >= 7
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.longest_streak >= 30 AND m.current_streak = 0
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.active_days_30 < 3 AND m.events > 50
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.retention_score < 0.2 AND m.plan = 'monthly' AND NOT m.renewed
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.trend < -0.5
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.decayed_activity > 10 AND m.trend > 0.2
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.minutes_30 / (m.active_days_30 + 1) > 30
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.retention_score BETWEEN 0.3 AND 0.5 AND m.recency_days > 7
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.plan IN ('annual', 'lifetime') AND m.retention_score < 0.4
  UNION ALL SELECT count(*) FROM rules_members m WHERE coalesce(m.trend, 0) < 0 AND m.events < 10
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.events >= 100 OR m.minutes_30 > 600
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.recency_days > 30 OR m.active_days_30 = 0
  UNION ALL SELECT count(*) FROM rules_members m WHERE ln(m.events + 1) < 2 AND m.retention_score < 0.5
  UNION ALL SELECT count(*) FROM rules_members m WHERE abs(m.trend) < 0.05 AND m.active_days_30 > 10
  UNION ALL SELECT count(*) FROM rules_members m WHERE greatest(m.current_streak, m.longest_streak) >= 14 AND m.retention_score > 0.7
  UNION ALL SELECT count(*) FROM rules_members m WHERE round(m.retention_score::numeric, 1) = 0.5
  UNION ALL SELECT count(*) FROM rules_members m WHERE NOT m.renewed AND m.recency_days <= 3
  UNION ALL SELECT count(*) FROM rules_members m WHERE m.trend IS NULL AND m.events > 20
) t;
