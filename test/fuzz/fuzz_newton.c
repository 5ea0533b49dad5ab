/*
 * link: src/cr_newton.c src/cr_logit.c src/cr_logit_rows.c src/cr_linalg.c
 *
 * Fuzz retention_fit's kernel: byte 0 chooses d (1..6) and options, the
 * rest are rows of d float8 features and a float8 signed weight (values
 * beyond 1e100 in magnitude, NaN and zero weights are dropped, as
 * retention_train's row checks do).  Two halves combined must count the
 * same rows as one state, and the Newton run
 * (cr_logit_fit_passes over moments, Newton and direction passes) over
 * those rows must end with a status, finite coefficients when it succeeds;
 * its Newton passes also count the deciles (CR_PT_BINS), every row once.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cr_newton.h"

/* the kernel's allocations, freed after each input (a memory context in the server) */
#define KERNEL_ALLOC_MAX 64
#include "../unit/kernel_alloc.h"

#define MAX_ROWS 256

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Rows
{
	int			d;
	int			n;
	double		x[MAX_ROWS][7];
	double		point[64];
	int			plen;
	int			intercept;
} Rows;

static double *
fill(Rows *r, const double *point, int plen, int from, int step)
{
	double	   *st = calloc(cr_state_len(r->d, plen), sizeof(double));
	int			i;

	cr_state_init(st, r->d, point, plen);
	for (i = from; i < r->n; i += step)
		cr_state_add_row(st, r->x[i], r->x[i][r->d] > 0, fabs(r->x[i][r->d]));
	return st;
}

static double
pass(void *ctx, const CrFrame *fr, const double *beta, double *grad, double *hess)
{
	Rows	   *r = ctx;
	double	   *st;
	double		ll,
				edges[11],
				counted = 0;
	int			k;

	/* every Newton pass also counts deciles (CR_PT_BINS): each row once */
	for (k = 0; k <= 10; k++)
		edges[k] = k / 10.0;
	r->plen = cr_point_make(r->point, 0, r->d, fr->cw, beta, fr->mu, fr->isc, edges, beta);
	st = fill(r, r->point, r->plen, 0, 1);
	for (k = 0; k < 10; k++)
		counted += st[cr_state_bins(r->d, r->plen) + k];
	if (counted != st[CR_ST_ROWS])
		abort();
	ll = cr_state_newton_sums(st, grad, hess);
	free(st);
	return ll;
}

static void
margins(void *ctx, const CrFrame *fr, const double *dir, double *umin, double *umax)
{
	Rows	   *r = ctx;
	double	   *a,
			   *b;

	r->plen = cr_point_len(r->d, 0);
	cr_point_make(r->point, CR_PT_DIRECTION, r->d, fr->cw, dir, fr->mu, fr->isc, NULL, NULL);
	a = fill(r, r->point, r->plen, 0, 2);
	b = fill(r, r->point, r->plen, 1, 2);
	cr_state_add(a, b);
	*umin = a[cr_state_grad(r->d, r->plen)];
	*umax = a[cr_state_grad(r->d, r->plen) + 1];
	free(a);
	free(b);
}

/* spreads around the means from a moments pass */
static void
spreads(Rows *r, const double *means, double sw, double *sd)
{
	double		cw[2] = {1, 1};
	double	   *st;
	int			j;

	r->plen = cr_point_len(r->d, 0);
	cr_point_make(r->point, CR_PT_MOMENTS, r->d, cw, NULL, means, NULL, NULL, NULL);
	st = fill(r, r->point, r->plen, 0, 1);
	for (j = 0; j < r->d; j++)
	{
		double		m = st[cr_state_sx(r->plen) + j] / sw;
		double		var = st[cr_state_sxx(r->d, r->plen) + j] / sw - m * m;

		sd[j] = var > 0 ? sqrt(var) : 0.0;
	}
	free(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static Rows r;
	double		stats_point[2] = {0, 0};
	double	   *a,
			   *b,
			   *whole;
	double		means[6],
				sd[6];
	CrMoments	m;
	CrFitOptions fo;
	CrPasses	ps;
	CrFitResult res;
	size_t		off = 1;
	int			j;

	if (size < 1)
		return 0;
	r.d = 1 + data[0] % 6;
	r.intercept = (data[0] & 0x40) == 0;
	r.n = 0;
	while (off + 8 * (size_t) (r.d + 1) <= size && r.n < MAX_ROWS)
	{
		int			ok = 1;

		memcpy(r.x[r.n], data + off, 8 * (size_t) (r.d + 1));
		off += 8 * (size_t) (r.d + 1);
		for (j = 0; j <= r.d; j++)
			if (!(fabs(r.x[r.n][j]) <= 1e100))
				ok = 0;
		if (ok && r.x[r.n][r.d] != 0)
			r.n++;
	}
	if (r.n == 0)
		return 0;

	whole = fill(&r, stats_point, 2, 0, 1);
	a = fill(&r, stats_point, 2, 0, 2);
	b = fill(&r, stats_point, 2, 1, 2);
	cr_state_add(a, b);
	if (a[CR_ST_ROWS] != r.n || a[CR_ST_ROWS] != whole[CR_ST_ROWS] ||
		a[CR_ST_NPOS] != whole[CR_ST_NPOS])
		abort();
	if (whole[CR_ST_NPOS] == 0 || whole[CR_ST_NNEG] == 0)
		goto done;
	for (j = 0; j < r.d; j++)
		means[j] = whole[cr_state_sx(2) + j] / whole[CR_ST_SW];
	spreads(&r, means, whole[CR_ST_SW], sd);
	m.d = r.d;
	m.npos = whole[CR_ST_NPOS];
	m.nneg = whole[CR_ST_NNEG];
	m.sw = whole[CR_ST_SW];
	m.sw1 = whole[CR_ST_SW1];
	m.means = means;
	m.sd = sd;
	memset(&fo, 0, sizeof(fo));
	fo.l2 = (data[0] & 0x80) ? 1.0 : 0.0;
	fo.intercept = r.intercept;
	fo.max_iter = 30;
	fo.tol = 1e-8;
	fo.exact_only = true;
	ps.pass = pass;
	ps.margins = margins;
	ps.ctx = &r;
	cr_logit_fit_passes(&m, &fo, &ps, &kalloc, &res);
	if (res.status == CR_FIT_OK)
	{
		/*
		 * A coefficient may leave the float8 range only for a feature that
		 * varies too little (retention_fit reports that, 22003): then the
		 * intercept may too; otherwise everything is finite.
		 */
		int			tiny = 0;

		for (j = 1; j <= r.d; j++)
			if (!isfinite(res.beta[j]))
			{
				if (!(res.sd[j - 1] < 1e-150))
					abort();
				tiny = 1;
			}
		if (!tiny && !isfinite(res.beta[0]))
			abort();
	}
	free_all();
done:
	free(whole);
	free(a);
	free(b);
	return 0;
}
