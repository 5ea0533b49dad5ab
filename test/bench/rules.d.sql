-- label: the same 20 rules as SQL predicates in the join (a CASE on the rule id)
SELECT count(*) FROM rules_members m JOIN rules_rules r ON CASE r.id
  WHEN 1 THEN m.recency_days > 14 AND m.retention_score < 0.3
  WHEN 2 THEN m.plan = 'annual' AND m.recency_days BETWEEN 20 AND 60
  WHEN 3 THEN m.current_streak >= 7
  WHEN 4 THEN m.longest_streak >= 30 AND m.current_streak = 0
  WHEN 5 THEN m.active_days_30 < 3 AND m.events > 50
  WHEN 6 THEN m.retention_score < 0.2 AND m.plan = 'monthly' AND NOT m.renewed
  WHEN 7 THEN m.trend < -0.5
  WHEN 8 THEN m.decayed_activity > 10 AND m.trend > 0.2
  WHEN 9 THEN m.minutes_30 / (m.active_days_30 + 1) > 30
  WHEN 10 THEN m.retention_score BETWEEN 0.3 AND 0.5 AND m.recency_days > 7
  WHEN 11 THEN m.plan IN ('annual', 'lifetime') AND m.retention_score < 0.4
  WHEN 12 THEN coalesce(m.trend, 0) < 0 AND m.events < 10
  WHEN 13 THEN m.events >= 100 OR m.minutes_30 > 600
  WHEN 14 THEN m.recency_days > 30 OR m.active_days_30 = 0
  WHEN 15 THEN ln(m.events + 1) < 2 AND m.retention_score < 0.5
  WHEN 16 THEN abs(m.trend) < 0.05 AND m.active_days_30 > 10
  WHEN 17 THEN greatest(m.current_streak, m.longest_streak) >= 14 AND m.retention_score > 0.7
  WHEN 18 THEN round(m.retention_score::numeric, 1) = 0.5
  WHEN 19 THEN NOT m.renewed AND m.recency_days <= 3
  WHEN 20 THEN m.trend IS NULL AND m.events > 20
END;
