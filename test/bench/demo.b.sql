-- label: generate_series + random() SQL generator
-- The same story written by hand in SQL: a log-normal daily rate per member,
-- a random number of events per member and day, each with a time, a kind,
-- minutes and a rating.  Not reproducible across machines (random()), and sized
-- to give about as many rows as demo.a.sql (1.6 million per unit of scale).
SELECT setseed(0.42);
SELECT count(*) FROM (
  SELECT m.member_id,
         pg_catalog.timestamptz '2026-01-01 00:00:00+00' - d * interval '1 day' + random() * interval '1 day' AS occurred_at,
         k.kind,
         CASE WHEN k.kind = 'like' THEN 0 ELSE round((8 * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric, 1)::float8 END AS minutes,
         CASE WHEN k.kind IN ('lesson_completed', 'live_session') THEN 1 + floor(random() * 5) END AS rating
  FROM (SELECT i AS member_id,
               exp(-0.6 + 0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS rate
        FROM generate_series(1, (10800 * :scale)::int) i) m
  CROSS JOIN LATERAL generate_series(1, 180 + 0 * m.member_id) d
  CROSS JOIN LATERAL generate_series(1, floor(2 * m.rate * random() + random() + 0 * d)::int) e
  CROSS JOIN LATERAL (SELECT (ARRAY['lesson_viewed', 'lesson_completed', 'live_session', 'post',
                                    'comment', 'like', 'quiz', 'check_in'])[1 + floor(random() * 8 + 0 * e)::int] AS kind) k
) s;
