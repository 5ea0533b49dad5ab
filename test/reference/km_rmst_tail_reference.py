#!/usr/bin/python3
"""Reference RMST standard errors for test/unit/test_km.c (test_rmst_tail):
curves whose survival falls to nearly 0 at the first time, so that the area
left after it, A_j = the integral of S on [t_j, tau], is tiny beside the
whole area (it was taken as their difference, which cancelled).

The variance is Klein and Moeschberger's sum of A_j^2 d_j / (n_j (n_j - d_j))
over event times t_j <= tau, in mpmath at 50 digits, for the survival values
as the curve's doubles hold them:
  "1 of 1e17": t 1: 1e17 at risk, 1e17 - 1 churned, survival 1e-17;
               t 2: 1 at risk, 1 censored; tau 2
  "10 of 1e9": t 1: 1e9 at risk, 1e9 - 10 churned, survival 1e-8;
               t 1000: 10 at risk, 10 censored; tau 1000

    /usr/bin/python3 test/reference/km_rmst_tail_reference.py
"""
import mpmath as mp

mp.mp.dps = 50


def rmst(pts, tau):
    """pts: (t, at_risk, churned, survival); the area and its standard error."""
    area, prev_t, prev_s = mp.mpf(0), mp.mpf(0), mp.mpf(1)
    for t, _, _, s in pts:
        if t < tau:
            area += prev_s * (t - prev_t)
            prev_t, prev_s = mp.mpf(t), mp.mpf(s)
    area += prev_s * (tau - prev_t)
    var = mp.mpf(0)
    inside = [p for p in pts if p[0] <= tau]
    for j, (t, n, d, _) in enumerate(inside):
        a = sum(mp.mpf(inside[i][3]) * ((inside[i + 1][0] if i + 1 < len(inside) else tau) - inside[i][0])
                for i in range(j, len(inside)))
        if d > 0 and n > d:
            var += a * a * d / (mp.mpf(n) * (n - d))
    return area, mp.sqrt(var)


for name, pts, tau in (('1 of 1e17', [(1, 10**17, 10**17 - 1, 1e-17), (2, 1, 0, 1e-17)], 2),
                       ('10 of 1e9', [(1, 10**9, 10**9 - 10, 1e-8), (1000, 10, 0, 1e-8)], 1000)):
    area, se = rmst(pts, tau)
    print('%-10s rmst %.17g std_err %.17g' % (name, float(area), float(se)))
