#!/usr/bin/python3
"""Reference values for the buyer models (BG/NBD, Gamma-Gamma, lifetime value).

An independent numpy/scipy implementation of the published formulas (not of
the extension's C code): the BG/NBD log-likelihood of Fader, Hardie and Lee
(2005, eq. 6) maximised with scipy's Nelder-Mead then BFGS, standard errors
from statsmodels' numerical Hessian, predictions with scipy.special.hyp2f1
in their published form (FHL eq. 9, 10; no Euler transformation), the
Gamma-Gamma likelihood of Fader and Hardie (2013), and lifetimes'
customer_lifetime_value loop.  Run with /usr/bin/python3 (Debian's scipy and
statsmodels); the values it prints are kept in test/pgtap/82_lifetime.sql and
test/unit/test_bgnbd.c.

    /usr/bin/python3 test/reference/lifetime_reference.py
"""
import os

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1, polygamma
from statsmodels.tools.numdiff import approx_hess3

HERE = os.path.dirname(os.path.abspath(__file__))
# the CSV lines between the COPY line and its terminator
DATA = np.genfromtxt(os.path.join(HERE, "..", "data", "cdnow_summary.sql"),
                     delimiter=",", names=True, skip_header=1, skip_footer=1)
X, TX, T, ZBAR = DATA["x"], DATA["t_x"], DATA["T"], DATA["zbar"]


def bgnbd_ll(params):
    r, alpha, a, b = params
    a1 = gammaln(r + X) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + X) - betaln(a, b)
    l1 = np.exp(-(r + X) * np.log(alpha + T))
    l2 = np.where(X > 0, np.exp(betaln(a + 1, b + X - 1) - betaln(a, b + X)
                                - (r + X) * np.log(alpha + TX)), 0.0)
    return np.sum(a1 + a2 + np.log(l1 + l2))


def gg_ll(params, x, m):
    p, q, g = params
    px = p * x
    return np.sum(gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
                  + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + x * m))


def fit(ll, start):
    f = lambda th: -ll(np.exp(th))
    res = minimize(f, np.log(start), method="Nelder-Mead",
                   options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000})
    res = minimize(f, res.x, method="BFGS", options={"gtol": 1e-9})
    p = np.exp(res.x)
    hess = approx_hess3(p, lambda q: -ll(q))
    se = np.sqrt(np.diag(np.linalg.inv(hess)))
    return p, ll(p), se


def p_alive(m, x, tx, t_):
    r, alpha, a, b = m
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + t_) / (alpha + tx)) ** (r + x))


def cond_expected(m, t, x, tx, t_):
    r, alpha, a, b = m
    z = t / (alpha + t_ + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + t_) / (alpha + t_ + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    den = 1 + (x > 0) * a / (b + x - 1) * ((alpha + t_) / (alpha + tx)) ** (r + x)
    return head * body / den


def cond_expected_mp(m, t, x, tx, t_):
    import mpmath
    # 50 digits, and two more for each power of ten of the largest parameter
    # (b = 1e300 cancels 600 digits in 1 - 2F1)
    mpmath.mp.dps = int(50 + 2 * max(abs(mpmath.log10(v)) for v in m))
    r, alpha, a, b = map(mpmath.mpf, m)
    t, x, tx, t_ = map(mpmath.mpf, (t, x, tx, t_))
    z = t / (alpha + t_ + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + t_) / (alpha + t_ + t)) ** (r + x) * mpmath.hyp2f1(r + x, b + x, a + b + x - 1, z,
                                                                          maxterms=10**6)
    den = 1 + (x > 0) * a / (b + x - 1) * ((alpha + t_) / (alpha + tx)) ** (r + x)
    return float(head * body / den)


def cond_expected_quad_mp(m, t, x, tx, t_):
    """The same by mpmath's quadrature of P(alive) E_p[(1 - (1+pk)^-(r+x)) / p],
    p ~ Beta(a, b+x), k = t/(alpha+T): for r so large that the 2F1 series of
    cond_expected_mp does not converge within its terms."""
    import mpmath
    # the Beta's norm is a difference of loggammas of b: digits for all of b
    mpmath.mp.dps = int(60 + 2 * max(abs(mpmath.log10(v)) for v in m))
    r, alpha, a, b = map(mpmath.mpf, m)
    t, x, tx, t_ = map(mpmath.mpf, (t, x, tx, t_))
    beta, n, k = b + x, r + x, t / (alpha + t_)
    lnorm = -(mpmath.loggamma(a) + mpmath.loggamma(beta) - mpmath.loggamma(a + beta))
    mean = a / (a + beta)

    def f(p):
        if p <= 0 or p >= 1:
            return mpmath.mpf(0)
        return mpmath.exp(lnorm + (a - 1) * mpmath.log(p) + (beta - 1) * mpmath.log1p(-p)) \
            * -mpmath.expm1(-n * mpmath.log1p(p * k)) / p
    pts = sorted(set([mpmath.mpf(0), mpmath.mpf(1)] + [mean * mpmath.mpf(10) ** j for j in range(-6, 7)
                                                        if mean * mpmath.mpf(10) ** j < 1]))
    den = 1 + (x > 0) * a / (b + x - 1) * ((alpha + t_) / (alpha + tx)) ** (r + x)
    return float(mpmath.quad(f, pts) / den)


def lbeta_mp(a, b):
    """ln B(a, b) at 400 digits: b = 1e300 next to a = 2 needs all of them."""
    import mpmath
    mpmath.mp.dps = 400
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    return mpmath.loggamma(a) + mpmath.loggamma(b) - mpmath.loggamma(a + b)


def lbeta_pdf_at_mean_mp(a, b):
    """ln of the Beta(a, b) density at its mean a / (a + b), at 400 digits."""
    import mpmath
    lb = lbeta_mp(a, b)
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    mean = a / (a + b)
    return -lb + (a - 1) * mpmath.log(mean) + (b - 1) * mpmath.log1p(-mean)


def bgnbd_ll_mp(m, rows):
    """The BG/NBD log-likelihood (FHL eq. 6) of weighted rows (x, tx, T, w),
    at 80 digits, and its gradient by mpmath's numerical differentiation."""
    import mpmath
    mpmath.mp.dps = 80

    def ll(r, alpha, a, b):
        s = mpmath.mpf(0)
        for (x, tx, t_, w) in rows:
            x, tx, t_ = map(mpmath.mpf, (x, tx, t_))
            a1 = mpmath.loggamma(r + x) - mpmath.loggamma(r) + r * mpmath.log(alpha)
            a2 = mpmath.log(mpmath.beta(a, b + x) / mpmath.beta(a, b))
            l1 = (alpha + t_) ** -(r + x)
            l2 = a / (b + x - 1) * (alpha + tx) ** -(r + x) if x > 0 else 0
            s += w * (a1 + a2 + mpmath.log(l1 + l2))
        return s
    p = list(map(mpmath.mpf, m))
    grad = [mpmath.diff(lambda v: ll(*(p[:j] + [v] + p[j + 1:])), p[j]) for j in range(4)]
    return ll(*p), grad


def uncond_expected(m, t):
    r, alpha, a, b = m
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r
                                    * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def gg_spend(m, x, mean):
    p, q, g = m
    return p * (g + x * mean) / (p * x + q - 1)


def clv(bg, spend, x, tx, t_, time=12, discount_rate=0.01, factor=4.345):
    # lifetimes.utils._customer_lifetime_value
    out = 0.0
    for i in np.arange(1, time + 1) * factor:
        n = cond_expected(bg, i, x, tx, t_) - cond_expected(bg, i - factor, x, tx, t_)
        out += spend * n / (1 + discount_rate) ** (i / factor)
    return out


def main():
    bg, bg_ll, bg_se = fit(bgnbd_ll, [1.0, 1.0, 1.0, 1.0])
    print("bgnbd r alpha a b: %.10f %.10f %.10f %.10f" % tuple(bg))
    print("bgnbd log_likelihood: %.10f" % bg_ll)
    print("bgnbd se: %.8f %.8f %.8f %.8f" % tuple(bg_se))
    rep = X > 0
    gg, gg_l, gg_se = fit(lambda p: gg_ll(p, X[rep], ZBAR[rep]), [1.0, 1.0, 1.0])
    print("gammagamma p q gamma: %.10f %.10f %.10f" % tuple(gg))
    print("gammagamma log_likelihood: %.10f (n = %d)" % (gg_l, rep.sum()))
    print("gammagamma se: %.8f %.8f %.8f" % tuple(gg_se))
    # CDNOW customers 1, 2, 3, 6, 157 and 1901
    members = [(1, 2, 30.43, 38.86, 22.35), (2, 1, 1.71, 38.86, 11.77), (3, 0, 0.0, 38.86, 0.0),
               (6, 7, 29.43, 38.86, 73.74), (157, 29, 37.71, 38.00, 26.26),
               (1901, 21, 4.71, 29.29, 299.63)]
    for (cid, x, tx, t_, z) in members:
        spend = gg_spend(gg, x, z)
        print("customer %d x=%g tx=%g T=%g zbar=%g: p_alive %.15g  E[Y(39)] %.15g  E[Y(52)] %.15g"
              "  spend %.15g  clv(12 months, 1%%, 4.345 weeks) %.15g"
              % (cid, x, tx, t_, z, p_alive(bg, x, tx, t_), cond_expected(bg, 39, x, tx, t_),
                 cond_expected(bg, 52, x, tx, t_), spend, clv(bg, spend, x, tx, t_)))
    for t in [1, 39, 52, 78, 520]:
        print("E[X(%g)] = %.12f" % (t, uncond_expected(bg, t)))
    # large r, where the Euler-transformed series cancels (attack14)
    print("large r: (r, alpha, a, b), t, x, tx, T -> conditional expected purchases:")
    for (m, t, x, tx, t_) in [((98.22493529749167, 1030.837038918811, 0.1411717474725134,
                                0.007319709956041671), 1e6, 5, 119633.82211259022, 119633.82211259022),
                              ((60.0, 10.0, 3.0, 0.5), 30.0, 0, 0.0, 10.0),
                              ((60.0, 10.0, 0.3, 0.2), 30.0, 0, 0.0, 10.0),
                              ((100.0, 100.0, 0.5, 0.07), 600.0, 0, 0.0, 100.0),
                              ((40.0, 5.0, 0.8, 2.4), 20.0, 3, 4.0, 6.0)]:
        print("\t%r, %r, %r, %r, %r -> %.15g" % (m, t, x, tx, t_, cond_expected(m, t, x, tx, t_)))
    # large b with t far beyond alpha + T, E[Y] a millionth of its head factor,
    # tiny a, b + x < 1, a = 1 + 1e-10: where every double form of the 2F1
    # cancels and the kernel integrates (attackclv); scipy's hyp2f1 cancels
    # too, so these are mpmath's, at 50 digits
    print("large b, cancellation: (r, alpha, a, b), t, x, tx, T -> conditional expected purchases (mpmath):")
    for (m, t, x, tx, t_) in [((6.74224, 92.182, 0.409288, 458.916), 1048.26, 0, 0.0, 1.86317),
                              ((0.201488, 0.403231, 0.237218, 986.194), 1948.03, 30, 81.7655, 88.2843),
                              ((0.47817, 9800.41, 0.744824, 609.169), 0.0335153, 0, 0.0, 1.85089),
                              ((0.361347, 16.7343, 0.0144892, 714.908), 339.999, 0, 0.0, 3.1597),
                              ((0.00123281, 0.490296, 41.1376, 0.00749682), 0.0262575, 0, 0.0, 342.831),
                              ((0.243, 4.414, 1.0000000001, 2.426), 52.0, 2, 30.43, 38.86)]:
        print("\t%r, %r, %r, %r, %r -> %.15g" % (m, t, x, tx, t_, cond_expected_mp(m, t, x, tx, t_)))
    # hand-typed extremes: b from 1e8 to 1e300 (the lgamma difference of the
    # Beta's norm lost every digit), a and b both huge (a Beta narrower than
    # the quadrature's pieces), a found by a random sweep against mpmath
    print("extreme a and b: (r, alpha, a, b), t, x, tx, T -> conditional expected purchases (mpmath):")
    for (m, t, x, tx, t_) in [((0.5, 10.0, 2.0, 1e8), 10.0, 3, 5.0, 10.0),
                              ((0.5, 10.0, 2.0, 1e16), 10.0, 3, 5.0, 10.0),
                              ((0.5, 10.0, 0.3, 1e100), 10.0, 3, 5.0, 10.0),
                              ((0.5, 10.0, 2.0, 1e300), 10.0, 3, 5.0, 10.0),
                              ((0.0706114683544236, 0.01638349867740153, 281818.48762724514,
                                9896935391083490.0), 15.572440871094448, 100, 155.64132852255025,
                               163.9372979264924),
                              ((18.14406673199752, 1023.6662789441949, 10317379.590621872,
                                7270047527.765954), 73.26900351602771, 3, 7.945855173841487,
                               8.299741965788225),
                              ((239.6769264026579, 5254.745884882225, 5.133454992181121e+41,
                                8.519397651390257e+72), 0.01822493993702582, 3, 20.457410231111986,
                               53.27774347280825),
                              ((1.0, 10.0, 1e8, 1e8), 10.0, 2, 5.0, 10.0),
                              ((1.0, 10.0, 3e4, 2e4), 10.0, 2, 5.0, 10.0),
                              # b + x < 1 with a huge (1 - p lost to p = 1), a and
                              # b near 1e12 (the peak's density to 1e6 cancelling
                              # in each term), a within 1e-6 of 1
                              ((1.0, 1.0, 1e100, 0.5), 1e-7, 0, 0.0, 0.0),
                              ((1.0, 1.0, 1e8, 0.5), 1e-7, 0, 0.0, 0.0),
                              ((2.0, 1.0, 1e12, 2e12), 3.0, 0, 0.0, 0.0),
                              ((2.0, 1.0, 1e11, 2e11), 3.0, 2, 1.0, 4.0),
                              ((2.0, 1.0, 1.00000099, 3.0), 10.0, 0, 0.0, 0.0),
                              ((0.5, 3.0, 1.00000099, 0.3), 100.0, 1, 2.0, 3.0),
                              # tiny a with huge b: the density in p^a drops near 0.9986
                              ((1.0, 1.0, 2e-6, 1e300), 1.0, 0, 0.0, 0.0),
                              ((1.0, 1.0, 2e-6, 1e300), 1.0, 0, 0.0, 1.0),
                              ((0.5, 2.0, 1e-3, 1e12), 5.0, 3, 2.0, 4.0),
                              # horizons far beyond alpha + T, where 1 - z by
                              # subtraction lost digits (or was 0), and a tiny alpha
                              ((0.243, 4.414, 0.793, 2.426), 1e12, 0, 0.0, 0.0),
                              ((0.243, 4.414, 0.793, 2.426), 1e17, 0, 0.0, 0.0),
                              ((0.243, 4.414, 0.793, 2.426), 1e15, 2, 30.43, 38.86),
                              ((49.759891230486176, 5.933640636447271e-223, 0.002073851026483566,
                                0.012480033839435448), 122686.40184550565, 0, 0.0, 0.0)]:
        print("\t%r, %r, %r, %r, %r -> %.15g" % (m, t, x, tx, t_, cond_expected_mp(m, t, x, tx, t_)))
    # a in the hundreds, x = 0, a horizon tens of times alpha + T: w^(a-1)
    # underflows while the Euler form's 2F1 overflows (their product was -inf,
    # reported as 0 purchases)
    print("underflow times overflow: (r, alpha, a, b), t, x, tx, T -> conditional expected purchases (mpmath):")
    for (m, t, x, tx, t_) in [((0.5, 10.0, 200.0, 600.0), 365.0, 0, 0.0, 0.0),
                              ((0.06993433595886173, 0.3202413616345168, 132.8700021158063,
                                339.71433467324994), 70.8318697697385, 0, 0.0, 0.0),
                              ((0.2252199647379587, 0.013777989225217644, 74.03879286896282,
                                0.0002952908405698661), 268.49407126400655, 0, 0.0, 0.0),
                              ((0.06618640473364153, 7.271173339191885, 168.8396108767693,
                                11.480654277904868), 592.7803688227943, 0, 0.0, 0.0),
                              ((0.4872404758871815, 37.919573920304515, 113.97045113395,
                                2.637943354988603), 27288.084662534246, 0, 0.0, 0.0)]:
        print("\t%r, %r, %r, %r, %r -> %.15g" % (m, t, x, tx, t_, cond_expected_mp(m, t, x, tx, t_)))
    # r + x near 1e11 with p k near 1e-11: (n + 1) p k is not small, so the
    # integrand's short series was wrong; the 2F1 series does not converge
    # here, so these are mpmath's quadrature
    print("huge r: (r, alpha, a, b), t, x, tx, T -> conditional expected purchases (mpmath quad):")
    for (m, t, x, tx, t_) in [((1e11, 1.0, 2.0, 1e12), 1.0, 0, 0.0, 0.0),
                              ((1e11, 1.0, 2.0, 1e12), 1.0, 2, 4.0, 4.0),
                              # r = 1e150: the integrand itself overflowed
                              ((1e150, 10.0, 100.0, 1e250), 60.0, 0, 0.0, 28.0)]:
        print("\t%r, %r, %r, %r, %r -> %.15g" % (m, t, x, tx, t_, cond_expected_quad_mp(m, t, x, tx, t_)))
    # the log-likelihood where r, b or a + b is 1e7 and more: differences of
    # lgammas of those lost 1e-7 to 1e-2, r log(alpha) - (r+x) log(alpha+T)
    # as many digits
    rows = [(0, 0.0, 38.86, 3), (1, 1.71, 38.86, 1), (2, 30.43, 38.86, 1), (7, 29.43, 38.86, 2),
            (29, 37.71, 38.0, 1)]
    print("log-likelihood of %r, (r, alpha, a, b) -> LL, gradient (mpmath):" % (rows,))
    for m in [(0.243, 4.414, 0.793, 2.426e8), (1e7, 4.4e7, 0.793, 2.426), (5e6, 2e7, 3e5, 9e8),
              (0.243, 4.414, 1e9, 2e9), (2.5e8, 1e9, 0.5, 1e12)]:
        ll, g = bgnbd_ll_mp(m, rows)
        print("\t{%r, %r, %r, %r, %.17g, %.17g, %.17g, %.17g, %.17g}," % (m + (float(ll),) + tuple(map(float, g))))
    # the same models where x > 64: psi(z + x) - psi(z) of large z from the
    # asymptotic series' differences (a difference of digammas lost 1e-5 of
    # the gradient in b)
    rows = [(0, 0.0, 38.86, 3), (65, 30.43, 38.86, 1), (200, 37.71, 38.86, 2)]
    print("log-likelihood of %r, (r, alpha, a, b) -> LL, gradient (mpmath):" % (rows,))
    for m in [(0.243, 4.414, 0.793, 2.426e8), (1e7, 4.4e7, 0.793, 2.426), (5e6, 2e7, 3e5, 9e8),
              (0.243, 4.414, 1e9, 2e9), (2.5e8, 1e9, 0.5, 1e12)]:
        ll, g = bgnbd_ll_mp(m, rows)
        print("\t{%r, %r, %r, %r, %.17g, %.17g, %.17g, %.17g, %.17g}," % (m + (float(ll),) + tuple(map(float, g))))
    print("ln B(a, b) (mpmath, 400 digits):")
    for (a, b) in [(2, 1e16), (0.3, 1e16), (2, 1e8), (0.5, 0.25), (3.5, 7.25), (9.9, 10), (10, 10),
                   (12.5, 1e6), (1e300, 2), (1e-300, 5), (1e-300, 1e300), (1e300, 1e300), (1e154, 1e154),
                   (50, 60), (1e8, 3e8), (7, 9.99), (0.001, 10.5), (2, 1e300)]:
        print("\t{%r, %r, %.17g}," % (a, b, float(lbeta_mp(a, b))))
    print("ln of the Beta(a, b) density at its mean (mpmath, 400 digits):")
    for (a, b) in [(10, 10), (16, 1e6), (281818.48762724514, 9896935391083490.0),
                   (8319.771042400875, 627065855439010.0), (1e41, 1e72), (1e300, 1e300), (12.5, 3.5),
                   (0.5, 0.25), (3, 1e16), (70570.55166635796, 5201022.475134337), (1e8, 1e8)]:
        print("\t{%r, %r, %.17g}," % (a, b, float(lbeta_pdf_at_mean_mp(a, b))))
    print("hyp2f1 (a, b, c, z) -> value, for test/unit/test_bgnbd.c:")
    cases = [(1, 1, 2, 0.5), (0.5, 0.5, 1.5, 0.25), (2.5, 1.5, 3.25, -0.5),
             (0.243, 2.426, 2.219, 0.9), (0.243, 2.426, 2.219, 0.95), (0.243, 2.426, 2.219, 0.999),
             (1.5, 2.0, 3.5, 0.97), (1.0, 1.0, 2.0, 0.99), (0.7, 1.3, 1.2, -3.0),
             (0.7, 1.3, 2.0, -0.95), (3.0, 2.0, 5.0, 0.995), (1.462, -0.207, 3.219, 0.8),
             (1.462, -0.207, 33.219, 0.93), (-3.0, 2.0, 1.5, 0.7), (12.0, 1.5, 4.0, 0.3),
             (0.5, 0.25, 1.5, 1.0)]
    for c in cases:
        print("\t{%r, %r, %r, %r, %.17g}," % (c + (hyp2f1(*c),)))
    # c - a - b within 1e-5 of an integer (-6, -13, 5, -17, -16, -14, and an
    # exact -13), where the connection formula's two terms have poles that
    # cancel; the BG/NBD's own form, 2F1(r + x, b + x; a + b + x - 1; z)
    print("hyp2f1 near an integer c - a - b (mpmath, 50 digits), for test/unit/test_bgnbd.c:")
    import mpmath
    mpmath.mp.dps = 50
    for c in [(72.65399975, 68.019, 126.673, 0.999811), (35.686993, 46.126, 66.813, 0.999831),
              (21.97199975, 29.109, 38.081, 0.999568), (27.325004, 16.065, 31.39, 0.999466),
              (21.712, 26.709, 42.421, 0.999883), (13.007003999999998, 23.227, 23.234, 0.99976),
              (20.5, 7.25, 14.75, 0.9995),
              # c near a pole of 2F1 (0, -1), and w = 1 - z = 1e-12 with c - a - b < 0
              (-0.59, -0.4, 0.01, 0.95), (0.3, 0.7, 0.0001, 0.999), (0.001, 0.002, 0.0033, 0.999),
              (0.3, 0.7, -0.9997, 0.95), (7.25, 20.5, 24.75015, 1 - 1e-12), (2.0, 3.0, 3.0, 1 - 1e-12)]:
        print("\t{%r, %r, %r, %r, %.17g}," % (c + (float(mpmath.hyp2f1(*c)),)))
    print("trigamma (scipy.special.polygamma(1, x)):")
    for v in (1.0, 0.5, 7.25, 30.5, 100.0):
        print("\ttrigamma(%r) = %r" % (v, float(polygamma(1, v))))


if __name__ == "__main__":
    main()
