/*
 * link: src/cr_newton.c src/cr_logit.c
 *
 * Fuzz retention_fit's kernel: byte 0 chooses d (1..6) and options, the
 * rest are rows of d float8 features and a float8 signed weight (values
 * beyond 1e100 in magnitude, NaN and zero weights are dropped, as
 * retention_train's row checks do).  Two halves combined must count the
 * same rows with the same checksum as one state, and the Newton run over
 * those rows must end with a status, finite coefficients when it succeeds.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cr_newton.h"

#define MAX_ROWS 256

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Rows
{
	int			d;
	int			n;
	double		x[MAX_ROWS][7];
	double		point[64];
	int			plen;
	const double *means;
	int			intercept;
} Rows;

/* the kernel's allocations, freed after each input (a memory context in the server) */
static void *pool[64];
static int	npool = 0;

static void *
alloc(size_t size)
{
	void	   *p = calloc(1, size);

	if (p == NULL || npool == 64)
		abort();
	pool[npool++] = p;
	return p;
}

static double *
fill(Rows *r, const double *point, int plen, int from, int step)
{
	double	   *st = calloc(cr_state_len(r->d, plen), sizeof(double));
	double		xr[8];
	int			i;

	cr_state_init(st, r->d, point, plen);
	for (i = from; i < r->n; i += step)
		cr_state_add_row(st, r->x[i], r->x[i][r->d] > 0, fabs(r->x[i][r->d]), xr);
	return st;
}

static double
pass(void *ctx, const double *beta, double *grad, double *hess)
{
	Rows	   *r = ctx;
	int			D = r->d + 1,
				j,
				k;
	double	   *st;
	const double *hp;
	double		ll;

	memset(r->point, 0, sizeof(r->point));
	r->plen = cr_point_len(r->d, false);
	r->point[CR_PT_FLAGS] = r->intercept ? CR_PT_INTERCEPT : 0;
	r->point[CR_PT_D] = r->d;
	r->point[CR_PT_CW0] = r->point[CR_PT_CW1] = 1;
	memcpy(r->point + CR_PT_BETA, beta, sizeof(double) * D);
	memcpy(r->point + CR_PT_BETA + D, r->means, sizeof(double) * r->d);
	st = fill(r, r->point, r->plen, 0, 1);
	memcpy(grad, st + cr_state_grad(r->d, r->plen), sizeof(double) * D);
	hp = st + cr_state_hess(r->d, r->plen);
	for (j = 0; j < D; j++)
		for (k = j; k < D; k++)
			hess[j * D + k] = *hp++;
	ll = st[CR_ST_LL];
	free(st);
	return ll;
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
				mu[6],
				sd[6];
	CrNewtonSetup setup;
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
		a[CR_ST_CHECK] != whole[CR_ST_CHECK] || a[CR_ST_NPOS] != whole[CR_ST_NPOS])
		abort();
	if (whole[CR_ST_NPOS] == 0 || whole[CR_ST_NNEG] == 0)
		goto done;
	for (j = 0; j < r.d; j++)
	{
		means[j] = whole[cr_state_sx(2) + j] / whole[CR_ST_SW];
		mu[j] = r.intercept ? means[j] : 0;
		sd[j] = 1;
	}
	r.means = means;
	memset(&res, 0, sizeof(res));
	res.beta = calloc(r.d + 1, sizeof(double));
	res.cov = calloc((r.d + 1) * (r.d + 1), sizeof(double));
	setup.d = r.d;
	setup.l2 = (data[0] & 0x80) ? 1.0 : 0.0;
	setup.intercept = r.intercept;
	setup.max_iter = 30;
	setup.tol = 1e-8;
	setup.mu = mu;
	setup.sd = sd;
	cr_newton_run(&setup, pass, &r, alloc, &res);
	if (res.status == CR_FIT_OK)
		for (j = 0; j <= r.d; j++)
			if (!isfinite(res.beta[j]))
				abort();
	free(res.beta);
	free(res.cov);
	while (npool > 0)
		free(pool[--npool]);
done:
	free(whole);
	free(a);
	free(b);
	return 0;
}
