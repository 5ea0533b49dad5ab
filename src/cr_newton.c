/*
 * cr_newton.c
 *	  The sums of one pass over rows that arrive one at a time (the
 *	  retention_newton_step aggregate).  Plain C.
 *
 * retention_fit hands these passes to cr_logit_fit_passes (cr_logit.c),
 * the Newton iteration retention_train runs too, so both reach the same
 * optimum by the same steps and reject the same data.  retention_train
 * additionally warm-starts large inputs on a sample; that changes its
 * iteration count, not the optimum.
 */
#include "cr_newton.h"
#include "cr_logit_rows.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------- layout */

/*
 * v is a whole number in [lo, hi] (bounds within int64).  The cast instead
 * of floor(): x86-64's baseline has no rounding instruction, and floor()
 * as a libm call was a tenth of the transition function, which checks its
 * state on every row.
 */
static bool
integral_in(double v, double lo, double hi)
{
	return v >= lo && v <= hi && v == (double) (int64_t) v;
}

bool
cr_point_flags_valid(double flags, double d)
{
	int			f;

	if (!integral_in(flags, 0, CR_PT_MAX_FLAGS))
		return false;
	f = (int) flags;
	/*
	 * at most one kind of pass (bins go with a Newton pass), and none for a
	 * counting point ({flags, 0})
	 */
	return ((f & (int) CR_PT_FINAL) != 0) + ((f & (int) CR_PT_MOMENTS) != 0) +
		((f & (int) CR_PT_DIRECTION) != 0) + ((f & (int) CR_PT_BINS) != 0) <= (d == 0 ? 0 : 1);
}

bool
cr_state_valid(const double *st, int len)
{
	const double *pt = st + CR_ST_HEADER;
	int			d,
				plen,
				pd;

	if (len < CR_ST_HEADER + 2 ||
		!integral_in(st[CR_ST_D], 0, CR_MAX_FEATURES) ||
		!integral_in(st[CR_ST_PLEN], 2, cr_point_len(CR_MAX_FEATURES, (int) CR_PT_BINS)))
		return false;
	d = (int) st[CR_ST_D];
	plen = (int) st[CR_ST_PLEN];
	if (len != cr_state_len(d, plen) ||
		!integral_in(pt[CR_PT_D], 0, CR_MAX_FEATURES) || !cr_point_flags_valid(pt[CR_PT_FLAGS], pt[CR_PT_D]))
		return false;
	pd = (int) pt[CR_PT_D];
	/* a counting point ({flags, 0}) grows to the rows' d; others fix it */
	return plen == cr_point_len(pd, (int) pt[CR_PT_FLAGS]) &&
		(pd == 0 || pd == d) &&
		(d == 0 || integral_in(st[cr_state_queue(d, plen)], 0, CR_QUEUE_ROWS - 1));
}

void
cr_state_init(double *st, int d, const double *point, int plen)
{
	memset(st, 0, sizeof(double) * cr_state_len(d, plen));
	st[CR_ST_D] = d;
	st[CR_ST_PLEN] = plen;
	st[CR_ST_PARTS] = 1;
	memcpy(st + CR_ST_HEADER, point, sizeof(double) * plen);
}

static bool
flag(double flags, double bit)
{
	return ((int) flags & (int) bit) != 0;
}

bool
cr_rows_same(const CrRowSums *first, const CrRowSums *now, const double *ax, int d)
{
	int			j;

	if (now->rows != first->rows || now->skipped != first->skipped || now->npos != first->npos)
		return false;
	/* the same rows only if every sum is within rounding */
	if (!(fabs(now->sw - first->sw) <= CR_ROWS_SAME_TOL * first->sw &&
		  fabs(now->sw1 - first->sw1) <= CR_ROWS_SAME_TOL * first->sw))
		return false;
	for (j = 0; j < d; j++)
		if (!(fabs(now->sx[j] - first->sx[j]) <= CR_ROWS_SAME_TOL * ax[j] &&
			  (now->sx1 == NULL || fabs(now->sx1[j] - first->sx1[j]) <= CR_ROWS_SAME_TOL * ax[j]) &&
			  (first->sq == NULL || now->sq == NULL || !isfinite(first->sq[j]) ||
			   fabs(now->sq[j] - first->sq[j]) <= CR_ROWS_SAME_TOL * first->sq[j])))
			return false;
	/* the cross products, mixed; not where the squares overflowed */
	return !isfinite(first->mixb) || fabs(now->mix - first->mix) <= CR_ROWS_SAME_TOL * first->mixb;
}

/* sigmoid(eta) from e = exp(-|eta|), as cr_logit.c does */
static inline double
sigmoid_e(double eta, double e)
{
	return eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* log(1 + exp(eta)) and sigmoid(eta) from one exp(), as cr_logit.c does */
static double
log1pexp(double eta, double *p)
{
	double		e = exp(-fabs(eta));

	*p = sigmoid_e(eta, e);
	return log1p(e) + (eta >= 0 ? eta : 0.0);
}

/* x's linear predictor at the raw-scale beta (final and bins passes) */
static inline double
raw_eta(const double *beta, const double *x, int d)
{
	double		eta = beta[0];
	int			j;

	for (j = 0; j < d; j++)
		eta += beta[j + 1] * x[j];
	return eta;
}

/* Direction pass: the running extremes of u = (2y - 1) x'dir (cr_logit.h). */
static void
add_margin(double *st, const double *x, bool retained, int d)
{
	int			plen = (int) st[CR_ST_PLEN];
	const double *pt = st + CR_ST_HEADER;
	const double *dir = pt + CR_PT_BETA;
	const double *mu = dir + d + 1;
	const double *isc = mu + d;
	double	   *u = st + cr_state_grad(d, plen);
	double		z = dir[0],
				a = fabs(dir[0]);
	int			j;

	for (j = 0; j < d; j++)
	{
		double		t = dir[j + 1] * ((x[j] - mu[j]) * isc[j]);

		z += t;
		a += fabs(t);
	}
	z = retained ? z : -z;
	u[0] = fmin(u[0], z + 1e-12 * a);	/* rounding of the sum itself */
	u[1] = fmax(u[1], z);
}

/* Queue of a Newton pass (cr_newton.h): rows, then eta, wc and y of each */
#define Q_ROWS(q)		((q) + 1)
#define Q_ETA(q, D)		((q) + 1 + CR_QUEUE_ROWS * (D))
#define Q_WC(q, D)		(Q_ETA(q, D) + CR_QUEUE_ROWS)
#define Q_Y(q, D)		(Q_WC(q, D) + CR_QUEUE_ROWS)

/* The queued rows' terms, in row order (cr_rows_newton4); empties the queue. */
static void
add_queued(double *st, double *q, int n, int d)
{
	int			plen = (int) st[CR_ST_PLEN];
	int			D = d + 1;

	cr_rows_newton4(st + cr_state_grad(d, plen), st + cr_state_hess(d, plen), &st[CR_ST_LL],
					Q_ROWS(q), Q_ETA(q, D), Q_WC(q, D), Q_Y(q, D), n, D);
	q[0] = 0;
}

/*
 * Newton pass: log-likelihood, gradient and information in solver
 * coordinates.  The row is queued in solver coordinates with its linear
 * predictor; every CR_QUEUE_ROWS rows the queue's sigmoids and logs are
 * taken together (vectorised) and its Hessian terms added to each entry
 * at once (see cr_newton.h).
 */
static void
add_newton(double *st, const double *x, bool retained, double w, int d)
{
	int			plen = (int) st[CR_ST_PLEN];
	int			D = d + 1;
	const double *pt = st + CR_ST_HEADER;
	const double *beta = pt + CR_PT_BETA;
	const double *mu = beta + D;
	const double *isc = mu + d;
	double	   *sx = st + cr_state_sx(plen);
	double	   *sxx = st + cr_state_sxx(d, plen);
	double	   *q = st + cr_state_queue(d, plen);
	int			nq = (int) q[0];
	double	   *xr = Q_ROWS(q) + nq * D;
	double		eta;
	int			j;

	if (flag(pt[CR_PT_FLAGS], CR_PT_MOMENTS))
	{
		/* spreads: (x - mu) * isc, isc a pre-scale keeping the squares in range */
		for (j = 0; j < d; j++)
		{
			double		c = (x[j] - mu[j]) * isc[j];

			sx[j] += w * c;
			sxx[j] += w * c * c;
		}
		return;
	}
	eta = cr_rows_scale_row(x, mu, isc, beta, xr, d);
	Q_ETA(q, D)[nq] = eta;
	Q_WC(q, D)[nq] = w * pt[retained ? CR_PT_CW1 : CR_PT_CW0];
	Q_Y(q, D)[nq] = retained ? 1.0 : 0.0;
	q[0] = ++nq;
	if (nq == CR_QUEUE_ROWS)
		add_queued(st, q, nq, d);
	if (flag(pt[CR_PT_FLAGS], CR_PT_BINS))
	{
		const double *edges = pt + cr_point_edges(d);
		double		e = raw_eta(edges + 11, x, d);

		st[cr_state_bins(d, plen) + cr_edges_below(edges, sigmoid_e(e, exp(-fabs(e))))] += 1;
	}
}

void
cr_state_add_row(double *st, const double *x, bool retained, double w)
{
	int			d = (int) st[CR_ST_D];
	int			plen = (int) st[CR_ST_PLEN];
	const double *pt = st + CR_ST_HEADER;
	double	   *sx = st + cr_state_sx(plen);
	int			j;

	st[CR_ST_ROWS] += 1;
	st[retained ? CR_ST_NPOS : CR_ST_NNEG] += 1;
	st[CR_ST_SW] += w;
	if (retained)
		st[CR_ST_SW1] += w;
	if (!flag(pt[CR_PT_FLAGS], CR_PT_MOMENTS))
	{
		/* the means; and what cr_rows_same compares */
		cr_row_sums_add(sx, st + cr_state_sxx(d, plen), st + cr_state_sq(d, plen), st + CR_ST_MIX,
						x, d, retained, w);
	}
	else
	{
		/* a moments pass's sx and sxx are its own: only the squares */
		double	   *sq = st + cr_state_sq(d, plen);

		for (j = 0; j < d; j++)
			sq[j] += w * x[j] * x[j];
		cr_row_mix_add(st + CR_ST_MIX, x, d, w);
	}
	if (plen == 2)
	{
		/* statistics pass: also sum |w x|, the scale of those sums */
		double	   *ax = st + cr_state_grad(d, plen) + 1;

		for (j = 0; j < d; j++)
			ax[j] += fabs(w * x[j]);
		return;
	}
	if (flag(pt[CR_PT_FLAGS], CR_PT_FINAL))
	{
		/* final pass: log-likelihood and decile bins at the raw-scale beta */
		double		wc = w * pt[retained ? CR_PT_CW1 : CR_PT_CW0];
		double		eta = raw_eta(pt + CR_PT_BETA, x, d),
					p,
					l;

		l = log1pexp(eta, &p);
		st[CR_ST_LL] += wc * ((retained ? eta : 0.0) - l);
		st[cr_state_bins(d, plen) + cr_edges_below(pt + cr_point_edges(d), p)] += 1;
	}
	else if (flag(pt[CR_PT_FLAGS], CR_PT_DIRECTION))
		add_margin(st, x, retained, d);
	else
		add_newton(st, x, retained, w, d);
}

/*
 * Add the queued rows, and leave the queue all zeros: the rows a full queue
 * left behind would otherwise stay in the result, which would then depend
 * on the rows' order and the plan.
 */
void
cr_state_flush(double *st)
{
	int			d = (int) st[CR_ST_D];
	int			plen = (int) st[CR_ST_PLEN];
	double	   *q;

	if (d == 0)
		return;
	q = st + cr_state_queue(d, plen);
	if (q[0] > 0)
		add_queued(st, q, (int) q[0], d);
	memset(q, 0, sizeof(double) * (cr_state_len(d, plen) - cr_state_queue(d, plen)));
}

void
cr_state_add(double *a, const double *b)
{
	int			d = (int) a[CR_ST_D];
	int			plen = (int) a[CR_ST_PLEN];
	int			nq = cr_state_queue(d, plen);
	int			i;

	for (i = CR_ST_PARTS; i < CR_ST_HEADER; i++)
		a[i] += b[i];
	if (plen > 2 && flag(a[CR_ST_HEADER + CR_PT_FLAGS], CR_PT_DIRECTION))
	{
		/*
		 * a direction pass keeps extremes, not sums; but its sums of w x
		 * (cr_rows_same compares them) add up as every pass's
		 */
		double	   *u = a + cr_state_grad(d, plen);
		const double *v = b + cr_state_grad(d, plen);

		for (i = cr_state_sx(plen); i < cr_state_grad(d, plen); i++)
			a[i] += b[i];
		u[0] = fmin(u[0], v[0]);
		u[1] = fmax(u[1], v[1]);
		return;
	}
	cr_state_flush(a);
	for (i = cr_state_sx(plen); i < nq; i++)
		a[i] += b[i];
	/* b's queued rows, through a's empty queue */
	memcpy(a + nq, b + nq, sizeof(double) * (cr_state_len(d, plen) - nq));
	cr_state_flush(a);
}

int
cr_point_make(double *p, double flags, int d, const double *cw, const double *beta,
			  const double *mu, const double *isc, const double *edges, const double *rbeta)
{
	int			D = d + 1;
	int			j,
				len;

	flags += edges ? (rbeta ? CR_PT_BINS : CR_PT_FINAL) : 0;
	len = cr_point_len(d, (int) flags);
	memset(p, 0, sizeof(double) * len);
	p[CR_PT_FLAGS] = flags;
	p[CR_PT_D] = d;
	p[CR_PT_CW0] = cw[0];
	p[CR_PT_CW1] = cw[1];
	if (beta)
		memcpy(p + CR_PT_BETA, beta, sizeof(double) * D);
	for (j = 0; j < d; j++)
		p[CR_PT_BETA + D + d + j] = isc ? isc[j] : 1.0;
	memcpy(p + CR_PT_BETA + D, mu, sizeof(double) * d);
	if (edges)
		memcpy(p + cr_point_edges(d), edges, sizeof(double) * 11);
	if (edges && rbeta)
		memcpy(p + cr_point_edges(d) + 11, rbeta, sizeof(double) * D);
	return len;
}

double
cr_state_newton_sums(double *st, double *grad, double *hess)
{
	int			d = (int) st[CR_ST_D];
	int			plen = (int) st[CR_ST_PLEN];
	int			D = d + 1;
	const double *hp;
	int			j,
				k;

	cr_state_flush(st);
	hp = st + cr_state_hess(d, plen);
	memcpy(grad, st + cr_state_grad(d, plen), sizeof(double) * D);
	memset(hess, 0, sizeof(double) * D * D);
	for (j = 0; j < D; j++)
		for (k = j; k < D; k++)
			hess[(size_t) j * D + k] = *hp++;
	return st[CR_ST_LL];
}
