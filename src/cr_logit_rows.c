/*
 * cr_logit_rows.c
 *	  The row loops of the logistic solver's passes (see cr_logit_rows.h).
 *
 * Two versions of the same arithmetic.  The portable one handles a row at a
 * time with libm's exp and log1p.  On x86-64 CPUs with AVX2 and FMA (checked
 * once at run time, so the build needs no -march flag and other CPUs and
 * compilers get the portable code) four rows go through together: their
 * scaled features and linear predictors with 4-wide vectors, one vector exp
 * and log1p for the four, and the gradient updated four features at a time.
 * The vector exp and log1p are within a few units in the last place of
 * libm's (test/unit/test_logit.c checks them over the whole range), so the
 * two versions agree to rounding, not bit for bit: a fit is the same
 * optimum to far below the solver's tolerance either way.
 */
#include "cr_logit_rows.h"

#include <math.h>
#include <string.h>

/* CR_PORTABLE_ONLY builds the portable code alone (for tests) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(CR_PORTABLE_ONLY) && \
	(defined(__clang__) ? __clang_major__ >= 7 : __GNUC__ >= 6)
#define CR_ROWS_AVX2 1
#include <immintrin.h>
#define CR_TARGET __attribute__((target("avx2,fma")))
/* run the AVX2 version of a kernel, and return, where the CPU has it */
#define CR_DISPATCH(call) \
	do { \
		if (cr_rows_simd()) \
		{ \
			call; \
			return; \
		} \
	} while (0)
#else
#define CR_DISPATCH(call) ((void) 0)
#endif

/*
 * H += sum over the n queued rows of h_b * x_b x_b' (upper triangle), four
 * rows per load and store of each entry, still added one after the other
 * in input order (about a quarter less time than one row per load and
 * store at 16 features).  A Hessian that fits in the first-level cache
 * (up to 44 features) takes the four rows into every entry before the next
 * four: an entry's updates are then far apart, not one long chain of
 * dependent additions.  A larger one goes row of H by row of H, so that
 * each stays in cache while the block's rows stream past it, and a Hessian
 * of a thousand features is read from memory once per block, not once per
 * row.  Inlined into a portable and an AVX2 version.
 */
static inline __attribute__((always_inline)) void
hessian_four(double *restrict hj, const double *restrict x0, const double *restrict hb4,
			 int j, int D)
{
	const double *restrict x1 = x0 + D;
	const double *restrict x2 = x1 + D;
	const double *restrict x3 = x2 + D;
	double		a0 = hb4[0] * x0[j],
				a1 = hb4[1] * x1[j],
				a2 = hb4[2] * x2[j],
				a3 = hb4[3] * x3[j];
	int			k;

	for (k = j; k < D; k++)
		hj[k] = (((hj[k] + a0 * x0[k]) + a1 * x1[k]) + a2 * x2[k]) + a3 * x3[k];
}

static inline __attribute__((always_inline)) void
hessian_body(double *restrict hess, const double *restrict xb,
			 const double *restrict hb, int n, int D)
{
	int			j,
				b,
				k,
				n4 = n & ~3;

	if (D <= 45)
	{
		for (b = 0; b < n4; b += 4)
			for (j = 0; j < D; j++)
				hessian_four(hess + (size_t) j * D, xb + (size_t) b * D, hb + b, j, D);
	}
	else
	{
		for (j = 0; j < D; j++)
			for (b = 0; b < n4; b += 4)
				hessian_four(hess + (size_t) j * D, xb + (size_t) b * D, hb + b, j, D);
	}
	for (j = 0; j < D; j++)
	{
		double	   *restrict hj = hess + (size_t) j * D;

		for (b = n4; b < n; b++)
		{
			const double *restrict x = xb + (size_t) b * D;
			double		a = hb[b] * x[j];

			for (k = j; k < D; k++)
				hj[k] += a * x[k];
		}
	}
}

static void
hessian_update(double *restrict hess, const double *restrict xb,
			   const double *restrict hb, int n, int D)
{
	hessian_body(hess, xb, hb, n, D);
}

/* Add the queued rows to the Hessian. */
static void flush_queue(CrRowPass *rp);

/* One row, portable: the reference for the vector version. */
static void
row_portable(CrRowPass *rp, const double *r)
{
	int			d = rp->d;
	int			D = d + 1;
	const double *beta = rp->beta;
	double	   *xr = rp->hess ? rp->xb + (size_t) rp->nb * D : rp->xr;
	double		v = r[d];
	int			y = v > 0;
	double		w = (y ? v : -v) * rp->cw[y];
	double		eta = beta[0];
	double		e,
				p,
				res;
	int			j;

	xr[0] = 1.0;
	for (j = 0; j < d; j++)
		xr[j + 1] = (r[j] - rp->mu[j]) * rp->isc[j];
	for (j = 0; j < d; j++)
		eta += beta[j + 1] * xr[j + 1];
	/* p = sigmoid(eta) and log(1 + exp(eta)) from one exp() */
	e = exp(-fabs(eta));
	p = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
	if (rp->want_ll)
		rp->ll += w * ((y ? eta : 0.0) - (log1p(e) + (eta >= 0 ? eta : 0.0)));
	res = w * ((double) y - p);
	for (j = 0; j < D; j++)
		rp->grad[j] += res * xr[j];
	if (rp->hess)
	{
		/* the row is queued; the Hessian is updated a block at a time */
		rp->hb[rp->nb++] = w * p * (1.0 - p);
		if (rp->nb == CR_HESS_BLOCK)
			flush_queue(rp);
	}
}

/* Scores and log-likelihood, a row at a time (see cr_rows_scores). */
static void
scores_portable(const double *rows, int64_t n, int64_t stride, int d,
				const double *beta, const double *cw, double *p, double *ll)
{
	int64_t		i;
	int			j;

	for (i = 0; i < n; i++)
	{
		const double *r = rows + i * stride * (d + 1);
		double		eta = beta[0];
		double		e;

		for (j = 0; j < d; j++)
			eta += beta[j + 1] * r[j];
		e = exp(-fabs(eta));
		p[i] = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
		if (ll)
		{
			int			y = r[d] > 0;
			double		w = (y ? r[d] : -r[d]) * cw[y];

			*ll += w * ((y ? eta : 0.0) - (log1p(e) + (eta >= 0 ? eta : 0.0)));
		}
	}
}

/* Feature j's sums take t = x_j - first_j of a row of weight w. */
static inline void
moment_element(CrMomentSums *m, int j, double t, double w)
{
	double		q;

	if (fabs(t) > m->amax[j])
	{
		q = m->amax[j] / fabs(t);
		m->s1[j] *= q;
		m->s2[j] *= q * q;
		m->amax[j] = fabs(t);
	}
	if (t != 0.0)
	{
		q = t / m->amax[j];
		m->s1[j] += w * q;
		m->s2[j] += w * q * q;
	}
}

/* A row's weight and class counts. */
static inline double
moment_weight(CrMomentSums *m, double v)
{
	double		w = fabs(v);

	m->sw += w;
	if (v > 0)
	{
		m->sw1 += w;
		m->npos += 1;
	}
	else
		m->nneg += 1;
	return w;
}

static void
moments_portable(CrMomentSums *m, const double *rows, int64_t n)
{
	int			d = m->d;
	int64_t		i;
	int			j;

	for (i = 0; i < n; i++)
	{
		const double *r = rows + i * (d + 1);
		double		w = moment_weight(m, r[d]);

		for (j = 0; j < d; j++)
			moment_element(m, j, r[j] - m->first[j], w);
	}
}

#ifdef CR_ROWS_AVX2

static int	simd_state = -1;	/* -1: not checked yet */

CR_TARGET static void
hessian_update_avx2(double *restrict hess, const double *restrict xb,
					const double *restrict hb, int n, int D)
{
	hessian_body(hess, xb, hb, n, D);
}

/*
 * exp(x) for any double: x = k ln2 + r, |r| <= ln2/2 (Cody and Waite's two
 * part ln2, exact products for |k| <= 1100), exp(r) by its Taylor series to
 * r^13 (truncation below 1e-17 relative), times 2^k as two powers of two so
 * that subnormal results are rounded once and k = 1024 overflows to
 * infinity.  x is first clamped to [-746, 710], beyond which exp is 0 or
 * infinity; NaN stays NaN.
 */
CR_TARGET static inline __m256d
vexp(__m256d x)
{
	__m256d		k,
				r,
				p;
	__m128i		ki;
	__m256i		k1,
				k2,
				bias = _mm256_set1_epi64x(1023);

	x = _mm256_max_pd(_mm256_set1_pd(-746.0), x);	/* NaN: the second operand */
	x = _mm256_min_pd(_mm256_set1_pd(710.0), x);
	k = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(1.4426950408889634)),
						_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	r = _mm256_fnmadd_pd(k, _mm256_set1_pd(6.93147180369123816490e-01), x);
	r = _mm256_fnmadd_pd(k, _mm256_set1_pd(1.90821492927058770002e-10), r);
	p = _mm256_set1_pd(1.0 / 6227020800.0);
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 479001600.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 39916800.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 3628800.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 362880.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 40320.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 5040.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 720.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 120.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 24.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 6.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(0.5));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
	p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
	/* 2^k = 2^k1 2^k2 with k1 = floor(k/2); both are normal numbers */
	ki = _mm256_cvtpd_epi32(k);
	k1 = _mm256_cvtepi32_epi64(_mm_srai_epi32(ki, 1));
	k2 = _mm256_sub_epi64(_mm256_cvtepi32_epi64(ki), k1);
	p = _mm256_mul_pd(p, _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(k1, bias), 52)));
	return _mm256_mul_pd(p, _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(k2, bias), 52)));
}

/*
 * log1p(x) for 0 <= x <= 1 (what the passes need: x = exp(-|eta|)).  With
 * m = 1 when x > sqrt(2) - 1, else 0, log1p(x) = m ln2 + log(f) where
 * f = (1 + x) / 2^m, and log(f) = 2 atanh(s), s = (f - 1)/(f + 1), formed
 * from x directly as x / (2 + x) or (x - 1)/(x + 3), so |s| <= 0.172 and
 * the series to s^23 is within 1e-18 relative.
 */
CR_TARGET static inline __m256d
vlog1p(__m256d x)
{
	const __m256d one = _mm256_set1_pd(1.0);
	__m256d		big = _mm256_cmp_pd(x, _mm256_set1_pd(0.41421356237309504880), _CMP_GT_OQ);
	__m256d		num = _mm256_blendv_pd(x, _mm256_sub_pd(x, one), big);
	__m256d		den = _mm256_add_pd(x, _mm256_blendv_pd(_mm256_set1_pd(2.0), _mm256_set1_pd(3.0), big));
	__m256d		u = _mm256_div_pd(_mm256_add_pd(num, num), den);	/* 2s */
	__m256d		z = _mm256_mul_pd(_mm256_mul_pd(u, u), _mm256_set1_pd(0.25));	/* s^2 */
	__m256d		q = _mm256_set1_pd(1.0 / 23.0);

	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 21.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 19.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 17.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 15.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 13.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 11.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 9.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 7.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 5.0));
	q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(1.0 / 3.0));
	/* u + u z q, then m ln2 in two parts (ln2hi + (ln2lo + ...)) */
	q = _mm256_fmadd_pd(_mm256_mul_pd(u, z), q,
						_mm256_and_pd(big, _mm256_set1_pd(1.90821492927058770002e-10)));
	return _mm256_add_pd(_mm256_and_pd(big, _mm256_set1_pd(6.93147180369123816490e-01)),
						 _mm256_add_pd(u, q));
}

/* The four lanes' sums of a, b, c, e: (sum a, sum b, sum c, sum e). */
CR_TARGET static inline __m256d
hsum4(__m256d a, __m256d b, __m256d c, __m256d e)
{
	__m256d		t0 = _mm256_hadd_pd(a, b);	/* a01 b01 a23 b23 */
	__m256d		t1 = _mm256_hadd_pd(c, e);	/* c01 e01 c23 e23 */

	return _mm256_add_pd(_mm256_permute2f128_pd(t0, t1, 0x20),
						 _mm256_permute2f128_pd(t0, t1, 0x31));
}

/*
 * Row b of four: its scaled features into x (x[0] = 1) and the vector and
 * scalar parts of beta'x (without beta[0]).
 */
CR_TARGET static inline __m256d
scale_row_avx2(const CrRowPass *rp, const double *r, double *x, double *tail)
{
	int			d = rp->d;
	const double *beta = rp->beta;
	__m256d		a = _mm256_setzero_pd();
	double		t = 0.0;
	int			j;

	x[0] = 1.0;
	for (j = 0; j + 4 <= d; j += 4)
	{
		__m256d		xv = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(r + j),
													 _mm256_loadu_pd(rp->mu + j)),
									   _mm256_loadu_pd(rp->isc + j));

		_mm256_storeu_pd(x + 1 + j, xv);
		a = _mm256_fmadd_pd(_mm256_loadu_pd(beta + 1 + j), xv, a);
	}
	for (; j < d; j++)
	{
		x[j + 1] = (r[j] - rp->mu[j]) * rp->isc[j];
		t += beta[j + 1] * x[j + 1];
	}
	*tail = t;
	return a;
}

/* grad += res_b x_b for the four rows, in row order per component. */
CR_TARGET static inline void
add_gradient_avx2(CrRowPass *rp, double *const *x, const double *res)
{
	int			D = rp->d + 1;
	double	   *grad = rp->grad;
	int			j,
				b;

	grad[0] = (((grad[0] + res[0]) + res[1]) + res[2]) + res[3];
	for (j = 1; j + 4 <= D; j += 4)
	{
		__m256d		g = _mm256_loadu_pd(grad + j);

		g = _mm256_fmadd_pd(_mm256_set1_pd(res[0]), _mm256_loadu_pd(x[0] + j), g);
		g = _mm256_fmadd_pd(_mm256_set1_pd(res[1]), _mm256_loadu_pd(x[1] + j), g);
		g = _mm256_fmadd_pd(_mm256_set1_pd(res[2]), _mm256_loadu_pd(x[2] + j), g);
		g = _mm256_fmadd_pd(_mm256_set1_pd(res[3]), _mm256_loadu_pd(x[3] + j), g);
		_mm256_storeu_pd(grad + j, g);
	}
	for (; j < D; j++)
		for (b = 0; b < 4; b++)
			grad[j] += res[b] * x[b][j];
}

/*
 * Rows stride apart (phase 1's sample) are too far apart for the hardware
 * to guess the next one: ask for four rows CR_PREFETCH_ROWS ahead.
 */
#define CR_PREFETCH_ROWS 16

CR_TARGET static inline void
prefetch_rows(const double *r, int64_t step, int D)
{
	int			b,
				k;

	for (b = 0; b < 4; b++)
		for (k = 0; k < D; k += 8)
			_mm_prefetch((const char *) (r + b * step + k), _MM_HINT_T0);
}

/* The pass four rows at a time; the last n % 4 rows go one by one. */
CR_TARGET static void
rows_pass_avx2(CrRowPass *rp, const double *rows, int64_t n, int64_t stride)
{
	int			d = rp->d;
	int			D = d + 1;
	int64_t		step = stride * D;
	const __m256d zero = _mm256_setzero_pd(),
				one = _mm256_set1_pd(1.0),
				sign = _mm256_set1_pd(-0.0);
	__m256d		llv = zero;
	double		lls[4];
	int64_t		i;

	for (i = 0; i + 4 <= n; i += 4)
	{
		const double *r[4];
		double	   *x[4];
		double		tail[4],
					res[4];
		__m256d		acc[4],
					eta,
					v,
					ym,
					w,
					e,
					pos,
					p;
		int			b;

		if (rp->hess && rp->nb + 4 > CR_HESS_BLOCK)
			flush_queue(rp);	/* after rows queued one by one */
		if (stride > 1 && i + CR_PREFETCH_ROWS + 4 <= n)
			prefetch_rows(rows + (i + CR_PREFETCH_ROWS) * step, step, D);
		for (b = 0; b < 4; b++)
		{
			r[b] = rows + (i + b) * step;
			x[b] = rp->hess ? rp->xb + (size_t) (rp->nb + b) * D : rp->xr + (size_t) b * D;
			acc[b] = scale_row_avx2(rp, r[b], x[b], &tail[b]);
		}
		eta = _mm256_add_pd(_mm256_add_pd(_mm256_set1_pd(rp->beta[0]), hsum4(acc[0], acc[1], acc[2], acc[3])),
							_mm256_loadu_pd(tail));
		v = _mm256_set_pd(r[3][d], r[2][d], r[1][d], r[0][d]);
		ym = _mm256_cmp_pd(v, zero, _CMP_GT_OQ);
		w = _mm256_mul_pd(_mm256_andnot_pd(sign, v),
						  _mm256_blendv_pd(_mm256_set1_pd(rp->cw[0]), _mm256_set1_pd(rp->cw[1]), ym));
		e = vexp(_mm256_or_pd(eta, sign));	/* exp(-|eta|) */
		pos = _mm256_cmp_pd(eta, zero, _CMP_GE_OQ);
		p = _mm256_div_pd(_mm256_blendv_pd(e, one, pos), _mm256_add_pd(one, e));
		if (rp->want_ll)
		{
			__m256d		l = _mm256_add_pd(vlog1p(e), _mm256_and_pd(eta, pos));

			llv = _mm256_fmadd_pd(w, _mm256_sub_pd(_mm256_and_pd(eta, ym), l), llv);
		}
		_mm256_storeu_pd(res, _mm256_mul_pd(w, _mm256_sub_pd(_mm256_and_pd(one, ym), p)));
		add_gradient_avx2(rp, x, res);
		if (rp->hess)
		{
			_mm256_storeu_pd(rp->hb + rp->nb, _mm256_mul_pd(_mm256_mul_pd(w, p), _mm256_sub_pd(one, p)));
			rp->nb += 4;
			if (rp->nb == CR_HESS_BLOCK)
				flush_queue(rp);
		}
	}
	_mm256_storeu_pd(lls, llv);
	rp->ll += ((lls[0] + lls[1]) + lls[2]) + lls[3];
	for (; i < n; i++)
		row_portable(rp, rows + i * step);
}

/* hp += h x x', packed upper triangle (cr_rows_packed_update) */
CR_TARGET static void
packed_update_avx2(double *restrict hp, const double *restrict x, double h, int D)
{
	int			j,
				k;

	for (j = 0; j < D; j++)
	{
		double		a = h * x[j];
		__m256d		av = _mm256_set1_pd(a);
		const double *restrict xj = x + j;
		int			len = D - j;

		for (k = 0; k + 4 <= len; k += 4)
			_mm256_storeu_pd(hp + k, _mm256_fmadd_pd(av, _mm256_loadu_pd(xj + k),
												   _mm256_loadu_pd(hp + k)));
		for (; k < len; k++)
			hp[k] += a * xj[k];
		hp += len;
	}
}

/* cr_rows_scale_row */
CR_TARGET static double
scale_one_avx2(const double *x, const double *mu, const double *isc,
			   const double *beta, double *xr, int d)
{
	__m256d		a = _mm256_setzero_pd();
	double		t[4],
				tail = 0.0;
	int			j;

	xr[0] = 1.0;
	for (j = 0; j + 4 <= d; j += 4)
	{
		__m256d		v = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(x + j), _mm256_loadu_pd(mu + j)),
									  _mm256_loadu_pd(isc + j));

		_mm256_storeu_pd(xr + 1 + j, v);
		a = _mm256_fmadd_pd(_mm256_loadu_pd(beta + 1 + j), v, a);
	}
	for (; j < d; j++)
	{
		xr[j + 1] = (x[j] - mu[j]) * isc[j];
		tail += beta[j + 1] * xr[j + 1];
	}
	_mm256_storeu_pd(t, a);
	return beta[0] + (((t[0] + t[1]) + (t[2] + t[3])) + tail);
}

/* cr_rows_logit4 */
CR_TARGET static void
logit4_avx2(const double *eta, double *p, double *l)
{
	const __m256d zero = _mm256_setzero_pd(),
				one = _mm256_set1_pd(1.0),
				sign = _mm256_set1_pd(-0.0);
	__m256d		v = _mm256_loadu_pd(eta);
	__m256d		e = vexp(_mm256_or_pd(v, sign));	/* exp(-|eta|) */
	__m256d		pos = _mm256_cmp_pd(v, zero, _CMP_GE_OQ);

	_mm256_storeu_pd(p, _mm256_div_pd(_mm256_blendv_pd(e, one, pos), _mm256_add_pd(one, e)));
	_mm256_storeu_pd(l, _mm256_add_pd(vlog1p(e), _mm256_and_pd(v, pos)));
}

/* cr_rows_packed_update4 */
CR_TARGET static void
packed_update4_avx2(double *restrict hp, const double *restrict xb, const double *restrict hb, int D)
{
	const double *restrict x0 = xb;
	const double *restrict x1 = x0 + D;
	const double *restrict x2 = x1 + D;
	const double *restrict x3 = x2 + D;
	int			j,
				k;

	for (j = 0; j < D; j++)
	{
		double		a0 = hb[0] * x0[j],
					a1 = hb[1] * x1[j],
					a2 = hb[2] * x2[j],
					a3 = hb[3] * x3[j];
		__m256d		v0 = _mm256_set1_pd(a0),
					v1 = _mm256_set1_pd(a1),
					v2 = _mm256_set1_pd(a2),
					v3 = _mm256_set1_pd(a3);
		int			len = D - j;

		for (k = 0; k + 4 <= len; k += 4)
		{
			__m256d		h = _mm256_loadu_pd(hp + k);

			h = _mm256_fmadd_pd(v0, _mm256_loadu_pd(x0 + j + k), h);
			h = _mm256_fmadd_pd(v1, _mm256_loadu_pd(x1 + j + k), h);
			h = _mm256_fmadd_pd(v2, _mm256_loadu_pd(x2 + j + k), h);
			h = _mm256_fmadd_pd(v3, _mm256_loadu_pd(x3 + j + k), h);
			_mm256_storeu_pd(hp + k, h);
		}
		for (; k < len; k++)
			hp[k] = (((hp[k] + a0 * x0[j + k]) + a1 * x1[j + k]) + a2 * x2[j + k]) + a3 * x3[j + k];
		hp += len;
	}
}

/* cr_rows_newton4's gradient and Hessian for four rows */
CR_TARGET static void
newton4_avx2(double *grad, double *hp, const double *xq, const double *r, const double *h, int D)
{
	double	   *x[4] = {(double *) xq, (double *) xq + D, (double *) xq + 2 * D, (double *) xq + 3 * D};
	CrRowPass	rp;

	rp.d = D - 1;
	rp.grad = grad;
	add_gradient_avx2(&rp, x, r);
	packed_update4_avx2(hp, xq, h, D);
}

/* beta'r (the vector part; the scalar part of the last d % 4 into *tail) */
CR_TARGET static inline __m256d
dot_avx2(const double *beta, const double *r, int d, double *tail)
{
	__m256d		a = _mm256_setzero_pd();
	double		t = 0.0;
	int			j;

	for (j = 0; j + 4 <= d; j += 4)
		a = _mm256_fmadd_pd(_mm256_loadu_pd(beta + 1 + j), _mm256_loadu_pd(r + j), a);
	for (; j < d; j++)
		t += beta[j + 1] * r[j];
	*tail = t;
	return a;
}

/*
 * cr_rows_scores four rows at a time; a last group of fewer rows repeats
 * its first row in the empty lanes (not counted), so every row is scored
 * by the same instructions wherever it stands.
 */
CR_TARGET static void
scores_avx2(const double *rows, int64_t n, int64_t stride, int d,
			const double *beta, const double *cw, double *p, double *ll)
{
	int64_t		step = stride * (d + 1);
	const __m256d zero = _mm256_setzero_pd(),
				one = _mm256_set1_pd(1.0),
				sign = _mm256_set1_pd(-0.0);
	__m256d		llv = zero;
	double		lls[4];
	int64_t		i;

	for (i = 0; i < n; i += 4)
	{
		const double *r[4];
		double		tail[4],
					pv[4];
		__m256d		acc[4],
					eta,
					e,
					pos,
					q,
					valid;
		int			b,
					m = n - i < 4 ? (int) (n - i) : 4;

		for (b = 0; b < 4; b++)
		{
			r[b] = rows + (i + (b < m ? b : 0)) * step;
			acc[b] = dot_avx2(beta, r[b], d, &tail[b]);
		}
		eta = _mm256_add_pd(_mm256_add_pd(_mm256_set1_pd(beta[0]), hsum4(acc[0], acc[1], acc[2], acc[3])),
							_mm256_loadu_pd(tail));
		e = vexp(_mm256_or_pd(eta, sign));
		pos = _mm256_cmp_pd(eta, zero, _CMP_GE_OQ);
		q = _mm256_div_pd(_mm256_blendv_pd(e, one, pos), _mm256_add_pd(one, e));
		_mm256_storeu_pd(pv, q);
		for (b = 0; b < m; b++)
			p[i + b] = pv[b];
		if (ll)
		{
			__m256d		v = _mm256_set_pd(r[3][d], r[2][d], r[1][d], r[0][d]),
						ym = _mm256_cmp_pd(v, zero, _CMP_GT_OQ),
						w = _mm256_mul_pd(_mm256_andnot_pd(sign, v),
										  _mm256_blendv_pd(_mm256_set1_pd(cw[0]), _mm256_set1_pd(cw[1]), ym)),
						l = _mm256_add_pd(vlog1p(e), _mm256_and_pd(eta, pos));

			valid = _mm256_cmp_pd(_mm256_set_pd(3, 2, 1, 0), _mm256_set1_pd(m), _CMP_LT_OQ);
			llv = _mm256_add_pd(llv, _mm256_and_pd(valid, _mm256_mul_pd(w, _mm256_sub_pd(_mm256_and_pd(eta, ym), l))));
		}
	}
	if (ll)
	{
		_mm256_storeu_pd(lls, llv);
		*ll += ((lls[0] + lls[1]) + lls[2]) + lls[3];
	}
}

/*
 * moments_portable four features at a time, with the same operations (so
 * the same sums); a group where amax grows goes element by element.
 */
CR_TARGET static void
moments_avx2(CrMomentSums *m, const double *rows, int64_t n)
{
	int			d = m->d;
	const __m256d sign = _mm256_set1_pd(-0.0),
				zero = _mm256_setzero_pd();
	int64_t		i;
	int			j,
				k;

	for (i = 0; i < n; i++)
	{
		const double *r = rows + i * (d + 1);
		double		w = moment_weight(m, r[d]);
		__m256d		wv = _mm256_set1_pd(w);

		for (j = 0; j + 4 <= d; j += 4)
		{
			__m256d		t = _mm256_sub_pd(_mm256_loadu_pd(r + j), _mm256_loadu_pd(m->first + j)),
						q,
						wq;

			if (_mm256_movemask_pd(_mm256_cmp_pd(_mm256_andnot_pd(sign, t), _mm256_loadu_pd(m->amax + j), _CMP_GT_OQ)))
			{
				for (k = j; k < j + 4; k++)
					moment_element(m, k, r[k] - m->first[k], w);
				continue;
			}
			q = _mm256_and_pd(_mm256_div_pd(t, _mm256_loadu_pd(m->amax + j)),
							  _mm256_cmp_pd(t, zero, _CMP_NEQ_UQ));
			wq = _mm256_mul_pd(wv, q);
			_mm256_storeu_pd(m->s1 + j, _mm256_add_pd(_mm256_loadu_pd(m->s1 + j), wq));
			_mm256_storeu_pd(m->s2 + j, _mm256_add_pd(_mm256_loadu_pd(m->s2 + j), _mm256_mul_pd(wq, q)));
		}
		for (; j < d; j++)
			moment_element(m, j, r[j] - m->first[j], w);
	}
}

/* vexp (log1p false) or vlog1p of n values; the last n % 4 by libm */
CR_TARGET static void
map_avx2(const double *x, double *y, int n, bool log1p_)
{
	int			i;

	for (i = 0; i + 4 <= n; i += 4)
	{
		__m256d		v = _mm256_loadu_pd(x + i);

		_mm256_storeu_pd(y + i, log1p_ ? vlog1p(v) : vexp(v));
	}
	for (; i < n; i++)
		y[i] = log1p_ ? log1p(x[i]) : exp(x[i]);
}

bool
cr_rows_simd(void)
{
	if (simd_state < 0)
	{
		__builtin_cpu_init();
		simd_state = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	}
	return simd_state > 0;
}

bool
cr_rows_set_simd(bool on)
{
	bool		was = cr_rows_simd();

	/* on only where the CPU has the instructions */
	if (!on)
		simd_state = 0;
	else
	{
		simd_state = -1;
		(void) cr_rows_simd();
	}
	return was;
}

#else							/* !CR_ROWS_AVX2 */

bool
cr_rows_simd(void)
{
	return false;
}

bool
cr_rows_set_simd(bool on)
{
	(void) on;
	return false;
}

#endif							/* CR_ROWS_AVX2 */

static void
flush_queue(CrRowPass *rp)
{
	if (rp->nb == 0)
		return;
#ifdef CR_ROWS_AVX2
	if (cr_rows_simd())
		hessian_update_avx2(rp->hess, rp->xb, rp->hb, rp->nb, rp->d + 1);
	else
#endif
		hessian_update(rp->hess, rp->xb, rp->hb, rp->nb, rp->d + 1);
	if (rp->tick)
	{
		rp->work += rp->nb * (rp->d + 1.0) * (rp->d + 2.0) / 2;
		if (rp->work >= CR_HESS_TICK_WORK)
		{
			rp->work = 0.0;
			rp->tick();
		}
	}
	rp->nb = 0;
}

void
cr_rows_pass(CrRowPass *rp, const double *rows, int64_t n, int64_t stride)
{
	int64_t		i;

	CR_DISPATCH(rows_pass_avx2(rp, rows, n, stride));
	for (i = 0; i < n; i++)
		row_portable(rp, rows + i * stride * (rp->d + 1));
}

void
cr_rows_packed_update(double *hp, const double *x, double h, int D)
{
	int			j,
				k;

	CR_DISPATCH(packed_update_avx2(hp, x, h, D));
	for (j = 0; j < D; j++)
	{
		double		a = h * x[j];
		const double *xj = x + j;
		int			len = D - j;

		for (k = 0; k < len; k++)
			hp[k] += a * xj[k];
		hp += len;
	}
}

double
cr_rows_scale_row(const double *x, const double *mu, const double *isc,
				  const double *beta, double *xr, int d)
{
	double		eta = beta[0];
	int			j;

#ifdef CR_ROWS_AVX2
	if (cr_rows_simd())
		return scale_one_avx2(x, mu, isc, beta, xr, d);
#endif
	xr[0] = 1.0;
	for (j = 0; j < d; j++)
	{
		xr[j + 1] = (x[j] - mu[j]) * isc[j];
		eta += beta[j + 1] * xr[j + 1];
	}
	return eta;
}

void
cr_rows_newton4(double *grad, double *hp, double *ll, const double *xq,
				const double *eta, const double *wc, const double *y, int n, int D)
{
	double		e4[4],
				p[4],
				l[4],
				h[4],
				r[4];
	int			b,
				j;

	for (b = 0; b < 4; b++)
		e4[b] = b < n ? eta[b] : 0.0;
	cr_rows_logit4(e4, p, l);
	for (b = 0; b < n; b++)
	{
		*ll += wc[b] * (y[b] * eta[b] - l[b]);
		r[b] = wc[b] * (y[b] - p[b]);
		h[b] = wc[b] * p[b] * (1.0 - p[b]);
	}
	if (n == 4)
	{
		CR_DISPATCH(newton4_avx2(grad, hp, xq, r, h, D));
		for (j = 0; j < D; j++)
			grad[j] = (((grad[j] + r[0] * xq[j]) + r[1] * xq[D + j]) + r[2] * xq[2 * D + j]) + r[3] * xq[3 * D + j];
		cr_rows_packed_update4(hp, xq, h, D);
		return;
	}
	for (b = 0; b < n; b++)
	{
		for (j = 0; j < D; j++)
			grad[j] += r[b] * xq[b * D + j];
		cr_rows_packed_update(hp, xq + b * D, h[b], D);
	}
}

void
cr_rows_logit4(const double *eta, double *p, double *l)
{
	int			b;

	CR_DISPATCH(logit4_avx2(eta, p, l));
	for (b = 0; b < 4; b++)
	{
		double		e = exp(-fabs(eta[b]));

		p[b] = eta[b] >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
		l[b] = log1p(e) + (eta[b] >= 0 ? eta[b] : 0.0);
	}
}

void
cr_rows_packed_update4(double *hp, const double *xb, const double *hb, int D)
{
	const double *x0 = xb;
	const double *x1 = x0 + D;
	const double *x2 = x1 + D;
	const double *x3 = x2 + D;
	int			j,
				k;

	CR_DISPATCH(packed_update4_avx2(hp, xb, hb, D));
	for (j = 0; j < D; j++)
	{
		double		a0 = hb[0] * x0[j],
					a1 = hb[1] * x1[j],
					a2 = hb[2] * x2[j],
					a3 = hb[3] * x3[j];
		int			len = D - j;

		for (k = 0; k < len; k++)
			hp[k] = (((hp[k] + a0 * x0[j + k]) + a1 * x1[j + k]) + a2 * x2[j + k]) + a3 * x3[j + k];
		hp += len;
	}
}

void
cr_rows_pass_end(CrRowPass *rp)
{
	if (rp->hess)
		flush_queue(rp);
}

void
cr_rows_moments(CrMomentSums *m, const double *rows, int64_t n)
{
	CR_DISPATCH(moments_avx2(m, rows, n));
	moments_portable(m, rows, n);
}

void
cr_rows_scores(const double *rows, int64_t n, int64_t stride, int d,
			   const double *beta, const double *cw, double *p, double *ll)
{
	CR_DISPATCH(scores_avx2(rows, n, stride, d, beta, cw, p, ll));
	scores_portable(rows, n, stride, d, beta, cw, p, ll);
}

void
cr_rows_scores_scalar(const double *rows, int64_t n, int64_t stride, int d,
					  const double *beta, const double *cw, double *p, double *ll)
{
	scores_portable(rows, n, stride, d, beta, cw, p, ll);
}

void
cr_rows_exp(const double *x, double *y, int n)
{
	int			i;

	CR_DISPATCH(map_avx2(x, y, n, false));
	for (i = 0; i < n; i++)
		y[i] = exp(x[i]);
}

void
cr_rows_log1p(const double *x, double *y, int n)
{
	int			i;

	CR_DISPATCH(map_avx2(x, y, n, true));
	for (i = 0; i < n; i++)
		y[i] = log1p(x[i]);
}
