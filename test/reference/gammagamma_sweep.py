#!/usr/bin/python3
"""A random sweep of gammagamma_fit, a parent commit against the work tree.

Not part of make test (minutes).  It builds a small driver
(test/reference/gammagamma_sweep_driver.c) twice, once with src/ of the
given commit and once with the work tree's src/, fits the same random data
sets with both, and compares status, estimates, log-likelihood and
standard errors bit for bit.  For every set whose result changed it finds
the maximum by Newton in mpmath at 30 digits (gammagamma_reference.py's
polish_mp) from the OK estimate(s) (sets of up to 20,000 members), and
reports each OK fit's largest error in the log-parameters against it, and
any fit that was OK and is not.

Sets (seeded, reproducible): n log-uniform in 2 .. 100,000 (most small),
frequencies 1 .. up to 100, spends drawn four ways:
  A  from limit A (mean spends Gamma(p x, nu x)), p 10^-1 .. 10, maxima
     at large q where there is one;
  F  the same with p 1 .. 10^3: maxima at q 10^4 .. 10^7, some of them a
     few 1e-8 above the limit (the far ridge of test_gammagamma_far_ridge);
  G  from the Gamma-Gamma model itself, q 10^0 .. 10^6;
  W  log-uniform over up to 600 decades (no model);
each multiplied by 10^u, u uniform in -290 .. 290 for a third of the sets,
so that spends run from 1e-300 to 1e300.

    /usr/bin/python3 test/reference/gammagamma_sweep.py PARENT [SETS] [SEED]
        [--keep DIR] [--min-n N] [--max-check N] [--time-limit S] [--small]

--min-n N draws only sets of N .. 100,000 members (log-uniform; the rest
of the draw as above, its random stream not the default one's);
--max-check N polishes sets of up to N members (20,000 by default; mpmath
here computes the special functions once per distinct frequency, so a set
of 100,000 members takes some seconds a pass on an idle machine);
--time-limit S counts a set whose polish runs past S seconds as not
checked; --max-check 0 compares statuses and estimates only (no mpmath:
seconds for 1000 sets).  --small draws sets of 2 .. 11 members instead
(draw_small), where the status follows the optimiser's path more often.
--help prints this.

e.g. PARENT = HEAD~1, SETS = 3000.  Prints a summary and the changed sets'
lines (progress on stderr); with --keep DIR it leaves the drivers and the
sets there.  Some minutes for 3000 sets, most of it mpmath on large sets.
The summary lists, and the exit status is 1 for: OK fits that fail now;
changed OK fits further from mpmath's maximum than the parent's (by more
than a factor of 2 and 1e-7 in the log-parameters); changed sets with an
OK fit from which mpmath's Newton finds no maximum (it does not converge,
or minus the Hessian is not positive definite there).  Each OK fit's
standard errors are compared with mpmath's at its maximum.  Changed sets
of more than 20,000 members are counted as not checked.

Run for the commit "gammagamma_fit: q >= 1e4 from difference formulas"
(parent 2d2b7b5), 4000 sets, seed 21: 85 changed, none from OK to a
failure; 3 "no proper maximum" (DIVERGED) and 1 FLAT became OK; the worst
error in the log-parameters of a changed OK fit checked in mpmath (73 of
them; 12 with more than 20,000 members not checked) 5.9e-7, the parent's
7.4e-4 (of 71).  (An earlier version without kind F, 6000 sets, seed 11:
13 changed, worst 2.6e-7, the parent's 1.2e-4.)

The same commits on large sets, checked now (2d2b7b5 against 1d68b03's
src, which holds them; 400 sets, seed 21, --min-n 20000 --max-check 100000
--time-limit 900; stopped after the changed sets among the first 250, on
a loaded machine): 24 changed sets checked, 21 OK -> OK, every one nearer
mpmath's maximum (parent 1e-8 .. 1e-4 in the log-parameters, new 6e-11 ..
1.2e-6), and 3 "no proper maximum" became OK, at mpmath's maxima to
2.7e-8, 1.9e-8 and 6.4e-5 (set 83, n 83,661, its standard errors 1.2%
off: an OK fit short of the maximum); none the other way.

Run for "gg_eval: p's score and Hessian entry without cancelling where p x
>> q" and "gammagamma_fit: a proper maximum is negative definite beyond
rounding" (parent 1d68b03), 1000 sets, seed 21: 186 changed, no status
changed; of 174 changed OK fits checked, 61 nearer mpmath's maximum, 60
further, 53 the same; 4 flagged further (sets 86, 151, 444 and 558: q 740
.. 5100, the ridge, from 3.6e-8, 1.4e-6, 2.6e-7, 3e-7 to 1.5e-7, 6e-6,
1.9e-6, 6.7e-7).  Their q score and Hessian row are still the plain
differences (q < 1e4), whose rounding sets where Newton stops along the
ridge: with q's differences from gg_psi_diffs_near too (not committed: it
left the noisy ridge unit test "did not converge") sets 151 and 444 came
to 5e-10 and 3e-10.

The same two commits, statuses only (--max-check 0, parent b99a7d4, 1000
sets each, seeds 1 .. 12, 21 and 99; 150 sets each of --min-n 20000, seeds
21 and 22): no status changed.  This draw rarely makes the sets where the
status follows the optimiser's path: 70,000 sets of 2 .. 11 members (model
data, frequencies up to 10^12 or 1 .. 4, spends times 10^-250 .. 10^250)
changed status in 538 (--small, 30,000 sets seed 1 and 40,000 seed 2),
all by the first commit (the second changed none),
and every OK fit among them, before or after, is at a maximum in mpmath:
169 + 277 became OK, 34 + 58 no longer are (the parent's as near as 1e-11
of mpmath's maximum; "no proper maximum" or "did not converge" now).  Of
these, one of 9 members (p 0.567, q 0.395) goes from the usual start to
face B, where the likelihood falls going inwards, and stops there as "no
maximum" (gg_tick), while the maximum further in is 2.3e-4 above the face;
the parent found it, and does not with the spends times 1e112.  The path
decides, not the new pieces: each of them alone moves sets both ways.

Run for "gg_eval: q's score and Hessian entry without cancelling where p x
<< q < 1e4" (parent fb20f5f), seed 21's 1000 sets: no status changed; of
173 changed OK fits checked, 52 nearer mpmath's maximum, 11 further (the
worst 5.8e-9 to 6.8e-8), 110 the same, none flagged; the four flagged
above from 1.5e-7, 6e-6, 1.9e-6, 6.7e-7 to 1.6e-8, 1.7e-7, 2.2e-7,
7.5e-8.  Seed 2 (1000 sets): no status changed; of 210 changed OK fits
checked, 61 nearer, 12 further (at most 1.6e-8), 137 the same, the worst
error 1.2e-5 before and 6.5e-7 now.  Seeds 1 .. 5, statuses only: none
changed.  --small, seeds 1 and 2 (30,000 and 40,000 sets): 31 + 46
became OK, 24 + 55 no longer are (every one of them at a maximum in
mpmath), the same churn as above: on sets with frequencies to 1e12
(lgamma(p x) of 1e13, the log-likelihood's rounding 1e-3) Newton stalls
or not by rounding.
"""
import os
import shutil
import time
import subprocess
import sys
import tempfile

import mpmath
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from gammagamma_reference import polish_mp  # noqa: E402  (same folder)

# sets up to this many members are checked in mpmath (--max-check N)
MAX_CHECK = 20000
# seconds of mpmath per set before it is counted as not checked (--time-limit S)
TIME_LIMIT = None


SOURCES = ["cr_bgnbd.c", "cr_bgnbd_expect.c", "cr_bgnbd_score.c", "cr_auc.c",
           "cr_gammagamma.c", "cr_optim.c", "cr_hyp2f1.c"]
STATUS = ["OK", "no rows", "no repeat", "no proper maximum (diverged)", "flat",
          "did not converge", "needs rows"]


def build(srcdir, out):
    subprocess.run(["cc", "-O2", "-I", srcdir, "-o", out, os.path.join(HERE, "gammagamma_sweep_driver.c")]
                   + [os.path.join(srcdir, s) for s in SOURCES] + ["-lm"], check=True)


def parent_src(commit, tmp):
    d = os.path.join(tmp, "parent_src")
    os.makedirs(d)
    files = subprocess.run(["git", "-C", ROOT, "ls-tree", "--name-only", commit, "src/"],
                           check=True, capture_output=True, text=True).stdout.split()
    for f in files:
        if f.endswith((".c", ".h")):
            with open(os.path.join(d, os.path.basename(f)), "wb") as fh:
                fh.write(subprocess.run(["git", "-C", ROOT, "show", "%s:%s" % (commit, f)],
                                        check=True, capture_output=True).stdout)
    return d


def draw(rng, min_n=None):
    top = 5.0 if rng.uniform() < 0.1 else max(np.log10(2), 5.0 * rng.uniform() ** 2)
    n = max(2, int(round(10 ** rng.uniform(np.log10(2), top))))
    if min_n is not None:
        n = int(round(10 ** rng.uniform(np.log10(min_n), 5)))
    xmax = int(10 ** rng.uniform(0, 2))
    x = rng.integers(1, xmax + 1, n).astype(float)
    kind = "AFGW"[rng.integers(4)]
    if kind in "AF":
        p, nu = 10 ** rng.uniform(*((-1, 1) if kind == "A" else (0, 3))), 10 ** rng.uniform(-2, 2)
        m = rng.gamma(p * x, 1.0 / (nu * x))
    elif kind == "G":
        p, q, g = 10 ** rng.uniform(-1, 1.5), 10 ** rng.uniform(0, 6), 10 ** rng.uniform(-1, 3)
        nu = rng.gamma(q, 1.0 / g, n)
        m = rng.gamma(p * x, 1.0 / (nu * x))
    else:
        span = 10 ** rng.uniform(0, np.log10(600))
        m = 10 ** rng.uniform(-span / 2, span / 2, n)
    if rng.uniform() < 1 / 3:
        m = m * 10 ** rng.uniform(-290, 290)
    ok = np.isfinite(m) & (m > 0)
    return kind, x[ok], m[ok]


def draw_small(rng):
    """--small: 2 .. 11 members from the model (p 10^-1 .. 10^3, q 10^-1 ..
    10^6, gamma 10^-3 .. 10^3), frequencies up to 100, up to 10^12 or 1 ..
    4, or spends of 0.01 and 1e6 alike (the model's frequencies), every
    set's spends times 10^-250 .. 10^250"""
    n = int(rng.integers(2, 12))
    mode = rng.integers(4)
    if mode == 0:
        x = rng.integers(1, 1 + int(10 ** rng.uniform(0, 2)), n)
    elif mode == 1:
        x = np.maximum(1, np.round(10 ** rng.uniform(0, 12, n)))
    else:
        x = rng.integers(1, 5, n)
    p, q, g = 10 ** rng.uniform(-1, 3), 10 ** rng.uniform(-1, 6), 10 ** rng.uniform(-3, 3)
    nu = rng.gamma(q, 1 / g, n)
    with np.errstate(all="ignore"):
        m = rng.gamma(p * x, 1 / (nu * x))
    if mode == 3:
        m = np.where(rng.uniform(size=n) < 0.5, 0.01, 1e6) * 10 ** rng.uniform(-0.5, 0.5, n)
    m = m * 10 ** rng.uniform(-250, 250)
    ok = np.isfinite(m) & (m > 0)
    return "S", x[ok].astype(float), m[ok]


def fit_all(binary, path):
    out = subprocess.run([binary, path], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()]


def main():
    global MAX_CHECK, TIME_LIMIT
    if "--help" in sys.argv or "-h" in sys.argv:
        print(__doc__)
        return 0
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    keep = None
    min_n = None
    for opt in ("--keep", "--min-n", "--max-check", "--time-limit"):
        if opt in sys.argv:
            v = sys.argv[sys.argv.index(opt) + 1]
            args.remove(v)
            if opt == "--keep":
                keep = v
            elif opt == "--min-n":
                min_n = int(v)
            elif opt == "--max-check":
                MAX_CHECK = int(v)
            else:
                TIME_LIMIT = float(v)
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    parent = args[0]
    sets = int(args[1]) if len(args) > 1 else 3000
    seed = int(args[2]) if len(args) > 2 else 1
    tmp = keep or tempfile.mkdtemp(prefix="gg_sweep_")
    os.makedirs(tmp, exist_ok=True)
    build(parent_src(parent, tmp) if not os.path.isdir(os.path.join(tmp, "parent_src")) else
          os.path.join(tmp, "parent_src"), os.path.join(tmp, "parent"))
    build(os.path.join(ROOT, "src"), os.path.join(tmp, "new"))
    rng = np.random.default_rng(seed)
    data = []
    path = os.path.join(tmp, "sets.txt")
    with open(path, "w") as fh:
        for _ in range(sets):
            kind, x, m = draw_small(rng) if "--small" in sys.argv else draw(rng, min_n)
            data.append((kind, x, m))
            fh.write("%d %s\n" % (len(m), " ".join("%d %.17g" % (a, b) for a, b in zip(x, m))))
    old, new = fit_all(os.path.join(tmp, "parent"), path), fit_all(os.path.join(tmp, "new"), path)
    if keep is None:
        shutil.rmtree(tmp)
    counts = {}
    changed, lost, worse, unchecked, nomax, timed = [], [], [], [], [], []
    for i, (o, w) in enumerate(zip(old, new)):
        counts[(o[0], w[0])] = counts.get((o[0], w[0]), 0) + 1
        if o[:8] == w[:8]:
            continue
        kind, x, m = data[i]
        if o[0] == "0" and w[0] != "0":
            lost.append(i)
        errs = {}
        starts = [("parent", o), ("new", w)]
        best = None
        deadline = None if TIME_LIMIT is None else time.time() + TIME_LIMIT
        out_of_time = False
        for name, r in starts:
            if r[0] != "0":
                continue
            est = [float.fromhex(v) for v in r[1:4]]
            if len(m) > MAX_CHECK:
                continue  # mpmath: too slow
            try:
                P, cov, score = polish_mp(est, x, m, dps=30, deadline=deadline)
            except ZeroDivisionError:
                continue  # a singular Hessian on the way: no maximum from there
            except TimeoutError:
                out_of_time = True
                continue
            if best is None or score < best[1]:
                best = (P, score, cov)
        if out_of_time:
            timed.append(i)
        if best is None and (o[0] == "0" or w[0] == "0"):
            (unchecked if len(m) > MAX_CHECK or out_of_time else nomax).append(i)
        if best is not None:
            # a maximum: Newton converged (the score to rounding at 30
            # digits) and minus the Hessian's inverse positive definite
            P, score, cov = best
            try:
                mpmath.cholesky(cov)
                definite = True
            except (ValueError, ZeroDivisionError):
                definite = False
            if not (score < 1e-12 and definite):
                nomax.append(i)
            for name, r in starts:
                if r[0] == "0":
                    est = [float.fromhex(v) for v in r[1:4]]
                    errs[name] = max(abs(float(mpmath.log(mpmath.mpf(est[k]) / P[k]))) for k in range(3))
                    # standard errors against mpmath's, p_k sqrt(C_kk) at its maximum
                    se = [float.fromhex(v) for v in r[5:8]]
                    errs[name + " se"] = max(abs(se[k] / float(P[k] * mpmath.sqrt(cov[k, k])) - 1)
                                             if cov[k, k] > 0 else float("inf") for k in range(3))
            # a changed OK fit no nearer mpmath's maximum than the parent's
            # (beyond 1e-7 in the log-parameters: below that, on the flat
            # ridges, both are rounding and move either way)
            if "new" in errs and "parent" in errs and errs["new"] > max(2 * errs["parent"], 1e-7):
                worse.append(i)
        changed.append((i, kind, len(m), o, w, errs, best))
        print("checked set %d (n %d, %s -> %s) in mpmath: %s" % (i, len(m), o[0], w[0], errs),
              file=sys.stderr, flush=True)
    print("sets %d (seed %d), parent %s" % (sets, seed, parent))
    print("status parent -> new: " + ", ".join("%s->%s: %d" % (a, b, c) for (a, b), c in sorted(counts.items())))
    print("changed %d; OK before and failing now: %d %s" % (len(changed), len(lost), lost))
    print("changed OK fits further from mpmath's maximum than the parent's: %d %s" % (len(worse), worse))
    print("changed sets not checked in mpmath (more than %d members, or past the time limit): %d %s"
          % (MAX_CHECK, len(unchecked), unchecked))
    print("changed sets where a polish ran past the time limit (%s s): %d %s" % (TIME_LIMIT, len(timed), timed))
    print("changed sets where mpmath's Newton found no maximum: %d %s" % (len(nomax), nomax))
    for i, kind, n, o, w, errs, best in changed:
        q = float(best[0][1]) if best else float("nan")
        print("  set %d (%s, n %d): status %s -> %s, q %s -> %s (mpmath %.6g, score %.1g), "
              "log-error parent %s new %s, standard errors' parent %s new %s, passes %s -> %s"
              % (i, kind, n, o[0], w[0], "%.6g" % float.fromhex(o[2]), "%.6g" % float.fromhex(w[2]), q,
                 float(best[1]) if best else float("nan"),
                 *("%.2g" % errs[k] if k in errs else "-" for k in ("parent", "new", "parent se", "new se")),
                 o[8], w[8]))
    for name in ("parent", "new"):
        e = [c[5][name] for c in changed if name in c[5]]
        if e:
            print("worst log-error of a changed OK fit, %s: %.3g (of %d); of its standard errors %.3g"
                  % (name, max(e), len(e), max(c[5][name + " se"] for c in changed if name in c[5])))
    return 1 if lost or worse or nomax else 0

if __name__ == "__main__":
    sys.exit(main())
