/*
 * test_logit.c
 *	  Unit tests of the plain-C logistic regression kernel (src/cr_logit.c).
 *
 * link: src/cr_logit.c
 *
 * Hand-derived linear algebra, the failure statuses, and the large-input
 * path (sample warm start + preconditioned passes) against plain Newton on
 * the same rows.  Values of the statsmodels comparison live in
 * test/pgtap/30_model.sql.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_logit.h"
#include "cr_random.h"

static int	n_test = 0;
static int	n_fail = 0;

static void
check(int cond, const char *what)
{
	n_test++;
	if (!cond)
		n_fail++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n_test, what);
}

/* every allocation the kernel makes, freed after each test */
static void *allocated[4096];
static int	n_allocated = 0;

static void *
alloc(size_t size)
{
	void	   *p = malloc(size);

	if (!p || n_allocated == 4096)
		abort();
	allocated[n_allocated++] = p;
	return p;
}

static void
free_all(void)
{
	while (n_allocated > 0)
		free(allocated[--n_allocated]);
}

/* rows in blocks of 1000 (the kernel must not care about block sizes) */
typedef struct Data
{
	CrRows		rows;
} Data;

static void
make_rows(CrRows *r, int d, int64_t n, double (*gen) (int64_t i, int j, int d, uint64_t *st), uint64_t seed)
{
	int64_t		per = 1000;
	int			nb = (int) ((n + per - 1) / per);
	uint64_t	st = seed;
	int64_t		i;

	r->d = d;
	r->n = n;
	r->nblocks = nb;
	r->blocks = malloc(sizeof(double *) * nb);
	r->block_n = malloc(sizeof(int64_t) * nb);
	for (i = 0; i < nb; i++)
	{
		r->block_n[i] = (i == nb - 1) ? n - per * (nb - 1) : per;
		r->blocks[i] = malloc(sizeof(double) * (d + 1) * r->block_n[i]);
	}
	for (i = 0; i < n; i++)
	{
		double	   *row = r->blocks[i / per] + (i % per) * (d + 1);
		int			j;

		for (j = 0; j <= d; j++)
			row[j] = gen(i, j, d, &st);
	}
}

static void
free_rows(CrRows *r)
{
	int			b;

	for (b = 0; b < r->nblocks; b++)
		free(r->blocks[b]);
	free(r->blocks);
	free(r->block_n);
	free_all();
}

static double
uniform(uint64_t *st)
{
	return (double) (cr_splitmix64(st) >> 11) * (1.0 / 9007199254740992.0);
}

/* features ~ U(-1, 1) + j, label from a known logistic model, weight 1 */
static double feats[64];
static double
gen_logistic(int64_t i, int j, int d, uint64_t *st)
{
	(void) i;
	if (j < d)
	{
		feats[j] = 2 * uniform(st) - 1 + j;
		return feats[j];
	}
	else
	{
		double		eta = 0.3;
		int			k;

		for (k = 0; k < d; k++)
			eta += (k % 2 ? -0.7 : 0.5) * (feats[k] - k);
		return uniform(st) < 1 / (1 + exp(-eta)) ? 1.0 : -1.0;
	}
}

static double
gen_one_class(int64_t i, int j, int d, uint64_t *st)
{
	(void) i;
	return j < d ? uniform(st) : 1.0;
}

static double
gen_constant(int64_t i, int j, int d, uint64_t *st)
{
	(void) d;
	if (j == 1)
		return 3.0;
	return j == 2 ? (uniform(st) < 0.5 ? 1.0 : -1.0) : (double) (i % 7);
}

/* column 2 = column 0 - 2 * column 1 */
static double
gen_collinear(int64_t i, int j, int d, uint64_t *st)
{
	(void) d;
	(void) i;
	if (j < 2)
		return feats[j] = uniform(st);
	if (j == 2)
		return feats[0] - 2 * feats[1];
	return uniform(st) < 0.5 ? 1.0 : -1.0;
}

/* label = sign of feature 0: complete separation */
static double
gen_separated(int64_t i, int j, int d, uint64_t *st)
{
	(void) i;
	(void) d;
	if (j == 0)
		return feats[0] = uniform(st) - 0.5;
	if (j == 1)
		return uniform(st);
	return feats[0] > 0 ? 1.0 : -1.0;
}

static CrFitOptions
defaults(void)
{
	CrFitOptions o;

	memset(&o, 0, sizeof(o));
	o.intercept = true;
	o.max_iter = 100;
	o.tol = 1e-8;
	return o;
}

int
main(void)
{
	/* Cholesky of [[4,2,2],[2,5,3],[2,3,6]]: solve for b = A * (1,2,3) */
	{
		double		a[9] = {4, 2, 2, 2, 5, 3, 2, 3, 6};
		double		b[3] = {4 + 4 + 6, 2 + 10 + 9, 2 + 6 + 18};
		double		inv[9],
					work[3];

		check(cr_cholesky(a, 3, NULL, 1e-12) == -1, "cholesky factorises an SPD matrix");
		check(fabs(a[0] - 2.0) < 1e-15 && fabs(a[3] - 1.0) < 1e-15, "cholesky: L[0][0] = 2, L[1][0] = 1");
		cr_cholesky_solve(a, 3, b);
		check(fabs(b[0] - 1) < 1e-12 && fabs(b[1] - 2) < 1e-12 && fabs(b[2] - 3) < 1e-12, "cholesky solve recovers x");
		cr_cholesky_inverse(a, 3, inv, work);
		/* (A^-1)[0][0] = (5*6-3*3)/det, det = 4*21 - 2*(12-6) + 2*(6-10) = 64 */
		check(fabs(inv[0] - 21.0 / 64.0) < 1e-14, "inverse entry matches the adjugate");
		check(fabs(inv[1] - inv[3]) == 0, "inverse is symmetric");
	}
	{
		double		a[9] = {1, 2, 3, 2, 4, 6, 3, 6, 10};	/* row 2 = 2 * row 1 */

		check(cr_cholesky(a, 3, NULL, 1e-11) == 1, "cholesky names the dependent variable");
	}
	{
		double		a[4] = {1, 0, 0, 1e-3};
		double		work[3 * 2 + 4];

		check(fabs(cr_condition_number(a, 2, work) - 1.0) < 1e-9, "condition number of a diagonal matrix is 1 after scaling");
	}
	{
		double		a[4] = {1, 0.99, 0.99, 1};
		double		work[3 * 2 + 4];

		check(fabs(cr_condition_number(a, 2, work) - 1.99 / 0.01) < 1e-6, "condition number = largest / smallest eigenvalue");
	}
	{
		double		edges[11] = {0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1};
		double		e[10],
					o[10];
		int			i;

		check(cr_decile_bin(edges, 0.0) == 0 && cr_decile_bin(edges, 0.1) == 0 &&
			  cr_decile_bin(edges, 0.10001) == 1 && cr_decile_bin(edges, 1.0) == 9,
			  "decile bins: right-closed intervals, ends in the outer bins");
		for (i = 0; i < 10; i++)
			e[i] = o[i] = 0.1;
		check(cr_psi(e, o, 10) == 0.0, "PSI of identical shares is 0");
		o[0] = 0.2;
		o[9] = 0.0;
		check(fabs(cr_psi(e, o, 10) - (0.1 * log(2.0) + (1e-4 - 0.1) * log(1e-4 / 0.1))) < 1e-12,
			  "PSI by hand, an empty bin counts as 1e-4");
	}
	check(fabs(cr_normal_two_sided_p(1.959963984540054) - 0.05) < 1e-12, "two-sided p of z = 1.96 is 0.05");
	check(fabs(cr_sigmoid(-800)) == 0 && cr_sigmoid(800) == 1 && cr_sigmoid(0) == 0.5, "sigmoid saturates without overflow");

	/* failure statuses */
	{
		CrRows		r;
		CrFitResult res;
		CrFitOptions o = defaults();

		make_rows(&r, 2, 500, gen_one_class, 1);
		cr_logit_fit(&r, &o, alloc, &res);
		check(res.status == CR_FIT_ONE_CLASS, "one outcome class is reported");
		free_rows(&r);

		make_rows(&r, 2, 500, gen_constant, 2);
		cr_logit_fit(&r, &o, alloc, &res);
		check(res.status == CR_FIT_CONSTANT && res.bad_feature == 1, "a constant feature is reported by index");
		free_rows(&r);

		make_rows(&r, 3, 500, gen_collinear, 3);
		cr_logit_fit(&r, &o, alloc, &res);
		check(res.status == CR_FIT_COLLINEAR && res.bad_feature == 2, "a collinear feature is reported by index");
		o.l2 = 1.0;
		cr_logit_fit(&r, &o, alloc, &res);
		check(res.status == CR_FIT_OK, "l2 > 0 fits collinear features");
		o.l2 = 0.0;
		free_rows(&r);

		make_rows(&r, 2, 500, gen_separated, 4);
		cr_logit_fit(&r, &o, alloc, &res);
		check(res.status == CR_FIT_SEPARATION && res.bad_feature == 0, "complete separation is reported with its feature");
		o.l2 = 0.5;
		cr_logit_fit(&r, &o, alloc, &res);
		check(res.status == CR_FIT_OK && res.converged, "l2 > 0 fits separated data");
		free_rows(&r);
	}

	/* the large-input path equals plain Newton */
	{
		CrRows		r;
		CrFitResult fast,
					exact;
		CrFitOptions o = defaults();
		double		worst = 0,
					worst_cov = 0;
		int			j;

		make_rows(&r, 6, 400000, gen_logistic, 5);
		cr_logit_fit(&r, &o, alloc, &fast);
		o.exact_only = true;
		cr_logit_fit(&r, &o, alloc, &exact);
		check(fast.status == CR_FIT_OK && exact.status == CR_FIT_OK, "both paths fit 400k rows");
		for (j = 0; j < 7; j++)
			worst = fmax(worst, fabs(fast.beta[j] - exact.beta[j]) / fabs(exact.beta[j]));
		for (j = 0; j < 49; j++)
			worst_cov = fmax(worst_cov, fabs(fast.cov[j] - exact.cov[j]) / (fabs(exact.cov[j]) + 1e-300));
		printf("# warm-start path: %d passes (%d with Hessian), exact path: %d (%d), max rel diff %.3g, cov %.3g\n",
			   fast.passes, fast.hessian_passes, exact.passes, exact.hessian_passes, worst, worst_cov);
		check(worst < 1e-10, "warm start + preconditioned passes give the plain Newton coefficients");
		check(worst_cov < 1e-6, "and the same covariance");
		check(fabs(fast.loglik - exact.loglik) < 1e-9 * fabs(exact.loglik), "and the same log-likelihood");
		check(fast.hessian_passes < exact.hessian_passes, "with fewer Hessian-carrying passes over all rows");
		check(fabs(fast.beta[1] - 0.5) < 0.02 && fabs(fast.beta[2] + 0.7) < 0.02, "and recover the generating coefficients");
		{
			double		total = 0;

			for (j = 0; j < 10; j++)
				total += fast.shares[j];
			check(fabs(total - 1) < 1e-12 && fabs(fast.shares[4] - 0.1) < 0.01, "training score decile shares are about 10% each");
		}
		free_rows(&r);
	}
	free_all();

	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
