/*
 * cr_newton.h
 *	  Plain-C kernel of retention_fit: the fixed-size sums of one pass (what
 *	  the retention_newton_step aggregate accumulates).  The Newton
 *	  iteration over such passes is cr_logit_fit_passes (cr_logit.h).
 *
 * Nothing here calls the backend (test/unit builds it alone).
 *
 * A pass is described by a "point" (float8[] of the aggregate's fourth
 * argument) and produces a "state" (the aggregate's float8[] result).  All
 * kinds of pass share one layout:
 *
 *	  point  [0] flags  [1] d  [2] cw0  [3] cw1  [4 .. 4+D) beta  [4+D .. 4+D+d) mu
 *	         [4+D+d .. 4+D+2d) isc  [4+D+2d .. +11) decile edges (CR_PT_FINAL
 *	         and CR_PT_BINS)  [4+D+2d+11 .. +D) raw-scale beta (CR_PT_BINS only)
 *	  A statistics pass (the first) has the short point {flags, 0}.
 *
 *	  A Newton pass evaluates at beta in the solver's coordinates: a row x
 *	  counts as (1, (x - mu) * isc) (cr_logit.h's CrFrame).  A moments pass
 *	  (CR_PT_MOMENTS) only sums x - mu and its square.  A direction pass
 *	  (CR_PT_DIRECTION, beta = the direction) keeps, in grad[0] and grad[1],
 *	  the smallest and largest margin (CrPasses.margins): those two combine
 *	  by min and max, every other sum by addition.  A final pass uses beta
 *	  on the original scale.  A Newton pass with CR_PT_BINS also counts,
 *	  as a final pass does, the decile bins of the scores at the raw-scale
 *	  beta after the edges: retention_fit asks for them when the pass is
 *	  likely to be its last, and then needs no final pass.
 *
 *	  state  header CR_ST_HEADER values, a copy of the point, then the sums
 *	         sx[d] sxx[d] sq[d] grad[D] hess[D(D+1)/2] bins[10], then the queue
 *	         q[1 + CR_QUEUE_ROWS (D + 3)]: the number of rows queued (below
 *	         CR_QUEUE_ROWS), their solver-coordinate rows (D values each),
 *	         then per row its linear predictor, class-weighted weight and
 *	         label (CR_QUEUE_ROWS values each).
 *	  A moments pass sums w (x - mu) isc in sx and its square in sxx; every
 *	  other pass sums w x in sx and w x of the retained rows in sxx, and the
 *	  counting pass |w x| in grad[1 .. d] (cr_rows_same).  Every pass sums
 *	  w x^2 in sq, and in the header the mixed second moment and its scale
 *	  (CR_ST_MIX, CR_ST_MIXB: cr_row_mix_add): with sx and sxx, what
 *	  cr_rows_same compares.
 *
 * A Newton pass queues each row: every CR_QUEUE_ROWS rows the queue's
 * sigmoids and logs are taken together (one vector exp and log1p with
 * AVX2, cr_logit_rows.h), their log-likelihood and gradient terms added in
 * row order, and their Hessian terms added to each entry of the upper
 * triangle together (one load and store of the entry for the four), not
 * one row at a time.  A row's terms do not depend on its place in the
 * queue.  cr_state_flush adds what is still queued; the aggregate's final
 * function and the combine function flush, so a result never holds queued
 * rows.
 *
 * Sums (but a direction pass's extremes) are element-wise additive, so
 * partial states of parallel workers (or Citus shards) combine by addition.  Row and class counts are exact in
 * doubles up to 2^53 rows.
 */
#ifndef CR_NEWTON_H
#define CR_NEWTON_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cr_logit.h"

/* point flags */
#define CR_PT_SKIP_INVALID	1.0		/* bit 0 */
#define CR_PT_INTERCEPT		2.0		/* bit 1: the model has an intercept (mu centres) */
#define CR_PT_FINAL			4.0		/* bit 2: raw-scale beta, log-likelihood and bins */
#define CR_PT_MOMENTS		8.0		/* bit 3: only the sums of x - mu and (x - mu)^2 */
#define CR_PT_DIRECTION		16.0	/* bit 4: extremes of the margins along beta */
#define CR_PT_BINS			32.0	/* bit 5: a Newton pass that also counts the decile
									 * bins of the scores at the raw-scale beta after
									 * the edges */
#define CR_PT_MAX_FLAGS		63

#define CR_PT_FLAGS		0
#define CR_PT_D			1
#define CR_PT_CW0		2
#define CR_PT_CW1		3
#define CR_PT_BETA		4

/* state header */
#define CR_ST_D			0		/* features (0: no usable row yet) */
#define CR_ST_PLEN		1		/* length of the point copy */
#define CR_ST_PARTS		2		/* partial states combined into this one */
#define CR_ST_ROWS		3		/* usable rows */
#define CR_ST_SKIPPED	4
#define CR_ST_NPOS		5		/* usable rows retained */
#define CR_ST_NNEG		6
#define CR_ST_SW		7		/* sum of row weights */
#define CR_ST_SW1		8		/* of retained rows */
#define CR_ST_LL		9		/* weighted log-likelihood at the point */
#define CR_ST_MIX		10		/* sum of w (sum_j c_j x_j)^2 (cr_mix_coef) */
#define CR_ST_MIXB		11		/* sum of w (sum_j |c_j x_j|)^2, its scale */
#define CR_ST_HEADER	12

/* rows a Newton pass queues for its Hessian */
#define CR_QUEUE_ROWS	4

/*
 * Length of a point for d features and its flags (CR_PT_FINAL: with
 * decile edges; CR_PT_BINS: with edges and a raw-scale beta).
 */
static inline int
cr_point_len(int d, int flags)
{
	return d == 0 ? 2 : 4 + (d + 1) + 2 * d +
		((flags & (int) CR_PT_FINAL) ? 11 : 0) + ((flags & (int) CR_PT_BINS) ? 11 + d + 1 : 0);
}

/* Offset of the decile edges in a final or bins point. */
static inline int
cr_point_edges(int d)
{
	return CR_PT_BETA + (d + 1) + 2 * d;
}

/* Are a point's flags valid for its d (0: a counting point)? */
extern bool cr_point_flags_valid(double flags, double d);

/* Offsets of the sums in a state (inline: the row functions use them on every row). */
static inline int
cr_state_sx(int plen)
{
	return CR_ST_HEADER + plen;
}

static inline int
cr_state_sxx(int d, int plen)
{
	return cr_state_sx(plen) + d;
}

static inline int
cr_state_sq(int d, int plen)
{
	return cr_state_sxx(d, plen) + d;
}

static inline int
cr_state_grad(int d, int plen)
{
	return cr_state_sq(d, plen) + d;
}

static inline int
cr_state_hess(int d, int plen)
{
	return cr_state_grad(d, plen) + d + 1;
}

static inline int
cr_state_bins(int d, int plen)
{
	return cr_state_hess(d, plen) + (d + 1) * (d + 2) / 2;
}

static inline int
cr_state_queue(int d, int plen)
{
	return cr_state_bins(d, plen) + 10;
}

/* Length of a state for d features and a point of plen values. */
static inline int
cr_state_len(int d, int plen)
{
	return d == 0 ? CR_ST_HEADER + plen : cr_state_queue(d, plen) + 1 + CR_QUEUE_ROWS * (d + 4);
}

/*
 * Whether st (len values) is a state this layout can hold: integral d and
 * point length in range, a well-formed point copy whose features match d
 * (or a counting point), and exactly cr_state_len(d, plen) values.  A
 * state can be any float8[] (CREATE AGGREGATE ... INITCOND, a direct call
 * of the combine function), so the sums are only touched after this.
 */
extern bool cr_state_valid(const double *st, int len);

/* Initialise a state of cr_state_len(d, plen) values (zero sums). */
extern void cr_state_init(double *st, int d, const double *point, int plen);

/*
 * Add one usable row (x: d values, retained, weight w > 0) to st.  The
 * point is the one st was initialised with.
 */
extern void cr_state_add_row(double *st, const double *x, bool retained, double w);

/*
 * What a pass saw of its rows, for retention_fit's check that every pass
 * sees the first one's: counts, the weights' sums, the
 * weighted sums of x over all rows (sx) and over retained ones (sx1; NULL
 * where a pass did not sum them), of x^2 over all rows (sq), and the mixed
 * second moment mix with its scale mixb (cr_row_mix_add).
 */
typedef struct CrRowSums
{
	double		rows,
				skipped,
				npos,
				sw,
				sw1;
	const double *sx;
	const double *sx1;
	const double *sq;
	double		mix,
				mixb;
} CrRowSums;

#define CR_ROWS_SAME_TOL 1e-9

/*
 * The fixed coefficient c_j of feature j in the mixed second moment: its
 * magnitude in [1, 2) from a multiplicative hash of j (24 bits, so exact
 * everywhere), its sign alternating with j.
 */
static inline double
cr_mix_coef(int j)
{
	double		c = 1.0 + (double) (((uint32_t) (j + 1) * 0x9E3779B9u) >> 8) * (1.0 / 16777216.0);

	return (j & 1) ? -c : c;
}

/*
 * Add a usable row's w (sum_j c_j x_j)^2 to mix[0] and w (sum_j |c_j
 * x_j|)^2, a bound of the first term's size and of its change when the
 * x_j change in their last bits, to mix[1].  The first mixes the features'
 * cross products into one sum: a value exchanged between two rows of the
 * same class keeps every feature's sums and sums of squares, not this.
 */
static inline void
cr_row_mix_add(double *mix, const double *x, int d, double w)
{
	double		s = 0.0,
				a = 0.0;
	int			j;

	for (j = 0; j < d; j++)
	{
		double		t = cr_mix_coef(j) * x[j];

		s += t;
		a += fabs(t);
	}
	mix[0] += w * s * s;
	mix[1] += w * a * a;
}

/*
 * Add a usable row's w x to the sums of all rows (sx) and of retained ones
 * (sx1), its w x^2 to sq, and its mixed second moment to mix[0 .. 1].
 */
static inline void
cr_row_sums_add(double *sx, double *sx1, double *sq, double *mix, const double *x, int d, bool retained,
				double w)
{
	int			j;

	for (j = 0; j < d; j++)
	{
		double		wx = w * x[j];

		sx[j] += wx;
		sq[j] += wx * x[j];
		if (retained)
			sx1[j] += wx;
	}
	cr_row_mix_add(mix, x, d, w);
}

/*
 * Whether now saw first's rows: the same counts and every sum within
 * CR_ROWS_SAME_TOL of its scale (ax[j], the sum of |w x_j|; first->sw for
 * the weights; the sum itself for sq, and first->mixb for mix, where they
 * are finite).  Features that are float aggregates can differ in their
 * last bits from one execution to the next (partial sums added in another
 * order by parallel workers or Citus), and the same rows summed in another
 * order differ in the sums' last bits: a tolerance, not equality.  There
 * is no checksum of the rows: the sums are compared every time, so a
 * changed row is never accepted on a hash that happened to match.  The
 * sums of squares tell an amount moved between two rows of the same class
 * (every sum and count unchanged) from rounding, and the mixed moment a
 * value exchanged between two such rows (every sum of squares unchanged
 * too).
 */
extern bool cr_rows_same(const CrRowSums *first, const CrRowSums *now, const double *ax, int d);

/* Add the queued rows' Hessian terms to the sums and empty the queue. */
extern void cr_state_flush(double *st);

/*
 * Add the sums and counters of b to a (same d and point); both queues
 * are added, and a's is left empty.
 */
extern void cr_state_add(double *a, const double *b);

/*
 * Fill the point p of a pass: flags, class weights cw[2], beta (NULL:
 * zeros), centring mu, scaling isc (NULL: ones), decile edges and rbeta.
 * With edges alone CR_PT_FINAL is added (a final pass at beta, raw
 * scale); with edges and rbeta (d+1 raw-scale values) CR_PT_BINS (a
 * Newton pass at beta that also counts the bins of the scores at rbeta).
 * Returns the point's length, cr_point_len(d, flags) of the flags it set.
 */
extern int	cr_point_make(double *p, double flags, int d, const double *cw,
						  const double *beta, const double *mu, const double *isc,
						  const double *edges, const double *rbeta);

/*
 * A Newton pass's sums as CrPasses.pass returns them: the log-likelihood,
 * grad (D) and the upper triangle of the information (D*D, zeros below),
 * after flushing st's queue.
 */
extern double cr_state_newton_sums(double *st, double *grad, double *hess);

#endif							/* CR_NEWTON_H */
