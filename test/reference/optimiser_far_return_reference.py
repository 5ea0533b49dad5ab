#!/usr/bin/python3
"""Reference maxima of two fits whose BFGS search runs past its divergence
bound (1e8 times the start) and still ends at a proper maximum: what an
early stop of a run-off search must not change (test/unit/test_bgnbd.c,
test_far_return).

- BG/NBD, 64 members, one T (a Poisson population drawn by a random-fit
  harness): Newton does not converge cleanly; BFGS from the default start
  takes log a to 27.4 and log b to 24.1 below their starts (8.96 past the
  bound of 18.42; the wall, where the objective is infinite, is 10 past),
  comes back and converges at a = e^-6.3, b = e^-3.0 times their starts.
- Gamma-Gamma, 11 members, spends from 2.7 to 2.6e36: BFGS takes gamma
  20.9 below its start and ends 2.47 past the bound ("ran off"); the fit
  then climbs again from the best point that run reached (above both
  faces: a maximum exists) and converges.  Stopped at any point of that run
  past the bound, however sure it was to end beyond it, the fit restarts
  from another point: 2.2 past, the fit fails; 2.4 past, other last bits.

The log-likelihoods in mpmath at 40 digits (FHL 2005 eq. 6; Fader and
Hardie 2013), and Newton's method in the log-parameters with mpmath's
numerical derivatives from the extension's estimates, to a gradient below
1e-25; the Hessian there is negative definite.  Output, C declarations of
the rows and the maxima (est..., log-likelihood), kept in
optimiser_far_return_reference.inc beside it.

    /usr/bin/python3 test/reference/optimiser_far_return_reference.py > test/reference/optimiser_far_return_reference.inc
"""
import mpmath
from mpmath import mpf

mpmath.mp.dps = 40

# (x, t_x, T)
BG_ROWS = [
    (1, 3439.8916236092946, 7079.553137913128), (26, 6738.0559253677648, 7079.553137913128),
    (0, 0, 7079.553137913128), (16, 6925.5667036364457, 7079.553137913128),
    (14, 6815.2070579830788, 7079.553137913128), (0, 0, 7079.553137913128),
    (14, 5401.1593489606003, 7079.553137913128), (31, 6796.7518809279782, 7079.553137913128),
    (1, 1410.8198342471553, 7079.553137913128), (0, 0, 7079.553137913128),
    (2, 6832.0400393578593, 7079.553137913128), (4, 5419.4918851833809, 7079.553137913128),
    (0, 0, 7079.553137913128), (0, 0, 7079.553137913128),
    (15, 6326.0651283805, 7079.553137913128), (0, 0, 7079.553137913128),
    (39, 7004.512080623992, 7079.553137913128), (1, 5152.3794517037941, 7079.553137913128),
    (10, 6270.3010246868807, 7079.553137913128), (3, 6183.7514523976488, 7079.553137913128),
    (1, 2536.5323630285466, 7079.553137913128), (17, 7063.9660834785864, 7079.553137913128),
    (25, 6976.8532177847765, 7079.553137913128), (13, 6742.637257413583, 7079.553137913128),
    (2, 3573.8079059473985, 7079.553137913128), (1, 2351.8132403373102, 7079.553137913128),
    (17, 6839.6967193190603, 7079.553137913128), (0, 0, 7079.553137913128),
    (0, 0, 7079.553137913128), (2, 907.29592355041814, 7079.553137913128),
    (0, 0, 7079.553137913128), (13, 5966.6730369832376, 7079.553137913128),
    (21, 7023.3780655029059, 7079.553137913128), (25, 6319.4548945251599, 7079.553137913128),
    (1, 4007.4333725587603, 7079.553137913128), (0, 0, 7079.553137913128),
    (0, 0, 7079.553137913128), (7, 6627.1933686286666, 7079.553137913128),
    (152, 7053.3988150523919, 7079.553137913128), (1, 1884.5724565500286, 7079.553137913128),
    (7, 6949.0801876943851, 7079.553137913128), (15, 6254.4959470965268, 7079.553137913128),
    (281, 7069.114520539998, 7079.553137913128), (2, 4394.2134614567794, 7079.553137913128),
    (1, 76.001350454326527, 7079.553137913128), (0, 0, 7079.553137913128),
    (6, 6368.511339543481, 7079.553137913128), (5, 6611.5180062572654, 7079.553137913128),
    (0, 0, 7079.553137913128), (2, 5234.5866546795314, 7079.553137913128),
    (0, 0, 7079.553137913128), (2, 2794.891801095494, 7079.553137913128),
    (5, 4827.4610420053141, 7079.553137913128), (0, 0, 7079.553137913128),
    (0, 0, 7079.553137913128), (4, 6429.5747346673434, 7079.553137913128),
    (0, 0, 7079.553137913128), (30, 6842.7509469961851, 7079.553137913128),
    (118, 6951.4973649463509, 7079.553137913128), (9, 4712.9987239347956, 7079.553137913128),
    (0, 0, 7079.553137913128), (9, 7013.8559744362219, 7079.553137913128),
    (0, 0, 7079.553137913128), (0, 0, 7079.553137913128),]
BG_START = [0.26534972545221891, 118.92186316694863, 0.0018409279554396003, 0.047947279624278624]

# (x, mean spend)
GG_ROWS = [
    (7, 55966552870144.875), (2, 2810716984319.8496), (10, 74.856042731183948),
    (7, 156911703.48168749), (9, 18843015.180468049), (1, 2.6871789894247229),
    (8, 124.89946691044028), (9, 156296076.57813182), (4, 2.5650191667972483e+36),
    (1, 248768841.41159934), (1, 19628169314045780),]
GG_START = [0.30963663087887788, 0.044488148041383457, 25.871035837107222]


def bg_ll(lp):
    r, alpha, a, b = [mpmath.exp(v) for v in lp]
    s = mpf(0)
    for x, tx, T in BG_ROWS:
        x, tx, T = mpf(x), mpf(tx), mpf(T)
        s += (mpmath.loggamma(r + x) - mpmath.loggamma(r) + r * mpmath.log(alpha)
              + mpmath.log(mpmath.beta(a, b + x)) - mpmath.log(mpmath.beta(a, b))
              - (r + x) * mpmath.log(alpha + T))
        if x > 0:
            s += mpmath.log(1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))
    return s


def gg_ll(lp):
    p, q, g = [mpmath.exp(v) for v in lp]
    s = mpf(0)
    for x, m in GG_ROWS:
        x, m = mpf(x), mpf(m)
        s += (mpmath.loggamma(p * x + q) - mpmath.loggamma(p * x) - mpmath.loggamma(q)
              + q * mpmath.log(g) + (p * x - 1) * mpmath.log(m) + p * x * mpmath.log(x)
              - (p * x + q) * mpmath.log(g + m * x))
    return s


def newton(f, start):
    """Newton in the log-parameters from start: the maximum, and f there"""
    k = len(start)
    lp = mpmath.matrix([mpmath.log(mpf(v)) for v in start])
    unit = [[1 if i == j else 0 for i in range(k)] for j in range(k)]
    for _ in range(50):
        g = mpmath.matrix([mpmath.diff(lambda *v: f(v), list(lp), tuple(u)) for u in unit])
        H = mpmath.matrix(k, k)
        for i in range(k):
            for j in range(k):
                H[i, j] = mpmath.diff(lambda *v: f(v), list(lp), tuple(unit[i][m] + unit[j][m] for m in range(k)))
        if mpmath.norm(g) < mpf("1e-25"):
            break
        lp = lp - mpmath.lu_solve(H, g)
    assert mpmath.norm(g) < mpf("1e-25"), g
    eig = mpmath.eigsy(H)[0]
    assert all(e < 0 for e in eig), eig
    return [mpmath.exp(v) for v in lp], f(list(lp))


def decl(name, rows):
    print("static const double %s[][%d] = {" % (name, len(rows[0])))
    for row in rows:
        print("\t{%s}," % ", ".join(repr(float(v)) for v in row))
    print("};")


if __name__ == "__main__":
    print("/* optimiser_far_return_reference.py (mpmath, 40 digits) */")
    for name, rows, f, start in (("far_return_bg", BG_ROWS, bg_ll, BG_START),
                                 ("far_return_gg", GG_ROWS, gg_ll, GG_START)):
        est, ll = newton(f, start)
        decl(name + "_rows", rows)
        print("static const double %s_max[%d] = {%s};" % (name, len(est) + 1,
              ", ".join(mpmath.nstr(v, 17, min_fixed=-3, max_fixed=6) for v in est + [ll])))
