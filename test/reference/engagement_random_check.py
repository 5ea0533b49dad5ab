#!/usr/bin/python3
"""Random event sets against independent references, on a running server
(not part of make test; run it after a change to src/cr_engagement.c,
cr_daybits.c or cr_cohort.c).

    PGHOST=... PGPORT=... PGUSER=postgres PGDATABASE=... /usr/bin/python3 \
        test/reference/engagement_random_check.py SEED [SETS]

With --emit SEED SETS FILE it writes instead the pg_regress test FILE
(sql/engagement_reference.sql was made with --emit 20 10): smaller sets of
the same kind, the reference values computed here, and a comparison of
engagement_summary with them, serial and parallel.

Each set picks a session TimeZone (UTC, America/St_Johns, Europe/London,
Australia/Lord_Howe, Pacific/Apia: half-hour offsets and DST, a 30-minute
DST, the day Apia skipped, 2011-12-30) and draws members whose events
crowd around that zone's clock changes, the turn of 2011/2012, the leap day
2012-02-29 and the cut-offs themselves: NULL times and amounts, duplicates,
events exactly at as_of, a microsecond either side of it, after it and at
+infinity.  One set in four is in UTC at the ends of PostgreSQL's range
(4713 BC, 294276 AD) instead.  Compared:

  engagement_summary   every field, against a reference computed here from
                       the definitions in the README (local days from
                       zoneinfo, the system's tz database, which is the one
                       the server uses; exact fractions for the gap CV and
                       the trend; math.fsum for the sums), serial and in a
                       parallel plan with partial states serialized and
                       combined (each group alone over a parallel scan, the
                       group's rows spread over the table's pages), and the
                       GROUP BY in a real parallel plan (partial hash
                       aggregates in the workers), floats to 1e-9 relative;
  engagement_decay     against exp(-ln 2 age / half_life) summed here, for
                       half-lives from a microsecond to 178 million years;
  engagement_periods   against the SQL an analyst writes (generate_series,
                       timestamptz + k * period, EXISTS), serial and
                       parallel;
  retention_curve      both forms, against the counts of the periods arrays
                       made here;
  rfm_segment          the whole 5 x 5 x 5 grid against the README's table.

Prints each disagreement and "seed S bad N" (N = 0 when all agree).
"""
import datetime as dt
import math
import os
import random
import sys
from fractions import Fraction
from zoneinfo import ZoneInfo

import psycopg2

UTC = dt.timezone.utc
EPOCH = dt.datetime(2000, 1, 1, tzinfo=UTC)
DAY = 86400 * 10**6
INF = 'infinity'
ZONES = ['UTC', 'America/St_Johns', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Apia']
# instants (UTC) where the sets crowd their events and cut-offs
ANCHORS = ['2011-12-29 10:00', '2011-12-30 10:00', '2011-12-30 23:59:59.999999',
           '2011-12-31 00:00', '2012-01-01 00:00', '2011-12-31 13:00', '2012-02-29 12:00',
           '2012-03-01 00:00', '2011-03-13 05:31', '2011-11-06 04:30', '2011-04-02 15:00',
           '2011-10-01 15:30', '2011-03-27 01:00', '2011-10-30 01:00', '2011-09-24 14:00',
           '2012-04-01 14:00', '2012-03-25 01:00', '2012-12-31 23:30']
FAR = ['4713-11-24 00:00:00 BC', '4713-11-30 12:00:00 BC', '294276-12-31 23:59:59.999999',
       '294276-12-20 00:00']
HALF_LIVES = [('1 microsecond', 1), ('1 second', 10**6), ('1 hour', 3600 * 10**6),
              ('14 days', 14 * DAY), ('1 mon', 30 * DAY), ('1 mon -29 days', DAY),
              ('1 year', 360 * DAY), ('178000000 years', 178000000 * 360 * DAY)]
PERIODS = ['1 day', '12 hours', '1 day 1 hour', '7 days', '1 mon', '1 mon 1 day',
           '36 hours', '30 minutes', '2 mons -3 days', '1 year']
GRID = {5: ['New', 'Potential Loyalist', 'Potential Loyalist', 'Champions', 'Champions'],
        4: ['Promising', 'Potential Loyalist', 'Potential Loyalist', 'Loyal', 'Loyal'],
        3: ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal', 'Loyal'],
        2: ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
        1: ['Lost', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"]}

bad = 0


def report(*msg):
    global bad
    bad += 1
    print(*msg)


def us_of(cur, text):
    """Microseconds since 2000-01-01 UTC of a timestamptz literal read as UTC."""
    cur.execute("SELECT (extract(epoch FROM %s::timestamptz - '2000-01-01 00:00+00'))::numeric * 1000000",
                (text + '+00',))
    return int(cur.fetchone()[0])


def local_day(us, zone):
    if zone is None:
        return us // DAY
    t = EPOCH + dt.timedelta(microseconds=us)
    return (t.astimezone(zone).date() - EPOCH.date()).days


def close(a, b, rel=1e-9):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rel * (1 + abs(b))


def summary_ref(events, as_of, zone, amounts):
    """The fields of engagement, as the README defines them."""
    ad = local_day(as_of, zone)
    ev = [(t, a) for t, a in events if t is not None and t != INF and t <= as_of]
    if not ev:
        return None
    days = sorted({min(local_day(t, zone), ad) for t, _ in ev})
    first = min(t for t, _ in ev)
    last = max(t for t, _ in ev)
    runs = []
    for d in days:
        if runs and runs[-1][1] == d - 1:
            runs[-1][1] = d
        else:
            runs.append([d, d])
    gaps = [b - a for a, b in zip(days, days[1:])]
    mean_gap = Fraction(sum(gaps), len(gaps)) if gaps else None
    cv = None
    if len(gaps) >= 2:
        var = Fraction(sum(g * g for g in gaps), len(gaps)) - mean_gap ** 2
        cv = math.sqrt(var) / float(mean_gap)
    weekly = [0] * 8
    for d in days:
        if ad - d < 56:
            weekly[7 - (ad - d) // 7] += 1
    trend = Fraction(sum((Fraction(2 * i - 7, 2)) * y for i, y in enumerate(weekly)), 42)
    amt = [a for t, a in ev if a is not None] if amounts else None
    amt30 = [a for t, a in ev if a is not None and min(local_day(t, zone), ad) > ad - 30] if amounts else None
    return {
        'first_seen': first, 'last_seen': last,
        'tenure_days': (as_of - first) / DAY, 'recency_days': (as_of - last) / DAY,
        'events': len(ev), 'active_days': len(days),
        'active_days_7': sum(d > ad - 7 for d in days),
        'active_days_30': sum(d > ad - 30 for d in days),
        'active_days_90': sum(d > ad - 90 for d in days),
        'current_streak': (runs[-1][1] - runs[-1][0] + 1) if runs[-1][1] >= ad - 1 else 0,
        'longest_streak': max(b - a + 1 for a, b in runs),
        'mean_gap_days': float(mean_gap) if mean_gap is not None else None,
        'gap_cv': cv,
        'decayed_activity': math.fsum(math.exp(-math.log(2) * (as_of - t) / (14 * DAY)) for t, _ in ev),
        'trend': float(trend),
        'amount_total': fsum_nan(amt) if amounts else None,
        'amount_30': fsum_nan(amt30) if amounts else None,
    }


def fsum_nan(xs):
    if any(math.isnan(x) for x in xs) or (math.inf in xs and -math.inf in xs):
        return math.nan
    if math.inf in xs:
        return math.inf
    if -math.inf in xs:
        return -math.inf
    return math.fsum(xs)


FIELDS = ['first_seen', 'last_seen', 'tenure_days', 'recency_days', 'events', 'active_days',
          'active_days_7', 'active_days_30', 'active_days_90', 'current_streak', 'longest_streak',
          'mean_gap_days', 'gap_cv', 'decayed_activity', 'trend', 'amount_total', 'amount_30']
US = "(extract(epoch FROM (e).%s - '2000-01-01 00:00+00'))::numeric * 1000000"
SELECT_FIELDS = ', '.join((US % f) if f in ('first_seen', 'last_seen') else '(e).' + f for f in FIELDS)


def summaries(cur, parallel):
    """engagement_summary of each group.  'groupby': the serial GROUP BY in a
    real parallel plan (no force_parallel_mode; parallel costs 0), partial
    hash aggregates in the workers, their states serialized and combined in
    the leader's finalize step.  Parallel, each group's aggregate
    runs alone over a parallel scan of ev, whose rows were loaded in an
    order that spreads every group over its pages: its workers' partial
    states are serialized and combined (a GROUP BY of a few rows a group is
    gathered and aggregated in the leader, serialized nowhere, and so is a
    WHERE that keeps a few rows: hence FILTER, over every row)."""
    out = {}
    q_group = ("SELECT g, " + SELECT_FIELDS + " FROM (SELECT g, engagement_summary(t, as_of, a) e "
               "FROM ev JOIN cut USING (g) GROUP BY g) s ORDER BY g")
    if not parallel:
        cur.execute("SET max_parallel_workers_per_gather = 0")
        cur.execute(q_group)
        rows = cur.fetchall()
    elif parallel == 'groupby':
        saved = {}
        for setting in ('parallel_setup_cost', 'parallel_tuple_cost', 'min_parallel_table_scan_size'):
            cur.execute("SELECT current_setting(%s)", (setting,))
            saved[setting] = cur.fetchone()[0]
            cur.execute("SET %s = 0" % setting)
        cur.execute("SET max_parallel_workers_per_gather = 2")
        cur.execute("SET enable_hashagg = on")
        cur.execute("EXPLAIN " + q_group)
        plan = '\n'.join(r[0] for r in cur.fetchall())
        if 'Partial' not in plan or 'Finalize' not in plan:
            report('no partial aggregation in the parallel GROUP BY plan:\n' + plan)
        cur.execute(q_group)
        rows = cur.fetchall()
        cur.execute("RESET enable_hashagg")
        for setting, value in saved.items():
            cur.execute("SELECT set_config(%s, %s, false)", (setting, value))
    else:
        cur.execute("SET force_parallel_mode = regress")
        cur.execute("SET max_parallel_workers_per_gather = 2")
        cur.execute("SET parallel_leader_participation = off")
        cur.execute("SELECT g, as_of::text FROM cut ORDER BY g")
        rows = []
        for g, as_of in cur.fetchall():
            q = ("SELECT %s, " + SELECT_FIELDS + " FROM (SELECT engagement_summary(t, %s::timestamptz, a) "
                 "FILTER (WHERE g = %s) AS e FROM ev) s")
            cur.execute("EXPLAIN " + q, (g, as_of, g))
            if 'Partial Aggregate' not in '\n'.join(r[0] for r in cur.fetchall()):
                report('group', g, 'no partial aggregation in the parallel plan')
            cur.execute(q, (g, as_of, g))
            rows += cur.fetchall()
        cur.execute("RESET force_parallel_mode")
        cur.execute("RESET parallel_leader_participation")
    for row in rows:
        out[row[0]] = None if row[1] is None else dict(zip(FIELDS, row[1:]))
    cur.execute("RESET max_parallel_workers_per_gather")
    return out


def compare(label, got, want):
    if want is None or got is None:
        if not (want is None and got is None):
            report(label, 'got', got, 'want', want)
        return
    for f in FIELDS:
        g, w = got[f], want[f]
        if f in ('first_seen', 'last_seen'):
            g = int(g)
        if isinstance(w, float) or isinstance(g, float):
            ok = close(None if g is None else float(g), w)
        else:
            ok = g == w
        if not ok:
            report(label, f, 'got', g, 'want', w)


def gen_set(cur, rng, k, max_groups=60, max_events=40, zone_name=None):
    """Set k: its zone (name, ZoneInfo or None for UTC), whether it is at the
    ends of the range, its groups' (time, amount) events and cut-offs."""
    far = k % 4 == 3
    zname = 'UTC' if far else (zone_name or rng.choice(ZONES))
    zone = None if far else ZoneInfo(zname)
    cur.execute("SET TimeZone = %s", (zname,))
    anchors = [us_of(cur, a) for a in (FAR if far else ANCHORS)]
    lo = us_of(cur, '4713-11-24 00:00:00 BC')
    hi = us_of(cur, '294276-12-31 23:59:59.999999')
    groups = {}
    cuts = {}
    for g in range(1, rng.randint(max_groups // 2, max_groups)):
        base = rng.choice(anchors)
        as_of = base + rng.choice([0, 1, -1, 30 * 60 * 10**6, 3 * DAY, rng.randint(-2 * DAY, 2 * DAY)])
        as_of = min(max(as_of, lo + 45 * DAY), hi)
        evs = []
        for _ in range(rng.randint(0, max_events)):
            r = rng.random()
            if r < 0.05:
                t = None
            elif r < 0.10:
                t = as_of
            elif r < 0.13:
                t = as_of + rng.choice([1, -1])
            elif r < 0.16:
                t = INF
            elif r < 0.25:
                t = as_of + rng.randint(1, 5 * DAY)
            else:
                span = rng.choice([3 * DAY, 40 * DAY, 120 * DAY])
                t = as_of - rng.randint(0, span)
                if rng.random() < 0.3:   # whole seconds, some exactly on a clock change
                    t -= t % 10**6
            if t is not None and t != INF and t < lo:
                t = lo
            if t is not None and t != INF and t > hi:
                t = INF
            a = rng.choice([None, 0.0, 1.5, -2.25, 1e-300, 12345.678, float(rng.randint(0, 9))]) \
                if rng.random() < 0.97 else rng.choice([math.nan, math.inf, -math.inf])
            evs.append((t, a))
            if rng.random() < 0.1:
                evs.append((t, a))      # duplicate
        groups[g] = evs
        cuts[g] = as_of
    return zname, zone, far, groups, cuts


def one_set(cur, rng, k):
    zname, zone, far, groups, cuts = gen_set(cur, rng, k)
    cur.execute("DROP TABLE IF EXISTS %s.ev, %s.cut" % (SCHEMA, SCHEMA))
    cur.execute("CREATE TABLE ev (g int, t timestamptz, a float8)")
    cur.execute("CREATE TABLE cut (g int, as_of timestamptz)")
    rows = []
    for g, evs in groups.items():
        for t, a in evs:
            rows.append((g, None if t is None else ('infinity' if t == INF else t), a))
    # loaded in UTC, where adding days is adding 86 400 s, from whole days and
    # microseconds (a float8 of microseconds would round those of 294276 AD)
    cur.execute("CREATE TEMP TABLE evus (g int, us bigint, inf boolean, a float8)")
    if rows:
        cur.execute("INSERT INTO evus VALUES " + ','.join(
            cur.mogrify('(%s,%s,%s,%s)', (g, None if t in (None, 'infinity') else t,
                                          t == 'infinity', a)).decode() for g, t, a in rows))
    cur.execute("INSERT INTO evus VALUES " + ','.join(
        cur.mogrify('(%s,%s,false,NULL)', (-g, c)).decode() for g, c in cuts.items()))
    cur.execute("SET TimeZone = 'UTC'")
    ts = ("'2000-01-01 00:00+00'::timestamptz + make_interval(days => div(us, %d)::int - (us %% %d < 0)::int) "
          "+ (us - (div(us, %d) - (us %% %d < 0)::int) * %d) * interval '1 microsecond'") % ((DAY,) * 5)
    # the k-th events of all groups side by side, so that every group is
    # spread over the table's pages (and a parallel scan's workers)
    cur.execute("INSERT INTO ev SELECT g, CASE WHEN inf THEN 'infinity' ELSE " + ts + " END, a FROM "
                "(SELECT *, row_number() OVER (PARTITION BY g) AS r FROM evus WHERE g > 0) e ORDER BY r, g")
    cur.execute("INSERT INTO cut SELECT -g, " + ts + " FROM evus WHERE g < 0")
    cur.execute("SET TimeZone = %s", (zname,))
    cur.execute("DROP TABLE evus")
    cur.execute("ANALYZE ev")
    cur.execute("ANALYZE cut")
    # the times as the server holds them
    cur.execute("SELECT g, CASE WHEN isfinite(t) THEN (extract(epoch FROM t - '2000-01-01 00:00+00'))::numeric * 1000000 END, "
                "t = 'infinity', a FROM ev ORDER BY g")
    held = {g: [] for g in groups}
    for g, us, inf, a in cur.fetchall():
        held[g].append((INF if inf else (None if us is None else int(us)), a))
    cur.execute("SELECT g, (extract(epoch FROM as_of - '2000-01-01 00:00+00'))::numeric * 1000000 FROM cut")
    for g, us in cur.fetchall():
        if int(us) != cuts[g]:
            report(zname, 'set', k, 'group', g, 'as_of not loaded exactly')
    for g in groups:
        got = sorted(x[0] for x in held[g] if x[0] not in (None, INF))
        want = sorted(t for t, _ in groups[g] if t not in (None, INF))
        if got != want:
            report(zname, 'set', k, 'group', g, 'times not loaded exactly')
    for parallel in (False, True, 'groupby'):
        got = summaries(cur, parallel)
        for g in groups:
            want = summary_ref(held[g], cuts[g], zone, True)
            compare('%s set %d group %d%s' % (zname, k, g, {False: '', True: ' parallel'}.get(parallel, ' parallel GROUP BY')),
                    got.get(g), want)
    # engagement_decay
    hl_text, hl_us = rng.choice(HALF_LIVES)
    cur.execute("SELECT g, engagement_decay(t, as_of, %s::interval, a), engagement_decay(t, as_of, %s::interval) "
                "FROM ev JOIN cut USING (g) GROUP BY g ORDER BY g", (hl_text, hl_text))
    for g, d_amt, d in cur.fetchall():
        ev = [(t, a) for t, a in held[g] if t not in (None, INF) and t <= cuts[g]]
        w = [math.exp(-math.log(2) * (cuts[g] - t) / hl_us) for t, _ in ev]
        want = math.fsum(w) if ev else None
        pairs = [(a, x) for (t, a), x in zip(ev, w) if a is not None]
        want_amt = None
        if pairs:
            vals = [a if math.isinf(a) else a * x for a, x in pairs]
            want_amt = fsum_nan(vals)
        if not close(d, want):
            report(zname, 'set', k, 'group', g, 'decay', hl_text, 'got', d, 'want', want)
        if not close(d_amt, want_amt):
            report(zname, 'set', k, 'group', g, 'decay with amounts', hl_text, 'got', d_amt, 'want', want_amt)
    if far:
        return
    # engagement_periods against generate_series, retention_curve against counts
    period = rng.choice(PERIODS)
    n = rng.randint(1, 40)
    cur.execute("DROP TABLE IF EXISTS %s.pstart" % SCHEMA)
    cur.execute("CREATE TABLE pstart AS SELECT g, as_of - %s * interval '1 microsecond' AS start, "
                "max(as_of) OVER () AS as_of FROM cut", (rng.choice([0, 40 * DAY, 5 * DAY, 400 * DAY]),))
    cur.execute("UPDATE pstart SET start = date_trunc('day', start) WHERE g % 3 = 0")
    cur.execute("ANALYZE pstart")
    q_act = ("SELECT s.g, engagement_periods(e.t, s.start, %s::interval, %s, s.as_of) p "
             "FROM pstart s LEFT JOIN ev e USING (g) GROUP BY s.g, s.start, s.as_of")
    q_ref = ("SELECT s.g, array_agg(CASE WHEN s.start + k * %s::interval > s.as_of THEN NULL "
             "ELSE EXISTS (SELECT 1 FROM ev e WHERE e.g = s.g AND e.t <= s.as_of "
             "AND e.t >= s.start + (k - 1) * %s::interval AND e.t < s.start + k * %s::interval) END ORDER BY k) p "
             "FROM pstart s, generate_series(1, %s) k GROUP BY s.g")
    try:
        cur.execute("SAVEPOINT p")
        cur.execute("SELECT g, a.p::text, r.p::text FROM (" + q_act + ") a FULL JOIN (" + q_ref + ") r USING (g) "
                    "WHERE a.p IS DISTINCT FROM r.p ORDER BY g", (period, n, period, period, period, n))
        for g, a, r in cur.fetchall():
            report(zname, 'set', k, 'group', g, 'periods', period, n, 'got', a, 'want', r)
        cur.execute("SET force_parallel_mode = on")
        cur.execute("SET max_parallel_workers_per_gather = 2")
        cur.execute("SELECT g, a.p::text FROM (" + q_act + ") a ORDER BY g", (period, n))
        par = cur.fetchall()
        cur.execute("RESET force_parallel_mode")
        cur.execute("RESET max_parallel_workers_per_gather")
        cur.execute("SELECT g, a.p::text FROM (" + q_act + ") a ORDER BY g", (period, n))
        ser = cur.fetchall()
        if par != ser:
            report(zname, 'set', k, 'periods parallel differs from serial')
        cur.execute("SELECT g, a.p FROM (" + q_act + ") a ORDER BY g", (period, n))
        arrays = [p for _, p in cur.fetchall()]
        cur.execute("SELECT retention_curve(p), retention_curve(p, true) FROM (" + q_act + ") a", (period, n))
        on, after = cur.fetchone()
        for mode, got in (('on', on), ('unbounded', after)):
            want = []
            for j in range(n):
                el = [p for p in arrays if p is not None and p[j] is not None]
                ret = [p for p in el if (any(x for x in p[j:] if x) if mode == 'unbounded' else p[j])]
                want.append(len(ret) / len(el) if el else None)
            if got is None or len(got) != n or not all(close(x, y, 1e-15) for x, y in zip(got, want)):
                report(zname, 'set', k, 'retention_curve', mode, 'got', got, 'want', want)
        cur.execute("RELEASE SAVEPOINT p")
    except psycopg2.Error as e:
        cur.execute("ROLLBACK TO SAVEPOINT p")
        report(zname, 'set', k, 'periods', period, n, 'error', e.pgcode, str(e).splitlines()[0])


def sql_float(x):
    if x is None:
        return 'NULL'
    if math.isnan(x):
        return "'NaN'"
    if math.isinf(x):
        return "'Infinity'" if x > 0 else "'-Infinity'"
    return repr(x)


def sql_ts(us):
    """A timestamptz expression of microseconds since 2000 (pg_temp.at)."""
    if us is None:
        return 'NULL'
    if us == INF:
        return "'infinity'"
    return 'pg_temp.at(%d, %d)' % (us // DAY, us % DAY)


def emit(cur, rng, sets, out):
    """The sets as a pg_regress test: events, cut-offs and the reference
    values computed here, and a comparison that lists disagreements."""
    w = out.write
    w("-- Generated by test/reference/engagement_random_check.py --emit (do not edit):\n"
      "-- random event sets (NULL times and amounts, duplicates, events at,\n"
      "-- a microsecond around and after as_of, +infinity, clock changes and\n"
      "-- the day Pacific/Apia skipped, the ends of the timestamptz range) and\n"
      "-- every field of engagement_summary as computed in Python from the\n"
      "-- README's definitions (local days from zoneinfo), serial and in a\n"
      "-- parallel plan that serializes and combines partial states.  Each set\n"
      "-- lists the groups compared and those that disagree (none).\n"
      "SET extra_float_digits = 3;\n"
      "SET TimeZone = 'UTC';\n"
      "-- microseconds since 2000-01-01 as whole days and the rest (in UTC)\n"
      "CREATE FUNCTION pg_temp.at(d int, us bigint) RETURNS timestamptz LANGUAGE sql AS $$\n"
      "  SELECT '2000-01-01 00:00+00'::timestamptz + make_interval(days => d) + us * interval '1 microsecond' $$;\n"
      "CREATE TABLE ref_ev (s int, g int, t timestamptz, a float8);\n"
      "CREATE TABLE ref_want (s int, zone text, g int, as_of timestamptz, e engagement);\n"
      "\\set ECHO none\n")
    zones = []
    for k in range(sets):
        zname, zone, far, groups, cuts = gen_set(cur, rng, k, 14, 18, ZONES[k % len(ZONES)])
        zones.append(zname)
        rows = ['(%d, %d, %s, %s)' % (k, g, sql_ts(t), sql_float(a))
                for g, evs in groups.items() for t, a in evs]
        if rows:
            w("INSERT INTO ref_ev VALUES\n  " + ',\n  '.join(rows) + ';\n')
        want = []
        for g, evs in groups.items():
            r = summary_ref(evs, cuts[g], zone, True)
            e = 'NULL' if r is None else 'ROW(%s)::engagement' % ', '.join(
                sql_ts(r[f]) if f in ('first_seen', 'last_seen') else
                (sql_float(r[f]) if isinstance(r[f], float) or r[f] is None else str(r[f])) for f in FIELDS)
            want.append("(%d, '%s', %d, %s, %s)" % (k, zname, g, sql_ts(cuts[g]), e))
        w("INSERT INTO ref_want VALUES\n  " + ',\n  '.join(want) + ';\n')
    w("""\\set ECHO all
ANALYZE ref_ev;
ANALYZE ref_want;
-- floats to 1e-9 (NaN equals NaN, an infinity itself)
CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean LANGUAGE sql AS $$
  SELECT a IS NOT DISTINCT FROM b OR abs(a - b) <= 1e-9 * (1 + abs(b)) $$;
CREATE FUNCTION pg_temp.same(x engagement, r engagement) RETURNS boolean LANGUAGE sql AS $$
  SELECT (x IS NULL AND r IS NULL) OR coalesce(
        x.first_seen = r.first_seen AND x.last_seen = r.last_seen
    AND pg_temp.close(x.tenure_days, r.tenure_days) AND pg_temp.close(x.recency_days, r.recency_days)
    AND x.events = r.events AND x.active_days = r.active_days AND x.active_days_7 = r.active_days_7
    AND x.active_days_30 = r.active_days_30 AND x.active_days_90 = r.active_days_90
    AND x.current_streak = r.current_streak AND x.longest_streak = r.longest_streak
    AND pg_temp.close(x.mean_gap_days, r.mean_gap_days) AND pg_temp.close(x.gap_cv, r.gap_cv)
    AND pg_temp.close(x.decayed_activity, r.decayed_activity) AND pg_temp.close(x.trend, r.trend)
    AND pg_temp.close(x.amount_total, r.amount_total) AND pg_temp.close(x.amount_30, r.amount_30), false) $$;
-- engagement_summary of every group, each in its set's TimeZone: serial,
-- a GROUP BY per set; parallel, each group's aggregate alone over a
-- parallel scan of ref_ev, so that its workers' partial states are
-- serialized and combined (a GROUP BY, or a WHERE, of a few rows a group
-- is gathered and aggregated in the leader; hence FILTER, over every row
-- of the table).  ref_ev_spread holds the k-th events of
-- all groups side by side, every group over the table's pages.
CREATE TABLE ref_ev_spread AS
  SELECT s, g, t, a FROM (SELECT *, row_number() OVER (PARTITION BY s, g ORDER BY t, a) AS r FROM ref_ev) e
  ORDER BY r, s, g;
ANALYZE ref_ev_spread;
CREATE FUNCTION pg_temp.got(parallel boolean) RETURNS TABLE (s int, g int, e engagement)
LANGUAGE plpgsql AS $$
DECLARE z record;
BEGIN
  PERFORM set_config('force_parallel_mode', CASE WHEN parallel THEN 'regress' ELSE 'off' END, true);
  PERFORM set_config('max_parallel_workers_per_gather', CASE WHEN parallel THEN '2' ELSE '0' END, true);
  PERFORM set_config('parallel_leader_participation', CASE WHEN parallel THEN 'off' ELSE 'on' END, true);
  IF NOT parallel THEN
    FOR z IN SELECT DISTINCT w.s, w.zone FROM ref_want w ORDER BY 1 LOOP
      PERFORM set_config('TimeZone', z.zone, true);
      RETURN QUERY
        SELECT z.s, w.g, x.e FROM ref_want w
        LEFT JOIN (SELECT v.g, engagement_summary(v.t, c.as_of, v.a) AS e
                   FROM ref_ev v JOIN ref_want c ON c.s = v.s AND c.g = v.g
                   WHERE v.s = z.s GROUP BY v.g) x ON x.g = w.g
        WHERE w.s = z.s;
    END LOOP;
  ELSE
    FOR z IN SELECT w.s, w.zone, w.g, w.as_of FROM ref_want w ORDER BY 1, 3 LOOP
      PERFORM set_config('TimeZone', z.zone, true);
      RETURN QUERY
        SELECT z.s, z.g, engagement_summary(v.t, z.as_of, v.a) FILTER (WHERE v.s = z.s AND v.g = z.g) FROM ref_ev_spread v;
    END LOOP;
  END IF;
  PERFORM set_config('TimeZone', 'UTC', true);
END $$;
-- per set: groups compared, and those that differ
CREATE FUNCTION pg_temp.check(parallel boolean) RETURNS TABLE (s int, zone text, groups bigint, differ text)
LANGUAGE sql AS $$
  SELECT w.s, w.zone, count(*), coalesce(string_agg(w.g::text || ': ' || coalesce(x.e::text, 'NULL'), '; ' ORDER BY w.g)
                                         FILTER (WHERE NOT pg_temp.same(x.e, w.e)), '')
  FROM ref_want w LEFT JOIN pg_temp.got(parallel) x ON x.s = w.s AND x.g = w.g
  GROUP BY w.s, w.zone ORDER BY w.s $$;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT * FROM pg_temp.check(false);
-- the parallel plan of one group: partial states, serialized and combined
SET force_parallel_mode = regress;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT engagement_summary(v.t, '2012-01-01 00:00+00', v.a) FILTER (WHERE v.s = 1 AND v.g = 1) FROM ref_ev_spread v;
RESET force_parallel_mode;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
SELECT * FROM pg_temp.check(true);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
DROP TABLE ref_ev, ref_ev_spread, ref_want;
""")
    return zones


SCHEMA = 'cr_random_check'


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--emit':
        # --emit SEED SETS FILE: write the pg_regress test FILE
        conn = psycopg2.connect(dbname=os.environ.get('PGDATABASE', 'postgres'))
        cur = conn.cursor()
        with open(sys.argv[4], 'w') as out:
            emit(cur, random.Random(int(sys.argv[2])), int(sys.argv[3]), out)
        conn.rollback()
        return 0
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    sets = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    rng = random.Random(seed)
    conn = psycopg2.connect(dbname=os.environ.get('PGDATABASE', 'postgres'))
    cur = conn.cursor()
    # its tables (permanent: a parallel plan does not scan temporary ones)
    # in a schema of their own, never a table ev, cut or pstart of the
    # database's other schemas
    cur.execute("DROP SCHEMA IF EXISTS %s CASCADE" % SCHEMA)
    cur.execute("CREATE SCHEMA %s" % SCHEMA)
    cur.execute("SELECT set_config('search_path', %s || ', ' || current_setting('search_path'), false)",
                (SCHEMA,))
    cur.execute("SET parallel_setup_cost = 0")
    cur.execute("SET parallel_tuple_cost = 0")
    cur.execute("SET min_parallel_table_scan_size = 0")
    cur.execute("SET extra_float_digits = 3")
    for k in range(sets):
        one_set(cur, rng, k)
        conn.commit()
    cur.execute("SELECT r, f, m, rfm_segment(r, f, m) FROM generate_series(1, 5) r, "
                "generate_series(1, 5) f, generate_series(1, 5) m")
    for r, f, m, s in cur.fetchall():
        fm = (f + m + 1) // 2          # round half up of (f + m) / 2
        if GRID[r][fm - 1] != s:
            report('rfm_segment', r, f, m, 'got', s, 'want', GRID[r][fm - 1])
    cur.execute("DROP SCHEMA %s CASCADE" % SCHEMA)
    conn.commit()
    print('seed %d bad %d' % (seed, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
