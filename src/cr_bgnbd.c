/*
 * cr_bgnbd.c
 *	  BG/NBD likelihood, fit and predictions (see cr_bgnbd.h).  Plain C.
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
row_less(const CrBuyerRow *a, const CrBuyerRow *b)
{
	if (a->x != b->x)
		return a->x < b->x;
	if (a->tx != b->tx)
		return a->tx < b->tx;
	return a->T < b->T;
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
		if (child + 1 < n && row_less(&v[child], &v[child + 1]))
			child++;
		if (!row_less(&v[root], &v[child]))
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

		for (j = i; j > 0 && row_less(&t, &v[j - 1]); j--)
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
		if (row_less(&v[mid], &v[0]))
			row_swap(&v[mid], &v[0]);
		if (row_less(&v[n - 1], &v[mid]))
		{
			row_swap(&v[n - 1], &v[mid]);
			if (row_less(&v[mid], &v[0]))
				row_swap(&v[mid], &v[0]);
		}
		p = v[mid];
		/* Hoare: v[0..j] <= p <= v[j+1..n), both parts non-empty */
		i = 0;
		j = n - 1;
		for (;;)
		{
			while (row_less(&v[i], &p))
				i++;
			while (row_less(&p, &v[j]))
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
		const CrBuyerRow *next = j == nb || (i < na && !row_less(&b[j], &a[i])) ? &a[i++] : &b[j++];

		if (k > 0 && row_same(&out[k - 1], next))
			out[k - 1].w += next->w;
		else
			out[k++] = *next;
	}
	return k;
}

size_t
cr_buyer_rows_merge_count(const CrBuyerRow *a, size_t na, const CrBuyerRow *b, size_t nb)
{
	size_t		i = 0,
				j = 0,
				common = 0;

	/* each side is compacted: a triple is at most once in a and once in b */
	while (i < na && j < nb)
	{
		if (row_less(&a[i], &b[j]))
			i++;
		else if (row_less(&b[j], &a[i]))
			j++;
		else
		{
			common++;
			i++;
			j++;
		}
	}
	return na + nb - common;
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
			ko[k] = ka[i];
			co[k++] = ca[i++] + cb[j++];
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
			counts[i] > (UINT64_C(1) << 53) || tx > T || (x > 0) != (tx > 0))
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

	return bg_loglik_data(&m, d, grad);
}

static double
bg_loglik_hess(const double *p, double *grad, double hess[CR_OPTIM_MAXK][CR_OPTIM_MAXK],
			   void *arg)
{
	BgData	   *d = arg;
	CrBgnbd		m = {p[0], p[1], p[2], p[3]};
	double		h[4][4],
				ll;
	int			i;

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
 * The fit over d's rows; with_bfgs false: CR_FIT_NEEDS_ROWS where Newton
 * does not converge cleanly (BFGS takes rows).
 */
static CrFitStatus
bg_fit(const BgData *dp, int with_bfgs, cr_optim_tick tick, void *tick_arg, CrBgnbdFit *out)
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
	if (st != CR_OPTIM_CONVERGED && !with_bfgs)
		return CR_FIT_NEEDS_ROWS;
	if (st != CR_OPTIM_CONVERGED)
		st = cr_ml_fit(bg_loglik, &d, 4, sw, BG_LOG_BOUND, BG_MAXITER, tick, tick_arg,
					   &f, &diverged);
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

/*
 * log((alpha + T) / (alpha + tx)) as log1p: a difference of two logs is 0
 * once alpha swamps T (alpha = 1e300 gave P(alive) = 0.5, not 0.0067)
 */
double
cr_bgnbd_log_odds(const CrBgnbd *m, double x, double tx, double T)
{
	return log(m->a) - log(m->b + (x - 1.0))
		+ (m->r + x) * log1p((T - tx) / (m->alpha + tx));
}

double
cr_bgnbd_p_alive(const CrBgnbd *m, double x, double tx, double T)
{
	double		lodds,
				odds;

	if (x == 0.0)
		return 1.0;
	lodds = cr_bgnbd_log_odds(m, x, tx, T);
	odds = exp(lodds);
	/* odds beyond DBL_MAX: P(alive) is 1 / odds, which may be subnormal, not 0 */
	return isinf(odds) ? exp(-lodds) : 1.0 / (1.0 + odds);
}


CrFitStatus
cr_bgnbd_fit(const CrBuyerRow *rows, size_t n, cr_optim_tick tick, void *tick_arg,
			 CrBgnbdFit *out)
{
	BgData		d = {rows, NULL, NULL, n, 1, 1.0, 1.0};

	return bg_fit(&d, 1, tick, tick_arg, out);
}

CrFitStatus
cr_bgnbd_fit_counted(const uint64_t *keys, const uint64_t *counts, size_t n,
					 cr_optim_tick tick, void *tick_arg, CrBgnbdFit *out)
{
	BgData		d = {NULL, keys, counts, n, 1, 1.0, 1.0};

	return bg_fit(&d, 0, tick, tick_arg, out);
}

/*
 * FHL eq. 10 with the hypergeometric term rewritten by Euler's
 * transformation, (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
 *   = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),  z = t / (alpha+T+t),
 * whose factors neither overflow for large x nor converge slowly.  When r
 * is large, though, the first parameter a+b-1-r is very negative and that
 * power series alternates with terms far larger than its sum (at r = 60,
 * z = 0.9 it loses every digit); there, for z <= 0.9, the original form's
 * series, whose terms from the second on share one sign, is summed in
 * log scale instead.
 */
#define BG_EULER_MIN 10.0

static double
bg_head_a(const CrBgnbd *m, double a, double t, double x, double T, double *relerr)
{
	double		z = t / (m->alpha + T + t),
				w = (m->alpha + T) / (m->alpha + T + t),	/* 1 - z, to its last digit */
				f,
				ferr = 0.0;

	f = NAN;
	if (a + m->b - 1.0 - m->r < -BG_EULER_MIN && z <= 0.9)
	{
		double		c = a + m->b + (x - 1.0),
					lz = (m->r + x) * log1p(-z),
					lt = cr_log_hyp2f1_tail(m->r + x, m->b + x, c, z);

		f = exp(lz) + (c > 0.0 ? 1.0 : -1.0) * exp(lz + lt);

		/*
		 * f from a sum of two logs of 1e4 and more (r in the millions): each
		 * off by 1e-16 of itself or so, the tail's by as much again from the
		 * products its terms are (r = 4.7e6, a = 0.9992: E[Y] 1.4e-8 off,
		 * 1 - f magnifying f's 1.1e-11)
		 */
		ferr = fabs(f) * 8.8e-16 * (fabs(lz) + fabs(lt));
	}
	if (isnan(f))				/* not tried, or beyond its term budget */
	{
		/*
		 * w^(a-1): for a short horizon as exp((a-1) ln w) with ln w =
		 * -log1p(t / (alpha+T)), to its last digit; pow(w, a-1) multiplies
		 * w's rounding error by a-1, and 1 - f then magnifies it (a = 26000,
		 * 1 - f = 4e-6: E[Y] 7e-7 off)
		 */
		double		k = t / (m->alpha + T),
					wa = k <= 1.0 ? exp((a - 1.0) * -log1p(k)) : pow(w, a - 1.0);

		f = wa * cr_hyp2f1_w_err(a + m->b - 1.0 - m->r, a - 1.0,
								 a + m->b + (x - 1.0), z, w, &ferr);
		ferr *= wa;
	}
	/*
	 * 1 - f below 1e-6 has lost more than six digits: the caller integrates.
	 * So does an f that is not finite (f is a mean of (1 + p k)^-(r+x), in
	 * (0, 1]): w^(a-1) underflowing to a subnormal or 0 while the 2F1 of the
	 * Euler form, which grows like w^(r+x+1-a), overflowed (a = 133, a
	 * horizon 220 times alpha + T: -inf, which came out as 0 purchases).
	 */
	if (!isfinite(f) || !(fabs(1.0 - f) >= 1e-6))
		return NAN;
	/*
	 * and f's own error magnified by 1 / (1 - f): the connection formula's
	 * gamma ratios are good to 2e-11 only with c near 6000 (a = 1 + 1.6e-4,
	 * b = 6287, a horizon 1261 times alpha + T: 1 - f = 1.8e-4, E[Y] 6e-8 off)
	 */
	if (relerr)
		*relerr = ferr / fabs(1.0 - f);
	return (a + m->b + (x - 1.0)) / (a - 1.0) * (1.0 - f);
}

/* E[Y(t)] by the series above with a in place of m's, P(alive) with that a too */
static double
bg_expected_a(const CrBgnbd *m, double a, double t, double x, double tx, double T)
{
	CrBgnbd		mm = *m;

	mm.a = a;
	return bg_head_a(m, a, t, x, T, NULL) * cr_bgnbd_p_alive(&mm, x, tx, T);
}

/*
 * The same by quadrature, for where every form of the 2F1 above cancels
 * (b in the hundreds and t far beyond alpha + T: terms of 1e22 summing to
 * 0.25; or E[Y(t)] a millionth of (a+b+x-1)/(a-1)).  Alive at T, a member's
 * lambda is Gamma(r+x, alpha+T) and p is Beta(a, b+x); one alive with
 * (lambda, p) buys (1 - e^-lambda p t) / p times in the next t on average:
 *   E[Y(t)] = P(alive) E_p[(1 - (1 + p k)^-(r+x)) / p],  k = t / (alpha+T).
 * p <= 1/2 is integrated over v = p^a when a < 1 (p^(a-1) dp = dv / a: no
 * singularity), else over p; p >= 1/2 over v = (1-p)^(b+x) when b+x < 1,
 * else over 1 - p.  Adaptive Gauss-Kronrod (7-15 points) to 1e-12
 * relative, from intervals [top 2^-(j+1), top 2^-j] of each half (top
 * placed below), so that a peak at any scale is seen.  NaN when that
 * accuracy is not reached within BG_QUAD_MAX intervals.
 */
#define BG_QUAD_MAX 1024
#define BG_QUAD_SCALES 40

static const double gk_x[8] = {
	0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
	0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
	0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
	0.207784955007898467600689403773245, 0.0};
static const double gk_wk[8] = {
	0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
	0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
	0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
	0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
static const double gk_wg[4] = {
	0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
	0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

typedef struct BgQuad
{
	double		a,
				beta,			/* b + x */
				n,				/* r + x */
				k,				/* t / (alpha + T) */
				nk,				/* n k, also where k underflows (bg_quad_nk) */
				lnorm,			/* log(1 / B(a, b+x)) */
				cl,				/* the mean of p, a / (a + b + x) */
				cu,				/* 1 - cl, computed apart */
				lpeak;			/* log of the density at cl */
	bool		big;			/* n k beyond BG_QUAD_BIG: see bg_quad_g */
} BgQuad;

/* The variables a piece integrates over (BgQuadPiece.var) */
#define BG_LOWER 0				/* p <= 1/2: p, or p^a when a < 1 */
#define BG_UPPER 1				/* p >= 1/2: 1 - p, or (1-p)^(b+x) when b+x < 1 */
#define BG_PEAK 2				/* a concentrated Beta: u = p - cl */

/* ln(1 + u) - u, without the cancellation of that difference for small u */
static double
log1p_minus(double u)
{
	double		term,
				sum;
	int			k;

	if (!(fabs(u) < 0.1))
		return log1p(u) - u;
	/* -u^2/2 + u^3/3 - ...: at |u| < 0.1 the 16th term is below 1e-17 of the first */
	term = -u * u;
	sum = 0.0;
	for (k = 2; k <= 18; k++)
	{
		sum += term / k;
		term *= -u;
	}
	return sum;
}

/*
 * (1 - (1+pk)^-n) / (p n k), in (0, 1]: the integrand's factor relative to
 * its value n k at p = 0, so that r of 1e131 and more does not overflow the
 * integrand where E[Y] itself is finite (bg_expected_quad multiplies by n k
 * at the end).  To second order where (n+1) pk is tiny (p may be subnormal):
 * the series' next term is (n+1)(n+2)/6 (pk)^2.
 *
 * When n k itself is beyond BG_QUAD_BIG (a purchase rate of 1e100 a unit
 * over a horizon of 1e240), that relative factor is about 1 / (p n k) and
 * underflows for every p a node can take: the integral came out as 0, and
 * so did E[Y], which is then about E[1/p] over p > 1/(n k), huge.  There
 * the factor is (1 - (1+pk)^-n) / p itself, about 1/p, and the integral is
 * E[Y] without a multiplication.
 */
#define BG_QUAD_BIG 1e300

/*
 * n k, the factor bg_expected_quad multiplies the relative integral by.
 * Where k = t / (alpha + T) is below the normal range (a horizon 1e-300
 * against alpha = 1e50) it has lost its digits or is 0, while n k can be
 * far above it (r = 1e200: 1e-150, which came out as 0): there from logs.
 */
static double
bg_quad_nk(double n, double k, double t, double alpha_T)
{
	if (k >= DBL_MIN)
		return n * k;
	return exp(log(n) + log(t) - log(alpha_T));
}

static double
bg_quad_g(const BgQuad *q, double p)
{
	double		pk = p * q->k;

	if (q->big)
		return (q->n + 1.0) * pk < 1e-10 ? q->nk * (1.0 - 0.5 * (q->n + 1.0) * pk)
			: -expm1(-q->n * log1p(pk)) / p;
	return (q->n + 1.0) * pk < 1e-10 ? 1.0 - 0.5 * (q->n + 1.0) * pk
		: -expm1(-q->n * log1p(pk)) / (q->n * pk);
}

/* the Beta(a, b+x) density in the variable v of the half, times (1 - (1+pk)^-n) / (p n k) */
static double
bg_quad_f(const BgQuad *q, int var, double v)
{
	double		p,
				ld = q->lnorm;

	if (var == BG_PEAK)
	{
		/*
		 * the log-density relative to its value at the mean, from the offset
		 * itself: (a-1) ln(1 + u1) + (b+x-1) ln(1 + u2) with u1 = v/cl, u2 =
		 * -v/cu, whose first-order terms cancel exactly, (a-1)/cl equalling
		 * (b+x-1)/cu + 1/cu - 1/cl; kept as ln(1+u) - u, each term is then
		 * of order one however large a and b are (a = 1e12: terms of 1e6
		 * that cancelled to 1 left noise the quadrature could not meet)
		 */
		double		u1 = v / q->cl,
					u2 = -v / q->cu;

		p = q->cl + v;
		ld = q->lpeak + (q->a - 1.0) * log1p_minus(u1) + (q->beta - 1.0) * log1p_minus(u2)
			+ v * (1.0 / q->cu - 1.0 / q->cl);
	}
	else if (var == BG_LOWER && q->a < 1.0)
	{
		p = pow(v, 1.0 / q->a);
		ld += -log(q->a) + (q->beta - 1.0) * log1p(-p);
	}
	else if (var == BG_LOWER)
	{
		p = v;
		ld += (q->a - 1.0) * log(p) + (q->beta - 1.0) * log1p(-p);
	}
	else if (q->beta < 1.0)
	{
		double		w = pow(v, 1.0 / q->beta);	/* 1 - p, which p = 1 would lose */

		p = 1.0 - w;
		ld += -log(q->beta) + (q->a - 1.0) * log1p(-w);
	}
	else
	{
		p = 1.0 - v;
		ld += (q->a - 1.0) * log1p(-v) + (q->beta - 1.0) * log(v);
	}
	return exp(ld) * bg_quad_g(q, p);
}

/* Kronrod estimate over [lo, hi], and |Kronrod - Gauss| as its error */
static double
bg_quad_gk(const BgQuad *q, int var, double lo, double hi, double *err)
{
	double		c = 0.5 * (lo + hi),
				h = 0.5 * (hi - lo),
				fc = bg_quad_f(q, var, c),
				k = gk_wk[7] * fc,
				g = gk_wg[3] * fc;
	int			i;

	for (i = 0; i < 7; i++)
	{
		double		f2 = bg_quad_f(q, var, c - h * gk_x[i]) +
			bg_quad_f(q, var, c + h * gk_x[i]);

		k += gk_wk[i] * f2;
		if (i % 2 == 1)
			g += gk_wg[i / 2] * f2;
	}
	*err = fabs(k - g) * h;
	return k * h;
}

typedef struct BgQuadPiece
{
	double		lo,
				hi,
				val,
				err;
	int			var;
} BgQuadPiece;

/* Append the piece [lo, hi] of a half's variable, integrated once */
static void
bg_quad_add(const BgQuad *q, BgQuadPiece *pc, int *nint, int var, double lo, double hi)
{
	BgQuadPiece *p;

	if (!(hi > lo))
		return;
	p = &pc[(*nint)++];
	p->var = var;
	p->lo = lo;
	p->hi = hi;
	p->val = bg_quad_gk(q, var, lo, hi, &p->err);
}

static int
double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The pieces between the breakpoints y[0 .. ny-1] (any order, repeats allowed) */
static void
bg_quad_add_between(const BgQuad *q, BgQuadPiece *pc, int *nint, int var, double *y, int ny)
{
	int			j;

	qsort(y, ny, sizeof(double), double_cmp);
	for (j = 0; j + 1 < ny; j++)
		bg_quad_add(q, pc, nint, var, y[j], y[j + 1]);
}

/*
 * The pieces of a half whose Beta mass is spread over scales (a < 1 near 0,
 * or a mass a few times wider than its distance to 0).  The variable runs
 * over [0, L]; the ladder starts at L, or, when the mass lies far below L
 * (b or a beyond about 1e12: p near 1e-16 and smaller), at 2^40 times the
 * mean there, with one piece above it, so that the mass is always among the
 * scales however large b or a are.  When the variable is a power p^a (or
 * (1-p)^(b+x)) of a small exponent e, the density in it drops within about
 * 10 e of its value at the mean (a = 2e-6, b = 1e300: near v = 0.9986, in
 * 2e-5 of a piece 0.5 long, between the last Kronrod node and L), so pieces
 * are added at mean (1 -+ e 2^j) too.
 */
#define BG_QUAD_NEAR 62

static void
bg_quad_ladder(const BgQuad *q, BgQuadPiece *pc, int *nint, int var)
{
	double		e = var == BG_LOWER ? q->a : q->beta,
				L = e < 1.0 ? pow(0.5, e) : 0.5,
				mean = var == BG_LOWER ? q->cl : q->cu,
				top,
				y[2 * BG_QUAD_SCALES + 3 + 2 * BG_QUAD_NEAR];
	int			nscales = BG_QUAD_SCALES,
				ny = 0,
				j;

	if (e < 1.0)
		mean = pow(mean, e);
	top = fmin(L, ldexp(mean, BG_QUAD_SCALES));
	if (top < L)
	{
		y[ny++] = L;
		nscales = 2 * BG_QUAD_SCALES;
	}
	for (j = 0; j <= nscales; j++)
		y[ny++] = ldexp(top, -j);
	y[ny++] = 0.0;
	if (e < 1.0 && mean > 0.0 && mean < top)
		for (j = -2; j < BG_QUAD_NEAR - 2 && ldexp(e, j) < 1.0; j++)
		{
			y[ny++] = mean * (1.0 - ldexp(e, j));
			y[ny++] = fmin(top, mean * (1.0 + ldexp(e, j)));
		}
	bg_quad_add_between(q, pc, nint, var, y, ny);
}

/*
 * A Beta concentrated around its mean (a, b + x >= 10 and a standard
 * deviation sd below a quarter of the mean's distance to 0 or 1, as when a
 * and b are both in the thousands: the ladder's pieces, twice as long as
 * they are far from 0, step over a peak that narrow, and its density there,
 * as a difference of terms of a ln(p), has lost the digits the quadrature
 * needs).  It is integrated over the offset u = p - mean, in pieces at
 * +- sd (1/2, 1, 2, ..., 64) and beyond, clipped to p in [0, 1].  A peak
 * narrower than 2^-26 of its mean is a point: the integrand at the mean,
 * within (sd / mean)^2 < 2^-52 relatively.  False when the Beta is not so
 * concentrated.
 */
static bool
bg_quad_peak(BgQuad *q, BgQuadPiece *pc, int *nint, double *point)
{
	double		sd,
				u[2 + 2 * 8 + 1];
	int			nu = 0,
				j;

	sd = sqrt(q->cl * q->cu) / sqrt(q->a + q->beta + 1.0);
	if (!(q->a >= 10.0 && q->beta >= 10.0 && sd < 0.25 * fmin(q->cl, q->cu)))
		return false;
	*point = NAN;
	if (sd < ldexp(fmin(q->cl, q->cu), -26))
	{
		*point = q->big ? bg_quad_g(q, q->cl) : q->nk * bg_quad_g(q, q->cl);
		return true;
	}
	q->lpeak = cr_log_beta_pdf_at_mean(q->a, q->beta);
	u[nu++] = -q->cl;
	u[nu++] = q->cu;
	u[nu++] = 0.0;
	for (j = -1; j <= 6; j++)
	{
		u[nu++] = fmax(-q->cl, -ldexp(sd, j));
		u[nu++] = fmin(q->cu, ldexp(sd, j));
	}
	bg_quad_add_between(q, pc, nint, BG_PEAK, u, nu);
	return true;
}

static double
bg_expected_quad(const CrBgnbd *m, double t, double x, double T)
{
	double		beta = m->b + x,
				k = t / (m->alpha + T),
				nk = bg_quad_nk(m->r + x, k, t, m->alpha + T);
	BgQuad		q = {
		.a = m->a,
		.beta = beta,
		.n = m->r + x,
		.k = k,
		.nk = nk,
		.lnorm = -cr_lbeta(m->a, beta),
		/* the means of p and 1 - p, without a + b + x, which may overflow */
		.cl = 1.0 / (1.0 + beta / m->a),
		.cu = 1.0 / (1.0 + m->a / beta),
		.lpeak = NAN,			/* set by bg_quad_peak when it integrates */
		.big = !(nk <= BG_QUAD_BIG),
	};
	BgQuadPiece pc[BG_QUAD_MAX];
	double		total,
				etotal,
				point;
	int			nint = 0,
				i,
				worst;

	if (bg_quad_peak(&q, pc, &nint, &point))
	{
		if (!isnan(point))
			return point;
	}
	else
	{
		bg_quad_ladder(&q, pc, &nint, BG_LOWER);
		bg_quad_ladder(&q, pc, &nint, BG_UPPER);
	}
	for (;;)
	{
		total = etotal = 0.0;
		worst = 0;
		for (i = 0; i < nint; i++)
		{
			total += pc[i].val;
			etotal += pc[i].err;
			if (pc[i].err > pc[worst].err)
				worst = i;
		}
		if (!isfinite(total) || !isfinite(etotal))
			return NAN;
		if (etotal <= 1e-12 * fabs(total))
			break;
		if (nint == BG_QUAD_MAX)
			return NAN;
		/* bisect the piece with the largest error */
		pc[nint] = pc[worst];
		pc[nint].lo = pc[worst].hi = 0.5 * (pc[worst].lo + pc[worst].hi);
		pc[worst].val = bg_quad_gk(&q, pc[worst].var, pc[worst].lo, pc[worst].hi,
								   &pc[worst].err);
		pc[nint].val = bg_quad_gk(&q, pc[nint].var, pc[nint].lo, pc[nint].hi,
								  &pc[nint].err);
		nint++;
	}
	if (q.big)
		return total;
	return q.k >= DBL_MIN ? total * q.n * q.k : total * q.nk;
}

/*
 * The same for a horizon far beyond alpha + T, where the quadrature's pieces
 * do not reach down to the knee of its integrand at p = 1/(n k) (n k of 1e150
 * and more) and the series' 2F1, near z = 1, cancels or is not summed.  With
 * w = 1/(1+k), n = r+x, beta = b+x, e = a-1, c = a+b+x-1 = beta + e and
 * s = n - e, the z -> 1-z connection formula (A&S 15.3.6) of the Euler form
 * w^e 2F1(c-n, e; c; 1-w) of f (see bg_head_a) gives F = c (1 - f) / e with
 *   f = T_main + T_partner,
 *   T_main    = w^e Gamma(c) Gamma(s) / (Gamma(n) Gamma(beta)) 2F1(c-n, e; 1-s; w),
 *   T_partner = w^n Gamma(c) Gamma(-s) / (Gamma(c-n) Gamma(e)) 2F1(n, beta; 1+s; w).
 * c (1 - T_main) / e = -c expm1(e L) / e with L = ln(T_main) / e: ln w plus
 * the Gamma ratios as slopes (cr_lgamma_slope) plus the series' logarithm
 * over e, each of which keeps its digits as e goes to 0 (at a = 1 exactly,
 * L = ln w + psi(beta) - psi(n) + ...): no difference of order a - 1 is taken,
 * where the series form divided one by a - 1 and the quadrature was the only
 * way.  c T_partner / e = w^n Gamma(1+c) Gamma(-s) / (Gamma(c-n) Gamma(1+e))
 * 2F1(...) has no 1/e either.  For s < 0 (a > 1 + r + x) the two terms swap
 * roles under (e, beta, n) -> (n, c-n, e), and F = (n / e) times the same
 * with n in place of e.
 *
 * The 2F1 of T_main has a pole at the index j = s when s is an integer, which
 * T_partner's Gamma(-s) cancels (A&S 15.3.11): its terms up to s - 1 are
 * summed, and the partner and the rest are left out when their sum, the
 * logarithmic part of 15.3.11, of order w^(e + s) times its Gamma ratio, is
 * below 1e-17 of the result; else, s not an integer, both are summed in
 * full, the pole's large terms counted in the error estimate.  For s below
 * 1/2, where the Gamma functions themselves have the poles, see
 * bg_far_near0.  Used only where w is small enough that the terms fall by 4
 * at each step away from the pole (w (2 beta + 3)(2 + |e|) <= 1/4); NaN
 * when any of this does not hold or when its error estimate passes
 * BG_FAR_RELERR (then the other methods decide).
 */
#define BG_FAR_TERMS 10000
#define BG_PI 3.14159265358979323846
#define BG_FAR_RELERR 1e-10

/*
 * sum_{j >= 1} (A)_j (B+1)_{j-1} / ((C)_j j!) w^j, so that 2F1(A, B; C; w) =
 * 1 + B sum: the terms up to jmax, or until they are negligible; gap is the
 * distance of C from an integer, by which a term at the pole ahead (C + j
 * near 0) may grow.  *big: the largest term's magnitude.
 */
static double
bg_far_sigma(double A, double B, double C, double w, double jmax, double gap, double *big)
{
	double		u,
				sum = 0.0;
	int			j;

	*big = 0.0;
	if (jmax < 1.0 || A == 0.0 || w == 0.0)
		return 0.0;
	if (C == 0.0)
		return NAN;
	u = A / C * w;
	for (j = 1; j <= BG_FAR_TERMS; j++)
	{
		double		rho;

		sum += u;
		*big = fmax(*big, fabs(u));
		if (j >= jmax || u == 0.0)
			return sum;
		if (C + j == 0.0)
			return NAN;
		rho = (A + j) * (B + j) / ((C + j) * (j + 1.0)) * w;
		if (fabs(rho) < 0.5 &&
			fabs(u) * (C + j > 0.0 ? 2.0 : 2.0 + 2.0 / gap) <= 1e-17 * fabs(sum))
			return sum;
		u *= rho;
	}
	return NAN;
}

/*
 * c (1 - T_main) / mu times e^lsc, T_main = w^mu Gamma(c) Gamma(s) /
 * (Gamma(nu) Gamma(bm)) (1 + mu sigma), c = bm + mu, s = nu - mu > 0; *rel
 * its relative error
 */
static double
bg_far_main(double mu, double bm, double nu, double lw, double sigma, double bigs, double lsc,
			double *rel)
{
	double		c = bm + mu,
				S = 1.0 + mu * sigma,
				s2 = cr_lgamma_slope(nu, -mu);

	if (c > 0.0 && S > 0.0)
	{
		double		s1 = cr_lgamma_slope(bm, mu),
					ls = sigma * cr_log1p_ratio(mu * sigma),
					lam = lw + s1 - s2 + ls,
					y = mu * lam;

		*rel = (2.2e-16 * (fabs(lw) + 4.0 * (fabs(s1) + fabs(s2)) + fabs(ls)) + 4.4e-16 * bigs) /
			fabs(lam) * fmax(1.0, y);
		if (mu == 0.0)
			return -c * lam * exp(lsc);
		if (y <= 30.0)
			return c * (-expm1(y) / mu) * exp(lsc);
		/* T_main - 1 in logs: beyond the double range (a < 1, w^(a-1) of 1e300) */
		return copysign(exp(log(c) + y + log1p(-exp(-y)) - log(fabs(mu)) + lsc), -mu);
	}
	else
	{
		/* T_main <= 0, or c <= 0 (so mu < 0, T_main < 0): no cancellation */
		double		l1 = (1.0 + mu) * cr_lgamma_slope(bm, 1.0 + mu),
					cs = c * exp(lsc),
					ct = copysign(exp(mu * lw + l1 - mu * s2 + log(fabs(S)) + lsc), S);

		*rel = (2.2e-16 * (fabs(mu * lw) + 4.0 * (fabs(l1) + fabs(mu * s2))) +
				4.4e-16 * bigs / fabs(S)) * fabs(ct) / fabs(cs - ct) + 2.2e-16;
		return (cs - ct) / mu;
	}
}

/* expm1(z) / z, 1 at z = 0 */
static double
bg_expm1_ratio(double z)
{
	return z == 0.0 ? 1.0 : expm1(z) / z;
}

/*
 * The divided difference P[z1, z2] of P(z) = expm1(z) / z, P'(z1) at
 * z2 = z1, without the cancellation of P(z2) - P(z1) where z1 and z2 are
 * close: for |z1|, |z2| <= 2 the series sum_{k >= 1} h_{k-1}(z1, z2) /
 * (k+1)!, h_m the sum of the products z1^i z2^(m-i), whose 27th term is
 * below 1e-17 of the first there; beyond, with d = z2 - z1 within 1,
 * (exp(z1) (z1 P(d) - 1) + 1) / (z1 z2), whose two terms have one sign or
 * the first is below e^-1 of the second; else the difference itself.
 */
static double
bg_expm1_ratio_dd(double z1, double z2)
{
	double		h = 1.0,		/* h_{k-1} */
				p1 = 1.0,		/* z1^(k-1) */
				fact = 2.0,		/* (k+1)! */
				sum = 0.0,
				d = z2 - z1;
	int			k;

	if (!(fmax(fabs(z1), fabs(z2)) <= 2.0))
	{
		if (fabs(d) > 1.0 || !isfinite(d))
			return (bg_expm1_ratio(z2) - bg_expm1_ratio(z1)) / d;
		return (exp(z1) * (z1 * bg_expm1_ratio(d) - 1.0) + 1.0) / (z1 * z2);
	}
	for (k = 1; k <= 30; k++)
	{
		sum += h / fact;
		p1 *= z1;
		h = z2 * h + p1;
		fact *= k + 2.0;
	}
	return sum;
}

/*
 * c (1 - f) / mu for s = nu - mu in (0, 1/2), where both terms have a pole
 * at s = 0 (Gamma(s), Gamma(-s)) and are each of order 1/s times the result
 * or more (a = 1 with r = 1.5e-6, x = 0: 1e7 times).  Term by term in w^j
 * their sum is a divided difference: with Gamma(s) = Gamma(1+s)/s,
 * Gamma(-s) = -Gamma(1-s)/s and 1/Gamma(mu) = mu/Gamma(1+mu),
 *   (1 - f_0)/mu = -expm1(mu L1)/mu + exp(mu L1) expm1(s L2)/s,
 *   f_j/mu = -w^(mu+j) nu P_j expm1(s L2_j)/s, j >= 1,
 * where mu L1 = ln(w^mu Gamma(c) Gamma(1+s) / (Gamma(1+nu) Gamma(bm))), P_j
 * that times the Pochhammer ratio of the j-th term of T_main, and s L2_j the
 * log of the ratio of T_partner's j-th term to T_main's: sums of Gamma
 * slopes and log1p's times s, no differences.  NaN where c - nu <= 0 (then
 * the connection formula's terms themselves, in bg_far_part).
 */
static double
bg_far_near0(double mu, double bm, double nu, double lw, double lsc, double *relerr)
{
	double		s = nu - mu,
				c = bm + mu,
				A = c - nu,
				w = exp(lw),
				s1 = cr_lgamma_slope(bm, mu),
				s2 = cr_lgamma_slope(1.0 + s, mu),
				s3 = cr_lgamma_slope(1.0, -s),
				s4 = cr_lgamma_slope(1.0, s),
				s5 = cr_lgamma_slope(bm, -s),
				s6 = cr_lgamma_slope(1.0 + mu, s),
				l1 = lw + s1 - s2,
				l2 = lw - s3 - s4 + s5 + s6,
				el = 2.2e-16 * (fabs(lw) + 4.0 * (fabs(s1) + fabs(s2) + fabs(s3) + fabs(s4) +
												  fabs(s5) + fabs(s6))),
				y1 = mu * l1,
				x0a = mu == 0.0 ? -l1 : -expm1(y1) / mu,
				x0b = exp(y1) * expm1(s * l2) / s,
				x0 = x0a + x0b,
				err = el * 2.0 * fmax(1.0, exp(y1)) * fmax(1.0, exp(s * l2)) +
				8.8e-16 * (fabs(x0a) + fabs(x0b)),
				sum = 0.0,
				k,
				d = 0.0;
	int			j;

	if (!(A > 0.0 && c > 0.0 && s > 0.0 && s < 0.5) || !isfinite(x0))
		return NAN;
	{
		/*
		 * Where s and mu are small, x0a and x0b are about -l1 and l2, and
		 * each carries ln w (600 at a horizon of 1e262), while their sum is
		 * of order s ln(w)^2 / 2 (0.005 at r = 3e-8, a = 1: 1e-10 of it was
		 * rounding, and 1e-4 at r = 1e-12; the value was rejected and E[Y]
		 * raised 22003).  x0 is
		 *   (exp(nu l1 + s d) - exp(mu l1)) / s - expm1(mu l1) / mu,
		 * which is, with l = l1, d = l2 - l1 and P(z) = expm1(z) / z,
		 *   x0 = nu l^2 P[mu l, nu l] + exp(nu l) d P(s d),
		 * P[.,.] its divided difference (bg_expm1_ratio_dd): no cancellation
		 * (mu = -1e-7 with r = 1e-12 cancelled terms of mu l^2 to 1e-5 of
		 * them).  d, in which ln w cancels, is a sum of Gamma slopes'
		 * differences, each nu times a second divided difference of
		 * ln Gamma (cr_lgamma_dd2).
		 */
		double		g1 = cr_lgamma_dd2(1.0, s, nu),
					g2 = cr_lgamma_dd2(1.0, mu, nu),
					g3 = cr_lgamma_dd2(1.0, -s, mu),
					g4 = cr_lgamma_dd2(bm, -s, mu),
					d = nu * (g1 + g2 + g3 - g4),
					q = bg_expm1_ratio_dd(mu * l1, nu * l1),
					t1 = nu * l1 * l1 * q,
					sd = s * d,
					ep = exp(nu * l1) * bg_expm1_ratio(sd),
					t2 = ep * d;

		/* (else, as where a shift is too long for cr_lgamma_dd2, as above) */
		if (isfinite(d) && isfinite(q) && isfinite(ep))
		{
			x0 = t1 + t2;
			/* d to 1e-15 of its terms; t1 relative to l1, off by el */
			err = 4e-15 * nu * (fabs(g1) + fabs(g2) + fabs(g3) + fabs(g4)) * fabs(ep) +
				2.0 * el * fabs(nu * l1 * q) + (fabs(nu) * el + 1.3e-15) * fabs(t2) +
				1.3e-15 * fabs(t1);
		}
	}
	k = exp(y1) * nu * w * A / (1.0 - s);
	for (j = 1; j <= BG_FAR_TERMS; j++)
	{
		double		i = j - 1.0,
					l2j,
					xj;

		/* the factors of index j - 1 of the Pochhammer ratios, over s */
		d += cr_log1p_ratio(-s / (bm + i)) / (bm + i) -
			(cr_log1p_ratio(-s / (1.0 + i)) + cr_log1p_ratio(s / (1.0 + i))) / (1.0 + i);
		if (j >= 2)
			d += cr_log1p_ratio(s / (mu + i)) / (mu + i);
		l2j = l2 + d;
		xj = -k * expm1(s * l2j) / s;
		sum += xj;
		err += fabs(xj) * (8.8e-16 + el);
		if (!isfinite(sum))
			return NAN;
		/* the ratio of the terms tends to w, below 1/4 here */
		if (fabs(xj) <= 1e-17 * fabs(x0 - sum) || k == 0.0)
			break;
		k *= w * (A + j) * (mu + j) / ((1.0 - s + j) * (j + 1.0));
	}
	if (j > BG_FAR_TERMS || !(err <= BG_FAR_RELERR * fabs(x0 - sum)))
		return NAN;
	*relerr = err / fabs(x0 - sum);
	return c * (x0 - sum) * exp(lsc);
}

/* c (1 - f) / mu times e^lsc in the orientation s = nu - mu > 0 (see above) */
static double
bg_far_part(double mu, double bm, double nu, double lw, double lsc, double *relerr)
{
	double		c = bm + mu,
				s = nu - mu,
				A = c - nu,
				m = nearbyint(s),
				gap = fabs(s - m),
				w = exp(lw),
				lg = 0.0,
				sg = 1.0,
				lb,
				tau,
				bigt,
				sp;
	bool		part_zero = false;
	int			pass;

	if (!(s > 0.0) || !(w * (2.0 * bm + 3.0) * (2.0 + fabs(mu)) <= 0.25))
		return NAN;
	if (s < 0.5)
	{
		double		f = bg_far_near0(mu, bm, nu, lw, lsc, relerr);

		if (!isnan(f))
			return f;
	}
	/* ln |Gamma(1+c) / Gamma(c-nu)|, its sign; 1 / Gamma(c-nu) = 0 at a pole */
	if (A > 0.0)
		lg = (1.0 + nu) * cr_lgamma_slope(A, 1.0 + nu);
	else if (A == floor(A))
		part_zero = true;
	else
	{
		lg = lgamma(1.0 + c) - lgamma(A);
		sg = cr_gamma_sign(A);
	}
	tau = bg_far_sigma(bm, nu, 1.0 + s, w, INFINITY, 1.0, &bigt);
	if (isnan(tau))
		return NAN;
	sp = 1.0 + nu * tau;
	/* the logarithmic part's magnitude, with room for its digammas and 1000 to spare */
	lb = part_zero ? -INFINITY :
		(mu + fmin(m, s)) * lw + lg - lgamma(1.0 + fmin(m, s)) - lgamma(1.0 + mu) +
		log(2.0 * sp) + log(fabs(lw) + 4.0 * log(2.0 + nu + bm + fabs(mu) + m) +
							1.0 / bm + 1.0 / nu + 10.0) + log(1e3);
	for (pass = 0; pass < 2; pass++)
	{
		bool		trunc = pass == 0;
		double		sigma,
					bigs,
					rmain,
					fmain,
					f,
					err;

		if (trunc && !(m >= 1.0 && !(part_zero && -A >= m)))
			continue;
		if (!trunc && !(gap > 0.0))
			return NAN;
		sigma = bg_far_sigma(A, mu, 1.0 - s, w, trunc ? m - 1.0 : INFINITY,
							 trunc ? 1.0 : gap, &bigs);
		if (isnan(sigma))
			continue;
		fmain = bg_far_main(mu, bm, nu, lw, sigma, bigs, lsc, &rmain);
		if (trunc)
		{
			if (!(lb + lsc <= log(1e-17 * fabs(fmain))))
				continue;
			f = fmain;
			err = fabs(fmain) * rmain;
			/*
			 * the main term alone, from its logarithm, beyond the double
			 * range: so is F (a < 1 with a horizon 1e320 times alpha + T:
			 * E[Y] of 5e315 was NaN, "cannot be computed")
			 */
			if (isinf(f))
			{
				*relerr = 0.0;
				return f;
			}
		}
		else
		{
			double		fpart = 0.0,
						rpart = 0.0;

			if (!part_zero)
			{
				/* Gamma(-s) = -pi / (sin(pi s) Gamma(1+s)) */
				double		sn = sin(BG_PI * (s - m)) * (fmod(m, 2.0) == 0.0 ? 1.0 : -1.0),
							lgs = lgamma(1.0 + s),
							lgm = lgamma(1.0 + mu);

				fpart = -sg * copysign(exp(nu * lw + lg - lgs - lgm + log(BG_PI / fabs(sn)) +
										   log(sp) + lsc), sn);
				rpart = 2.2e-16 * (fabs(nu * lw) + 4.0 * (fabs(lg) + fabs(lgs) + fabs(lgm)) + 8.0 +
								   4.0 * fmax(nu, fabs(mu)) / gap) + 4.4e-16 * bigt * nu / sp;
			}
			f = fmain - fpart;
			err = fabs(fmain) * rmain + fabs(fpart) * rpart;
		}
		if (!(err <= BG_FAR_RELERR * fabs(f)))
			return NAN;
		*relerr = err / fabs(f);
		return f;
	}
	return NAN;
}

/* F times e^lsc (lsc = ln P(alive): E[Y], where F alone passes DBL_MAX) */
static double
bg_expected_far_err(const CrBgnbd *m, double t, double x, double T, double lsc, double *relerr)
{
	double		e = m->a - 1.0,
				beta = m->b + x,
				n = m->r + x,
				s = n - e,
				k = t / (m->alpha + T),
				lw;

	if (isfinite(k))
		lw = -log1p(k);
	else
	{
		/* alpha + T below t / DBL_MAX: ln w = -ln(1 + k) from the logs */
		double		lk = log(t) - log(m->alpha + T);

		lw = -lk - log1p(exp(-lk));
	}
	if (s > 0.0)
		return bg_far_part(e, beta, n, lw, lsc, relerr);
	if (s < 0.0)
		return bg_far_part(n, beta - s, e, lw, lsc, relerr) * (n / e);
	return NAN;
}

/* the same without its error estimate */
static double
bg_expected_far(const CrBgnbd *m, double t, double x, double T, double lsc)
{
	double		relerr;

	return bg_expected_far_err(m, t, x, T, lsc, &relerr);
}

/* a within this of 1: E[Y] by quadrature first (see cr_bgnbd_expected_factor) */
#define BG_NEAR_ONE 1e-4
/* the series' value is integrated again when its error may be above this */
#define BG_SERIES_RELERR 1e-9
/* and where it may be above this, the far form's value wins if it is better */
#define BG_SERIES_FAR 1e-12

double
cr_bgnbd_expected_factor(const CrBgnbd *m, double t, double x, double T)
{
	double		f,
				q,
				relerr = 0.0;
	bool		tried = false;

	/*
	 * A horizon beyond 1/DBL_MIN times alpha + T: w = 1 - z is subnormal or
	 * 0, which the series took for a w^(a-1) of 0 (a = 1.00017, b = 4e-5:
	 * E[Y] 1.235, not 1.029), and k = t / (alpha + T) infinite, which the
	 * quadrature took for its limit; the far form has ln w from the logs
	 */
	if (!(t / (m->alpha + T) <= 1.0 / DBL_MIN))
	{
		f = bg_expected_far(m, t, x, T, 0.0);
		if (!isnan(f))
			return f;
	}
	/*
	 * Near a = 1 the series' (a+b+x-1)/(a-1) (1 - f) takes a difference of
	 * order a - 1: its relative error is about 1e-13 / |a - 1| (1e-7 at
	 * a = 1 + 1e-6, 1e-9 at 1 + 1e-4), so the quadrature, which has no
	 * singularity there, comes first (slower: 40 us against 1)
	 */
	if (fabs(m->a - 1.0) < BG_NEAR_ONE)
	{
		f = bg_expected_quad(m, t, x, T);
		if (!isnan(f))
			return f;
		tried = true;
	}
	f = bg_head_a(m, m->a, t, x, T, &relerr);
	/*
	 * Near a = 1 at far horizons the series' (1 - f) / (a - 1) keeps about
	 * 1e-13 / |a - 1| of its digits (a = 1 - 8e-4, r = 1e-6, b = 30,
	 * t = 1e150: 9e-10 off, within BG_SERIES_RELERR), where the far form,
	 * which divides by nothing, keeps them all: it wins where its error is
	 * the smaller
	 */
	if (!isnan(f) && relerr > BG_SERIES_FAR)
	{
		double		far_err,
					g = bg_expected_far_err(m, t, x, T, 0.0, &far_err);

		if (!isnan(g) && far_err < relerr)
			return g;
	}
	/*
	 * every form of the 2F1, or 1 - 2F1, lost to cancellation; or the value
	 * may be off by more than BG_SERIES_RELERR: the quadrature, whose value
	 * wins unless it fails too
	 */
	if ((isnan(f) || relerr > BG_SERIES_RELERR) && !tried)
	{
		q = bg_expected_quad(m, t, x, T);
		if (!isnan(q))
			return q;
	}
	/* and where that fails too, a horizon far beyond alpha + T may be why */
	if (isnan(f) || relerr > BG_SERIES_RELERR)
	{
		q = bg_expected_far(m, t, x, T, 0.0);
		if (!isnan(q))
			return q;
	}
	return f;
}

double
cr_bgnbd_times_p_alive_logs(const CrBgnbd *m, double t, double x, double tx, double T, double f,
							double palive)
{
	double		lodds,
				lp;

	if (palive == 0.0 && isnan(f))
		return 0.0;				/* as when P(alive) is surely 0 */
	if (!(palive < DBL_MIN || isinf(f)) || isnan(f) || f == 0.0 || x == 0.0)
		return cr_bgnbd_count_mean(f * palive);
	/*
	 * P(alive) below the normal range has lost digits (1e-315 keeps 8 bits,
	 * which E[Y] of 1e-295 kept too) or is 0 (E[Y] was 0 where a factor of
	 * 1e20 made it 1e-300), and a factor beyond DBL_MAX (a < 1 and a horizon
	 * past 1e300 times alpha + T) gave an infinite E[Y] where P(alive) of
	 * 1e-200 made it finite: times P(alive) in logs
	 */
	lodds = cr_bgnbd_log_odds(m, x, tx, T);
	lp = lodds < 30.0 ? -log1p(exp(lodds)) : -lodds - log1p(exp(-lodds));
	if (isinf(f))
	{
		f = bg_expected_far(m, t, x, T, lp);
		return cr_bgnbd_count_mean(!isnan(f) ? f : palive == 0.0 ? 0.0 : INFINITY);
	}
	return cr_bgnbd_count_mean(copysign(exp(log(fabs(f)) + lp), f));
}

double
cr_bgnbd_expected(const CrBgnbd *m, double t, double x, double tx, double T)
{
	double		f,
				palive;

	if (t == 0.0)
		return 0.0;
	palive = cr_bgnbd_p_alive(m, x, tx, T);
	if (cr_bgnbd_surely_dead(m, x, tx, T, palive))
		return 0.0;				/* whatever the factor, even where it overflows */
	if (fabs(m->a - 1.0) < 1e-6)
	{
		/*
		 * a = 1 is a removable singularity of the series: the quadrature has
		 * none, nor has the far form (first where the horizon is beyond
		 * 1/DBL_MIN times alpha + T, see cr_bgnbd_expected_factor); else the
		 * line through the values at 1 -+ 1e-6 (their mean was off by the
		 * slope times a - 1, 2e-6 relatively; the line, by the curvature,
		 * 1e-3 where the horizon is 1e224 times alpha + T)
		 */
		bool		far_first = !(t / (m->alpha + T) <= 1.0 / DBL_MIN);	/* as below */

		f = far_first ? bg_expected_far(m, t, x, T, 0.0) : bg_expected_quad(m, t, x, T);
		if (isnan(f))
			f = far_first ? bg_expected_quad(m, t, x, T) : bg_expected_far(m, t, x, T, 0.0);
		if (isnan(f))
		{
			double		lo = bg_expected_a(m, 1.0 - 1e-6, t, x, tx, T),
						hi = bg_expected_a(m, 1.0 + 1e-6, t, x, tx, T);

			return cr_bgnbd_count_mean(lo + (m->a - (1.0 - 1e-6)) / 2e-6 * (hi - lo));
		}
	}
	else
		f = cr_bgnbd_expected_factor(m, t, x, T);
	return cr_bgnbd_times_p_alive(m, t, x, tx, T, f, palive);
}

double
cr_bgnbd_clv(const CrBgnbd *m, double x, double tx, double T, double spend,
			 int periods, double d, double period_length)
{
	return cr_bgnbd_clv_tick(m, x, tx, T, spend, periods, d, period_length, NULL, NULL);
}

double
cr_bgnbd_clv_tick(const CrBgnbd *m, double x, double tx, double T, double spend,
				  int periods, double d, double period_length, cr_optim_tick tick,
				  void *tick_arg)
{
	double		clv = 0.0,
				prev = 0.0,
				disc = 1.0;
	int			i;

	for (i = 1; i <= periods; i++)
	{
		double		e;

		if (tick)
			tick(tick_arg);
		e = cr_bgnbd_expected(m, i * period_length, x, tx, T);

		disc *= 1.0 + d;
		clv += (e - prev) * spend / disc;
		prev = e;
	}
	return clv;
}
