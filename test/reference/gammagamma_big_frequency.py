#!/usr/bin/python3
"""Reference values for gammagamma_fit with one huge frequency.

The CDNOW repeat buyers (test/data/cdnow_summary.sql) with customer 1's
frequency (2) set to 1e12 and to 1e13: the Gamma-Gamma log-likelihood of
Fader and Hardie (2013) maximised by scipy's Nelder-Mead from three starts,
the huge member's term in mpmath (50 digits) as
    lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log gamma - log m
    - q log(gamma + x m) - p x log1p(gamma / (x m)),
the others in double precision (scipy.special.gammaln).  Both have a proper
maximum, 21 above the limit where p runs off to infinity; the fit finds
the one at 1e12 and, at 1e13, says "no proper maximum" (the README's FAQ).
82_lifetime.sql keeps the 1e12 values (gammagamma_big_frequency.out).

    /usr/bin/python3 test/reference/gammagamma_big_frequency.py
"""
import os

import mpmath as mp
import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = np.genfromtxt(os.path.join(HERE, "..", "data", "cdnow_summary.sql"),
                     delimiter=",", names=True, skip_header=1, skip_footer=1)
mp.mp.dps = 50


def negll(th, x, m, big):
    p, q, g = np.exp(th)
    px = p * x
    t = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g) + (px - 1) * np.log(m)
         + px * np.log(x) - (px + q) * np.log(g + x * m))
    P, Q, G, X, M = (mp.mpf(float(v)) for v in (p, q, g, x[big], m[big]))
    t[big] = float(mp.loggamma(P * X + Q) - mp.loggamma(P * X) - mp.loggamma(Q) + Q * mp.log(G)
                   - mp.log(M) - Q * mp.log(G + X * M) - P * X * mp.log1p(G / (X * M)))
    return -np.sum(t)


def main():
    rep = DATA[DATA["x"] > 0]
    for big_x in (1e12, 1e13):
        x = rep["x"].astype(float).copy()
        m = rep["zbar"].astype(float)
        big = int(np.flatnonzero(rep["ID"] == 1)[0])
        x[big] = big_x
        best = None
        for st in ((np.log(6.25), np.log(3.74), np.log(15.44)), (0.0, np.log(2.0), np.log(20.0)), (1.0, 1.0, 1.0)):
            r = minimize(negll, st, args=(x, m, big), method="Nelder-Mead",
                         options=dict(xatol=1e-11, fatol=1e-11, maxiter=40000))
            if best is None or r.fun < best.fun:
                best = r
        p, q, g = np.exp(best.x)
        print(f"frequency {big_x:g}: p = {p:.8f}, q = {q:.8f}, gamma = {g:.8f}, log-likelihood = {-best.fun:.8f}")


if __name__ == "__main__":
    main()
