#!/usr/bin/python3
"""Reference chi-squares for test/unit/test_km.c (test_logrank_oe): O - E
of the log-rank test when its terms d_g - n_g d / n cancel, under all four
weightings (plain, Gehan-Breslow n, Tarone-Ware sqrt(n), Fleming-Harrington
S(t-)^p with p = 1).  The statistic does not depend on the groups' order
(checked here; test_km.c numbers them in every order).

Counts (time, group, churned, censored):

"nearly all": 395000^2 = 1.56025e11 at risk at time 1, all but 16 staying
   members churning (the others censored then):
     time 1: a 439875408 - 47543 churned, 47530 censored;
             b 395000^2 - 439875408 - 1000 - 3 churned;
             c 990 churned, 10 censored
     time 2: a 8 churned, 5 censored; b 3 churned
"like odds": two groups of 4.5e8 churning at nearly the same odds, so
   that d_a a_b and a_a d_b (churned of one times staying of the other) are
   4.5e16, past 2^53, and nearly equal:
     time 1: a 300000011 churned, 10000 censored of 450000017;
             b 300000001 churned, 7588 censored of 449999983
     time 2: a 149990004 churned; b 149992392 churned
     time 3: a 1 churned, 1 censored; b 2 churned
   (Its chi-square is 9e-7: nearly all of O - E cancels.)
"2^53 + 1": a product of the table that is 2^53 + 1 = 321 x 28059810762433,
   which rounds to 2^53 (to even), a double that is not past 2^53:
     time 1: a 321 churned; b 28059810762432 churned
     time 2: a 321 censored; b 28059810762433 censored
   so d_a a_b = 2^53 + 1 and a_a d_b = 2^53 - 320: the determinant 321,
   not 320 (with the products rounded, chi-square was 0.6% off; one event
   time, so every weighting has the same chi-square).
"2^53 in all": two forged partial states combined (sql/forged_states.sql),
   2^53 members:
     time 1: a 2^52 churned; b 2^52 - 6 churned
     time 2: a 2 churned, 2 censored; b 2 churned
   and split otherwise (a 2^52 + 1 churned, b 2^52 - 7 at time 1).
At risk: 395000^2 and 4^2 in the first case, 30000^2, 17320^2 and 2^2 in
the second, so every Tarone-Ware weight sqrt(n) is rational.

Computed in exact rational arithmetic straight from the definition
(O - E)^T V^-1 (O - E), V = sum over event times with n > 1 of
w^2 d (n - d) / (n - 1) (diag(r) - r r^T), the first group left out as
statsmodels' survdiff does.

    /usr/bin/python3 test/reference/logrank_oe_reference.py
"""

# logrank(obs, k, weight): the exact statistic, weight 'plain', 'gb', 'tw'
# or 'fh1' (Fleming-Harrington with p = 1)
from logrank_extreme_reference import F, logrank

A0 = 439875408
NEARLY_ALL = [(1, 0, A0 - 47543, 47530), (1, 1, 395000**2 - A0 - 1000 - 3, 0),
              (1, 2, 990, 10), (2, 0, 8, 5), (2, 1, 3, 0)]
LIKE_ODDS = [(1, 0, 300000011, 10000), (1, 1, 300000001, 7588),
             (2, 0, 149990004, 0), (2, 1, 149992392, 0),
             (3, 0, 1, 1), (3, 1, 2, 0)]
B = 28059810762433
PAST_2_53 = [(1, 0, 321, 0), (1, 1, B - 1, 0), (2, 0, 0, 321), (2, 1, 0, B)]
assert 321 * B == 2**53 + 1 and float(321 * B) == 2.0**53
assert sum(o[2] + o[3] for o in NEARLY_ALL) == 395000**2
assert sum(o[2] + o[3] for o in LIKE_ODDS) == 30000**2
assert sum(o[2] + o[3] for o in LIKE_ODDS if o[0] > 1) == 17320**2

for name, obs, k in (('nearly all', NEARLY_ALL, 3), ('like odds', LIKE_ODDS, 2),
                     ('2^53 + 1', PAST_2_53, 2)):
    # the Tarone-Ware weight of PAST_2_53 is not rational, nor needed
    for weight in ('plain', 'gb', 'fh1') if obs is PAST_2_53 else ('plain', 'gb', 'tw', 'fh1'):
        chi2 = logrank(obs, k, weight)
        # the statistic does not depend on the groups' order
        assert logrank([(t, k - 1 - g, d, c) for t, g, d, c in obs], k, weight) == chi2
        print('%-10s %-5s chi2 %.17g' % (name, weight, float(chi2)))

for ea, eb in ((2**52, 2**52 - 6), (2**52 + 1, 2**52 - 7)):
    obs = [(1, 0, ea, 0), (1, 1, eb, 0), (2, 0, 2, 2), (2, 1, 2, 0)]
    assert sum(o[2] + o[3] for o in obs) == 2**53
    print('2^53 in all, a %d plain chi2 %.17g' % (ea, float(logrank(obs, 2, 'plain'))))
