/*
 * cr_linalg.c
 *	  The dense kernels of the logistic solver (Cholesky factorisation,
 *	  solve and inverse, condition number) and the small statistics helpers
 *	  that scoring, drift and training share (sigmoid, linear predictor,
 *	  decile bins, PSI, normal p-values).  Plain C; declared in cr_logit.h.
 */
#include "cr_logit.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

/*
 * In-place Cholesky factorisation A = L L' of a symmetric positive definite
 * n x n row-major matrix (the lower triangle receives L; the upper triangle
 * is left as it was).  Returns -1 on success, or the index of the first
 * pivot that is not positive or is below rel_tol times the matrix's
 * original diagonal entry (orig_diag, or A's own diagonal when NULL): that
 * variable is a linear combination of the earlier ones.  tick (may be
 * NULL) is called every 16 columns: n^3 / 3 operations in all, 0.1 s of
 * CPU for n = 1001 on the test machine, once per Newton step.
 */
int
cr_cholesky(double *a, int n, const double *orig_diag, double rel_tol,
			cr_tick_fn tick)
{
	int			i,
				j,
				k;

	for (j = 0; j < n; j++)
	{
		double		diag = orig_diag ? orig_diag[j] : a[(size_t) j * n + j];
		double		sum = a[(size_t) j * n + j];

		if (tick && (j & 15) == 0)
			tick();
		for (k = 0; k < j; k++)
			sum -= a[(size_t) j * n + k] * a[(size_t) j * n + k];
		if (!(sum > 0.0) || !(sum > rel_tol * diag) || !isfinite(sum))
			return j;
		sum = sqrt(sum);
		a[(size_t) j * n + j] = sum;
		for (i = j + 1; i < n; i++)
		{
			double		t = a[(size_t) i * n + j];

			for (k = 0; k < j; k++)
				t -= a[(size_t) i * n + k] * a[(size_t) j * n + k];
			a[(size_t) i * n + j] = t / sum;
		}
	}
	return -1;
}

/* Solve L L' x = b in place, L from cr_cholesky. */
void
cr_cholesky_solve(const double *l, int n, double *b)
{
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
		double		t = b[i];

		for (k = 0; k < i; k++)
			t -= l[(size_t) i * n + k] * b[k];
		b[i] = t / l[(size_t) i * n + i];
	}
	/*
	 * Back substitution with L' = U, column by column: once x_i is known,
	 * remove its share from the rows above.  This walks row i of L
	 * contiguously instead of column i, which matters for large d.
	 */
	for (i = n - 1; i >= 0; i--)
	{
		const double *row = l + (size_t) i * n;
		double		xi = b[i] / row[i];

		b[i] = xi;
		for (k = 0; k < i; k++)
			b[k] -= row[k] * xi;
	}
}

/*
 * inv = (L L')^-1 = W' W, W = L^-1; work holds n doubles.  W is formed row
 * by row in inv's lower triangle (row i from the rows above it), then W' W
 * row by row over it: row i of the product needs only rows i and below of
 * W, so it replaces row i of W and is mirrored into the upper triangle.
 * n^3 / 3 operations for each half, against 2 n^3 for n solves.  tick (may
 * be NULL) is called every 16 rows of either half.
 */
void
cr_cholesky_inverse(const double *l, int n, double *inv, double *work, cr_tick_fn tick)
{
	int			i,
				j,
				k;

	for (i = 0; i < n; i++)
	{
		const double *li = l + (size_t) i * n;
		double		d = 1.0 / li[i];

		if (tick && (i & 15) == 0)
			tick();
		/* W[i][j] = -(sum_{j <= k < i} L[i][k] W[k][j]) / L[i][i] */
		for (j = 0; j < i; j++)
			work[j] = 0.0;
		for (k = 0; k < i; k++)
		{
			const double *wk = inv + (size_t) k * n;
			double		c = li[k];

			for (j = 0; j <= k; j++)
				work[j] -= c * wk[j];
		}
		for (j = 0; j < i; j++)
			inv[(size_t) i * n + j] = work[j] * d;
		inv[(size_t) i * n + i] = d;
	}
	for (i = 0; i < n; i++)
	{
		double	   *ci = inv + (size_t) i * n;

		if (tick && (i & 15) == 0)
			tick();
		/* (W' W)[i][j] = sum_{k >= i} W[k][i] W[k][j], j <= i */
		for (j = 0; j <= i; j++)
			work[j] = 0.0;
		for (k = i; k < n; k++)
		{
			const double *wk = inv + (size_t) k * n;
			double		c = wk[i];

			for (j = 0; j <= i; j++)
				work[j] += c * wk[j];
		}
		for (j = 0; j <= i; j++)
			ci[j] = inv[(size_t) j * n + i] = work[j];
	}
}

/*
 * Sturm count of the symmetric tridiagonal matrix (diagonal t, off-diagonal
 * e[0..n-2]): the number of its eigenvalues below x.
 */
static int
sturm_below(const double *t, const double *e, int n, double x)
{
	int			count = 0,
				i;
	double		q = 1.0;

	for (i = 0; i < n; i++)
	{
		q = t[i] - x - (i > 0 ? e[i - 1] * e[i - 1] / q : 0.0);
		if (q == 0.0)
			q = -DBL_EPSILON * (fabs(t[i]) + fabs(x) + DBL_MIN);
		if (q < 0.0)
			count++;
	}
	return count;
}

/*
 * The k-th smallest eigenvalue (k from 0) of that tridiagonal matrix, by
 * bisection within [lo, hi] to the last bits.
 */
static double
tridiag_eigenvalue(const double *t, const double *e, int n, int k, double lo, double hi)
{
	int			it;

	for (it = 0; it < 2200; it++)
	{
		double		mid = 0.5 * (lo + hi);

		if (!(mid > lo && mid < hi))
			break;
		if (sturm_below(t, e, n, mid) > k)
			hi = mid;
		else
			lo = mid;
	}
	return 0.5 * (lo + hi);
}

/*
 * Condition number (largest / smallest eigenvalue) of a symmetric positive
 * definite matrix after scaling it to unit diagonal.  work: 3*n + n*n
 * doubles.  Returns +Infinity when the matrix is singular, by a Cholesky
 * test (pivots above 1e-15 of the unit diagonal), unless checked: the
 * caller has factorised a by cr_cholesky with a relative tolerance of at
 * least 1e-15, which passing implies passing this test (the ratio of a
 * pivot to its diagonal entry does not change under the scaling), so the
 * test (a third of the time at n = 1001, and not interruptible) is left
 * out, with the same result.  tick (may be NULL) is called every 16
 * reflections: 4/3 n^3 operations in all, about a second for n = 1001.
 *
 * The eigenvalues are exact to rounding: Householder reduction to a
 * tridiagonal matrix, then bisection on its Sturm sequences for the two
 * extreme eigenvalues.  (Power and inverse iteration, used before, stopped
 * after 200 steps short of the extreme eigenvalues whenever the next ones
 * were close: 1.0085 for 1.0179.)  The smallest eigenvalue is exact to
 * about DBL_EPSILON times the largest, so to DBL_EPSILON * condition
 * number relative, as the Cholesky solves of inverse iteration were.
 */
double
cr_condition_number(const double *a, int n, double *work, cr_tick_fn tick,
					bool checked)
{
	double	   *t = work;			/* diagonal of the tridiagonal matrix */
	double	   *e = work + n;		/* its off-diagonal; then the Householder vector */
	double	   *p = work + 2 * n;	/* scaling, then H v */
	double	   *c = work + 3 * n;
	double	   *v;
	double		lo,
				hi,
				lmin,
				lmax;
	int			i,
				j,
				k;

	for (i = 0; i < n; i++)
		p[i] = a[(size_t) i * n + i] > 0 ? 1.0 / sqrt(a[(size_t) i * n + i]) : 0.0;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			c[(size_t) i * n + j] = a[(size_t) i * n + j] * p[i] * p[j];
	for (i = 0; i < n * n; i++)
		if (!isfinite(c[i]))
			return INFINITY;

	/*
	 * Singular, or not positive definite, by the test that inverse
	 * iteration used to apply: +Infinity.  cr_cholesky factorises the
	 * lower triangle (and the diagonal) in place; both come back from the
	 * untouched upper triangle.  (The solver's Hessians have passed a
	 * stricter test, so only other callers see Infinity.)  The lower
	 * triangle is the upper's mirror in either case (a_ij p_i p_j and
	 * a_ji p_j p_i may round apart), so that checked gives the same bits.
	 */
	for (i = 0; i < n; i++)
		t[i] = c[(size_t) i * n + i];
	k = checked ? -1 : cr_cholesky(c, n, NULL, 1e-15, NULL);
	for (i = 0; i < n; i++)
	{
		c[(size_t) i * n + i] = t[i];
		for (j = 0; j < i; j++)
			c[(size_t) i * n + j] = c[(size_t) j * n + i];
	}
	if (k >= 0)
		return INFINITY;

	/*
	 * Householder reduction of the symmetric matrix c (its lower triangle)
	 * to tridiagonal form: step k zeroes column k below the subdiagonal with
	 * a reflection I - tau v v' applied from both sides to the trailing
	 * block, B := B - v w' - w v', w = p - (tau/2)(v'p) v, p = tau B v.
	 * Both products go row by row over B's lower triangle.
	 */
	for (k = 0; k + 2 < n; k++)
	{
		double		scale = 0.0,
					norm2 = 0.0,
					alpha,
					tau,
					vp = 0.0;
		int			m = n - k - 1,	/* size of the trailing block */
					ex;
		double	   *b0 = c + (size_t) (k + 1) * n + (k + 1);	/* B[0][0] */

		if (tick && (k & 15) == 0)
			tick();
		v = e + k + 1;			/* e[k+1..n-1] is free until step k+1 */
		for (i = 0; i < m; i++)
			scale = fmax(scale, fabs(c[(size_t) (k + 1 + i) * n + k]));
		if (scale == 0.0)
		{
			e[k] = 0.0;
			continue;
		}
		for (i = 0; i < m; i++)
		{
			double		x = c[(size_t) (k + 1 + i) * n + k] / scale;

			norm2 += x * x;
		}

		/*
		 * v and alpha are kept divided by 2^ex, ex = the exponent of the
		 * column's largest entry, and tau times 2^(2 ex): the same
		 * reflection, and the same roundings as unscaled (a power of 2
		 * scales exactly), but alpha^2 cannot underflow.  Unscaled, a
		 * column below about 1e-154 (not zero) gave tau = 1 / 0 and NaN
		 * in the whole trailing block, which the bounds and Sturm counts
		 * below then ignored: a finite, wrong result.
		 */
		ex = ilogb(scale);
		alpha = sqrt(norm2) * ldexp(scale, -ex);
		if (c[(size_t) (k + 1) * n + k] > 0)
			alpha = -alpha;
		/* v = x - alpha e1, tau = 2 / |v|^2 = 1 / (alpha^2 - alpha x1) */
		for (i = 0; i < m; i++)
			v[i] = ldexp(c[(size_t) (k + 1 + i) * n + k], -ex);
		tau = 1.0 / (alpha * alpha - alpha * v[0]);
		v[0] -= alpha;
		/* p = tau B v: B[i][j] (j < i) serves row i and, mirrored, row j */
		memset(p, 0, sizeof(double) * m);
		for (i = 0; i < m; i++)
		{
			const double *row = b0 + (size_t) i * n;
			double		s = row[i] * v[i];

			for (j = 0; j < i; j++)
			{
				s += row[j] * v[j];
				p[j] += row[j] * v[i];
			}
			p[i] += s;
		}
		for (i = 0; i < m; i++)
		{
			p[i] *= tau;
			vp += v[i] * p[i];
		}
		/* w = p - (tau/2)(v'p) v, in p */
		for (i = 0; i < m; i++)
			p[i] -= 0.5 * tau * vp * v[i];
		for (i = 0; i < m; i++)
		{
			double	   *row = b0 + (size_t) i * n;

			for (j = 0; j <= i; j++)
				row[j] -= v[i] * p[j] + p[i] * v[j];
		}
		e[k] = ldexp(alpha, ex);
	}
	for (i = 0; i < n; i++)
		t[i] = c[(size_t) i * n + i];
	if (n >= 2)
		e[n - 2] = c[(size_t) (n - 1) * n + (n - 2)];

	/*
	 * Nothing above can overflow (a unit-diagonal positive definite matrix
	 * has entries of at most 1), but a NaN would be skipped by fmin, fmax
	 * and the Sturm counts alike, to a finite answer: refuse it instead.
	 */
	for (i = 0; i < n; i++)
		if (!isfinite(t[i]) || (i + 1 < n && !isfinite(e[i])))
			return INFINITY;

	/* Gershgorin bounds, then bisection for the two extreme eigenvalues */
	lo = INFINITY;
	hi = -INFINITY;
	for (i = 0; i < n; i++)
	{
		double		r = (i > 0 ? fabs(e[i - 1]) : 0.0) + (i + 1 < n ? fabs(e[i]) : 0.0);

		lo = fmin(lo, t[i] - r);
		hi = fmax(hi, t[i] + r);
	}
	lo -= DBL_EPSILON * fmax(fabs(lo), fabs(hi)) + DBL_MIN;
	hi += DBL_EPSILON * fmax(fabs(lo), fabs(hi)) + DBL_MIN;
	lmin = tridiag_eigenvalue(t, e, n, 0, lo, hi);
	lmax = tridiag_eigenvalue(t, e, n, n - 1, lo, hi);
	if (!(lmin > 0) || !isfinite(lmax))
		return INFINITY;
	return lmax / lmin;
}

/* The logistic function, without overflow for any eta. */
double
cr_sigmoid(double eta)
{
	if (eta >= 0)
		return 1.0 / (1.0 + exp(-eta));
	else
	{
		double		e = exp(eta);

		return e / (1.0 + e);
	}
}

/*
 * The linear predictor intercept + sum_j coef_j x_j of a fitted model (the
 * score is cr_sigmoid of it).
 */
double
cr_linear_predictor(double intercept, const double *coef, const double *x, int d)
{
	double		eta = intercept;
	int			j;

	for (j = 0; j < d; j++)
		eta += coef[j] * x[j];
	if (!isfinite(eta))
	{
		/*
		 * Huge finite features (1e308) can overflow a term or a partial sum:
		 * +Infinity and -Infinity give NaN, and an infinite partial sum stays
		 * infinite even when later terms bring the true sum back into range
		 * or change its sign (1e308 + 1e308 - 1.7e308 - 1.7e308).  Sum the
		 * terms again scaled by 2^-shift, shift chosen so that the largest
		 * term is below 2^1012 (no term and, with at most 1000 terms, no
		 * partial sum overflows), each term's factors reduced to [1, 2) so
		 * that forming it cannot overflow either, and scale back: that gives
		 * the true sign and, through the sigmoid, a score of 0 or 1 (or the
		 * intercept's score when the terms cancel).
		 */
		int			emax = INT_MIN,
					shift;
		double		s = 0;

		for (j = 0; j < d; j++)
			if (coef[j] != 0 && x[j] != 0)
			{
				int			e = ilogb(coef[j]) + ilogb(x[j]);

				if (e > emax)
					emax = e;
			}
		shift = emax > 1010 ? emax - 1010 : 0;
		for (j = 0; j < d; j++)
			if (coef[j] != 0 && x[j] != 0)
			{
				int			ec = ilogb(coef[j]),
							ex = ilogb(x[j]);

				s += ldexp(ldexp(coef[j], -ec) * ldexp(x[j], -ex), ec + ex - shift);
			}
		eta = ldexp(s, shift) + intercept;
	}
	return eta;
}

/* Decile bin (0..9) of a score given the 11 training edges. */
int
cr_decile_bin(const double *edges, double score)
{
	int			lo = 0,
				hi = 9;

	/* number of interior edges edges[1..9] strictly below score */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (edges[mid + 1] < score)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Population stability index sum (o - e) ln(o / e) over nbins shares; shares
 * below 1e-4 count as 1e-4 so that an empty bin gives a large but finite term.
 */
double
cr_psi(const double *expected, const double *observed, int nbins)
{
	double		psi = 0.0;
	int			i;

	for (i = 0; i < nbins; i++)
	{
		double		e = expected[i] < 1e-4 ? 1e-4 : expected[i];
		double		o = observed[i] < 1e-4 ? 1e-4 : observed[i];

		psi += (o - e) * log(o / e);
	}
	return psi;
}

double
cr_normal_two_sided_p(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}
