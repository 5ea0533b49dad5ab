-- Buyer-model benchmark data (included by lifetime_*.setup.sql when missing
-- or made at another scale): at scale 1, about 10M purchase events of 1M
-- members drawn from the BG/NBD process itself, so that the model is
-- identified: members join uniformly over 2024-01-01 .. 2025-03-01 (425
-- days), each with a purchase rate lambda ~ Gamma(r = 0.8, rate alpha = 6
-- days) and a dropout probability p ~ Beta(a = 1, b = 8): a first purchase
-- when joining, then Poisson(lambda) repeat purchases up to the cut-off
-- 2025-03-01, dropping out after each purchase with probability p (Fader,
-- Hardie and Lee 2005).  Spend per purchase: the member's mean
-- exp(N(3, 0.5)) times Gamma(4, 1/4).  numpy with a fixed seed, so the
-- same rows on every run with the same numpy.  bench_buyers is their
-- lifetime_summary (1M rows), fitted once into bench_lifetime_model for the
-- scoring comparison.
SET TimeZone = 'UTC';
DROP TABLE IF EXISTS bench_purchases, bench_buyers, bench_lifetime_model, bench_lifetime_scale;
CREATE TABLE bench_purchases (member_id bigint, occurred_at timestamptz, amount float8);
CREATE EXTENSION IF NOT EXISTS plpython3u;
CREATE OR REPLACE FUNCTION pg_temp.bench_lifetime_generate(scale float8) RETURNS bigint
LANGUAGE plpython3u AS $$
import numpy as np
n = max(int(1_000_000 * scale), 1)
rng = np.random.default_rng(20260101)
horizon = 425.0
join = rng.uniform(0, horizon, n)
T = horizon - join
lam = rng.gamma(0.8, 1 / 6.0, n)
p = rng.beta(1.0, 8.0, n)
allowed = rng.geometric(p) - 1          # repeat purchases before dropping out
offered = rng.poisson(lam * T)          # repeat purchases a live member would make
k = np.minimum(allowed, offered)
owner = np.repeat(np.arange(n), offered)
times = join[owner] + rng.uniform(0, 1, owner.size) * T[owner]
order = np.lexsort((times, owner))
owner, times = owner[order], times[order]
first_of = np.concatenate(([0], np.cumsum(offered)[:-1]))
keep = np.arange(owner.size) - first_of[owner] < k[owner]
owner = np.concatenate((np.arange(n), owner[keep]))
times = np.concatenate((join, times[keep]))
amount = np.round(np.exp(rng.normal(3.0, 0.5, n))[owner] * rng.gamma(4.0, 0.25, owner.size), 2)
plan = plpy.prepare("INSERT INTO bench_purchases SELECT m, '2024-01-01 00:00+00'::timestamptz "
                    "+ make_interval(secs => s), a FROM unnest($1, $2, $3) AS u(m, s, a)",
                    ["bigint[]", "float8[]", "float8[]"])
plpy.execute(plan, [(owner + 1).tolist(), np.floor(times * 86400).tolist(), amount.tolist()])
return owner.size
$$;
SELECT pg_temp.bench_lifetime_generate(:scale);
VACUUM ANALYZE bench_purchases;
CREATE TABLE bench_buyers AS
SELECT member_id, (l).frequency, (l).recency, (l).t, (l).monetary_value
FROM (SELECT member_id, lifetime_summary(occurred_at, '2025-03-01 00:00+00', amount) AS l
      FROM bench_purchases GROUP BY member_id) q
WHERE l IS NOT NULL;
VACUUM ANALYZE bench_buyers;
CREATE TABLE bench_lifetime_model AS
SELECT bgnbd_fit(frequency, recency, t) AS bg, gammagamma_fit(frequency, monetary_value) AS gg
FROM bench_buyers;
-- statistics (as autovacuum would gather): unanalysed, the one-row model
-- table is planned as 880 rows, and the scoring join gets JIT-compiled.
ANALYZE bench_lifetime_model;
CREATE TABLE bench_lifetime_scale AS SELECT :scale::float8 AS scale;

-- PL/Python + numpy/scipy: what a user would otherwise run inside the database
-- (the formulas of lifetimes, vectorised).
CREATE EXTENSION IF NOT EXISTS plpython3u;
CREATE OR REPLACE FUNCTION bench_py_summary() RETURNS bigint LANGUAGE plpython3u AS $$
import numpy as np
# fetched in batches (10M rows at once would be gigabytes of Python objects)
cur = plpy.cursor("SELECT member_id, (extract(epoch FROM date_trunc('day', occurred_at)) / 86400)::int AS day, amount "
                  "FROM bench_purchases WHERE occurred_at <= '2025-03-01 00:00+00'")
ms, ds, as_ = [], [], []
while True:
    rows = cur.fetch(500000)
    if not rows:
        break
    ms.append(np.array([r["member_id"] for r in rows], dtype=np.int64))
    ds.append(np.array([r["day"] for r in rows], dtype=np.int64))
    as_.append(np.array([r["amount"] for r in rows], dtype=float))
m, d, a = np.concatenate(ms), np.concatenate(ds), np.concatenate(as_)
asof = 20148  # 2025-03-01 in days since 1970-01-01
# per-day totals, then per member: first/last day, distinct days, repeat spend
key = m * 100000 + d
uk, inv = np.unique(key, return_inverse=True)
spend = np.bincount(inv, weights=a)
um, mday = uk // 100000, uk % 100000
members, start, count = np.unique(um, return_index=True, return_counts=True)
first = mday[start]
last = mday[start + count - 1]
first_spend = spend[start]
total = np.add.reduceat(spend, start)
freq = count - 1
recency = (last - first).astype(float)
T = (asof - first).astype(float)
mon = np.where(freq > 0, (total - first_spend) / np.maximum(freq, 1), 0.0)
return len(members)
$$;
-- The members with the same (frequency, recency, T) are fetched once with
-- their count, as lifetimes' fitters take them (their weights argument, the
-- condensed matrix of Fader and Hardie) and as bgnbd_fit keeps them: summaries
-- in whole days repeat, and the likelihood is summed over the distinct rows.
CREATE OR REPLACE FUNCTION bench_py_bgnbd_fit() RETURNS float8[] LANGUAGE plpython3u AS $$
import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, betaln
rows = plpy.execute("SELECT frequency, recency, t, count(*) AS w FROM bench_buyers GROUP BY 1, 2, 3")
x = np.array([r["frequency"] for r in rows], dtype=float)
tx = np.array([r["recency"] for r in rows], dtype=float)
T = np.array([r["t"] for r in rows], dtype=float)
w = np.array([r["w"] for r in rows], dtype=float)
w = w / w.sum()
# The two terms of the likelihood in logs (as lifetimes adds them): taken as
# exp(...) they underflow to 0 for the frequent buyers (x in the hundreds),
# the log-likelihood at the start was -inf, and BFGS stopped there after 5
# evaluations (NaN result encountered), returning the start {1,1,1,1}.
def nll(th):
    r, alpha, a, b = np.exp(th)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.dot(w, a1 + a2 + np.logaddexp(a3, a4))
res = minimize(nll, np.zeros(4), method="BFGS")
return [float(v) for v in np.exp(res.x)]
$$;
CREATE OR REPLACE FUNCTION bench_py_score() RETURNS float8 LANGUAGE plpython3u AS $$
import numpy as np
from scipy.special import hyp2f1
m = plpy.execute("SELECT (bg).r, (bg).alpha, (bg).a, (bg).b FROM bench_lifetime_model")[0]
r, alpha, a, b = m["r"], m["alpha"], m["a"], m["b"]
rows = plpy.execute("SELECT frequency, recency, t FROM bench_buyers")
x = np.array([q["frequency"] for q in rows], dtype=float)
tx = np.array([q["recency"] for q in rows], dtype=float)
T = np.array([q["t"] for q in rows], dtype=float)
t = 30.0
odds = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)
p_alive = 1 / (1 + odds)
z = t / (alpha + T + t)
e = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                   * hyp2f1(r + x, b + x, a + b + x - 1, z)) / (1 + odds)
return float(np.sum(p_alive) + np.sum(e))
$$;

-- Last: every page of the bench tables all-visible, as on tables that
-- autovacuum has seen, so that no variant pays a visibility check per row
-- of a freshly loaded table (the first VACUUM can be held back by the
-- autovacuum of the new rows).
VACUUM ANALYZE bench_purchases, bench_buyers, bench_lifetime_model;
\set vac_table bench_purchases
\ir all_visible.sql
\set vac_table bench_buyers
\ir all_visible.sql
