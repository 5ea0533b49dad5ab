-- label: hand-written SQL (date_trunc, gaps and islands, regr_slope)
-- The same fields as engagement_summary(occurred_at, as_of, minutes).
CREATE TEMP TABLE bench_features AS
WITH ref AS (
  SELECT '2024-07-01 00:00+00'::timestamptz AS as_of,
         date_trunc('day', '2024-07-01 00:00+00'::timestamptz)::date AS ad),
ev AS (
  SELECT a.member_id, a.occurred_at, a.minutes, date_trunc('day', a.occurred_at)::date AS d
  FROM bench_activity a, ref WHERE a.occurred_at <= ref.as_of),
base AS (
  SELECT member_id, min(occurred_at) AS fs, max(occurred_at) AS ls, count(*) AS n,
         sum(exp(-ln(2) * extract(epoch FROM ref.as_of - occurred_at)::float8 / (14 * 86400))) AS decayed,
         coalesce(sum(minutes), 0) AS amount_total,
         coalesce(sum(minutes) FILTER (WHERE d > ref.ad - 30), 0) AS amount_30
  FROM ev, ref GROUP BY member_id),
days AS (SELECT DISTINCT member_id, d FROM ev),
isl AS (
  SELECT member_id, d, d - (row_number() OVER w)::int AS grp, d - lag(d) OVER w AS gap
  FROM days WINDOW w AS (PARTITION BY member_id ORDER BY d)),
runs AS (SELECT member_id, count(*) AS len, max(d) AS last_d FROM isl GROUP BY member_id, grp),
streaks AS (
  SELECT member_id, max(len)::int AS longest,
         coalesce(max(len) FILTER (WHERE last_d >= ref.ad - 1), 0)::int AS cur
  FROM runs, ref GROUP BY member_id),
act AS (
  SELECT member_id, count(*)::int AS a,
         (count(*) FILTER (WHERE d > ref.ad - 7))::int AS a7,
         (count(*) FILTER (WHERE d > ref.ad - 30))::int AS a30,
         (count(*) FILTER (WHERE d > ref.ad - 90))::int AS a90,
         avg(gap)::float8 AS mg, (stddev_pop(gap) / avg(gap))::float8 AS cv
  FROM isl, ref GROUP BY member_id),
weeks AS (
  SELECT member_id, 8 - (ref.ad - d) / 7 AS w, count(*) AS y
  FROM days, ref WHERE d > ref.ad - 56 GROUP BY 1, 2),
trend AS (
  SELECT b.member_id, regr_slope(coalesce(wk.y, 0), g.w) AS t
  FROM base b CROSS JOIN generate_series(1, 8) g(w)
  LEFT JOIN weeks wk ON wk.member_id = b.member_id AND wk.w = g.w
  GROUP BY b.member_id)
SELECT b.member_id,
       ROW(b.fs, b.ls,
           extract(epoch FROM r.as_of - b.fs)::float8 / 86400,
           extract(epoch FROM r.as_of - b.ls)::float8 / 86400,
           b.n, a.a, a.a7, a.a30, a.a90, s.cur, s.longest,
           CASE WHEN a.a >= 2 THEN a.mg END, CASE WHEN a.a >= 3 THEN a.cv END,
           b.decayed, t.t, b.amount_total, b.amount_30)::engagement AS e
FROM base b CROSS JOIN ref r
JOIN act a USING (member_id) JOIN streaks s USING (member_id) JOIN trend t USING (member_id);
