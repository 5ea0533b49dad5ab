/*
 * cr_uplift.c
 *	  Qini and uplift curves (see cr_uplift.h).
 *
 * sklift's definitions, for rows sorted by predicted uplift from the highest
 * down, evaluated at the last row of each run of equal uplift (a threshold),
 * with N, N_t, N_c the rows, treated rows and control rows so far and Y_t, Y_c
 * the retained ones among them:
 *   Qini curve    Y_t - Y_c N_t / N_c          (0 while N_c = 0)
 *   uplift curve  (Y_t / N_t - Y_c / N_c) N    (each ratio 0 while its N is 0)
 * both starting at (0, 0).  An area is the trapezoid rule over the points;
 * the score is (area - baseline) / (perfect area - baseline), the baseline
 * being the straight line from (0, 0) to the curve's end.  The perfect Qini
 * curve ranks treated retained members first and control retained members
 * last (negative_effect = True); the perfect uplift curve ranks by
 * 2 [treated = retained] + (retained if #control retained > #treated lost,
 * else treated).  Both are built here from the four class counts.
 *
 * uplift_at_k ('overall'): among the floor(N k) rows with the highest
 * uplift, the retention rate of the treated minus that of the control rows.
 * sklift breaks ties at the cut by reverse input order; here a run of equal uplift
 * that straddles the cut counts in proportion to the part of it inside, which
 * is the same for tie-free scores and independent of row order.
 */
#include "cr_uplift.h"

#include <math.h>

typedef struct Curves
{
	double		n,
				nt,
				yt,
				nc,
				yc;
	double		last_qini,
				last_uplift;
	double		qini_area,
				uplift_area;
} Curves;

static double
qini_value(const Curves *c)
{
	return c->yt - (c->nc > 0 ? c->yc * c->nt / c->nc : 0.0);
}

static double
uplift_value(const Curves *c)
{
	return ((c->nt > 0 ? c->yt / c->nt : 0.0) - (c->nc > 0 ? c->yc / c->nc : 0.0)) * c->n;
}

/* Add one threshold's group of rows and the trapezoids up to its point. */
static void
curves_add(Curves *c, double nt, double yt, double nc, double yc)
{
	double		x0 = c->n,
				q,
				u;

	if (nt + nc == 0)
		return;
	c->nt += nt;
	c->yt += yt;
	c->nc += nc;
	c->yc += yc;
	c->n += nt + nc;
	q = qini_value(c);
	u = uplift_value(c);
	c->qini_area += (c->n - x0) * (q + c->last_qini) / 2.0;
	c->uplift_area += (c->n - x0) * (u + c->last_uplift) / 2.0;
	c->last_qini = q;
	c->last_uplift = u;
}

static double
normalised(double area, double perfect, double n, double last)
{
	double		base = n * last / 2.0;
	double		denom = perfect - base;

	return denom != 0.0 ? (area - base) / denom : NAN;
}

void
cr_uplift_evaluate(uint64_t *const keys[4], const size_t n[4], double k,
				   CrUpliftPoint *points, int max_points, CrUpliftResult *r)
{
	size_t		pos[4];
	double		total = (double) (n[0] + n[1] + n[2] + n[3]);
	double		cut = floor(total * k);
	double		top[4] = {0, 0, 0, 0};
	Curves		act = {0},
				perf = {0};
	double		A = (double) n[CR_UP_TRT_KEPT],
				B = (double) n[CR_UP_TRT_LOST],
				C = (double) n[CR_UP_CTRL_KEPT],
				D = (double) n[CR_UP_CTRL_LOST];
	int			np = 0,
				pct = 1;		/* the next percent (of max_points) to reach */

	for (int c = 0; c < 4; c++)
		pos[c] = n[c];			/* walk each class from its end (highest) */
	r->n = total;
	r->n_treated = A + B;
	r->points = points;
	points[np++] = (CrUpliftPoint) {0, 0, 0};

	for (;;)
	{
		uint64_t	best = 0;
		int			any = 0;
		double		g[4];
		double		before = act.n;

		for (int c = 0; c < 4; c++)
			if (pos[c] > 0 && (!any || keys[c][pos[c] - 1] > best))
			{
				best = keys[c][pos[c] - 1];
				any = 1;
			}
		if (!any)
			break;
		for (int c = 0; c < 4; c++)
		{
			size_t		p = pos[c];

			while (p > 0 && keys[c][p - 1] == best)
				p--;
			g[c] = (double) (pos[c] - p);
			pos[c] = p;
		}
		curves_add(&act, g[2] + g[3], g[3], g[0] + g[1], g[1]);

		/* the part of this run inside the top floor(N k) rows */
		if (before < cut)
		{
			double		share = act.n <= cut ? 1.0 : (cut - before) / (act.n - before);

			for (int c = 0; c < 4; c++)
				top[c] += g[c] * share;
		}
		/*
		 * One point at the first threshold reaching the next percent not yet
		 * reached; a run of equal uplift that jumps over several percents
		 * reaches them all at once (one point), so the percents are counted
		 * apart from the points.
		 */
		if (pct <= max_points && act.n >= total * pct / max_points)
		{
			points[np].n_targeted = act.n;
			points[np].qini = act.last_qini;
			points[np].uplift = act.last_uplift;
			np++;
			while (pct <= max_points && act.n >= total * pct / max_points)
				pct++;
		}
	}
	r->npoints = np;

	if (A + B == 0 || C + D == 0)
	{
		r->qini_coefficient = r->uplift_auc = r->uplift_at_k = NAN;
		return;
	}

	/* perfect Qini: treated retained, then the non-retained, then control retained */
	curves_add(&perf, A, A, 0, 0);
	curves_add(&perf, B, 0, D, 0);
	curves_add(&perf, 0, 0, C, C);
	r->qini_coefficient = normalised(act.qini_area, perf.qini_area, total, act.last_qini);

	/* perfect uplift: treated retained, control lost, then the other two */
	perf = (Curves) {0};
	curves_add(&perf, A, A, 0, 0);
	curves_add(&perf, 0, 0, D, 0);
	if (C > B)
	{
		curves_add(&perf, 0, 0, C, C);
		curves_add(&perf, B, 0, 0, 0);
	}
	else
	{
		curves_add(&perf, B, 0, 0, 0);
		curves_add(&perf, 0, 0, C, C);
	}
	r->uplift_auc = normalised(act.uplift_area, perf.uplift_area, total, act.last_uplift);

	{
		double		top_t = top[2] + top[3],
					top_c = top[0] + top[1];

		r->uplift_at_k = (top_t > 0 && top_c > 0)
			? top[3] / top_t - top[1] / top_c : NAN;
	}
}
