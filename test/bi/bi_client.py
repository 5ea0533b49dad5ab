"""A BI tool's view of community_retention: query through psycopg2 (Debian's
python3-psycopg2; run with /usr/bin/python3) and check that every column
arrives as a typed value (int, float, bool, datetime, list, dict), never as
the text of a composite.

Run by test/scripts/suites/bi.sh against a database holding the guided demo
(test/scripts/demo.sql); connection from PGHOST, PGPORT, PGUSER, PGDATABASE.
Prints TAP lines: "ok N - ..." / "not ok N - ...".
"""
import datetime
import psycopg2

# type OIDs as cursor.description reports them
INT4, INT8, FLOAT8, BOOL, TEXT, TIMESTAMPTZ, TEXT_ARRAY, JSONB = 23, 20, 701, 16, 25, 1184, 1009, 3802
PY = {INT4: int, INT8: int, FLOAT8: float, BOOL: bool, TEXT: str,
      TIMESTAMPTZ: datetime.datetime, TEXT_ARRAY: list, JSONB: dict}

conn = psycopg2.connect("")
conn.set_session(readonly=True, autocommit=True)
n = 0


def ok(cond, what):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, what))


def check(query, expected, what, connection=None):
    """expected: {column: type OID}; every non-NULL value must be exactly the
    Python type of its column (a bool is not accepted for an int)."""
    cur = (connection or conn).cursor()
    cur.execute(query)
    rows = cur.fetchall()
    got = {d.name: d.type_code for d in cur.description}
    ok(got == expected, "%s: column types %s" % (what, got if got != expected else "as expected"))
    bad = [(d.name, type(v).__name__) for row in rows for d, v in zip(cur.description, row)
           if v is not None and type(v) is not PY.get(d.type_code)]
    ok(rows and not bad, "%s: %d rows, every value a Python %s" % (
        what, len(rows), "value of its column's type" if not bad else "... not: %s" % bad[:3]))
    return rows


# the scoring view of guided example step 6, as a dashboard reads it
rows = check("SELECT * FROM member_scoring ORDER BY member_id LIMIT 100",
             {"member_id": INT8, "plan": TEXT, "renewed": BOOL, "recency_days": FLOAT8,
              "active_days_30": FLOAT8, "current_streak": FLOAT8, "trend": FLOAT8,
              "retention_score": FLOAT8, "model_version": INT4, "segment": TEXT,
              "incentives": TEXT_ARRAY, "scored_at": TIMESTAMPTZ},
             "member_scoring")
ok(all(0 <= r[7] <= 1 for r in rows) and all(r[11].tzinfo is not None for r in rows),
   "scores are probabilities, scored_at carries its time zone")

# engagement: an aggregate's composite expanded with (e).*
check("""SELECT member_id, (e).*
         FROM (SELECT member_id, engagement_summary(occurred_at, retention_demo_reference_date(), minutes) AS e
               FROM activity WHERE member_id <= 50 GROUP BY member_id) s ORDER BY member_id""",
      {"member_id": INT8, "first_seen": TIMESTAMPTZ, "last_seen": TIMESTAMPTZ, "tenure_days": FLOAT8,
       "recency_days": FLOAT8, "events": INT8, "active_days": INT4, "active_days_7": INT4,
       "active_days_30": INT4, "active_days_90": INT4, "current_streak": INT4, "longest_streak": INT4,
       "mean_gap_days": FLOAT8, "gap_cv": FLOAT8, "decayed_activity": FLOAT8, "trend": FLOAT8,
       "amount_total": FLOAT8, "amount_30": FLOAT8},
      "engagement (e).*")

# retention_metrics per plan, expanded
check("""SELECT plan, (m).*
         FROM (SELECT plan, retention_metrics(retention_score, renewed) AS m
               FROM member_scoring GROUP BY plan) s ORDER BY plan""",
      {"plan": TEXT, "n": INT8, "n_positive": INT8, "base_rate": FLOAT8, "auc": FLOAT8, "log_loss": FLOAT8,
       "brier": FLOAT8, "accuracy": FLOAT8, "precision": FLOAT8, "recall": FLOAT8, "f1": FLOAT8, "mcc": FLOAT8},
      "retention_metrics (m).*")

# calibration bins: an array of composites, one row per bin with unnest
rows = check("""SELECT b.*
                FROM (SELECT retention_calibration(retention_score, renewed, 10) AS bins FROM member_scoring) c,
                     unnest(c.bins) AS b ORDER BY b.bin""",
             {"bin": INT4, "lower": FLOAT8, "upper": FLOAT8, "n": INT8, "mean_score": FLOAT8,
              "observed_rate": FLOAT8},
             "retention_calibration unnest")
ok([r[0] for r in rows] == list(range(1, 11)) and sum(r[3] for r in rows) == 5000,
   "ten bins holding the 5000 members")

# a record-returning function in FROM, and the registry itself
check("""SELECT r.name, r.version, r.created_at, r.active, r.metrics, i.*
         FROM retention_model_registry r, retention_model_info(r.model) i ORDER BY r.name, r.version""",
      {"name": TEXT, "version": INT4, "created_at": TIMESTAMPTZ, "active": BOOL, "metrics": JSONB,
       "n_rows": INT8, "n_skipped": INT8, "n_retained": INT8, "n_features": INT4, "iterations": INT4,
       "converged": BOOL, "log_likelihood": FLOAT8, "null_log_likelihood": FLOAT8, "aic": FLOAT8,
       "bic": FLOAT8, "pseudo_r2": FLOAT8, "l2": FLOAT8, "condition_number": FLOAT8},
      "registry with retention_model_info in FROM")

# The 1.1 composites, each through a view, as a BI tool that only lists
# tables and views reads them: temporary views in a second session (the
# first is read-only), and every column of every view in
# information_schema.columns with a plain SQL type, never a composite
# ("USER-DEFINED") or an array of one.  A materialized view is not in
# information_schema at all: the scoring view is read through a plain view.
vconn = psycopg2.connect("")
vconn.autocommit = True
vcur = vconn.cursor()
# README, guided example 9's shop, with its shop_uniform written out
vcur.execute("""CREATE TEMP TABLE shop AS
WITH u AS (SELECT c, k, (hashint8(c * 100 + k)::float8 + 2147483648.5) / 4294967296 AS u
           FROM generate_series(1, 3000) c, generate_series(1, 95) k),
customers AS (
  SELECT c, 300 * max(u) FILTER (WHERE k = 1) AS first_day, -ln(max(u) FILTER (WHERE k = 2)) / 20 AS rate,
         0.4 * max(u) FILTER (WHERE k = 3) AS p_leave, 10 + 60 * max(u) FILTER (WHERE k = 4) AS mean_spend
  FROM u GROUP BY c),
gaps AS (
  SELECT cu.c, g.k, cu.mean_spend,
         cu.first_day + sum(CASE WHEN g.k = 0 THEN 0 ELSE -ln(a.u) / cu.rate END)
                          OVER (PARTITION BY cu.c ORDER BY g.k) AS day,
         bool_and(g.k = 0 OR l.u >= cu.p_leave) OVER (PARTITION BY cu.c ORDER BY g.k) AS still_buying
  FROM customers cu CROSS JOIN generate_series(0, 30) g(k)
  LEFT JOIN u a ON a.c = cu.c AND a.k = 10 + g.k
  LEFT JOIN u l ON l.c = cu.c AND l.k = 60 + g.k)
SELECT g.c AS customer_id,
       '2025-01-01 09:00+00'::timestamptz + make_interval(secs => round(g.day * 86400)) AS occurred_at,
       round((g.mean_spend * (0.5 + s.u))::numeric, 2)::float8 AS amount
FROM gaps g JOIN u s ON s.c = g.c AND s.k = 95 - g.k % 5
WHERE g.still_buying AND g.day < 365""")
vcur.execute("SELECT count(*), count(DISTINCT customer_id) FROM shop")
ok(vcur.fetchone() == (13217, 3000), "guided example 9's shop: 13217 purchases of 3000 customers")
VIEWS = {
    "v_scoring": "SELECT * FROM member_scoring",
    "v_km": """SELECT k.plan, p.* FROM (SELECT plan, retention_km(duration, churned) AS curve FROM tenure GROUP BY plan) k,
                      unnest(k.curve) p""",
    "v_km_summary": """SELECT k.plan, q.quantile, q.lower, q.upper, r.rmst, r.std_err
                       FROM (SELECT plan, retention_km(duration, churned) AS curve FROM tenure GROUP BY plan) k,
                            retention_km_quantile(k.curve) q, retention_km_rmst(k.curve, 24) r""",
    "v_logrank": "SELECT (t).* FROM (SELECT retention_logrank(duration, churned, plan) AS t FROM tenure) s",
    "v_spell": """SELECT s.member_id, r.* FROM spells s,
                         retention_spell(s.started_at, s.ended_at, retention_demo_reference_date(), 'months') r""",
    "v_ab": """SELECT s.arm, (s.r).* FROM (SELECT 'plain' AS arm, incentive_ab(treated, renewed) AS r FROM coupon_experiment
                                         UNION ALL
                                         SELECT 'cuped', incentive_ab_cuped(e.treated, e.renewed, f.active_days_30)
                                         FROM coupon_experiment e JOIN member_features f USING (member_id)) s""",
    "v_uplift": """SELECT (r).n, (r).n_treated, (r).n_skipped, (r).qini_coefficient, (r).uplift_auc, (r).k, (r).uplift_at_k
                   FROM (SELECT incentive_uplift_eval(uplift, treated, renewed, 0.2) AS r FROM coupon_holdout) s""",
    "v_uplift_curve": """SELECT c.* FROM (SELECT incentive_uplift_eval(uplift, treated, renewed, 0.2) AS r FROM coupon_holdout) s,
                                        unnest((s.r).curve) c""",
    "v_lifetime": """SELECT customer_id, (s).* FROM (SELECT customer_id, lifetime_summary(occurred_at, '2026-01-01', amount, '7 days') AS s
                                                    FROM shop GROUP BY customer_id) q""",
    "v_bgnbd": "SELECT (m).* FROM (SELECT bgnbd_fit(frequency, recency, t) AS m FROM v_lifetime) s",
    "v_gammagamma": "SELECT (m).* FROM (SELECT gammagamma_fit(frequency, monetary_value) AS m FROM v_lifetime WHERE frequency > 0) s",
}
for name, q in VIEWS.items():
    vcur.execute("CREATE TEMP VIEW %s AS %s" % (name, q))
PLAIN = {"bigint", "integer", "double precision", "boolean", "text", "timestamp with time zone", "jsonb"}
vcur.execute("""SELECT table_name::text, count(*) FILTER (WHERE NOT (data_type = ANY (%s) OR (data_type, udt_name) = ('ARRAY', '_text'))),
                       string_agg(column_name || ' ' || data_type || ' ' || udt_name, ', ' ORDER BY ordinal_position)
                FROM information_schema.columns WHERE table_schema::regnamespace = pg_my_temp_schema()
                GROUP BY table_name ORDER BY table_name""", (sorted(PLAIN),))
cols = {r[0]: r[1:] for r in vcur.fetchall()}
for name in VIEWS:
    ok(name in cols and cols[name][0] == 0,
       "information_schema.columns: view %s has plain types only (%s)" % (name, cols.get(name, (0, "not listed"))[1]))
vcur.execute("""SELECT count(*) FROM information_schema.columns WHERE table_name = 'member_scoring'""")
ok(vcur.fetchone()[0] == 0, "the materialized view itself is not in information_schema.columns (read it through a view)")
# incentive_uplift_eval's (r).* would keep the curve an array of composites
vcur.execute("""CREATE TEMP VIEW v_uplift_star AS
                SELECT (r).* FROM (SELECT incentive_uplift_eval(uplift, treated, renewed, 0.2) AS r FROM coupon_holdout) s""")
vcur.execute("""SELECT data_type, udt_name::text FROM information_schema.columns
                WHERE table_schema::regnamespace = pg_my_temp_schema() AND table_name = 'v_uplift_star' AND column_name = 'curve'""")
ok(vcur.fetchone() == ("ARRAY", "_incentive_uplift_point"),
   "(r).* of incentive_uplift_eval leaves curve an array of composites: unnest it")

CURVE = {"time": FLOAT8, "at_risk": INT8, "churned": INT8, "censored": INT8, "survival": FLOAT8,
         "std_err": FLOAT8, "lower": FLOAT8, "upper": FLOAT8}
AB = dict({k: INT8 for k in ("n_control", "n_treated", "retained_control", "retained_treated", "n_skipped")},
          **{k: FLOAT8 for k in ("rate_control", "rate_treated", "difference", "wald_lower", "wald_upper",
                                 "newcombe_lower", "newcombe_upper", "relative_lift", "lift_lower", "lift_upper",
                                 "z", "p_value", "cuped_theta", "cuped_difference", "cuped_lower", "cuped_upper",
                                 "variance_reduction", "confidence")})
EXPECT = {
    "v_scoring": {"member_id": INT8, "plan": TEXT, "renewed": BOOL, "recency_days": FLOAT8,
                  "active_days_30": FLOAT8, "current_streak": FLOAT8, "trend": FLOAT8,
                  "retention_score": FLOAT8, "model_version": INT4, "segment": TEXT,
                  "incentives": TEXT_ARRAY, "scored_at": TIMESTAMPTZ},
    "v_km": dict({"plan": TEXT}, **CURVE),
    "v_km_summary": {"plan": TEXT, "quantile": FLOAT8, "lower": FLOAT8, "upper": FLOAT8, "rmst": FLOAT8,
                     "std_err": FLOAT8},
    "v_logrank": {"chi_square": FLOAT8, "df": INT4, "p_value": FLOAT8, "skipped": INT8},
    "v_spell": {"member_id": INT8, "duration": FLOAT8, "churned": BOOL},
    "v_ab": dict({"arm": TEXT}, **AB),
    "v_uplift": {"n": INT8, "n_treated": INT8, "n_skipped": INT8, "qini_coefficient": FLOAT8,
                 "uplift_auc": FLOAT8, "k": FLOAT8, "uplift_at_k": FLOAT8},
    "v_uplift_curve": {"n_targeted": INT8, "fraction": FLOAT8, "qini": FLOAT8, "uplift": FLOAT8},
    "v_lifetime": {"customer_id": INT4, "frequency": INT4, "recency": FLOAT8, "t": FLOAT8,
                   "monetary_value": FLOAT8},
    "v_bgnbd": dict({k: FLOAT8 for k in ("r", "alpha", "a", "b", "log_likelihood", "se_r", "se_alpha", "se_a", "se_b")},
                    n=INT8, n_skipped=INT8),
    "v_gammagamma": dict({k: FLOAT8 for k in ("p", "q", "gamma", "log_likelihood", "se_p", "se_q", "se_gamma")},
                         n=INT8, n_skipped=INT8),
}
for name, expected in EXPECT.items():
    check("SELECT * FROM %s ORDER BY 1 LIMIT 200" % name, expected, "view %s" % name, vconn)
vconn.close()

# what a BI tool gets without the expansion: one opaque text column
cur = conn.cursor()
cur.execute("SELECT retention_metrics(retention_score, renewed) FROM member_scoring")
v = cur.fetchone()[0]
ok(isinstance(v, str) and v.startswith("(5000,"),
   "unexpanded, a composite arrives as one string (%s...): expand it" % v[:12])

print("1..%d" % n)
