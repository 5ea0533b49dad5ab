/*
 * test_logit.c
 *	  Unit tests of the plain-C logistic regression kernel (src/cr_logit.c, src/cr_linalg.c).
 *
 * link: src/cr_logit.c src/cr_logit_rows.c src/cr_linalg.c
 *
 * Hand-derived linear algebra, the failure statuses, and the large-input
 * path (sample warm start + preconditioned passes) against plain Newton on
 * the same rows.  Values of the statsmodels comparison live in
 * test/pgtap/30_model.sql.
 *
 * Then the kernel's answers against statsmodels and scikit-learn: unit
 * invariance, separation, tiny values, the penalised solver and the scoring
 * arithmetic.  Reference values: /usr/bin/python3
 * test/reference/model_reference.py (sections 7 to 9), pasted below.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_logit.h"
#include "cr_random.h"
#include "kernel_alloc.h"
#include "tap.h"

/* this file's name for ok() (tap.h) */
#define check ok

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

static int	ticks;

static void
count_tick(void)
{
	ticks++;
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

/* discrete features (a few values each, many ties), label from a logistic model */
static double
gen_discrete(int64_t i, int j, int d, uint64_t *st)
{
	(void) i;
	if (j < d)
		return feats[j] = (double) (cr_splitmix64(st) % 4) * 0.1 + (j == 0 ? (double) (cr_splitmix64(st) % 3) : 0.0);
	return uniform(st) < 1 / (1 + exp(-(0.4 - 0.9 * feats[0] + 1.3 * feats[1]))) ? 1.0 : -1.0;
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

/* ---- answers against statsmodels and scikit-learn (issues 17 and 18) ---- */

static double
rel(double a, double b)
{
	return fabs(a - b) / fmax(fabs(b), 1e-300);
}

/* rows held in one block of up to 4000 rows of at most 3 features */
static double block[4000 * 4];
static int64_t block_n[1];
static double *blocks[1] = {block};

static CrRows
rows_of(int d, int64_t n)
{
	CrRows		r;

	r.d = d;
	r.n = n;
	r.nblocks = 1;
	r.blocks = blocks;
	block_n[0] = n;
	r.block_n = block_n;
	return r;
}

/* grouped data (x, y, count) of issue 17 item 2, x multiplied by scale */
static CrRows
grouped(const int counts[8], double scale)
{
	static const double xs[4] = {-2, -1, 1, 2};
	int64_t		n = 0;
	int			g,
				k;

	for (g = 0; g < 8; g++)
		for (k = 0; k < counts[g]; k++)
		{
			block[2 * n] = xs[g / 2] * scale;
			block[2 * n + 1] = g % 2 == 0 ? 1.0 : -1.0;
			n++;
		}
	return rows_of(1, n);
}

/*
 * The fitted model at one scale against the unit-scale fit (1e-9 relative)
 * and statsmodels (1e-9, the standard error 1e-8: like the server, the
 * kernel takes it from the Hessian one step before the final one).
 */
static void
check_scaled(const char *name, const int counts[8], bool intercept,
			 const double *ref, double scale)
{
	CrRows		r = grouped(counts, 1.0);
	CrFitOptions o = defaults();
	CrFitResult res;
	char		what[200];
	int			p = intercept ? 1 : 0;	/* index of the coefficient in ref */
	double		coef,
				se,
				ll,
				unit[3];

	o.intercept = intercept;
	cr_logit_fit(&r, &o, &kalloc, &res);
	unit[0] = res.beta[1];
	unit[1] = sqrt(res.cov[3]);
	unit[2] = res.loglik;
	free_all();
	r = grouped(counts, scale);
	cr_logit_fit(&r, &o, &kalloc, &res);
	coef = res.beta[1] * scale;
	se = sqrt(res.cov[3]) * scale;
	ll = res.loglik;
	snprintf(what, sizeof(what), "%s, %s, x * %g: coefficient, SE, log-likelihood as at unit scale and as statsmodels, converged",
			 name, intercept ? "intercept" : "no intercept", scale);
	check(res.status == CR_FIT_OK && res.converged &&
		  rel(coef, unit[0]) < 1e-9 && rel(se, unit[1]) < 1e-9 && rel(ll, unit[2]) < 1e-9 &&
		  rel(coef, ref[p]) < 1e-9 && rel(se, ref[2 * p + 1]) < 1e-8 && rel(ll, ref[2 * p + 2]) < 1e-9 &&
		  (!intercept || fabs(res.beta[0] - ref[0]) < 1e-9), what);
	if (res.status != CR_FIT_OK)
		printf("# status %d\n", res.status);
	else
		printf("# coef %.17g se %.17g ll %.17g iterations %d\n", coef, se, ll, res.iterations);
	free_all();
}

static void
test_scale_invariance(void)
{
	static const int balanced[8] = {2, 48, 10, 40, 40, 10, 48, 2};
	static const int unbalanced[8] = {5, 45, 12, 38, 30, 20, 44, 6};
	/* intercept, coefficient, their SEs, log-likelihood (statsmodels Logit) */
	static const double bal_i[5] = {2.579632605308661e-16, 1.4917888954709468, 0.22600531777297087, 0.17320454648592212, -66.99894316815029};
	static const double bal_0[3] = {1.4917888954709473, 0.17320454648592212, -66.9989431681503};
	static const double unb_i[5] = {-0.28995138553371275, 0.965057654159568, 0.18196127367091822, 0.12601986714204472, -96.63835231739316};
	static const double unb_0[3] = {0.9486272954739551, 0.12357256432690455, -97.93425484685693};
	static const double scales[] = {1e-150, 1e-100, 1e-10, 1e-3, 1, 1e3, 1e10, 1e50, 1e90};
	size_t		i;

	for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++)
	{
		check_scaled("balanced", balanced, true, bal_i, scales[i]);
		check_scaled("balanced", balanced, false, bal_0, scales[i]);
		check_scaled("unbalanced", unbalanced, true, unb_i, scales[i]);
		check_scaled("unbalanced", unbalanced, false, unb_0, scales[i]);
	}
	/* a loose tolerance stops early, but never after a zero first step */
	{
		CrRows		r = grouped(balanced, 1e10);
		CrFitOptions o = defaults();
		CrFitResult res;

		o.tol = 1e-3;
		cr_logit_fit(&r, &o, &kalloc, &res);
		check(res.status == CR_FIT_OK && res.iterations >= 2 &&
			  rel(res.beta[1] * 1e10, bal_i[1]) < 1e-3,
			  "balanced, x * 1e10, tol 1e-3: more than one step, near the optimum");
		free_all();
	}
}

/* issue 17 item 3: strong but overlapping, and separated variants */
static CrRows
overlap(int variant)
{
	int			i;

	for (i = 1; i <= 1000; i++)
	{
		double		x = (i - 500.5) / 500.0;
		bool		y = x > 0;

		if (variant == 0 && (i == 495 || i == 496 || i == 505 || i == 506))
			y = !y;
		if (variant == 2 && (i == 500 || i == 501))
		{
			x = 0.0;			/* quasi-separation: both classes at x = 0 */
			y = i == 500;
		}
		block[3 * (i - 1)] = x;
		block[3 * (i - 1) + 1] = (double) (i % 7);	/* an unrelated feature */
		block[3 * (i - 1) + 2] = y ? 1.0 : -1.0;
	}
	return rows_of(2, 1000);
}

static void
test_separation(void)
{
	CrFitOptions o = defaults();
	CrFitResult res;
	CrRows		r;
	int			i;

	/* one feature only, as in statsmodels' reference */
	r = overlap(0);
	for (i = 0; i < 1000; i++)
	{
		block[2 * i] = block[3 * i];
		block[2 * i + 1] = block[3 * i + 2];
	}
	r.d = 1;
	cr_logit_fit(&r, &o, &kalloc, &res);
	printf("# overlapping: status %d, coef %.17g, se %.17g, ll %.17g\n", res.status,
		   res.status == CR_FIT_OK ? res.beta[1] : 0, res.status == CR_FIT_OK ? sqrt(res.cov[3]) : 0, res.loglik);
	/* statsmodels: params, bse, llf */
	check(res.status == CR_FIT_OK && res.converged &&
		  rel(res.beta[1], 143.54303218880665) < 1e-8 && rel(sqrt(res.cov[3]), 42.403228722858046) < 1e-7 &&
		  rel(res.loglik, -11.45951873640643) < 1e-10,
		  "strong but overlapping feature fits as statsmodels (coefficient 143.5, SE 42.4)");
	free_all();

	r = overlap(1);
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_SEPARATION && res.bad_feature == 0,
		  "complete separation is reported, naming the separating feature");
	free_all();

	r = overlap(2);
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_SEPARATION && res.bad_feature == 0,
		  "quasi-complete separation is reported, naming the separating feature");
	free_all();

	o.l2 = 1.0;
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_OK && res.converged, "l2 > 0 fits quasi-separated data");
	free_all();

	/* separation by a combination: y = (x1 + x2 > 7.5), x1 and x2 overlap alone */
	o.l2 = 0.0;
	for (i = 0; i < 1000; i++)
	{
		double		x1 = (double) (i % 10),
					x2 = (double) ((i * 7) % 11);

		block[3 * i] = x1;
		block[3 * i + 1] = x2;
		block[3 * i + 2] = x1 + x2 > 7.5 ? 1.0 : -1.0;
	}
	r = rows_of(2, 1000);
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_SEPARATION && fabs(res.direction[0]) >= 0.01 && fabs(res.direction[1]) >= 0.01 &&
		  res.direction[0] * res.direction[1] > 0,
		  "separation by a combination of two features is reported with both in its direction");
	free_all();

	/* x1 alone separates (y = x1 > 4.5); x2 is noise the Newton step mixes in */
	for (i = 0; i < 1000; i++)
	{
		double		x1 = (double) (i % 10),
					x2 = (double) ((i * 7) % 11);

		block[3 * i] = x1;
		block[3 * i + 1] = x2;
		block[3 * i + 2] = x1 > 4.5 ? 1.0 : -1.0;
	}
	r = rows_of(2, 1000);
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_SEPARATION && res.bad_feature == 0 && res.direction[0] == 1.0 &&
		  res.direction[1] == 0.0,
		  "separation by one feature alone is reported with that feature alone in its direction");
	free_all();
}

/* issue 17 item 5: tiny but varying values are not constant */
static void
test_tiny_values(void)
{
	static const int unbalanced[8] = {5, 45, 12, 38, 30, 20, 44, 6};
	CrFitOptions o = defaults();
	CrFitResult res;
	CrRows		r = grouped(unbalanced, 1e-170);

	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_OK && rel(res.beta[1] * 1e-170, 0.965057654159568) < 1e-9,
		  "a feature of values near 1e-170 is not constant and fits as at unit scale");
	free_all();
	r = grouped(unbalanced, 1e100);
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_OK && rel(res.beta[1] * 1e100, 0.965057654159568) < 1e-9 &&
		  rel(res.means[0], 1e100 * (-2 * 50 - 1 * 50 + 50 + 2 * 50) / 200.0) < 1e-12,
		  "values near 1e100 neither overflow the spread nor the fit");
	free_all();
	r = grouped(unbalanced, 1e-320);	/* subnormal: 1 / spread overflows */
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_OK && res.sd[0] > 0 && !isnan(res.beta[1]) && !isnan(res.cov[3]) &&
		  !(isfinite(res.beta[1]) && isfinite(res.cov[3])),
		  "a subnormal spread fits without NaN, leaving an unrepresentable coefficient or variance for the caller to report");
	free_all();
}

/* issue 18: penalised fit against scikit-learn (C = 1 / l2) */
static CrRows
penalised_rows(double x2_scale)
{
	int			i;

	for (i = 1; i <= 300; i++)
	{
		double		x1 = sin((double) i);
		double		x2 = (double) ((i * 37) % 101) / 50 - 1;
		double		x3 = cos(i * 0.3) * 2;
		double		u = (double) ((i * 7919) % 1000) / 1000;
		bool		y = u < 1 / (1 + exp(-(0.5 + 1.2 * x1 - 0.8 * x2 + 0.3 * x3)));

		block[3 * (i - 1)] = x1;
		block[3 * (i - 1) + 1] = x2 * x2_scale;
		block[3 * (i - 1) + 2] = y ? 1.0 : -1.0;
	}
	return rows_of(2, 300);
}

static void
test_penalised(void)
{
	static const double sk[3] = {0.5268878669664051, 1.2268549570960132, -0.6703334019919792};
	static const double sk10[3] = {0.5304239005472852, 1.232571070287809, -0.0739533074240641};
	static const double sk0[2] = {1.1625250880306779, -0.634171904066334};
	CrFitOptions o = defaults();
	CrFitResult res;
	CrRows		r = penalised_rows(1.0);
	double		x[2] = {0.3, -0.4},
				eta;

	o.l2 = 2.0;
	cr_logit_fit(&r, &o, &kalloc, &res);
	printf("# l2=2: %.17g %.17g %.17g\n", res.beta[0], res.beta[1], res.beta[2]);
	check(res.status == CR_FIT_OK && rel(res.beta[0], sk[0]) < 1e-8 &&
		  rel(res.beta[1], sk[1]) < 1e-8 && rel(res.beta[2], sk[2]) < 1e-8,
		  "l2 = 2 gives scikit-learn's C = 0.5 fit, intercept unpenalised");

	/* scoring: logistic(intercept + sum beta x), signs included */
	eta = cr_linear_predictor(res.beta[0], res.beta + 1, x, 2);
	check(fabs(eta - (sk[0] + 0.3 * sk[1] - 0.4 * sk[2])) < 1e-7,
		  "linear predictor = intercept + sum coef * x");
	check(fabs(cr_sigmoid(eta) - 1 / (1 + exp(-(sk[0] + 0.3 * sk[1] - 0.4 * sk[2])))) < 1e-8 &&
		  cr_sigmoid(eta) > 0.5 && cr_sigmoid(-eta) < 0.5,
		  "score = logistic(linear predictor): a positive intercept scores above one half");
	{
		double		coef[2] = {10, -10},
					big[2] = {1e308, 1e308};

		check(cr_linear_predictor(-2.0, coef, big, 2) == -2.0 &&
			  cr_linear_predictor(-2.0, coef, x, 0) == -2.0,
			  "linear predictor: overflowing terms that cancel leave the intercept");
	}
	{
		/* a partial sum overflows without any NaN: 1e308 + 1e308 - 1.7e308 - 1.7e308 */
		double		coef4[4] = {1, 1, -1, -1},
					big4[4] = {1e308, 1e308, 1.7e308, 1.7e308},
					same4[4] = {1.7e308, 1.7e308, 1.7e308, 1.7e308},
					huge2[2] = {1e300, -1e300},
					hx2[2] = {1e300, 1e300};

		check(fabs(cr_linear_predictor(-2.0, coef4, big4, 4) + 1.4e308) < 1e293 &&
			  cr_linear_predictor(-2.0, coef4, same4, 4) == -2.0 &&
			  cr_linear_predictor(-2.0, huge2, hx2, 2) == -2.0,
			  "linear predictor: an overflowing partial sum keeps the true sign, or the intercept when the terms cancel");
	}
	free_all();

	/* features in other units: the penalty is on the coefficients as given */
	r = penalised_rows(10.0);
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_OK && rel(res.beta[0], sk10[0]) < 1e-8 &&
		  rel(res.beta[1], sk10[1]) < 1e-8 && rel(res.beta[2], sk10[2]) < 1e-8,
		  "l2 = 2 with x2 in other units: scikit-learn's fit on those units");
	free_all();

	r = penalised_rows(1.0);
	o.intercept = false;
	cr_logit_fit(&r, &o, &kalloc, &res);
	check(res.status == CR_FIT_OK && res.beta[0] == 0 && rel(res.beta[1], sk0[0]) < 1e-8 &&
		  rel(res.beta[2], sk0[1]) < 1e-8,
		  "l2 = 2 without intercept: scikit-learn's fit_intercept=False");
	free_all();
}

/*
 * A mocked objective whose Newton step never descends: f = 1 at the start
 * point (0.5, 0) and 2 anywhere else, the gradient making the Newton step
 * (0, 1e-7), small enough to count as converged (1e-6) but not below tol.
 * The Hessian [[1, r], [r, 1]] has r = 0.2 at the start and 0.6 anywhere
 * else, so covariance and condition number tell which point they belong to.
 * Every one of the 40 halvings moves coefficient 1 off zero (2^-39 * 1e-7
 * is representable), so each fails and the solver leaves by its "no descent"
 * exit.
 */
static const double nodesc_start[2] = {0.5, 0.0};
static int	nodesc_calls;

static double
nodesc_pass(void *ctx, const CrFrame *fr, const double *beta, double *grad,
			double *hess)
{
	bool		at_start = beta[0] == nodesc_start[0] && beta[1] == nodesc_start[1];
	double		r = at_start ? 0.2 : 0.6;

	(void) ctx;
	(void) fr;
	nodesc_calls++;
	/* grad of the log-likelihood = H (0, 1e-7): step = H^-1 H (0, 1e-7) */
	grad[0] = r * 1e-7;
	grad[1] = 1e-7;
	if (hess)
	{
		hess[0] = hess[3] = 1.0;
		hess[1] = hess[2] = r;
	}
	return at_start ? -1.0 : -2.0;
}

static void
nodesc_margins(void *ctx, const CrFrame *fr, const double *dir, double *umin,
			   double *umax)
{
	(void) ctx;
	(void) fr;
	(void) dir;
	*umin = -1.0;
	*umax = 1.0;
}

static void
test_no_descent(void)
{
	static const double means[1] = {0.0},
				sd[1] = {1.0};
	/* one feature of mean 0 and spread 1: solver and raw coordinates agree */
	const CrMoments m = {.d = 1, .npos = 10, .nneg = 10, .sw = 20, .sw1 = 10, .means = means, .sd = sd};
	const CrPasses ps = {.pass = nodesc_pass, .margins = nodesc_margins, .ctx = NULL};
	CrFitOptions o = defaults();
	CrFitResult res;

	o.start = nodesc_start;
	nodesc_calls = 0;
	cr_logit_fit_passes(&m, &o, &ps, &kalloc, &res);
	printf("# no descent: status %d, %d passes, beta (%.17g, %.17g), cov (%.17g, %.17g, %.17g), condition %.17g\n",
		   res.status, nodesc_calls, res.beta[0], res.beta[1], res.cov[0], res.cov[1], res.cov[3],
		   res.condition_number);
	check(nodesc_calls == 41 && res.status == CR_FIT_OK && res.converged && res.iterations == 1,
		  "no descent in 40 halvings of a step below 1e-6: converged, after one pass at the start and 40 trials");
	/* the start's Hessian [[1, 0.2], [0.2, 1]]: inverse [[1, -0.2], [-0.2, 1]] / 0.96, condition 1.2 / 0.8 */
	check(res.beta[0] == nodesc_start[0] && res.beta[1] == nodesc_start[1],
		  "no descent: the coefficients stay at the last point that descended, not the last trial");
	check(rel(res.cov[0], 1 / 0.96) < 1e-15 && rel(res.cov[3], 1 / 0.96) < 1e-15 &&
		  rel(res.cov[1], -0.2 / 0.96) < 1e-15 && res.cov[1] == res.cov[2],
		  "no descent: the covariance is the inverse Hessian at the returned coefficients");
	check(rel(res.condition_number, 1.5) < 1e-14,
		  "no descent: the condition number is that of the Hessian at the returned coefficients");
	free_all();
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

		check(cr_cholesky(a, 3, NULL, 1e-12, NULL) == -1, "cholesky factorises an SPD matrix");
		check(fabs(a[0] - 2.0) < 1e-15 && fabs(a[3] - 1.0) < 1e-15, "cholesky: L[0][0] = 2, L[1][0] = 1");
		cr_cholesky_solve(a, 3, b);
		check(fabs(b[0] - 1) < 1e-12 && fabs(b[1] - 2) < 1e-12 && fabs(b[2] - 3) < 1e-12, "cholesky solve recovers x");
		cr_cholesky_inverse(a, 3, inv, work, NULL);
		/* (A^-1)[0][0] = (5*6-3*3)/det, det = 4*21 - 2*(12-6) + 2*(6-10) = 64 */
		check(fabs(inv[0] - 21.0 / 64.0) < 1e-14, "inverse entry matches the adjugate");
		check(fabs(inv[1] - inv[3]) == 0, "inverse is symmetric");
	}
	{
		/*
		 * The Cholesky factorisation (n^3 / 3, every Newton step), the
		 * covariance inverse (2/3 n^3) and the condition number's
		 * reduction (4/3 n^3) tick every 16 columns, rows or reflections,
		 * so that a cancel is seen within any of them.
		 */
		int			n = 40,
					i;
		double	   *a = malloc(sizeof(double) * n * n),
				   *inv = malloc(sizeof(double) * n * n),
				   *work = malloc(sizeof(double) * (3 * n + n * n));

		for (i = 0; i < n * n; i++)
			a[i] = (i / n == i % n) ? 2.0 : 1.0 / n;
		ticks = 0;
		check(cr_cholesky(a, n, NULL, 1e-12, count_tick) == -1, "a 40x40 matrix factorises");
		check(ticks == 3, "its factorisation ticks at columns 0, 16 and 32");
		ticks = 0;
		cr_cholesky_inverse(a, n, inv, work, count_tick);
		check(ticks == 6, "the inverse of a 40x40 matrix ticks at rows 0, 16 and 32 of either half");
		for (i = 0; i < n * n; i++)
			a[i] = (i / n == i % n) ? 2.0 : 1.0 / n;
		ticks = 0;
		(void) cr_condition_number(a, n, work, count_tick, false);
		check(ticks == 3, "the reduction of a 40x40 matrix ticks at reflections 0, 16 and 32");
		free(a);
		free(inv);
		free(work);
	}
	{
		double		a[9] = {1, 2, 3, 2, 4, 6, 3, 6, 10};	/* row 2 = 2 * row 1 */

		check(cr_cholesky(a, 3, NULL, 1e-11, NULL) == 1, "cholesky names the dependent variable");
	}
	{
		double		a[4] = {1, 0, 0, 1e-3};
		double		work[3 * 2 + 4];

		check(fabs(cr_condition_number(a, 2, work, NULL, false) - 1.0) < 1e-9, "condition number of a diagonal matrix is 1 after scaling");
	}
	{
		double		a[4] = {1, 0.99, 0.99, 1};
		double		work[3 * 2 + 4];

		check(fabs(cr_condition_number(a, 2, work, NULL, false) - 1.99 / 0.01) < 1e-6, "condition number = largest / smallest eigenvalue");
	}
	{
		/*
		 * Eigenvalues 1 +- 0.01 and 1 +- 0.0099: two pairs too close for
		 * the 200 steps of power and inverse iteration that used to
		 * estimate the extremes (1.0200839, for 1.0202020).
		 */
		double		a[16] = {1, 0.01, 0, 0, 0.01, 1, 0, 0, 0, 0, 1, -0.0099, 0, 0, -0.0099, 1};
		double		work[3 * 4 + 16];

		check(fabs(cr_condition_number(a, 4, work, NULL, false) / (1.01 / 0.99) - 1) < 1e-14,
			  "condition number exact when the extreme eigenvalues have close neighbours");
	}
	{
		/* test/reference/condition_reference.py (.txt) */
		double		a[16] = {1, 0.3, 0.2, 0.1, 0.3, 1, 0.25, 0.05, 0.2, 0.25, 1, -0.15, 0.1, 0.05, -0.15, 1};
		double		s[4] = {1e-3, 10, 1, 1e4};
		double		work[3 * 4 + 16];
		int			i,
					j;

		check(fabs(cr_condition_number(a, 4, work, NULL, false) / 2.1958994939948333 - 1) < 1e-14,
			  "condition number of a 4x4 matrix equals numpy's eigvalsh ratio");
		check(cr_condition_number(a, 4, work, NULL, true) == cr_condition_number(a, 4, work, NULL, false),
			  "condition number without the Cholesky test (checked): the same bits");
		for (i = 0; i < 4; i++)
			for (j = 0; j < 4; j++)
				a[i * 4 + j] *= s[i] * s[j];
		check(fabs(cr_condition_number(a, 4, work, NULL, false) / 2.195899493994834 - 1) < 1e-14,
			  "condition number is that of the matrix scaled to unit diagonal");
		check(cr_condition_number(a, 4, work, NULL, true) == cr_condition_number(a, 4, work, NULL, false),
			  "condition number of the scaled matrix without the Cholesky test: the same bits");
	}
	{
		/*
		 * test/reference/condition_reference.py (.txt): column 0 below the
		 * diagonal 1e-200 (or the smallest subnormal): its reflection
		 * underflowed, the trailing block became NaN and the result 1.
		 * Also reached through retention_train with "intercept": false
		 * and one feature value of 1e-160.
		 */
		double		tiny[4] = {1e-200, 1e-160, 1e-300, 4.9406564584124654e-324};
		double		work[3 * 4 + 16];
		int			i;

		for (i = 0; i < 4; i++)
		{
			double		t = tiny[i];
			double		a[16] = {1, t, t, t, t, 2, 0, 0, t, 0, 3, 1, t, 0, 1, 4};

			check(fabs(cr_condition_number(a, 4, work, NULL, false) / 1.811654839115955 - 1) < 1e-14,
				  "condition number exact when a column to reflect is below 1e-154");
		}
	}
	{
		double		one[1] = {7};
		double		sing[9] = {1, 2, 3, 2, 4, 6, 3, 6, 10};	/* row 2 = 2 * row 1 */
		double		work[3 * 3 + 9];

		check(cr_condition_number(one, 1, work, NULL, false) == 1.0, "condition number of a 1x1 matrix is 1");
		check(isinf(cr_condition_number(sing, 3, work, NULL, false)), "condition number of a singular matrix is Infinity");
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
		cr_logit_fit(&r, &o, &kalloc, &res);
		check(res.status == CR_FIT_ONE_CLASS, "one outcome class is reported");
		free_rows(&r);

		make_rows(&r, 2, 500, gen_constant, 2);
		cr_logit_fit(&r, &o, &kalloc, &res);
		check(res.status == CR_FIT_CONSTANT && res.bad_feature == 1, "a constant feature is reported by index");
		free_rows(&r);

		make_rows(&r, 3, 500, gen_collinear, 3);
		cr_logit_fit(&r, &o, &kalloc, &res);
		check(res.status == CR_FIT_COLLINEAR && res.bad_feature == 2, "a collinear feature is reported by index");
		o.l2 = 1.0;
		cr_logit_fit(&r, &o, &kalloc, &res);
		check(res.status == CR_FIT_OK, "l2 > 0 fits collinear features");
		o.l2 = 0.0;
		free_rows(&r);

		make_rows(&r, 2, 500, gen_separated, 4);
		cr_logit_fit(&r, &o, &kalloc, &res);
		check(res.status == CR_FIT_SEPARATION && res.bad_feature == 0, "complete separation is reported with its feature");
		o.l2 = 0.5;
		cr_logit_fit(&r, &o, &kalloc, &res);
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
		cr_logit_fit(&r, &o, &kalloc, &fast);
		o.exact_only = true;
		cr_logit_fit(&r, &o, &kalloc, &exact);
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

	/*
	 * Training shares bin the rows as retention_score_drift does: by
	 * cr_sigmoid(cr_linear_predictor(...)), bit for bit (ties on the edges);
	 * vector scores a few ulp off moved whole tie groups across an edge.
	 */
	{
		CrRows		r;
		CrFitResult res;
		CrFitOptions o = defaults();
		int			seed,
					bad = 0;

		for (seed = 0; seed < 40; seed++)
		{
			double		counts[10] = {0};
			int64_t		i;
			int			b,
						k;

			make_rows(&r, 3, 1000 + seed, gen_discrete, 100 + seed);
			cr_logit_fit(&r, &o, &kalloc, &res);
			for (b = 0; b < r.nblocks; b++)
				for (i = 0; i < r.block_n[b]; i++)
				{
					const double *row = r.blocks[b] + i * 4;

					counts[cr_decile_bin(res.deciles, cr_sigmoid(cr_linear_predictor(res.beta[0], res.beta + 1, row, 3)))] += 1;
				}
			for (k = 0; k < 10; k++)
				if (counts[k] / (double) r.n != res.shares[k])
					bad++;
			free_rows(&r);
		}
		check(bad == 0, "training decile shares equal the binning of retention_score's scores on tied discrete data");
	}

	/* the large-input path in other units: the unit-scale fit, rescaled */
	{
		CrRows		r;
		CrFitResult unit,
					big;
		CrFitOptions o = defaults();
		double		worst = 0;
		int64_t		i;
		int			j;

		make_rows(&r, 3, 300000, gen_logistic, 6);
		cr_logit_fit(&r, &o, &kalloc, &unit);
		for (i = 0; i < r.n; i++)
			for (j = 0; j < 3; j++)
				r.blocks[i / 1000][(i % 1000) * 4 + j] *= (j == 1 ? 1e-60 : 1e40);
		cr_logit_fit(&r, &o, &kalloc, &big);
		for (j = 1; j < 4; j++)
			worst = fmax(worst, rel(big.beta[j] * (j == 2 ? 1e-60 : 1e40), unit.beta[j]));
		printf("# 300k rows in units 1e40 and 1e-60: %d passes (%d with Hessian), max rel diff %.3g\n",
			   big.passes, big.hessian_passes, worst);
		check(big.status == CR_FIT_OK && worst < 1e-10 && rel(big.beta[0], unit.beta[0]) < 1e-10 &&
			  rel(big.loglik, unit.loglik) < 1e-12,
			  "warm start + preconditioned passes: features in units 1e40 and 1e-60 give the unit fit, rescaled");
		free_rows(&r);
	}
	free_all();

	test_scale_invariance();
	test_separation();
	test_tiny_values();
	test_penalised();
	test_no_descent();

	return tap_done();
}
