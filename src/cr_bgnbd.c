/*
 * cr_bgnbd.c
 *	  BG/NBD likelihood and fit (see cr_bgnbd.h); the predictions are in
 *	  cr_bgnbd_expect.c.  Plain C.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cr_bgnbd.h"
#include "cr_hyp2f1.h"

/* an estimate 1e8 times above or below its start has run off to infinity or 0 */
#define BG_LOG_BOUND 18.420680743952367
#define BG_MAXITER 1000
#define BG_NEWTON_MAXITER 100

const char *
cr_buyer_row_problem(double x, double tx, double T)
{
	if (!isfinite(x) || !isfinite(tx) || !isfinite(T))
		return "frequency, recency and T must be finite";
	if (x < 0.0 || x != floor(x))
		return "frequency must be a non-negative integer";
	if (tx < 0.0)
		return "recency must not be negative";
	if (tx > T)
		return "recency must not exceed T";
	if (x > 0.0 && tx == 0.0)
		return "recency must be positive when frequency is positive";
	if (x == 0.0 && tx != 0.0)
		return "recency must be 0 when frequency is 0";
	return NULL;
}

static inline int
row_same(const CrBuyerRow *a, const CrBuyerRow *b)
{
	return a->x == b->x && a->tx == b->tx && a->T == b->T;
}

static inline void
row_swap(CrBuyerRow *a, CrBuyerRow *b)
{
	CrBuyerRow	t = *a;

	*a = *b;
	*b = t;
}

static void
rows_sift_down(CrBuyerRow *v, size_t root, size_t n)
{
	size_t		child;

	while ((child = 2 * root + 1) < n)
	{
		if (child + 1 < n && cr_buyer_row_less(&v[child], &v[child + 1]))
			child++;
		if (!cr_buyer_row_less(&v[root], &v[child]))
			return;
		row_swap(&v[root], &v[child]);
		root = child;
	}
}

static void
insertion_sort(CrBuyerRow *v, size_t n)
{
	size_t		i,
				j;

	for (i = 1; i < n; i++)
	{
		CrBuyerRow	t = v[i];

		for (j = i; j > 0 && cr_buyer_row_less(&t, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/*
 * Sort rows by (x, tx, T): introsort (quicksort with the median of three,
 * heapsort past 2 log2 n levels, insertion sort below 16 rows) with the
 * comparison inlined, several times faster than qsort's callback on the
 * million-row states of a fit.
 */
static void
rows_sort(CrBuyerRow *v, size_t n, int depth)
{
	while (n > 16)
	{
		size_t		mid = n / 2,
					i,
					j;
		CrBuyerRow	p;

		if (depth-- == 0)
		{
			for (i = n / 2; i-- > 0;)
				rows_sift_down(v, i, n);
			for (i = n - 1; i > 0; i--)
			{
				row_swap(&v[0], &v[i]);
				rows_sift_down(v, 0, i);
			}
			return;
		}
		if (cr_buyer_row_less(&v[mid], &v[0]))
			row_swap(&v[mid], &v[0]);
		if (cr_buyer_row_less(&v[n - 1], &v[mid]))
		{
			row_swap(&v[n - 1], &v[mid]);
			if (cr_buyer_row_less(&v[mid], &v[0]))
				row_swap(&v[mid], &v[0]);
		}
		p = v[mid];
		/* Hoare: v[0..j] <= p <= v[j+1..n), both parts non-empty */
		i = 0;
		j = n - 1;
		for (;;)
		{
			while (cr_buyer_row_less(&v[i], &p))
				i++;
			while (cr_buyer_row_less(&p, &v[j]))
				j--;
			if (i >= j)
				break;
			row_swap(&v[i], &v[j]);
			i++;
			j--;
		}
		/* recurse into the smaller part, loop on the larger */
		if (j + 1 < n - (j + 1))
		{
			rows_sort(v, j + 1, depth);
			v += j + 1;
			n -= j + 1;
		}
		else
		{
			rows_sort(v + j + 1, n - (j + 1), depth);
			n = j + 1;
		}
	}
	insertion_sort(v, n);
}

size_t
cr_buyer_rows_compact(CrBuyerRow *rows, size_t n)
{
	size_t		i,
				k = 0;
	int			depth = 0;

	if (n == 0)
		return 0;
	for (i = n; i > 0; i >>= 1)
		depth += 2;
	rows_sort(rows, n, depth);
	for (i = 1; i < n; i++)
	{
		if (row_same(&rows[k], &rows[i]))
			rows[k].w += rows[i].w;
		else
			rows[++k] = rows[i];
	}
	return k + 1;
}

size_t
cr_buyer_rows_merge(const CrBuyerRow *a, size_t na, const CrBuyerRow *b, size_t nb,
					CrBuyerRow *out)
{
	size_t		i = 0,
				j = 0,
				k = 0;

	while (i < na || j < nb)
	{
		const CrBuyerRow *next = j == nb || (i < na && !cr_buyer_row_less(&b[j], &a[i])) ? &a[i++] : &b[j++];

		if (k > 0 && row_same(&out[k - 1], next))
		{
			/* whole counts up to 2^53 each: the difference is exact */
			if (next->w > (double) CR_BUYER_COUNT_MAX - out[k - 1].w)
				return SIZE_MAX;
			out[k - 1].w += next->w;
		}
		else
			out[k++] = *next;
	}
	return k;
}

static int
buyer_row_cmp(const void *a, const void *b)
{
	return cr_buyer_row_less(a, b) ? -1 : cr_buyer_row_less(b, a);
}

size_t
cr_buyer_rows_merge_count(const CrBuyerRow *a, size_t na, const CrBuyerRow *b, size_t nb)
{
	/* each side is compacted: a triple is at most once in a and once in b */
	return cr_sorted_union_count(a, na, b, nb, sizeof(CrBuyerRow), buyer_row_cmp);
}

#define BG_KEY_TX_SHIFT 24
#define BG_KEY_X_SHIFT 48
#define BG_KEY_MASK ((UINT64_C(1) << BG_KEY_TX_SHIFT) - 1)

int
cr_buyer_key(double x, double tx, double T, uint64_t *key)
{
	/*
	 * whole, in range (-0 passes as 0; NaN fails every comparison), and
	 * valid: then cr_buyer_row_problem has only these left to check
	 */
	if (!(x >= 0.0 && x < 65536.0 && tx >= 0.0 && tx < 16777216.0 &&
		  T >= 0.0 && T < 16777216.0 && x == floor(x) && tx == floor(tx) && T == floor(T)))
		return 0;
	if (!(tx <= T && (x > 0.0) == (tx > 0.0)))
		return 0;
	*key = ((uint64_t) x << BG_KEY_X_SHIFT) | ((uint64_t) tx << BG_KEY_TX_SHIFT) | (uint64_t) T;
	return 1;
}

static inline void
key_row(uint64_t key, double w, CrBuyerRow *out)
{
	out->x = (double) (key >> BG_KEY_X_SHIFT);
	out->tx = (double) ((key >> BG_KEY_TX_SHIFT) & BG_KEY_MASK);
	out->T = (double) (key & BG_KEY_MASK);
	out->w = w;
}

size_t
cr_buyer_keys_count(uint64_t *keys, size_t n, uint64_t *counts)
{
	size_t		i,
				k = 0;

	for (i = 0; i < n; i++)
	{
		if (i > 0 && keys[i] == keys[k - 1])
		{
			counts[k - 1]++;
			continue;
		}
		keys[k] = keys[i];
		counts[k++] = 1;
	}
	return k;
}

size_t
cr_buyer_counted_merge(const uint64_t *ka, const uint64_t *ca, size_t na,
					   const uint64_t *kb, const uint64_t *cb, size_t nb,
					   uint64_t *ko, uint64_t *co)
{
	size_t		i = 0,
				j = 0,
				k = 0;

	while (i < na && j < nb)
	{
		if (ka[i] < kb[j])
		{
			ko[k] = ka[i];
			co[k++] = ca[i++];
		}
		else if (kb[j] < ka[i])
		{
			ko[k] = kb[j];
			co[k++] = cb[j++];
		}
		else
		{
			/* each at most 2^53 (cr_buyer_counted_valid): no overflow */
			ko[k] = ka[i];
			co[k] = ca[i++] + cb[j++];
			if (co[k++] > CR_BUYER_COUNT_MAX)
				return SIZE_MAX;
		}
	}
	for (; i < na; i++, k++)
	{
		ko[k] = ka[i];
		co[k] = ca[i];
	}
	for (; j < nb; j++, k++)
	{
		ko[k] = kb[j];
		co[k] = cb[j];
	}
	return k;
}

size_t
cr_buyer_counted_merge_count(const uint64_t *ka, size_t na, const uint64_t *kb, size_t nb)
{
	size_t		i = 0,
				j = 0,
				common = 0;

	while (i < na && j < nb)
	{
		if (ka[i] == kb[j])
		{
			common++;
			i++;
			j++;
		}
		else if (ka[i] < kb[j])
			i++;
		else
			j++;
	}
	return na + nb - common;
}

void
cr_buyer_counted_rows(const uint64_t *keys, const uint64_t *counts, size_t n, CrBuyerRow *out)
{
	size_t		i;

	for (i = 0; i < n; i++)
		key_row(keys[i], (double) counts[i], &out[i]);
}

int
cr_buyer_counted_valid(const uint64_t *keys, const uint64_t *counts, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		uint64_t	x = keys[i] >> BG_KEY_X_SHIFT,
					tx = (keys[i] >> BG_KEY_TX_SHIFT) & BG_KEY_MASK,
					T = keys[i] & BG_KEY_MASK;

		if ((i > 0 && keys[i] <= keys[i - 1]) || counts[i] == 0 ||
			counts[i] > CR_BUYER_COUNT_MAX || tx > T || (x > 0) != (tx > 0))
			return 0;
	}
	return 1;
}

/* Per-x terms of the log-likelihood and their derivatives. */
typedef struct BgXTerms
{
	double		x,
				lg,				/* lnG(r+x) - lnG(r) + lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x) */
				d_r,			/* psi(r+x) - psi(r) */
				d_a,			/* psi(a+b) - psi(a+b+x) */
				d_b,			/* psi(a+b) + psi(b+x) - psi(b) - psi(a+b+x) */
				lbx,			/* log(b+x-1) */
				ib;				/* 1 / (b+x-1) */
} BgXTerms;

/*
 * psi(z+x) - psi(z) (order 0) or psi'(z+x) - psi'(z) (order 1), keeping its
 * digits where z is large and the difference of the two functions would
 * cancel (z = 1e9: 1e-6 of it): for a whole x up to BG_STEP_SUM, the sum of
 * 1/(z+k) or -1/(z+k)^2 over k < x; beyond, for z >= 10, the difference of
 * the asymptotic series of cr_digamma and cr_trigamma taken term by term
 * (log1p(x/z) for ln(z+x) - ln z, and the other terms' differences are of
 * the size of the terms, 1/z^2 and smaller); for z < 10 the functions differ
 * by more than they are off.
 */
#define BG_STEP_SUM 64.0

static double
polygamma_step(int order, double z, double x)
{
	double		s = 0.0,
				k;

	if (x <= BG_STEP_SUM && x == floor(x))
	{
		for (k = x - 1.0; k >= 0.0; k--)
			s += order == 0 ? 1.0 / (z + k) : -1.0 / ((z + k) * (z + k));
		return s;
	}
	if (z >= 10.0 && isfinite(z) && isfinite(x))
	{
		double		y = z + x,
					fz = 1.0 / (z * z),
					fy = 1.0 / (y * y),
					q = x / z / y;	/* 1/z - 1/(z+x) */

		if (order == 0)
			/* ln x - 1/2x - sum B2k / (2k x^2k), as in cr_digamma */
			return log1p(x / z) + 0.5 * q
				- (fy * cr_digamma_poly(fy) - fz * cr_digamma_poly(fz));
		/* 1/x + 1/2x^2 + sum B2k / x^(2k+1), as in cr_trigamma */
		return -q - 0.5 * q * (1.0 / z + 1.0 / y)
			+ (fy / y * cr_trigamma_poly(fy) - fz / z * cr_trigamma_poly(fz));
	}
	return order == 0 ? cr_digamma(z + x) - cr_digamma(z) : cr_trigamma(z + x) - cr_trigamma(z);
}

static void
bg_x_terms(const CrBgnbd *m, double x, int want_grad, BgXTerms *t)
{
	double		ab = m->a + m->b;

	t->x = x;

	/*
	 * As Betas of x, whose logs stay near x ln(r) where the lgammas of r, b
	 * or a+b reach 1e9 and more (a difference of those lost 1e-7 and up):
	 * ln Gamma(r+x)/Gamma(r) = ln Gamma(x) - ln B(r, x), and
	 * ln B(a, b+x)/B(a, b) = ln B(a+b, x) - ln B(b, x).
	 */
	t->lg = x > 0.0 ? lgamma(x) - cr_lbeta(m->r, x) + cr_lbeta(ab, x) - cr_lbeta(m->b, x) : 0.0;
	t->lbx = x > 0.0 ? log(m->b + (x - 1.0)) : 0.0;
	t->ib = x > 0.0 ? 1.0 / (m->b + (x - 1.0)) : 0.0;
	if (!want_grad)
		return;
	if (x == 0.0)
	{
		t->d_r = t->d_a = t->d_b = 0.0;
		return;
	}
	t->d_r = polygamma_step(0, m->r, x);
	t->d_a = -polygamma_step(0, ab, x);
	t->d_b = t->d_a + polygamma_step(0, m->b, x);
}

/* An empty log cache for m's alpha, and no per-x terms yet. */
static void
bg_pass_start(const CrBgnbd *m, CrBgLogCache *lc, BgXTerms *t)
{
	memset(t, 0, sizeof(*t));
	t->x = -1.0;
	cr_bg_log_cache_init(lc, m->alpha);
}

void
cr_bg_log_cache_init(CrBgLogCache *c, double alpha)
{
	size_t		i;

	c->alpha = alpha;
	for (i = 0; i < CR_BG_LOG_SLOTS; i++)
		c->slot[i].key = NAN;	/* matches no v */
}

/* The second derivatives of the per-x terms (a b and b a alike). */
typedef struct BgXHess
{
	double		rr,				/* psi'(r+x) - psi'(r) */
				aa,				/* psi'(a+b) - psi'(a+b+x), also the a b entry */
				bb;				/* aa + psi'(b+x) - psi'(b) */
} BgXHess;

static void
bg_x_hess(const CrBgnbd *m, double x, BgXHess *h)
{
	if (x == 0.0)
	{
		h->rr = h->aa = h->bb = 0.0;
		return;
	}
	h->rr = polygamma_step(1, m->r, x);
	h->aa = -polygamma_step(1, m->a + m->b, x);
	h->bb = h->aa + polygamma_step(1, m->b, x);
}


/*
 * One step of the walk over the rows shared by the likelihood passes: the
 * row's x, w, r + x and cache slot of alpha + T (log and reciprocal), with
 * the per-x terms t (and their second derivatives xh, when not NULL)
 * brought up to its x (rows sorted by x share them).
 */
typedef struct BgRowStep
{
	double		x,
				w,
				rx;
	const CrBgLogSlot *sT;
} BgRowStep;

static inline void
bg_row_step(const CrBgnbd *m, const CrBuyerRow *row, CrBgLogCache *lc, int want_grad,
			BgXTerms *t, BgXHess *xh, BgRowStep *st)
{
	st->x = row->x;
	st->w = row->w;
	st->rx = m->r + row->x;
	st->sT = cr_bg_alpha_plus(lc, row->T);
	if (row->x != t->x)
	{
		bg_x_terms(m, row->x, want_grad, t);
		if (xh)
			bg_x_hess(m, row->x, xh);
	}
}

/* The rows of a fit: rows, or (when keys is not NULL) counted keys */
typedef struct BgData
{
	const CrBuyerRow *rows;
	const uint64_t *keys;
	const uint64_t *counts;
	size_t		n;
	size_t		stride;			/* Newton passes: every stride-th row */
	double		tscale;			/* t_x and T times this (cr_fit_scale) */
	double		tscale2;		/* and this, beyond its 2^1000 (subnormal times) */
	cr_optim_tick tick;			/* before each pass of BFGS (bg_loglik) */
	void	   *tick_arg;
} BgData;

/* row i of d (kr: room for a decoded or scaled row) */
static inline const CrBuyerRow *
bg_data_row(const BgData *d, size_t i, CrBuyerRow *kr)
{
	if (d->keys == NULL)
	{
		if (d->tscale == 1.0)
			return &d->rows[i];
		*kr = d->rows[i];
	}
	else
		key_row(d->keys[i], (double) d->counts[i], kr);
	kr->tx *= d->tscale;
	kr->T *= d->tscale;
	if (d->tscale2 != 1.0)
	{
		kr->tx *= d->tscale2;
		kr->T *= d->tscale2;
	}
	return kr;
}

static double
bg_loglik_data(const CrBgnbd *m, const BgData *data, double *grad)
{
	CrBgLogCache lc;			/* 128 kB on the stack: no state outlives the call */
	double		ll = 0.0,
				g[4] = {0, 0, 0, 0},
				la = log(m->a);
	BgXTerms	t;
	size_t		i;
	double		prev_tx = -1.0,
				ltx = 0.0,
				l1ptx = 0.0;

	bg_pass_start(m, &lc, &t);
	for (i = 0; i < data->n; i++)
	{
		CrBuyerRow	kr;
		const CrBuyerRow *row = bg_data_row(data, i, &kr);
		BgRowStep	rs;
		double		x,
					w,
					rx,
					lT,
					l1pT,
					A3,
					li;

		bg_row_step(m, row, &lc, grad != NULL, &t, NULL, &rs);
		x = rs.x;
		w = rs.w;
		rx = rs.rx;
		lT = rs.sT->lg;
		l1pT = rs.sT->l1p;		/* copied: the slot may go to t_x below */
		/* r log(alpha) - (r+x) log(alpha+T), without two terms of r log(alpha) to cancel */
		A3 = -m->r * l1pT - x * lT;
		if (x == 0.0)
		{
			li = t.lg + A3;
			if (grad)
			{
				g[0] -= w * l1pT;
				g[1] += w * (m->r / m->alpha - rx / (m->alpha + row->T));
			}
		}
		else
		{
			double		A4,
						d,
						e,
						w3,
						w4;

			if (row->tx != prev_tx)
			{
				const CrBgLogSlot *stx = cr_bg_alpha_plus(&lc, row->tx);

				prev_tx = row->tx;
				ltx = stx->lg;
				l1ptx = stx->l1p;
			}
			A4 = la - t.lbx - m->r * l1ptx - x * ltx;
			/* log(e^A3 + e^A4) and the weights of its two terms, one exp */
			d = A4 - A3;
			e = exp(-fabs(d));
			w4 = d <= 0.0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
			w3 = 1.0 - w4;
			/* log rather than log1p: faster, and the absolute error is the same */
			li = t.lg + fmax(A3, A4) + log(1.0 + e);
			if (grad)
			{
				g[0] += w * (t.d_r - w3 * l1pT - w4 * l1ptx);
				g[1] += w * (m->r / m->alpha - w3 * rx / (m->alpha + row->T)
							 - w4 * rx / (m->alpha + row->tx));
				g[2] += w * (t.d_a + w4 / m->a);
				g[3] += w * (t.d_b - w4 / (m->b + (x - 1.0)));
			}
		}
		ll += w * li;
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	return ll;
}

double
cr_bgnbd_loglik(const CrBgnbd *m, const CrBuyerRow *rows, size_t n, double *grad)
{
	BgData		d = {rows, NULL, NULL, n, 1, 1.0, 1.0};

	return bg_loglik_data(m, &d, grad);
}

/* H[i][j] for i <= j in the order rr, ralpha, ra, rb, alphaalpha, alphaa, alphab, aa, ab, bb */
#define BG_H(i, j) ((i) * 4 - (i) * ((i) + 1) / 2 + (j))

/*
 * The log-likelihood, its gradient and Hessian in (r, alpha, a, b).  A row
 * with x > 0 adds log(e^A3 + e^A4) (see cr_bgnbd_loglik): with w3, w4 the
 * weights of its two terms, its gradient is w3 dA3 + w4 dA4 and its Hessian
 * w3 d2A3 + w4 d2A4 + w3 w4 D D', D = dA3 - dA4.  Over every d->stride-th
 * row of d.
 */
static inline double
bg_loglik_hess_data(const CrBgnbd *m, const BgData *d, double grad[4], double hess[4][4])
{
	CrBgLogCache lc;
	double		ll = 0.0,
				g[4] = {0, 0, 0, 0},
				H[10] = {0},
				la = log(m->a),
				ia = 1.0 / m->a,
				ialpha = 1.0 / m->alpha,
				sw = 0.0;
	BgXTerms	t;
	BgXHess		xh = {0, 0, 0};
	size_t		i;
	int			j,
				k;

	bg_pass_start(m, &lc, &t);
	for (i = 0; i < d->n; i += d->stride)
	{
		CrBuyerRow	kr;
		const CrBuyerRow *row = bg_data_row(d, i, &kr);
		BgRowStep	rs;
		double		x,
					w,
					rx,
					lT,
					l1pT,
					iT,
					A3;

		bg_row_step(m, row, &lc, 1, &t, &xh, &rs);
		x = rs.x;
		w = rs.w;
		rx = rs.rx;
		lT = rs.sT->lg;
		iT = rs.sT->inv;
		l1pT = rs.sT->l1p;		/* copied: the slot may go to t_x below */
		/* r log(alpha) - (r+x) log(alpha+T), as in cr_bgnbd_loglik */
		A3 = -m->r * l1pT - x * lT;
		sw += w;
		if (x == 0.0)
		{
			ll += w * (t.lg + A3);
			g[0] -= w * l1pT;
			g[1] -= w * m->r * iT;
			H[BG_H(0, 1)] -= w * iT;
			H[BG_H(1, 1)] += w * m->r * iT * iT;
		}
		else
		{
			const CrBgLogSlot *stx = cr_bg_alpha_plus(&lc, row->tx);
			double		ltx = stx->lg,
						itx = stx->inv,
						ib = t.ib,
						A4 = la - t.lbx - m->r * stx->l1p - x * ltx,
						d = A4 - A3,
						e = exp(-fabs(d)),
						w4 = d <= 0.0 ? e / (1.0 + e) : 1.0 / (1.0 + e),
						w3 = 1.0 - w4,
						D[4] = {stx->l1p - l1pT, rx * (itx - iT), -ia, ib},
						ww = w * w3 * w4;

			ll += w * (t.lg + fmax(A3, A4) + log(1.0 + e));
			/* w3 dA3 + w4 dA4 = dA4 + w3 D */
			g[0] += w * (t.d_r - stx->l1p + w3 * D[0]);
			g[1] += w * (-rx * itx + w3 * D[1]);
			g[2] += w * (t.d_a + ia + w3 * D[2]);
			g[3] += w * (t.d_b - ib + w3 * D[3]);
			H[BG_H(0, 0)] += w * xh.rr;
			H[BG_H(0, 1)] -= w * (w3 * iT + w4 * itx);
			H[BG_H(1, 1)] += w * rx * (w3 * iT * iT + w4 * itx * itx);
			H[BG_H(2, 2)] += w * (xh.aa - w4 * ia * ia);
			H[BG_H(2, 3)] += w * xh.aa;
			H[BG_H(3, 3)] += w * (xh.bb + w4 * ib * ib);
			for (j = 0; j < 4; j++)
				for (k = j; k < 4; k++)
					H[BG_H(j, k)] += ww * D[j] * D[k];
		}
	}
	/* d/dalpha of r log(alpha), in every row (A3, A4 and g[0] hold the rest) */
	g[1] += sw * m->r * ialpha;
	H[BG_H(0, 1)] += sw * ialpha;
	H[BG_H(1, 1)] -= sw * m->r * ialpha * ialpha;
	memcpy(grad, g, sizeof(g));
	for (j = 0; j < 4; j++)
		for (k = j; k < 4; k++)
			hess[j][k] = hess[k][j] = H[BG_H(j, k)];
	return ll;
}

double
cr_bgnbd_loglik_hess(const CrBgnbd *m, const CrBuyerRow *rows, size_t n,
					 double grad[4], double hess[4][4])
{
	BgData		d = {rows, NULL, NULL, n, 1, 1.0, 1.0};

	return bg_loglik_hess_data(m, &d, grad, hess);
}

static double
bg_loglik(const double *p, double *grad, void *arg)
{
	BgData	   *d = arg;
	CrBgnbd		m = {p[0], p[1], p[2], p[3]};

	/*
	 * BFGS ticks once an iteration, and its line search may evaluate up to
	 * 60 times in one (a fit running off with no maximum): 4 s without a
	 * cancel check at a million distinct rows.  The caller's tick only
	 * checks for interrupts, so each pass may call it.
	 */
	if (d->tick)
		d->tick(d->tick_arg);
	return bg_loglik_data(&m, d, grad);
}

static double
bg_loglik_hess(const double *p, double *grad, double hess[CR_OPTIM_MAXK][CR_OPTIM_MAXK],
			   double *mag, void *arg)
{
	BgData	   *d = arg;
	CrBgnbd		m = {p[0], p[1], p[2], p[3]};
	double		h[4][4],
				ll;
	int			i;

	(void) mag;					/* Newton's fixed tolerances */
	ll = bg_loglik_hess_data(&m, d, grad, h);
	for (i = 0; i < 4; i++)
		memcpy(hess[i], h[i], sizeof(h[i]));
	return ll;
}

/*
 * Many distinct rows: a start near the estimate, from Newton over every
 * stride-th row (sorted by x, t_x and T, each with its count: a systematic
 * sample of about BG_SAMPLE_ROWS rows) from the default start in f->p.  The
 * passes over all rows then only refine it (quadratic convergence: three or
 * four passes instead of about seven).  False, f->p unchanged: no sample, or
 * it did not converge cleanly.
 */
#define BG_SAMPLE_ROWS 32768

static int
sample_start(const BgData *all, cr_optim_tick tick, void *tick_arg, CrMlFit *f)
{
	BgData		d = *all;
	CrMlFit		s = *f;
	double		sw = 0.0,
				sx = 0.0;
	size_t		i;

	if (d.n < 4 * BG_SAMPLE_ROWS)
		return 0;
	d.stride = d.n / BG_SAMPLE_ROWS;
	for (i = 0; i < d.n; i += d.stride)
	{
		CrBuyerRow	kr;
		const CrBuyerRow *row = bg_data_row(&d, i, &kr);

		sw += row->w;
		sx += row->w * row->x;
	}
	if (!(sx > 0.0) ||
		cr_ml_fit_newton(bg_loglik_hess, &d, 4, sw, BG_LOG_BOUND, BG_NEWTON_MAXITER,
						 tick, tick_arg, &s) != CR_OPTIM_CONVERGED)
		return 0;
	memcpy(f->p, s.p, sizeof(s.p));
	return 1;
}

/*
 * Every estimate within BG_LOG_BOUND of the default start in log terms.
 * Newton from the sample's optimum measures its bound from there: an
 * estimate beyond the bound from the default start is not taken (the
 * fit from the default start decides, CR_FIT_DIVERGED as without a
 * sample).
 */
static int
within_bound(const double *p, const double *start)
{
	int			i;

	for (i = 0; i < 4; i++)
		if (!(fabs(log(p[i]) - log(start[i])) <= BG_LOG_BOUND))
			return 0;
	return 1;
}

/*
 * The fit over d's rows (or counted keys: the same rows, so the same
 * passes bit for bit).  BFGS's fallback runs over them too: it once ran
 * only over rows, and data Newton could not fit (no maximum, 10 million
 * distinct rows) made the rows and repeated Newton's passes, a tenth of
 * the time to the error.
 */
static CrFitStatus
bg_fit(const BgData *dp, cr_optim_tick tick, void *tick_arg, CrBgnbdFit *out)
{
	BgData		d = *dp;
	size_t		n = d.n;
	CrMlFit		f;
	double		sw = 0.0,
				sx = 0.0,
				sT = 0.0,
				se = 0.0,
				swT = 0.0;
	double		start[4];
	CrOptimStatus st;
	size_t		i;
	int			diverged;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++)
	{
		CrBuyerRow	kr;
		const CrBuyerRow *row = bg_data_row(&d, i, &kr);

		if (row->T > 0.0)
		{
			se += row->w * ilogb(row->T);
			swT += row->w;
		}
	}
	d.tscale = swT > 0.0 ? cr_fit_scale(se / swT) : 1.0;
	/*
	 * times below 2^-1000 on average (subnormal, 1e-316 and less): the
	 * scale's rest as a second power of two, exact too (a subnormal times
	 * 2^1000 is normal); cr_fit_scale stops at 2^1000, which left times of
	 * 1e-15 and a fit that found no maximum (22000)
	 */
	d.tscale2 = swT > 0.0 && se / swT < -1000.0
		? ldexp(1.0, -(int) fmax(nearbyint(se / swT), -1100.0) - 1000) : 1.0;
	for (i = 0; i < n; i++)
	{
		CrBuyerRow	kr;
		const CrBuyerRow *row = bg_data_row(&d, i, &kr);

		sw += row->w;
		sx += row->w * row->x;
		sT += row->w * row->T;
	}
	out->n = sw;
	if (n == 0 || !(sw > 0.0))
		return CR_FIT_NO_ROWS;
	if (!(sx > 0.0))
		return CR_FIT_NO_REPEAT;
	/* r = a = b = 1 and alpha so that r / alpha is the mean purchase rate */
	start[0] = 1.0;
	start[1] = fmax(sT / sx, 1e-6);
	start[2] = 1.0;
	start[3] = 1.0;
	memcpy(f.p, start, sizeof(start));
	/*
	 * Newton with the analytic Hessian converges in about seven passes over
	 * the rows; where it does not converge cleanly, BFGS from the same start
	 * (a few dozen passes) decides, with its divergence diagnostics.
	 */
	diverged = 0;
	st = CR_OPTIM_STALLED;
	if (sample_start(&d, tick, tick_arg, &f))
	{
		CrMlFit		from_sample = f;

		st = cr_ml_fit_newton(bg_loglik_hess, &d, 4, sw, BG_LOG_BOUND, BG_NEWTON_MAXITER,
							  tick, tick_arg, &from_sample);
		if (st == CR_OPTIM_CONVERGED && within_bound(from_sample.p, start))
			f = from_sample;
		else
		{
			st = CR_OPTIM_STALLED;
			memcpy(f.p, start, sizeof(start));
		}
	}
	if (st != CR_OPTIM_CONVERGED)
		st = cr_ml_fit_newton(bg_loglik_hess, &d, 4, sw, BG_LOG_BOUND, BG_NEWTON_MAXITER,
							  tick, tick_arg, &f);
	if (st != CR_OPTIM_CONVERGED)
	{
		d.tick = tick;
		d.tick_arg = tick_arg;
		st = cr_ml_fit(bg_loglik, &d, 4, sw, BG_LOG_BOUND, BG_MAXITER, tick, tick_arg,
					   &f, &diverged);
	}
	out->iterations = f.iterations;
	if (diverged)
		return CR_FIT_DIVERGED;
	if (st != CR_OPTIM_CONVERGED)
		return CR_FIT_NOT_CONVERGED;
	/*
	 * Back to the data's unit of time: alpha scales with it, and each
	 * member's likelihood by tscale^x (its density of t_x and the purchase
	 * times).
	 */
	out->m.r = f.p[0];
	out->m.alpha = f.p[1] / d.tscale / d.tscale2;
	out->m.a = f.p[2];
	out->m.b = f.p[3];
	out->log_likelihood = f.log_likelihood + sx * (log(d.tscale) + log(d.tscale2));
	memcpy(out->se, f.se, sizeof(out->se));
	out->se[1] = out->se[1] / d.tscale / d.tscale2;
	for (i = 0; i < 4; i++)
		if (isnan(out->se[i]))
			return CR_FIT_FLAT;
	return CR_FIT_OK;
}

CrFitStatus
cr_bgnbd_fit(const CrBuyerRow *rows, size_t n, cr_optim_tick tick, void *tick_arg,
			 CrBgnbdFit *out)
{
	BgData		d = {rows, NULL, NULL, n, 1, 1.0, 1.0};

	return bg_fit(&d, tick, tick_arg, out);
}

CrFitStatus
cr_bgnbd_fit_counted(const uint64_t *keys, const uint64_t *counts, size_t n,
					 cr_optim_tick tick, void *tick_arg, CrBgnbdFit *out)
{
	BgData		d = {NULL, keys, counts, n, 1, 1.0, 1.0};

	return bg_fit(&d, tick, tick_arg, out);
}
