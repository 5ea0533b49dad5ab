/*
 * test_newton.c
 *	  Unit tests of retention_fit's plain-C kernel (src/cr_newton.c): the
 *	  Newton iteration of cr_logit_fit_passes driven through pass sums
 *	  (statistics, moments, Newton and direction passes) equals
 *	  cr_logit_fit's exact path on the same rows, separation included;
 *	  partial states add up to the whole; the check that every pass saw the
 *	  first one's rows (cr_rows_same) refuses changed rows; a Newton pass that counts the deciles (CR_PT_BINS) counts what a
 *	  final pass at the same raw-scale beta counts, and its Newton sums are
 *	  those of a plain Newton pass.
 *
 * link: src/cr_newton.c src/cr_logit.c src/cr_logit_rows.c src/cr_linalg.c
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_newton.h"
#include "cr_random.h"
#include "kernel_alloc.h"
#include "tap.h"

/* this file's name for ok() (tap.h) */
#define check ok

#define N 5000
#define D_FEAT 4

static double rows[N][D_FEAT + 1];	/* features, then +-weight */

static double
uniform(uint64_t *st)
{
	return (double) (cr_splitmix64(st) >> 11) * (1.0 / 9007199254740992.0);
}

static void
make_rows(void)
{
	uint64_t	st = 42;
	int			i,
				j;

	for (i = 0; i < N; i++)
	{
		double		eta = 0.2;
		double		w = 1 + (int) (uniform(&st) * 3);

		for (j = 0; j < D_FEAT; j++)
		{
			rows[i][j] = 2 * uniform(&st) - 1 + 3.0 * j;
			eta += (j % 2 ? -0.8 : 0.6) * (rows[i][j] - 3.0 * j);
		}
		rows[i][D_FEAT] = uniform(&st) < 1 / (1 + exp(-eta)) ? w : -w;
	}
}

/* one state over rows [from, to) at point */
static double *
state_over(const double *point, int plen, int d, int from, int to, int step)
{
	double	   *st = alloc(sizeof(double) * cr_state_len(d, plen));
	int			i;

	cr_state_init(st, d, point, plen);
	for (i = from; i < to; i += step)
	{
		double		v = rows[i][D_FEAT];

		cr_state_add_row(st, rows[i], v > 0, fabs(v));
	}
	return st;
}

/* CrPasses over rows[0..N) through aggregate states, as retention_fit does */
static double
pass_fn(void *ctx, const CrFrame *fr, const double *beta, double *grad, double *hess)
{
	int		   *calls = ctx;
	double		point[64];

	(*calls)++;
	cr_point_make(point, 0, fr->d, fr->cw, beta, fr->mu, fr->isc, NULL, NULL);
	return cr_state_newton_sums(state_over(point, cr_point_len(fr->d, 0), fr->d, 0, N, 1),
								grad, hess);
}

static void
margins_fn(void *ctx, const CrFrame *fr, const double *dir, double *umin, double *umax)
{
	double		point[64];
	int			plen = cr_point_len(fr->d, 0);
	double	   *a,
			   *b;

	(void) ctx;
	cr_point_make(point, CR_PT_DIRECTION, fr->d, fr->cw, dir, fr->mu, fr->isc, NULL, NULL);
	/* two partial states combined: the extremes combine by min and max */
	a = state_over(point, plen, fr->d, 0, N, 2);
	b = state_over(point, plen, fr->d, 1, N, 2);
	cr_state_add(a, b);
	*umin = a[cr_state_grad(fr->d, plen)];
	*umax = a[cr_state_grad(fr->d, plen) + 1];
}

/* passes 1 and 2 of retention_fit: counts, means, spreads */
static void
fit_by_passes(const CrFitOptions *fo, CrFitResult *res)
{
	double		stats_point[2] = {0, 0},
				point[64],
				cw[2] = {1, 1};
	double	   *st;
	double	   *means = alloc(sizeof(double) * D_FEAT),
			   *sd = alloc(sizeof(double) * D_FEAT);
	CrMoments	m;
	CrPasses	ps;
	int			calls = 0,
				plen = cr_point_len(D_FEAT, 0),
				j;

	/* statistics pass: the state starts without features, as in the aggregate */
	st = alloc(sizeof(double) * cr_state_len(D_FEAT, 2));
	memset(st, 0, sizeof(double) * cr_state_len(D_FEAT, 2));	/* grown zeroed, as state_alloc does */
	cr_state_init(st, 0, stats_point, 2);
	st[CR_ST_D] = D_FEAT;
	{
		int			i;

		for (i = 0; i < N; i++)
			cr_state_add_row(st, rows[i], rows[i][D_FEAT] > 0, fabs(rows[i][D_FEAT]));
	}
	m.d = D_FEAT;
	m.npos = st[CR_ST_NPOS];
	m.nneg = st[CR_ST_NNEG];
	m.sw = st[CR_ST_SW];
	m.sw1 = st[CR_ST_SW1];
	for (j = 0; j < D_FEAT; j++)
		means[j] = st[cr_state_sx(2) + j] / st[CR_ST_SW];
	cr_point_make(point, CR_PT_MOMENTS, D_FEAT, cw, NULL, means, NULL, NULL, NULL);
	st = state_over(point, plen, D_FEAT, 0, N, 1);
	for (j = 0; j < D_FEAT; j++)
	{
		double		mj = st[cr_state_sx(plen) + j] / m.sw;

		sd[j] = sqrt(st[cr_state_sxx(D_FEAT, plen) + j] / m.sw - mj * mj);
	}
	m.means = means;
	m.sd = sd;
	ps.pass = pass_fn;
	ps.margins = margins_fn;
	ps.ctx = &calls;
	cr_logit_fit_passes(&m, fo, &ps, &kalloc, res);
}

static double
relerr(const double *a, const double *b, int n)
{
	double		m = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		double		e = fabs(a[i] - b[i]) / fmax(fabs(b[i]), 1e-300);

		if (!(e <= m))
			m = e;
	}
	return m;
}

static void
compare_with_logit(double l2, bool intercept, bool balanced, const char *what)
{
	double	   *blocks[1] = {&rows[0][0]};
	int64_t		block_n[1] = {N};
	CrRows		r = {D_FEAT, N, 1, blocks, block_n};
	CrFitOptions fo = {l2, intercept, 100, 1e-8, balanced, NULL, true, NULL};
	CrFitResult ref,
				res;
	char		msg[200];

	cr_logit_fit(&r, &fo, &kalloc, &ref);
	fit_by_passes(&fo, &res);

	snprintf(msg, sizeof(msg), "%s: both converge", what);
	check(ref.status == CR_FIT_OK && res.status == CR_FIT_OK && res.converged, msg);
	snprintf(msg, sizeof(msg), "%s: coefficients to 1e-10 (%.1e)", what, relerr(res.beta, ref.beta, D_FEAT + 1));
	check(relerr(res.beta, ref.beta, D_FEAT + 1) < 1e-10, msg);
	snprintf(msg, sizeof(msg), "%s: covariance to 1e-9", what);
	check(relerr(res.cov + (intercept ? 0 : D_FEAT + 2), ref.cov + (intercept ? 0 : D_FEAT + 2),
				 (D_FEAT + 1) * (D_FEAT + 1) - (intercept ? 0 : D_FEAT + 2)) < 1e-9, msg);
	snprintf(msg, sizeof(msg), "%s: same iterations (%d, %d) and condition number", what, res.iterations, ref.iterations);
	check(res.iterations == ref.iterations &&
		  fabs(res.condition_number - ref.condition_number) < 1e-9 * ref.condition_number, msg);
	free_all();
}

/* Separated rows (label = sign of feature 2): both paths say so, naming it. */
static void
test_separation(void)
{
	double	   *blocks[1] = {&rows[0][0]};
	int64_t		block_n[1] = {N};
	CrRows		r = {D_FEAT, N, 1, blocks, block_n};
	CrFitOptions fo = {0, true, 100, 1e-8, false, NULL, true, NULL};
	CrFitResult ref,
				res;
	double		saved[N];
	int			i;

	for (i = 0; i < N; i++)
	{
		saved[i] = rows[i][D_FEAT];
		rows[i][D_FEAT] = rows[i][1] > 3.0 ? fabs(saved[i]) : -fabs(saved[i]);
	}
	cr_logit_fit(&r, &fo, &kalloc, &ref);
	fit_by_passes(&fo, &res);
	check(ref.status == CR_FIT_SEPARATION && res.status == CR_FIT_SEPARATION &&
		  ref.bad_feature == 1 && res.bad_feature == 1,
		  "separation: shown on every row through the passes too, naming the feature");
	check(res.iterations == ref.iterations, "separation: found after the same iterations");
	for (i = 0; i < N; i++)
		rows[i][D_FEAT] = saved[i];
	free_all();
}

static void
test_partial_states(void)
{
	double		point[64];
	int			d = D_FEAT,
				D = d + 1,
				plen = cr_point_len(d, 0),
				j;
	double	   *whole,
			   *a,
			   *b;
	int			n;

	memset(point, 0, sizeof(point));
	point[CR_PT_FLAGS] = CR_PT_INTERCEPT;
	point[CR_PT_D] = d;
	point[CR_PT_CW0] = 1;
	point[CR_PT_CW1] = 1;
	for (j = 0; j < D; j++)
		point[CR_PT_BETA + j] = 0.1 * j;
	for (j = 0; j < d; j++)
	{
		point[CR_PT_BETA + D + j] = 3.0 * j;
		point[CR_PT_BETA + D + d + j] = 1.0 / (1 + j);
	}
	n = cr_state_len(d, plen);
	whole = state_over(point, plen, d, 0, N, 1);
	a = state_over(point, plen, d, 0, N, 2);
	b = state_over(point, plen, d, 1, N, 2);
	cr_state_add(a, b);
	check(a[CR_ST_PARTS] == 2 && whole[CR_ST_PARTS] == 1, "combining counts partial states");
	check(a[CR_ST_ROWS] == N &&
		  a[CR_ST_NPOS] == whole[CR_ST_NPOS] && a[CR_ST_SW] == whole[CR_ST_SW],
		  "counts and weights of two halves add up exactly");
	check(relerr(a + cr_state_sx(plen), whole + cr_state_sx(plen), cr_state_queue(d, plen) - cr_state_sx(plen)) < 1e-11,
		  "sums of two halves equal the whole to rounding");
	{
		double		g1[D_FEAT + 1],
					g2[D_FEAT + 1],
					h1[(D_FEAT + 1) * (D_FEAT + 1)],
					h2[(D_FEAT + 1) * (D_FEAT + 1)];
		double	   *part = state_over(point, plen, d, 0, N - 1, 1);
		double	   *rest = state_over(point, plen, d, N - 1, N, 1);
		double		l1,
					l2;

		check(part[cr_state_queue(d, plen)] == (N - 1) % CR_QUEUE_ROWS && (N - 1) % CR_QUEUE_ROWS > 0,
			  "a state of 4999 rows ends with rows queued");
		l1 = cr_state_newton_sums(part, g1, h1);
		check(part[cr_state_queue(d, plen)] == 0, "reading the sums flushes the queue");
		part = state_over(point, plen, d, 0, N - 1, 1);
		cr_state_flush(part);
		{
			int			zeros = 1;

			for (int i = cr_state_queue(d, plen); i < cr_state_len(d, plen); i++)
				zeros &= part[i] == 0;
			check(zeros, "flushing leaves the queue all zeros (no rows left behind)");
		}
		l2 = cr_state_newton_sums(part, g2, h2);
		check(l1 == l2 && relerr(h1, h2, D * D) == 0 && relerr(g1, g2, D) == 0,
			  "the same sums either way");
		part = state_over(point, plen, d, 0, N - 1, 1);
		cr_state_add(rest, part);
		check(rest[cr_state_queue(d, plen)] == 0 &&
			  relerr(rest + cr_state_sx(plen), whole + cr_state_sx(plen), cr_state_queue(d, plen) - cr_state_sx(plen)) < 1e-11,
			  "combining adds the other state's queued rows and empties the queue");
	}
	check(cr_state_valid(whole, n) && !cr_state_valid(whole, n - 1), "a state is valid at its own length only");
	whole[CR_ST_D] = d + 1;
	check(!cr_state_valid(whole, cr_state_len(d + 1, plen)), "a state whose d is not its point's is invalid");
	whole[CR_ST_D] = d;
	whole[CR_ST_PLEN] = plen + 0.5;
	check(!cr_state_valid(whole, n), "a state with a fractional point length is invalid");
	whole[CR_ST_PLEN] = plen;
	whole[cr_state_queue(d, plen)] = CR_QUEUE_ROWS;
	check(!cr_state_valid(whole, n), "a state with a full queue is invalid");
	whole[cr_state_queue(d, plen)] = 0;
	check(cr_state_valid(whole, n), "and valid again with an empty one");
	free_all();
}

/*
 * A Newton pass with CR_PT_BINS (retention_fit's likely last pass): its
 * bins equal a final pass's at the same raw-scale beta and edges, in whole
 * and from two partial states; its Newton sums equal a plain pass's.
 */
static void
test_bins_pass(void)
{
	double		mu[D_FEAT],
				isc[D_FEAT],
				cw[2] = {1, 1},
				beta[D_FEAT + 1],
				raw[D_FEAT + 1],
				edges[11],
				pn[64],
				pb[64],
				pf[64];
	int			d = D_FEAT,
				D = d + 1,
				ln,
				lb,
				lf,
				j,
				k;
	double	   *sn,
			   *sb,
			   *sf,
			   *a;
	double		bins = 0;

	for (j = 0; j < d; j++)
	{
		mu[j] = 3.0 * j;
		isc[j] = 1.0 / (1 + j);
	}
	for (j = 0; j < D; j++)
		beta[j] = 0.3 - 0.2 * j;
	raw[0] = beta[0];
	for (j = 0; j < d; j++)
	{
		raw[0] -= beta[j + 1] * mu[j] * isc[j];
		raw[j + 1] = beta[j + 1] * isc[j];
	}
	for (k = 0; k <= 10; k++)
		edges[k] = k / 10.0;
	ln = cr_point_make(pn, CR_PT_INTERCEPT, d, cw, beta, mu, isc, NULL, NULL);
	lb = cr_point_make(pb, CR_PT_INTERCEPT, d, cw, beta, mu, isc, edges, raw);
	lf = cr_point_make(pf, CR_PT_INTERCEPT, d, cw, raw, mu, NULL, edges, NULL);
	check(ln == cr_point_len(d, 0) && lb == ln + 11 + D && lf == ln + 11 &&
		  pb[CR_PT_FLAGS] == CR_PT_INTERCEPT + CR_PT_BINS && pf[CR_PT_FLAGS] == CR_PT_INTERCEPT + CR_PT_FINAL,
		  "bins and final points: flags and lengths");
	check(!cr_point_flags_valid(CR_PT_BINS + CR_PT_FINAL, d) && !cr_point_flags_valid(CR_PT_BINS + CR_PT_MOMENTS, d) &&
		  !cr_point_flags_valid(CR_PT_BINS, 0) && cr_point_flags_valid(CR_PT_BINS + CR_PT_INTERCEPT, d),
		  "bins go with a Newton pass only");
	sn = state_over(pn, ln, d, 0, N, 1);
	sb = state_over(pb, lb, d, 0, N, 1);
	sf = state_over(pf, lf, d, 0, N, 1);
	check(cr_state_valid(sb, cr_state_len(d, lb)), "a bins pass's state is valid");
	for (k = 0; k < 10; k++)
		bins += sb[cr_state_bins(d, lb) + k];
	check(bins == N && memcmp(sb + cr_state_bins(d, lb), sf + cr_state_bins(d, lf), 10 * sizeof(double)) == 0,
		  "the bins pass counts every row in the final pass's bins");
	{
		double		g1[D_FEAT + 1],
					g2[D_FEAT + 1],
					h1[(D_FEAT + 1) * (D_FEAT + 1)],
					h2[(D_FEAT + 1) * (D_FEAT + 1)];
		double		l1 = cr_state_newton_sums(sn, g1, h1),
					l2 = cr_state_newton_sums(sb, g2, h2);

		check(l1 == l2 && relerr(g1, g2, D) == 0 && relerr(h1, h2, D * D) == 0,
			  "the bins pass's Newton sums are a plain pass's");
		check(fabs(l2 - sf[CR_ST_LL]) < 1e-11 * fabs(l2), "and its log-likelihood the final pass's to rounding");
	}
	a = state_over(pb, lb, d, 0, N, 2);
	cr_state_add(a, state_over(pb, lb, d, 1, N, 2));
	check(memcmp(a + cr_state_bins(d, lb), sf + cr_state_bins(d, lf), 10 * sizeof(double)) == 0,
		  "two partial bins states add up to the final pass's bins");
	free_all();
}

/* the CrRowSums of a state: its Newton pass's (or counting pass's) sums */
static CrRowSums
sums_of(const double *st, int d, int plen)
{
	CrRowSums	r = {st[CR_ST_ROWS], st[CR_ST_SKIPPED], st[CR_ST_NPOS],
	st[CR_ST_SW], st[CR_ST_SW1], st + cr_state_sx(plen), st + cr_state_sxx(d, plen),
	st + cr_state_sq(d, plen), st[CR_ST_MIX], st[CR_ST_MIXB]};

	return r;
}

/*
 * Rows that changed with every count unchanged (what a matching checksum
 * of 20-bit row hashes let through, 1 time in 2^20, before the sums were
 * compared every time): one sum moved beyond the tolerance is refused, be
 * it a feature's sum, its retained rows' sum, its sum of squares, the
 * weights' sum or the mixed moment; moved within it, accepted.  And a
 * moments pass of the same rows, its sums of w x taken back from those of
 * w (x - mu) isc as retention_fit's state_rows_same does, is the same rows.
 */
static void
test_rows_same_sums(const CrRowSums *f, const double *ax, double *point, int plen)
{
	int			d = D_FEAT;
	double		sx[D_FEAT],
				sx1[D_FEAT],
				sq[D_FEAT];
	double	   *now;
	CrRowSums	n;
	int			j,
				k;

	for (k = 0; k < 6; k++)
	{
		for (int far = 0; far < 2; far++)
		{
			double		by = far ? 1e-6 : 1e-11;

			n = *f;
			memcpy(sx, f->sx, sizeof(sx));
			memcpy(sx1, f->sx1, sizeof(sx1));
			memcpy(sq, f->sq, sizeof(sq));
			n.sx = sx;
			n.sx1 = sx1;
			n.sq = sq;
			if (k == 0)
				sx[3] += by * ax[3];
			else if (k == 1)
				sx1[3] -= by * ax[3];
			else if (k == 2)
				sq[3] += by * f->sq[3];
			else if (k == 3)
				n.sw += by * f->sw;
			else if (k == 4)
				n.sw1 -= by * f->sw;
			else
				n.mix += by * f->mixb;
			check(n.rows == f->rows && n.npos == f->npos && n.skipped == f->skipped &&
				  cr_rows_same(f, &n, ax, d) == !far,
				  far ? "counts unchanged, sum %d moved by 1e-6 of its scale: not the same (a checksum could match)"
				  : "counts unchanged, sum %d moved by 1e-11 of its scale: the same (rounding)", k);
		}
	}
	point[CR_PT_FLAGS] = CR_PT_INTERCEPT + CR_PT_MOMENTS;
	for (j = 0; j < d; j++)
	{
		point[CR_PT_BETA + d + 1 + j] = 0.5 + j;	/* mu */
		point[CR_PT_BETA + d + 1 + d + j] = 1.0 / (1 + j);	/* isc */
	}
	now = state_over(point, plen, d, 0, N, 1);
	n = sums_of(now, d, plen);
	for (j = 0; j < d; j++)
		sx[j] = now[cr_state_sx(plen) + j] / point[CR_PT_BETA + d + 1 + d + j] + point[CR_PT_BETA + d + 1 + j] * n.sw;
	n.sx = sx;
	n.sx1 = NULL;
	check(cr_rows_same(f, &n, ax, d), "a moments pass of the same rows (sums of w x taken back from its own): the same rows");
	for (j = 0; j < d; j++)
	{
		point[CR_PT_BETA + d + 1 + j] = 0;
		point[CR_PT_BETA + d + 1 + d + j] = 1;
	}
	point[CR_PT_FLAGS] = CR_PT_INTERCEPT;
}

/*
 * cr_rows_same: a Newton pass over the counting pass's rows is the same
 * rows; with a feature one ulp off in rows the sums are within rounding
 * (same), also with every value one ulp off; a value changed
 * by 1e-3, a label swapped between two rows, an amount moved between two
 * rows of the same class (every count and sum unchanged), a value
 * exchanged between two such rows (every sum of squares unchanged too), a
 * row dropped: different.  A moments pass sums the counting pass's mixed
 * moment.
 */
static void
test_rows_same(void)
{
	int			d = D_FEAT,
				plen = cr_point_len(d, 0);
	double		count_pt[2] = {0, 0},
				point[64],
			   *first,
			   *now;
	CrRowSums	f;
	int			i,
				a = -1,
				b = -1;

	first = state_over(count_pt, 2, d, 0, N, 1);
	f = sums_of(first, d, 2);
	memset(point, 0, sizeof(point));
	point[CR_PT_FLAGS] = CR_PT_INTERCEPT;
	point[CR_PT_D] = d;
	point[CR_PT_CW0] = point[CR_PT_CW1] = 1;
	for (i = 0; i < d; i++)
		point[CR_PT_BETA + d + 1 + d + i] = 1;	/* isc */
	now = state_over(point, plen, d, 0, N, 1);
	check(cr_rows_same(&f, &(CrRowSums) {0}, first + cr_state_grad(d, 2) + 1, d) == false,
		  "no rows is not the same");
	{
		CrRowSums	n = sums_of(now, d, plen);

		check(cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d), "the same rows are the same");
	}
	for (i = 0; i < N; i += 7)
		rows[i][1] = nextafter(rows[i][1], INFINITY);
	now = state_over(point, plen, d, 0, N, 1);
	{
		CrRowSums	n = sums_of(now, d, plen);

		check(cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d),
			  "rows one ulp off (float sums added in another order): the same rows");
	}
	for (i = 0; i < N; i += 7)
		rows[i][1] = nextafter(rows[i][1], -INFINITY);
	{
		double		saved[N][D_FEAT];
		CrRowSums	n;

		for (i = 0; i < N; i++)
			for (int j = 0; j < d; j++)
			{
				saved[i][j] = rows[i][j];
				rows[i][j] = nextafter(rows[i][j], (i + j) % 2 ? INFINITY : -INFINITY);
			}
		now = state_over(point, plen, d, 0, N, 1);
		n = sums_of(now, d, plen);
		check(n.mix != f.mix && cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d),
			  "every value one ulp off: another mixed moment, the same rows");
		for (i = 0; i < N; i++)
			for (int j = 0; j < d; j++)
				rows[i][j] = saved[i][j];
	}
	point[CR_PT_FLAGS] = CR_PT_INTERCEPT + CR_PT_MOMENTS;
	for (i = 0; i < d; i++)
		point[CR_PT_BETA + d + 1 + i] = 3.0 * i;	/* mu */
	now = state_over(point, plen, d, 0, N, 1);
	check(now[CR_ST_MIX] == f.mix && now[CR_ST_MIXB] == f.mixb && f.mix > 0 && f.mix < f.mixb,
		  "a moments pass sums the counting pass's mixed moment and its scale");
	point[CR_PT_FLAGS] = CR_PT_INTERCEPT;
	for (i = 0; i < d; i++)
		point[CR_PT_BETA + d + 1 + i] = 0;
	rows[100][2] += 1e-3;
	now = state_over(point, plen, d, 0, N, 1);
	{
		CrRowSums	n = sums_of(now, d, plen);

		check(!cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d), "one value of 5000 changed by 1e-3 (3e-8 of the sum of its column): not the same");
	}
	rows[100][2] -= 1e-3;
	/* swap the labels of a retained and a lapsed row of the same weight */
	for (i = 0; i < N && (a < 0 || b < 0); i++)
	{
		if (a < 0 && rows[i][D_FEAT] == 1)
			a = i;
		if (b < 0 && rows[i][D_FEAT] == -1)
			b = i;
	}
	rows[a][D_FEAT] = -1;
	rows[b][D_FEAT] = 1;
	now = state_over(point, plen, d, 0, N, 1);
	{
		CrRowSums	n = sums_of(now, d, plen);

		check(n.npos == f.npos && n.sw1 == f.sw1 && !cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d),
			  "two rows' labels swapped (same counts and weights): not the same");
	}
	rows[a][D_FEAT] = 1;
	rows[b][D_FEAT] = -1;
	/* move 0.5 of feature 2 from one retained row to another (as a transfer) */
	for (i = a + 1; i < N && rows[i][D_FEAT] != 1; i++)
		;
	rows[a][2] += 0.5;
	rows[i][2] -= 0.5;
	now = state_over(point, plen, d, 0, N, 1);
	{
		CrRowSums	n = sums_of(now, d, plen);

		check(n.npos == f.npos && fabs(n.sx[2] - f.sx[2]) <= 1e-9 * first[cr_state_grad(d, 2) + 1 + 2] &&
			  fabs(n.sx1[2] - f.sx1[2]) <= 1e-9 * first[cr_state_grad(d, 2) + 1 + 2] &&
			  !cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d),
			  "0.5 moved between two retained rows (counts and sums unchanged): not the same");
	}
	rows[a][2] -= 0.5;
	rows[i][2] += 0.5;
	/*
	 * exchange feature 2 between two retained rows of the same weight: every
	 * count, sum and sum of squares is the same up to the order of its
	 * additions; the cross products with the other features are not
	 */
	for (i = a + 1; i < N && rows[i][D_FEAT] != rows[a][D_FEAT]; i++)
		;
	{
		double		t = rows[a][2];
		CrRowSums	n;
		int			j,
					sums_same = 1;

		rows[a][2] = rows[i][2];
		rows[i][2] = t;
		now = state_over(point, plen, d, 0, N, 1);
		n = sums_of(now, d, plen);
		for (j = 0; j < d; j++)
			sums_same &= fabs(n.sx[j] - f.sx[j]) <= 1e-9 * first[cr_state_grad(d, 2) + 1 + j] &&
				fabs(n.sx1[j] - f.sx1[j]) <= 1e-9 * first[cr_state_grad(d, 2) + 1 + j] &&
				fabs(n.sq[j] - f.sq[j]) <= 1e-9 * f.sq[j];
		check(n.npos == f.npos && n.sw1 == f.sw1 && sums_same &&
			  !cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d),
			  "a value exchanged between two retained rows (counts, sums and squares unchanged): not the same");
		rows[i][2] = rows[a][2];
		rows[a][2] = t;
	}
	now = state_over(point, plen, d, 1, N, 1);
	{
		CrRowSums	n = sums_of(now, d, plen);

		check(!cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d), "a row fewer: not the same");
	}
	test_rows_same_sums(&f, first + cr_state_grad(d, 2) + 1, point, plen);
	/*
	 * a direction pass (retention_fit's margins pass) of two partial states
	 * (parallel workers, Citus shards): its sums of w x are the whole's, so
	 * rows one ulp off still pass for the same rows
	 */
	for (i = 0; i < N; i += 7)
		rows[i][1] = nextafter(rows[i][1], INFINITY);
	point[CR_PT_FLAGS] = CR_PT_INTERCEPT + CR_PT_DIRECTION;
	now = state_over(point, plen, d, 0, N, 2);
	cr_state_add(now, state_over(point, plen, d, 1, N, 2));
	{
		CrRowSums	n = sums_of(now, d, plen);

		check(cr_rows_same(&f, &n, first + cr_state_grad(d, 2) + 1, d),
			  "a direction pass of two partial states, rows one ulp off: the same rows");
	}
	for (i = 0; i < N; i += 7)
		rows[i][1] = nextafter(rows[i][1], -INFINITY);
}

int
main(void)
{
	make_rows();
	compare_with_logit(0, true, false, "maximum likelihood");
	compare_with_logit(0, false, false, "no intercept");
	compare_with_logit(2.5, true, false, "l2");
	compare_with_logit(1, true, true, "l2, balanced");
	test_separation();
	test_partial_states();
	test_bins_pass();
	test_rows_same();
	return tap_done();
}
