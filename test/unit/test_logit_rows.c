/*
 * test_logit_rows.c
 *	  Unit tests of the solver's row loops (src/cr_logit_rows.c): the vector
 *	  exp and log1p against libm, the vector pass against the portable one,
 *	  and the tick between Hessian updates.
 *
 * link: src/cr_logit_rows.c
 *
 * On a CPU without AVX2 and FMA both sides are the portable code and the
 * comparisons hold trivially; the test says which it ran.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_logit_rows.h"

#include "tap.h"

#define check ok

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_u64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
uniform(void)
{
	return (double) (next_u64() >> 11) * 0x1.0p-53;
}

/* distance in units in the last place (both finite and of one sign, or equal) */
static double
ulps(double a, double b)
{
	int64_t		ia,
				ib;

	if (a == b || (isnan(a) && isnan(b)))
		return 0;
	if (!isfinite(a) || !isfinite(b) || (a < 0) != (b < 0))
		return INFINITY;
	memcpy(&ia, &a, 8);
	memcpy(&ib, &b, 8);
	return fabs((double) (ia - ib));
}

#define NX 4000

typedef void (*vec_fn) (const double *x, double *y, int n);

/* The worst ulp distance of vec from ref over x (n values), and where. */
static double
worst_ulps(vec_fn vec, double (*ref) (double), const double *x, int n,
		   double *where, bool verbose)
{
	static double y[NX];
	double		worst = 0;
	int			i;

	vec(x, y, n);
	for (i = 0; i < n; i++)
	{
		double		u = ulps(y[i], ref(x[i]));

		if (verbose && u > 3)
			printf("# f(%.17g) = %.17g, libm %.17g\n", x[i], y[i], ref(x[i]));
		if (u > worst)
		{
			worst = u;
			*where = x[i];
		}
	}
	return worst;
}

static void
test_exp(void)
{
	static double x[NX];
	double		worst = 0,
				worst_x = 0,
				where;
	int			round,
				i;
	static const double special[] = {0.0, -0.0, 1e-300, -1e-300, 5e-324, 1.0, -1.0,
		-708.39641853226408, -708.4, -709.0, -744.44007192138121, -745.1332191019411,
		-745.2, -746.0, -1000.0, -1e300, 709.78271289338397, 709.79, 710.0, 1e300,
	INFINITY, -INFINITY, NAN, 0.34657359027997264, -0.34657359027997264, 20.0, -20.0, 700.0};

	for (round = 0; round < 50; round++)
	{
		double		u;

		for (i = 0; i < NX; i++)
		{
			/* the whole range, and densely the arguments the passes see */
			switch (i % 4)
			{
				case 0:
					x[i] = (uniform() * 2 - 1) * 760;
					break;
				case 1:
					x[i] = -uniform() * 40;
					break;
				case 2:
					x[i] = (uniform() * 2 - 1) * 1e-3;
					break;
				default:
					x[i] = -708 - uniform() * 40;	/* subnormal results */
			}
		}
		u = worst_ulps(cr_rows_exp, exp, x, NX, &where, false);
		if (u > worst)
		{
			worst = u;
			worst_x = where;
		}
	}
	printf("# vector exp: worst %.0f ulp at x = %.17g over %d random arguments\n", worst, worst_x, 50 * NX);
	check(worst <= 2, "vector exp within 2 ulp of libm over [-760, 760], subnormal results included");
	check(worst_ulps(cr_rows_exp, exp, special, (int) (sizeof(special) / sizeof(special[0])), &where, true) <= 2,
		  "vector exp of 0, tiny, the overflow and underflow edges, +-1e300, +-Infinity and NaN as libm");
}

static void
test_log1p(void)
{
	static double x[NX];
	double		worst = 0,
				worst_x = 0,
				where;
	int			round,
				i;
	static const double special[] = {0.0, 5e-324, 1e-310, 1e-300, 1e-17, 1e-8, 0.41421356237309503,
	0.41421356237309509, 0.5, 0.999999999, 1.0, NAN};

	for (round = 0; round < 50; round++)
	{
		double		u;

		for (i = 0; i < NX; i++)
			x[i] = i % 2 ? uniform() : exp(-uniform() * 750);
		u = worst_ulps(cr_rows_log1p, log1p, x, NX, &where, false);
		if (u > worst)
		{
			worst = u;
			worst_x = where;
		}
	}
	printf("# vector log1p: worst %.0f ulp at x = %.17g over %d random arguments\n", worst, worst_x, 50 * NX);
	check(worst <= 3, "vector log1p within 3 ulp of libm over [0, 1], subnormal arguments included");
	check(worst_ulps(cr_rows_log1p, log1p, special, (int) (sizeof(special) / sizeof(special[0])), &where, true) <= 3,
		  "vector log1p of 0, subnormals, both sides of sqrt(2) - 1, 1 and NaN as libm");
}

/* A pass's state, with the vector kernels on or off; end_pass frees it. */
static void
start_pass(CrRowPass *rp, bool simd, int d, const double *mu, const double *isc,
		   const double *beta, bool hess, double *grad, double *h)
{
	int			D = d + 1;

	cr_rows_set_simd(simd);
	memset(rp, 0, sizeof(*rp));
	rp->d = d;
	rp->mu = mu;
	rp->isc = isc;
	rp->cw[0] = 0.7;
	rp->cw[1] = 1.9;
	rp->beta = beta;
	rp->grad = grad;
	rp->want_ll = true;
	rp->hess = hess ? h : NULL;
	rp->xb = malloc(sizeof(double) * D * CR_HESS_BLOCK);
	rp->hb = malloc(sizeof(double) * CR_HESS_BLOCK);
	rp->xr = malloc(sizeof(double) * 4 * D);
	memset(grad, 0, sizeof(double) * D);
	memset(h, 0, sizeof(double) * D * D);
}

static double
end_pass(CrRowPass *rp)
{
	cr_rows_pass_end(rp);
	free(rp->xb);
	free(rp->hb);
	free(rp->xr);
	return rp->ll;
}

/* One pass with the vector kernels on or off. */
static double
run_pass(bool simd, int d, const double *rows, int64_t n, int64_t stride,
		 const double *mu, const double *isc, const double *beta, bool hess,
		 double *grad, double *h)
{
	int			D = d + 1;
	CrRowPass	rp;
	int64_t		done = 0;

	start_pass(&rp, simd, d, mu, isc, beta, hess, grad, h);
	/* in uneven pieces, as blocks come */
	while (done < n)
	{
		int64_t		m = 1 + (int64_t) (uniform() * 37);

		if (m > n - done)
			m = n - done;
		cr_rows_pass(&rp, rows + done * stride * D, m, stride);
		done += m;
	}
	return end_pass(&rp);
}

static double
rel(double a, double b)
{
	return fabs(a - b) / fmax(fabs(b), 1e-300);
}

static void
test_pass(void)
{
	static const int dims[] = {1, 3, 4, 5, 16, 33, 50};
	int			t;
	bool		have = cr_rows_simd();

	printf("# vector kernels %s\n", have ? "in use" : "not in use (CPU or build without them)");
	for (t = 0; t < (int) (sizeof(dims) / sizeof(dims[0])); t++)
	{
		int			d = dims[t],
					D = d + 1;
		int64_t		n = 1003,
					stride = t % 2 ? 3 : 1,
					i;
		double	   *rows = malloc(sizeof(double) * D * n * stride),
				   *mu = malloc(sizeof(double) * d),
				   *isc = malloc(sizeof(double) * d),
				   *beta = malloc(sizeof(double) * D),
				   *g0 = malloc(sizeof(double) * D),
				   *g1 = malloc(sizeof(double) * D),
				   *h0 = malloc(sizeof(double) * D * D),
				   *h1 = malloc(sizeof(double) * D * D);
		double		ll0,
					ll1,
					worst = 0;
		int			j,
					k;
		char		what[160];

		for (i = 0; i < n * stride; i++)
		{
			for (j = 0; j < d; j++)
				rows[i * D + j] = 10 + 3 * (uniform() - 0.5) * (j + 1);
			rows[i * D + d] = (uniform() < 0.4 ? -1 : 1) * (0.5 + uniform());
		}
		/* one row far out: eta beyond -745 and +710 */
		rows[5 * stride * D] = 1e4;
		rows[7 * stride * D] = -1e4;
		for (j = 0; j < d; j++)
		{
			mu[j] = 10;
			isc[j] = 1.0 / (j + 1);
		}
		for (j = 0; j < D; j++)
			beta[j] = (uniform() - 0.5) * 2;
		beta[1] = 0.5;
		ll0 = run_pass(false, d, rows, n, stride, mu, isc, beta, true, g0, h0);
		ll1 = run_pass(true, d, rows, n, stride, mu, isc, beta, true, g1, h1);
		for (j = 0; j < D; j++)
		{
			worst = fmax(worst, fabs(g1[j] - g0[j]) / (1 + fabs(g0[j])));
			for (k = j; k < D; k++)
				worst = fmax(worst, fabs(h1[j * D + k] - h0[j * D + k]) / (1 + fabs(h0[j * D + k])));
		}
		snprintf(what, sizeof(what), "%d features, stride %d: vector and portable pass agree (gradient and Hessian %.2g, log-likelihood %.2g)",
				 d, (int) stride, worst, rel(ll1, ll0));
		check(isfinite(ll1) && worst < 1e-11 && rel(ll1, ll0) < 1e-12, what);
		ll1 = run_pass(true, d, rows, n, stride, mu, isc, beta, false, g1, h1);
		check(rel(ll1, ll0) < 1e-12, "the same without the Hessian");
		free(rows);
		free(mu);
		free(isc);
		free(beta);
		free(g0);
		free(g1);
		free(h0);
		free(h1);
	}
	cr_rows_set_simd(true);
}

static int	ticks;

static void
count_tick(void)
{
	ticks++;
}

/*
 * The tick between Hessian updates: once their multiply-adds reach
 * CR_HESS_TICK_WORK (every update of 32 rows of 1001 values, which take
 * milliseconds; every 96 rows of 301), not once per update when they are
 * cheap (one tick in 30 000 rows of 17).  Each pass with the tick gives the
 * same bits as without it.
 */
static void
test_tick(void)
{
	static const struct
	{
		int			d;
		int64_t		n;
		int			want;
	}			cases[] = {{1000, 320, 10}, {300, 960, 10}, {16, 30000, 1}};
	int			t,
				v;

	for (t = 0; t < 3; t++)
		for (v = 0; v < 2; v++)
		{
			int			d = cases[t].d,
						D = d + 1;
			int64_t		n = cases[t].n,
						i;
			double	   *rows = malloc(sizeof(double) * D * n),
					   *mu = calloc(d, sizeof(double)),
					   *isc = malloc(sizeof(double) * d),
					   *beta = calloc(D, sizeof(double)),
					   *g[2],
					   *h[2],
						ll[2];
			CrRowPass	rp;
			int			k;
			char		what[160];

			for (i = 0; i < D * n; i++)
				rows[i] = (i % D == d ? 1.5 : 1.0) * (uniform() - 0.4);
			for (k = 0; k < d; k++)
				isc[k] = 1.0;
			for (k = 0; k < 2; k++)
			{
				g[k] = malloc(sizeof(double) * D);
				h[k] = malloc(sizeof(double) * D * D);
				start_pass(&rp, v == 1, d, mu, isc, beta, true, g[k], h[k]);
				rp.tick = k ? count_tick : NULL;
				ticks = 0;
				cr_rows_pass(&rp, rows, n, 1);
				ll[k] = end_pass(&rp);
			}
			snprintf(what, sizeof(what), "%s pass of %d rows of %d values: %d tick%s, the same sums as without",
					 v ? "vector" : "portable", (int) n, D, ticks, ticks == 1 ? "" : "s");
			check(ticks == cases[t].want && ll[0] == ll[1] && memcmp(g[0], g[1], sizeof(double) * D) == 0 &&
				  memcmp(h[0], h[1], sizeof(double) * D * D) == 0, what);
			for (k = 0; k < 2; k++)
			{
				free(g[k]);
				free(h[k]);
			}
			free(rows);
			free(mu);
			free(isc);
			free(beta);
		}
	cr_rows_set_simd(true);
}

int
main(void)
{
	bool		have = cr_rows_simd();

	test_exp();
	test_log1p();
	test_pass();
	test_tick();
	cr_rows_set_simd(have);
	return tap_done();
}
