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


def check(query, expected, what):
    """expected: {column: type OID}; every non-NULL value must be exactly the
    Python type of its column (a bool is not accepted for an int)."""
    cur = conn.cursor()
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

# what a BI tool gets without the expansion: one opaque text column
cur = conn.cursor()
cur.execute("SELECT retention_metrics(retention_score, renewed) FROM member_scoring")
v = cur.fetchone()[0]
ok(isinstance(v, str) and v.startswith("(5000,"),
   "unexpanded, a composite arrives as one string (%s...): expand it" % v[:12])

print("1..%d" % n)
