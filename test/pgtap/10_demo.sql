-- Demo data generator (issue #2): the shapes of the generative story hold.
BEGIN;
SELECT plan(30);
SET LOCAL TimeZone = 'UTC';

SELECT has_function('retention_demo_members', ARRAY['integer', 'integer'], 'retention_demo_members(int, int) exists');
SELECT has_function('retention_demo_activity', ARRAY['integer', 'integer', 'integer'], 'retention_demo_activity(int, int, int) exists');
SELECT has_function('retention_demo_reference_date', '{}'::name[], 'retention_demo_reference_date() exists');
SELECT volatility_is('retention_demo_members', ARRAY['integer', 'integer'], 'immutable', 'members are deterministic');
SELECT volatility_is('retention_demo_activity', ARRAY['integer', 'integer', 'integer'], 'immutable', 'activity is deterministic');
SELECT is(retention_demo_reference_date(), '2026-01-01 00:00:00+00'::timestamptz, 'reference date is 2026-01-01 UTC');

CREATE TEMP TABLE m ON COMMIT DROP AS SELECT * FROM retention_demo_members(4000);
CREATE TEMP TABLE a ON COMMIT DROP AS SELECT * FROM retention_demo_activity(4000, 120);

-- members
SELECT ok((SELECT avg((plan = 'annual')::int) FROM m) BETWEEN 0.27 AND 0.33, 'about 30 % of members are on the annual plan');
SELECT set_eq('SELECT DISTINCT plan FROM m', ARRAY['annual', 'monthly'], 'plans are annual and monthly');
SELECT ok((SELECT avg(renewed::int) FROM m) BETWEEN 0.60 AND 0.75, 'overall renewal rate is between 60 % and 75 %');
SELECT ok((SELECT avg(renewed::int) FILTER (WHERE plan = 'annual') - avg(renewed::int) FILTER (WHERE plan = 'monthly') FROM m) > 0.02,
          'annual members renew more often');
SELECT ok((SELECT bool_and(joined_at < retention_demo_reference_date() - interval '7 days'
                       AND joined_at >= retention_demo_reference_date() - interval '900 days') FROM m),
          'every member joined between 900 and 7 days before the reference date');
SELECT ok((SELECT avg((joined_at >= retention_demo_reference_date() - interval '180 days')::int) FROM m) BETWEEN 0.40 AND 0.50,
          'about 45 % of members joined within the last 180 days');
SELECT is((SELECT count(*) FROM m WHERE member_id IS NULL OR joined_at IS NULL OR plan IS NULL OR renewed IS NULL), 0::bigint,
          'members have no NULLs');

-- activity
SELECT set_eq('SELECT DISTINCT kind FROM a',
  ARRAY['lesson_viewed', 'lesson_completed', 'live_session', 'post', 'comment', 'like', 'quiz', 'check_in'],
  'all eight kinds occur');
SELECT is((SELECT count(*) FROM a WHERE (rating IS NULL) <> (kind NOT IN ('lesson_completed', 'live_session'))), 0::bigint,
          'rating is NULL exactly for the kinds that are not rated');
SELECT ok((SELECT bool_and(rating IN (1, 2, 3, 4, 5)) FROM a WHERE rating IS NOT NULL), 'ratings are whole numbers 1..5');
SELECT ok((SELECT bool_and(CASE WHEN kind = 'like' THEN minutes = 0 ELSE minutes > 0 AND minutes < 1000 END) FROM a),
          'likes take no time, every other event takes some');
SELECT ok((SELECT min(occurred_at) >= retention_demo_reference_date() - interval '120 days'
              AND max(occurred_at) < retention_demo_reference_date() FROM a),
          'events fall within [reference - days, reference)');
SELECT is((SELECT count(*) FROM a JOIN m USING (member_id) WHERE a.occurred_at < m.joined_at), 0::bigint,
          'no event before the member joined');
SELECT is((SELECT count(*) FROM (SELECT member_id, occurred_at,
              lag(member_id) OVER w AS pm, lag(occurred_at) OVER w AS pt
            FROM (SELECT *, row_number() OVER () AS rn FROM a) s WINDOW w AS (ORDER BY rn)) t
          WHERE (member_id, occurred_at) < (pm, pt)), 0::bigint,
          'rows come ordered by member, then time');

-- realistic shapes
SELECT ok((SELECT sum(n) FILTER (WHERE rk <= 400)::float8 / sum(n) FROM (
             SELECT count(*) AS n, row_number() OVER (ORDER BY count(*) DESC) AS rk FROM a GROUP BY member_id) s) > 0.3,
          'heavy tail: the 10 % most active members make over 30 % of events');
SELECT ok((SELECT avg(n) FILTER (WHERE dow BETWEEN 1 AND 5) > 1.3 * avg(n) FILTER (WHERE dow IN (0, 6))
           FROM (SELECT date_trunc('day', occurred_at) AS d, extract(dow FROM occurred_at) AS dow, count(*) AS n
                 FROM a GROUP BY 1, 2) s),
          'weekly rhythm: weekdays busier than weekends');
SELECT ok((SELECT avg((a.occurred_at < m.joined_at + interval '7 days')::int) FROM a JOIN m USING (member_id)
           WHERE m.joined_at >= retention_demo_reference_date() - interval '90 days'
             AND m.joined_at < retention_demo_reference_date() - interval '60 days') > 0.12,
          'new-member burst: members who joined 60-90 days ago made over 12 % of their events in their first week');
SELECT ok((SELECT avg(late::float8 / nullif(early, 0)) FILTER (WHERE NOT renewed)
           < 0.6 * avg(late::float8 / nullif(early, 0)) FILTER (WHERE renewed)
           FROM (SELECT m.member_id, m.renewed,
                   count(*) FILTER (WHERE a.occurred_at >= retention_demo_reference_date() - interval '14 days') AS late,
                   count(*) FILTER (WHERE a.occurred_at < retention_demo_reference_date() - interval '60 days'
                                      AND a.occurred_at >= retention_demo_reference_date() - interval '74 days') AS early
                 FROM m JOIN a USING (member_id)
                 WHERE m.joined_at < retention_demo_reference_date() - interval '120 days'
                 GROUP BY 1, 2) s),
          'decay before churn: leavers'' last two weeks fall well below their earlier level');

-- engagement predicts renewal
CREATE TEMP TABLE f ON COMMIT DROP AS
SELECT m.member_id, m.renewed,
       count(DISTINCT date_trunc('day', a.occurred_at)) FILTER (WHERE a.occurred_at >= retention_demo_reference_date() - interval '30 days') AS days30,
       coalesce(extract(epoch FROM retention_demo_reference_date() - max(a.occurred_at)) / 86400, 120) AS recency
FROM m LEFT JOIN a USING (member_id) GROUP BY 1, 2;
SELECT ok((SELECT max(r) FILTER (WHERE q = 4) - max(r) FILTER (WHERE q = 1) FROM (
             SELECT q, avg(renewed::int) AS r FROM (SELECT *, ntile(4) OVER (ORDER BY days30, member_id) AS q FROM f) s GROUP BY q) t) > 0.4,
          'renewal rate of the most active quartile (last 30 days) beats the least active by over 0.4');
SELECT ok((SELECT avg(renewed::int) FILTER (WHERE recency <= 7) - avg(renewed::int) FILTER (WHERE recency > 30) FROM f) > 0.3,
          'members seen in the last week renew far more often than members unseen for a month');
SELECT ok((SELECT corr(days30, renewed::int) FROM f) > 0.3, 'active days in the last 30 correlate with renewal');
SELECT ok((SELECT avg(rating) FILTER (WHERE renewed) > avg(rating) FILTER (WHERE NOT renewed) FROM a JOIN m USING (member_id)),
          'renewing members rate their lessons higher');

-- bad input
SELECT throws_ok('SELECT * FROM retention_demo_members(-1)', '22023',
                 'n_members must be between 0 and 100000000, got -1', 'negative n_members is rejected');
SELECT throws_ok('SELECT * FROM retention_demo_activity(10, 0)', '22023',
                 'days must be between 1 and 3650, got 0', 'days = 0 is rejected');

SELECT * FROM finish();
ROLLBACK;
