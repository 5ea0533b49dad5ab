/*
 * cr_linalg.c
 *	  The dense kernels of the logistic solver (Cholesky factorisation,
 *	  solve and inverse, condition number) and the small statistics helpers
 *	  that scoring, drift and training share (sigmoid, linear predictor,
 *	  decile bins, PSI, normal p-values).  Plain C; declared in cr_logit.h.
 */
#include "cr_logit.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/*
 * In-place Cholesky factorisation A = L L' of a symmetric positive definite
 * n x n row-major matrix (the lower triangle receives L).  Returns -1 on
 * success, or the index of the first pivot that is not positive or is below
 * rel_tol times the matrix's original diagonal entry (orig_diag, or A's own
 * diagonal when NULL): that variable is a linear combination of the
 * earlier ones.
 */
int
cr_cholesky(double *a, int n, const double *orig_diag, double rel_tol)
{
	int			i,
				j,
				k;

	for (j = 0; j < n; j++)
	{
		double		diag = orig_diag ? orig_diag[j] : a[(size_t) j * n + j];
		double		sum = a[(size_t) j * n + j];

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

/* inv = (L L')^-1, column by column; work holds n doubles. */
void
cr_cholesky_inverse(const double *l, int n, double *inv, double *work)
{
	int			i,
				j;

	for (j = 0; j < n; j++)
	{
		for (i = 0; i < n; i++)
			work[i] = (i == j) ? 1.0 : 0.0;
		cr_cholesky_solve(l, n, work);
		for (i = 0; i < n; i++)
			inv[(size_t) i * n + j] = work[i];
	}
	/* symmetrise away rounding */
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
		{
			double		m = 0.5 * (inv[(size_t) i * n + j] + inv[(size_t) j * n + i]);

			inv[(size_t) i * n + j] = inv[(size_t) j * n + i] = m;
		}
}

/*
 * Condition number (largest / smallest eigenvalue) of a symmetric positive
 * definite matrix after scaling it to unit diagonal, estimated by power
 * iteration and inverse iteration.  work: 3*n + n*n doubles.  Returns
 * +Infinity when the matrix is singular.
 */
double
cr_condition_number(const double *a, int n, double *work)
{
	double	   *v = work;
	double	   *u = work + n;
	double	   *dsq = work + 2 * n;
	double	   *c = work + 3 * n;
	double		lmax = 0.0,
				lmin_inv = 0.0;
	int			i,
				j,
				it;

	for (i = 0; i < n; i++)
		dsq[i] = a[(size_t) i * n + i] > 0 ? 1.0 / sqrt(a[(size_t) i * n + i]) : 0.0;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			c[(size_t) i * n + j] = a[(size_t) i * n + j] * dsq[i] * dsq[j];

	/* power iteration for the largest eigenvalue */
	for (i = 0; i < n; i++)
		v[i] = 1.0 / sqrt((double) n) * (1.0 + 0.01 * i);
	for (it = 0; it < 200; it++)
	{
		double		norm = 0.0;

		for (i = 0; i < n; i++)
		{
			double		t = 0.0;

			for (j = 0; j < n; j++)
				t += c[(size_t) i * n + j] * v[j];
			u[i] = t;
			norm += t * t;
		}
		norm = sqrt(norm);
		if (!(norm > 0))
			return INFINITY;
		lmax = norm;
		for (i = 0; i < n; i++)
			v[i] = u[i] / norm;
	}

	/* inverse iteration for the smallest: power iteration on C^-1 */
	if (cr_cholesky(c, n, NULL, 1e-15) >= 0)
		return INFINITY;
	for (i = 0; i < n; i++)
		v[i] = 1.0 / sqrt((double) n) * (1.0 - 0.01 * i);
	for (it = 0; it < 200; it++)
	{
		double		norm = 0.0;

		memcpy(u, v, sizeof(double) * n);
		cr_cholesky_solve(c, n, u);
		for (i = 0; i < n; i++)
			norm += u[i] * u[i];
		norm = sqrt(norm);
		if (!isfinite(norm) || !(norm > 0))
			return INFINITY;
		lmin_inv = norm;
		for (i = 0; i < n; i++)
			v[i] = u[i] / norm;
	}
	return lmax * lmin_inv;
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
