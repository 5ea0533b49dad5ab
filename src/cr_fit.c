/*
 * cr_fit.c
 *	  retention_fit(query text, options jsonb): the logistic retention model
 *	  of any number of rows, by one retention_newton_step aggregate pass per
 *	  Newton iteration instead of holding the rows in memory.
 *
 * The caller's query is embedded as a subquery (FROM (query) AS q(f, r, w)),
 * after checking that it is exactly one SELECT; it runs through SPI with the
 * caller's privileges.  Passes:
 *
 *	  1. statistics: counts, class counts, weighted feature sums (means);
 *	  2. moments: the spreads around the means.  When the decile sample
 *	     (every stride-th usable row in the query's order, as retention_train
 *	     samples them) takes at most 16 MB (65 536 rows of up to 31
 *	     features), row by row in the query's order (serial), keeping the
 *	     sample's rows on the way; else an aggregate pass;
 *	  3. Newton, one pass per step or step-halving trial, and a margins pass
 *	     over every row where a step may be separating: the iteration is
 *	     cr_logit_fit_passes, retention_train's exact phase.  From 4 * 65 536
 *	     rows on it starts at the optimum of the kept sample (retention_train
 *	     starts from the same sample), else from zero;
 *	  4. the decile edges of the sample's scores at the final coefficients:
 *	     from the kept rows, or else one more (serial) pass that scores every
 *	     stride-th usable row;
 *	  5. log-likelihood and decile shares at the final coefficients.  With
 *	     the sample kept, a Newton pass likely to be the last counts them at
 *	     its own coefficients (newton_pass), and when it is, no pass 5.
 *
 * On 1M rows of 16 features that is 5 passes (2 Newton iterations), where
 * a start from zero and a final pass of their own took 9.
 *
 * Every pass runs read-only, i.e. in the snapshot of the calling statement,
 * so rows committed meanwhile by other sessions are not seen; each pass
 * must see the same rows (counts, and, within rounding, since float
 * features can differ in their last bits and the rows can be summed in
 * another order, each feature's sums and sums of squares and a mixed
 * second moment of the features: cr_rows_same), or the fit stops with an
 * error instead of mixing data sets.  The aggregate passes are planned
 * with CURSOR_OPT_PARALLEL_OK, so they can use parallel workers
 * (retention_fit itself is PARALLEL UNSAFE, so the outer query never runs
 * in parallel mode, which would forbid that).
 */
#include "community_retention.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/plannodes.h"
#include "utils/plancache.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "cr_newton.h"
#include "cr_query.h"
#include "cr_train.h"

PG_FUNCTION_INFO_V1(retention_fit);

#define SAMPLE_ROWS		65536	/* decile sample, as in cr_logit.c */
#define SAMPLE_MAX_BYTES (16 * 1024 * 1024)	/* keep the sample's rows up to this */
#define SAMPLE_TOL		1e-7	/* the sample's fit, as cr_logit.c's phase 1 */
#define SAMPLE_MAX_ITER	50
#define POLISH_TOL		1e-8	/* from the sample's optimum: at least this tol */
#define POLISH_MAX_ITER	20		/* and at least this many Newton passes */

typedef struct Fit
{
	MemoryContext cxt;			/* outlives SPI: results live here */
	const char *stmt;			/* the caller's SELECT */
	int			ncols;			/* 2 or 3 (with weight) */
	TupleDesc	cols;			/* the query's columns, as checked */
	SPIPlanPtr	plan;			/* the aggregate over the query, $1 = point */
	TrainOptions o;
	char	  **names;
	int			d;
	int			npasses;
	double		n_rows,
				n_skipped;
	CrRowSums	first;			/* pass 1's counts and sums: what
								 * every pass must see again (cr_rows_same) */
	double	   *first_ax;		/* pass 1's sums of |w x| */
	double		cw[2];			/* class weights of the Newton passes */
	CrMoments	m;				/* from passes 1 and 2 */
	double	   *means;
	double	   *sd;
	bool		distributed;	/* the query runs on Citus: sample there */
	double	   *sample;			/* the decile sample's rows (d values and the
								 * signed weight each), NULL: not kept */
	int64		sample_m;		/* rows in sample */
	double	   *prev_beta;		/* the last Newton pass's beta (solver
								 * coordinates), NULL: none yet */
	bool		binned;			/* the last Newton pass counted the deciles: */
	double		bin_ll;			/* its log-likelihood */
	double		bin_counts[10];	/* and the rows in each decile */
} Fit;

#define FIT_EXAMPLE "SELECT features, retained FROM training_rows"
#define FIT_SHAPE "(features float8[], retained boolean [, weight float8])"

/* Check the query's columns before any pass. */
static TupleDesc
query_columns(const char *stmt)
{
	TupleDesc	td = cr_query_columns(stmt, "retention_fit", FIT_EXAMPLE);
	int			n = td->natts;

	if (n < 2 || n > 3)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("retention_fit query must return 2 or 3 columns, not %d", n),
				 n > 0 ? errdetail("The first column is \"%s\".", NameStr(TupleDescAttr(td, 0)->attname)) : 0,
				 errhint("The query must return (features float8[], retained boolean [, weight float8]).")));
	/* domains over the three types pass: the step aggregate takes them */
	if (getBaseType(TupleDescAttr(td, 0)->atttypid) != FLOAT8ARRAYOID)
		cr_wrong_column(td, 0, "float8[]", "retention_fit", FIT_SHAPE);
	if (getBaseType(TupleDescAttr(td, 1)->atttypid) != BOOLOID)
		cr_wrong_column(td, 1, "boolean", "retention_fit", FIT_SHAPE);
	if (n == 3 && getBaseType(TupleDescAttr(td, 2)->atttypid) != FLOAT8OID)
		cr_wrong_column(td, 2, "float8", "retention_fit", FIT_SHAPE);
	return td;
}

static void
rows_changed(const Fit *f, const double *st)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("the retention_fit query returned different rows on pass %d", f->npasses),
			 errdetail("The first pass saw %.0f usable and %.0f skipped rows, this pass %.0f and %.0f%s.",
					   f->n_rows, f->n_skipped, st[CR_ST_ROWS], st[CR_ST_SKIPPED],
					   st[CR_ST_ROWS] == f->n_rows && st[CR_ST_SKIPPED] == f->n_skipped ? " with other values" : ""),
			 errhint("The query must return the same rows every time it runs: no random(), volatile functions, TABLESAMPLE or LIMIT without ORDER BY.")));
}

/*
 * Whether an aggregate pass's state saw pass 1's rows (cr_rows_same).  A
 * moments pass summed w (x - mu) isc: its sums of w x are taken back from
 * those, and it has none of the retained rows.
 */
static bool
state_rows_same(const Fit *f, const double *st)
{
	int			plen = (int) st[CR_ST_PLEN];
	int			d = f->d;
	const double *pt = st + CR_ST_HEADER;
	CrRowSums	now = {st[CR_ST_ROWS], st[CR_ST_SKIPPED], st[CR_ST_NPOS],
	st[CR_ST_SW], st[CR_ST_SW1], NULL, NULL, NULL, st[CR_ST_MIX], st[CR_ST_MIXB]};
	double	   *sx = NULL;
	bool		same;
	int			j;

	if ((int) st[CR_ST_D] != d)
		return false;
	now.sq = st + cr_state_sq(d, plen);
	if ((int) pt[CR_PT_FLAGS] & (int) CR_PT_MOMENTS)
	{
		const double *mu = pt + CR_PT_BETA + d + 1;
		const double *isc = mu + d;

		sx = palloc(sizeof(double) * d);
		for (j = 0; j < d; j++)
			sx[j] = st[cr_state_sx(plen) + j] / isc[j] + mu[j] * now.sw;
		now.sx = sx;
	}
	else
	{
		now.sx = st + cr_state_sx(plen);
		now.sx1 = st + cr_state_sxx(d, plen);
	}
	same = cr_rows_same(&f->first, &now, f->first_ax, d);
	if (sx)
		pfree(sx);
	return same;
}

/* One aggregate pass at point; returns the state (in f->cxt), NULL: no rows. */
static double *
run_pass(Fit *f, const double *point, int plen)
{
	Datum		arg;
	bool		isnull;
	Datum		res;
	double	   *st = NULL;
	MemoryContext old;
	TimestampTz t0;

	CHECK_FOR_INTERRUPTS();
	{
		Datum	   *elems = palloc(sizeof(Datum) * plen);
		int			i;

		for (i = 0; i < plen; i++)
			elems[i] = Float8GetDatum(point[i]);
		arg = PointerGetDatum(construct_array(elems, plen, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	}
	t0 = GetCurrentTimestamp();
	if (SPI_execute_plan(f->plan, &arg, NULL, true, 0) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "retention_fit: the aggregate pass returned no row");
	f->npasses++;
	elog(DEBUG1, "retention_fit: pass %d (aggregate) took %.1f ms", f->npasses,
		 (double) (GetCurrentTimestamp() - t0) / 1000.0);
	res = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
	{
		ArrayType  *a = DatumGetArrayTypeP(res);
		int			n = ARR_DIMS(a)[0];

		old = MemoryContextSwitchTo(f->cxt);
		st = palloc(sizeof(double) * n);
		memcpy(st, CR_ARR_DATA_NONULLS(a), sizeof(double) * n);
		MemoryContextSwitchTo(old);
	}
	SPI_freetuptable(SPI_tuptable);
	if (st && f->npasses > 1 && !state_rows_same(f, st))
		rows_changed(f, st);
	if (!st && f->npasses > 1)
	{
		double		none[CR_ST_HEADER] = {0};

		rows_changed(f, none);
	}
	return st;
}

/*
 * The point of a pass: flags (plus the options'), beta, the frame's centring
 * and scaling (NULL: the means and no scaling), the decile edges of a final
 * pass, or the edges and the raw-scale beta of a Newton pass that counts
 * the deciles.
 */
static double *
make_point(const Fit *f, double flags, const double *beta, const CrFrame *fr,
		   const double *edges, const double *rbeta, int *plen)
{
	double	   *p = palloc(sizeof(double) * cr_point_len(f->d, (int) CR_PT_BINS));

	*plen = cr_point_make(p, flags + (f->o.skip_invalid ? CR_PT_SKIP_INVALID : 0) +
						  (f->o.intercept ? CR_PT_INTERCEPT : 0),
						  f->d, f->cw, beta, fr ? fr->mu : f->means, fr ? fr->isc : NULL,
						  edges, rbeta);
	return p;
}

static void decile_edges(Fit *f, const double *beta, double *edges);

/*
 * Is this Newton pass likely to be the last?  Newton converges
 * quadratically: when the step that led here was below sqrt(tol) (relative,
 * as the solver measures steps), the step from here is about its square,
 * below tol.
 */
static bool
likely_last(const Fit *f, const double *beta)
{
	double		t = sqrt(f->o.tol);
	int			j;

	if (f->prev_beta == NULL)
		return false;
	for (j = 0; j <= f->d; j++)
		if (!(fabs(beta[j] - f->prev_beta[j]) <= t * (1.0 + fabs(f->prev_beta[j]))))
			return false;
	return true;
}

/*
 * CrPasses.pass: one Newton pass at beta (solver coordinates).  With the
 * decile sample in memory, a pass that is likely to be the last also counts
 * the rows in each decile of the scores at its beta (edges from the
 * sample, as the final pass takes them): when the fit stops there, its
 * coefficients are within the convergence test's 1e-10 (relative) of this
 * beta or equal to it (cr_logit.c takes the Hessian again after a larger
 * last step), and this pass's log-likelihood and decile counts stand for
 * the final pass's (retention_fit takes the edges again at the returned
 * coefficients).
 */
static double
newton_pass(void *ctx, const CrFrame *fr, const double *beta, double *grad, double *hess)
{
	Fit		   *f = (Fit *) ctx;
	int			plen,
				k;
	double	   *pt,
			   *st,
			   *rbeta = NULL;
	double		ll,
				edges[11];

	f->cw[0] = fr->cw[0];
	f->cw[1] = fr->cw[1];
	f->binned = f->sample != NULL && likely_last(f, beta);
	if (f->binned)
	{
		rbeta = palloc(sizeof(double) * (f->d + 1));
		cr_frame_raw_beta(fr, beta, rbeta);
		decile_edges(f, rbeta, edges);
	}
	pt = make_point(f, 0, beta, fr, f->binned ? edges : NULL, rbeta, &plen);
	st = run_pass(f, pt, plen);
	for (k = 0; f->binned && k < 10; k++)
		f->bin_counts[k] = st[cr_state_bins(f->d, plen) + k];
	ll = cr_state_newton_sums(st, grad, hess);
	f->bin_ll = ll;
	if (f->prev_beta == NULL)
		f->prev_beta = MemoryContextAlloc(f->cxt, sizeof(double) * (f->d + 1));
	memcpy(f->prev_beta, beta, sizeof(double) * (f->d + 1));
	/* a state is O(d^2): 4 MB at 1000 features; do not keep one per pass */
	pfree(st);
	pfree(pt);
	if (rbeta)
		pfree(rbeta);
	return ll;
}

/* CrPasses.margins: one direction pass along dir (solver coordinates). */
static void
margins_pass(void *ctx, const CrFrame *fr, const double *dir, double *umin, double *umax)
{
	Fit		   *f = (Fit *) ctx;
	int			plen;
	double	   *pt = make_point(f, CR_PT_DIRECTION, dir, fr, NULL, NULL, &plen);
	double	   *st = run_pass(f, pt, plen);

	*umin = st[cr_state_grad(f->d, plen)];
	*umax = st[cr_state_grad(f->d, plen) + 1];
	pfree(st);
	pfree(pt);
}

/*
 * The sample pass: a DestReceiver that scores every stride-th usable row as
 * the executor hands it over (no tuple is copied or kept).
 */
typedef struct SampleReceiver
{
	DestReceiver pub;
	Fit		   *f;
	const double *beta;			/* raw scale; NULL: the moments pass */
	double	   *sx;				/* moments pass: sums of w (x - mean) */
	double	   *sxx;			/* and of w (x - mean)^2 */
	double	   *rows;			/* moments pass: the sample's rows, or NULL */
	int64		stride;
	int64		next;			/* the usable row sampled next (u counts up to it) */
	int64		cap;			/* room in sc */
	int64		m;				/* scores kept */
	int64		u;				/* usable rows seen */
	int64		skipped;
	double		npos,			/* retained usable rows */
				sw,				/* and the weights' sums (cr_rows_same) */
				sw1;
	double	   *wx;				/* sums of w x */
	double	   *wx1;			/* of retained rows */
	double	   *wxx;			/* sums of w x^2 */
	double		mix[2];			/* the mixed second moment and its scale */
	double	   *sc;
	MemoryContext rowcxt;
	int			since_reset;
} SampleReceiver;

/*
 * The moments pass's work on a usable row: the spreads around the means,
 * summed as the aggregate's moments pass sums them (so a serial run gives
 * the same bits), and every stride-th row kept for the decile sample.
 */
static void
moments_row(SampleReceiver *r, const double *vals, bool retained, double w)
{
	const Fit  *f = r->f;
	int			j;

	for (j = 0; j < f->d; j++)
	{
		double		c = (vals[j] - f->means[j]) * 1.0;

		r->sx[j] += w * c;
		r->sxx[j] += w * c * c;
	}
	if (r->rows && r->u == r->next && r->m < r->cap)
	{
		double	   *row = r->rows + r->m++ * (f->d + 1);

		r->next += r->stride;
		memcpy(row, vals, sizeof(double) * f->d);
		row[f->d] = retained ? w : -w;
	}
}

static bool
sample_receive(TupleTableSlot *slot, DestReceiver *self)
{
	SampleReceiver *r = (SampleReceiver *) self;
	Fit		   *f = r->f;
	MemoryContext old;
	const double *vals;
	double		w = 1.0;
	int			dd = f->d;

	slot_getallattrs(slot);
	if (slot->tts_isnull[0] || slot->tts_isnull[1] || (f->ncols == 3 && slot->tts_isnull[2]))
	{
		r->skipped++;
		return true;
	}
	if (f->ncols == 3)
		w = DatumGetFloat8(slot->tts_values[2]);
	old = MemoryContextSwitchTo(r->rowcxt);
	vals = cr_train_row_values(DatumGetArrayTypeP(slot->tts_values[0]), f->ncols == 3, w,
							   f->o.skip_invalid, &dd);
	if (vals != NULL)
	{
		bool		retained = DatumGetBool(slot->tts_values[1]);

		if (r->beta == NULL)
			moments_row(r, vals, retained, w);
		else if (r->u == r->next && r->m < r->cap)
		{
			double		eta = r->beta[0];
			int			j;

			r->next += r->stride;
			for (j = 0; j < f->d; j++)
				eta += r->beta[j + 1] * vals[j];
			r->sc[r->m++] = cr_sigmoid(eta);
		}
		r->sw += w;
		if (retained)
		{
			r->npos++;
			r->sw1 += w;
		}
		cr_row_sums_add(r->wx, r->wx1, r->wxx, r->mix, vals, f->d, retained, w);
		r->u++;
	}
	else
		r->skipped++;
	MemoryContextSwitchTo(old);
	if (++r->since_reset >= 1024)
	{
		MemoryContextReset(r->rowcxt);
		r->since_reset = 0;
	}
	return true;
}

/* The decile sample: every sample_stride-th usable row, sample_rows rows */
static int64
sample_stride(const Fit *f)
{
	int64		n = (int64) f->n_rows;

	return n > SAMPLE_ROWS ? n / SAMPLE_ROWS : 1;
}

static int64
sample_rows(const Fit *f)
{
	int64		stride = sample_stride(f);

	return ((int64) f->n_rows + stride - 1) / stride;
}

/*
 * The share of the rows a distributed fit's sample pass asks for: where
 * the query runs on Citus, its rows in the query's order are every shard's
 * in whatever order they arrive, and a row-by-row pass would bring every
 * row to the coordinator.  Beyond 65 536 rows each row is drawn instead
 * with this probability on the workers (random() < keep, pushed down with
 * the query), so that about 63 500 rows travel: eight standard deviations
 * below 65 536, at most what sample_rows() makes room for (the chance of
 * more is below 1e-15; rows beyond the room would not be kept).  1: every
 * row, in the query's order.
 */
static double
sample_keep(const Fit *f)
{
	if (!f->distributed || f->n_rows <= SAMPLE_ROWS)
		return 1.0;
	return (SAMPLE_ROWS - 8.0 * sqrt((double) SAMPLE_ROWS)) / f->n_rows;
}

/*
 * A pass over the query's rows in the query's order, handed one by one to
 * r (planned without parallel workers, so the order is the scan's), with
 * the stride of the decile sample: every stride-th usable row, as
 * retention_train samples (all rows up to 65 536).  Checks that it saw the
 * rows of pass 1.  On Citus, beyond 65 536 rows, the rows of a random
 * sample drawn on the workers instead (sample_keep): each kept up to the
 * capacity, and the rows checked by the aggregate passes alone.  The
 * filter names its operator and type in pg_catalog: a "<" of the caller's
 * search_path must not be called, nor sent to the workers.
 */
static void
receiver_pass(Fit *f, SampleReceiver *r, const char *what)
{
	TimestampTz t0 = GetCurrentTimestamp();
	bool		same;
	double		keep;

	r->pub.receiveSlot = sample_receive;
	r->pub.rStartup = cr_dest_startup_noop;
	r->pub.rShutdown = cr_dest_noop;
	r->pub.rDestroy = cr_dest_noop;
	r->pub.mydest = DestNone;
	r->f = f;
	r->stride = sample_stride(f);
	r->cap = sample_rows(f);
	keep = sample_keep(f);
	if (keep < 1.0)
		r->stride = 1;
	r->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "retention_fit rows", ALLOCSET_DEFAULT_SIZES);
	r->wx = palloc0(sizeof(double) * f->d);
	r->wx1 = palloc0(sizeof(double) * f->d);
	r->wxx = palloc0(sizeof(double) * f->d);

	/*
	 * The text is planned again here: a function the query called on an
	 * earlier pass may have changed search_path, or dropped and created a
	 * view it reads, and sample_receive would read a column of another type
	 * as float8[] (a bigint as a pointer).  The columns are checked against
	 * the ones checked before the first pass.  (The aggregate passes cast
	 * each column to its type, and their plan is revalidated.)
	 */
	cr_query_run_checked(keep < 1.0 ?
				 psprintf("SELECT * FROM (\n%s\n) AS q WHERE pg_catalog.random() OPERATOR(pg_catalog.<) %.17g::pg_catalog.float8",
						  f->stmt, keep)
				 : f->stmt,
				 (DestReceiver *) r, 0, "retention_fit", f->cols);
	f->npasses++;
	elog(DEBUG1, "retention_fit: pass %d (%s) took %.1f ms", f->npasses, what,
		 (double) (GetCurrentTimestamp() - t0) / 1000.0);
	MemoryContextDelete(r->rowcxt);
	{
		CrRowSums	now = {(double) r->u, (double) r->skipped, r->npos, r->sw, r->sw1,
		r->wx, r->wx1, r->wxx, r->mix[0], r->mix[1]};

		same = keep < 1.0 || cr_rows_same(&f->first, &now, f->first_ax, f->d);
	}
	pfree(r->wx);
	pfree(r->wx1);
	pfree(r->wxx);
	if (!same)
	{
		double		st[CR_ST_HEADER] = {0};

		st[CR_ST_ROWS] = r->u;
		st[CR_ST_SKIPPED] = r->skipped;
		rows_changed(f, st);
	}
}

/*
 * Pass 2 as a row-by-row pass: the spreads around the means (sx, sxx: d
 * each), and the decile sample's rows kept in f->sample (for at most
 * SAMPLE_MAX_BYTES: 65 536 rows of up to 31 features; the caller checks).
 */
static double
sample_bytes(const Fit *f)
{
	return (double) sample_rows(f) * (f->d + 1) * sizeof(double);
}

static void
moments_and_sample(Fit *f, double *sx, double *sxx)
{
	SampleReceiver r;

	memset(&r, 0, sizeof(r));
	r.sx = sx;
	r.sxx = sxx;
	r.rows = MemoryContextAllocHuge(f->cxt, (Size) sample_bytes(f));
	receiver_pass(f, &r, "moments and sample");
	f->sample = r.rows;
	f->sample_m = r.m;
}

/*
 * Decile edges of the training scores of the sample rows at beta (raw
 * scale), like retention_train: from the kept rows, or else by one more
 * pass that scores every stride-th usable row as it goes by.
 */
static void
decile_edges(Fit *f, const double *beta, double *edges)
{
	SampleReceiver r;

	memset(&r, 0, sizeof(r));
	if (f->sample)
	{
		int64		i;

		r.sc = palloc(sizeof(double) * Max(f->sample_m, 1));
		for (i = 0; i < f->sample_m; i++)
		{
			const double *row = f->sample + i * (f->d + 1);
			double		eta = beta[0];
			int			j;

			for (j = 0; j < f->d; j++)
				eta += beta[j + 1] * row[j];
			r.sc[r.m++] = cr_sigmoid(eta);
		}
	}
	else
	{
		r.beta = beta;
		r.sc = palloc(sizeof(double) * sample_rows(f));
		receiver_pass(f, &r, "sample");
	}
	cr_decile_edges(r.sc, r.m, edges);
}

/* Pass 1: counts and means. */
static void
statistics(Fit *f)
{
	double		pt[2] = {f->o.skip_invalid ? CR_PT_SKIP_INVALID : 0, 0};
	double	   *st = run_pass(f, pt, 2);
	int			j;

	if (st == NULL)
	{
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the retention_fit query returned no rows")));
		return;					/* not reached; for static analysers */
	}
	if (st[CR_ST_D] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the retention_fit query returned no usable rows"),
				 errdetail("All %.0f rows were skipped (a NULL, a zero weight, or invalid values with \"skip_invalid\").",
						   st[CR_ST_SKIPPED])));
	f->d = (int) st[CR_ST_D];
	f->n_rows = st[CR_ST_ROWS];
	f->n_skipped = st[CR_ST_SKIPPED];
	{
		MemoryContext old = MemoryContextSwitchTo(f->cxt);
		double	   *sums = palloc(sizeof(double) * 4 * f->d);

		/* st lives in f->cxt too, but is freed by the passes' callers: copy */
		memcpy(sums, st + cr_state_sx(2), sizeof(double) * f->d);
		memcpy(sums + f->d, st + cr_state_sxx(f->d, 2), sizeof(double) * f->d);
		memcpy(sums + 2 * f->d, st + cr_state_grad(f->d, 2) + 1, sizeof(double) * f->d);
		memcpy(sums + 3 * f->d, st + cr_state_sq(f->d, 2), sizeof(double) * f->d);
		f->first = (CrRowSums) {f->n_rows, f->n_skipped, st[CR_ST_NPOS],
		st[CR_ST_SW], st[CR_ST_SW1], sums, sums + f->d, sums + 3 * f->d, st[CR_ST_MIX], st[CR_ST_MIXB]};
		f->first_ax = sums + 2 * f->d;

		f->names = cr_train_feature_names(&f->o, f->d);
		MemoryContextSwitchTo(old);
	}
	f->means = cr_train_alloc(f->cxt, sizeof(double) * f->d);
	f->sd = cr_train_alloc(f->cxt, sizeof(double) * f->d);
	for (j = 0; j < f->d; j++)
		f->means[j] = st[cr_state_sx(2) + j] / st[CR_ST_SW];
	f->m.d = f->d;
	f->m.npos = st[CR_ST_NPOS];
	f->m.nneg = st[CR_ST_NNEG];
	f->m.sw = st[CR_ST_SW];
	f->m.sw1 = st[CR_ST_SW1];
	f->m.means = f->means;
	f->m.sd = f->sd;
}

/*
 * Pass 2: the weighted spreads of the features around their means, the
 * differences multiplied by pre[j] (1 at first).  A spread whose squares
 * overflowed (values near 1e100 with large weights) or underflowed (below
 * about 1e-150 around a mean as small: otherwise the solver calls it
 * constant anyway) is measured again with a pre-scale that keeps its
 * squares in range: at most two more passes, and only for such data.
 */
static void
moments(Fit *f)
{
	double	   *pre = palloc(sizeof(double) * f->d);
	int			round,
				j;

	for (j = 0; j < f->d; j++)
		pre[j] = 1.0;
	for (round = 0; round < 3; round++)
	{
		CrFrame		fr = {f->d, f->means, pre, {1.0, 1.0}};
		int			plen = 0;
		double	   *pt = NULL;
		double	   *st;
		const double *sx;
		const double *sxx;
		bool		again = false;

		if (round == 0 && sample_bytes(f) <= SAMPLE_MAX_BYTES && !f->distributed)
		{
			/* row by row: the same sums, and the decile sample on the way */
			st = palloc0(sizeof(double) * 2 * f->d);
			moments_and_sample(f, st, st + f->d);
			sx = st;
			sxx = st + f->d;
		}
		else
		{
			pt = make_point(f, CR_PT_MOMENTS, NULL, &fr, NULL, NULL, &plen);
			st = run_pass(f, pt, plen);
			sx = st + cr_state_sx(plen);
			sxx = st + cr_state_sxx(f->d, plen);
		}

		for (j = 0; j < f->d; j++)
		{
			double		m = sx[j] / f->m.sw;
			double		var = sxx[j] / f->m.sw - m * m;
			double		scaled = var > 0 ? sqrt(var) : 0.0;	/* in pre-scaled units */

			if (round > 0 && pre[j] == 1.0)
				continue;		/* measured in range before */
			f->sd[j] = scaled / pre[j];
			if (!isfinite(var) && round == 0)
				pre[j] = 1e-100;

			/*
			 * Too small to measure even at this pre-scale: once more at a
			 * larger one (1e150, then 1e300 for spreads below 1e-290).  The
			 * test is on the pre-scaled spread: on the spread itself, a
			 * spread of 1e-145 measured well at 1e150 went on to 1e300,
			 * where its squares overflow.
			 */
			else if (!(scaled >= 1e-140) && !(fabs(f->means[j]) > 1e-120) && round < 2)
				pre[j] = round == 0 ? 1e150 : 1e300;
			else
			{
				/*
				 * Pass 1's mean is a plain sum over the rows, which for a
				 * feature far from zero next to its spread (1e13 +- 4)
				 * rounds by many of its ulps; m, the mean of the
				 * (small, exact) differences from it, takes that back
				 * (the corrected two-pass mean), as retention_train's mean
				 * of the differences from its first row does.  The two
				 * means are then within rounding of each other and of the
				 * exact mean (not always bit for bit: retention_train's
				 * sums are rescaled), and so are the condition numbers of
				 * the Hessians on the features centred at them.
				 */
				f->means[j] += m / pre[j];
				pre[j] = 1.0;
				continue;
			}
			again = true;
		}
		pfree(st);
		if (pt)
			pfree(pt);
		if (!again)
			break;
	}
	pfree(pre);

	/*
	 * On Citus the spreads came from the workers' partial sums; the sample's
	 * rows come from the workers' random draw, in a pass of their own.
	 */
	if (f->distributed && sample_bytes(f) <= SAMPLE_MAX_BYTES)
	{
		double	   *unused = palloc0(sizeof(double) * 2 * f->d);

		moments_and_sample(f, unused, unused + f->d);
		pfree(unused);
	}
}

/*
 * Whether a plan runs on Citus: a Citus custom scan node (Custom Scan
 * (Citus Adaptive) and its kind) anywhere in it.
 */
static bool
plan_on_citus(Plan *p)
{
	ListCell   *lc;

	if (p == NULL)
		return false;
	check_stack_depth();
	if (IsA(p, CustomScan))
	{
		CustomScan *cs = (CustomScan *) p;

		if (cs->methods && cs->methods->CustomName &&
			strncmp(cs->methods->CustomName, "Citus", 5) == 0)
			return true;
		foreach(lc, cs->custom_plans)
			if (plan_on_citus(lfirst(lc)))
				return true;
	}
	else if (IsA(p, Append))
	{
		foreach(lc, ((Append *) p)->appendplans)
			if (plan_on_citus(lfirst(lc)))
				return true;
	}
	else if (IsA(p, MergeAppend))
	{
		foreach(lc, ((MergeAppend *) p)->mergeplans)
			if (plan_on_citus(lfirst(lc)))
				return true;
	}
	else if (IsA(p, SubqueryScan))
	{
		if (plan_on_citus(((SubqueryScan *) p)->subplan))
			return true;
	}
	return plan_on_citus(p->lefttree) || plan_on_citus(p->righttree);
}

static bool
query_on_citus(SPIPlanPtr plan)
{
	CachedPlan *cp = SPI_plan_get_cached_plan(plan);
	bool		found = false;
	ListCell   *lc;

	if (cp == NULL)
		return false;
	foreach(lc, cp->stmt_list)
	{
		PlannedStmt *ps = lfirst_node(PlannedStmt, lc);
		ListCell   *sc;

		if (plan_on_citus(ps->planTree))
			found = true;
		foreach(sc, ps->subplans)
			if (plan_on_citus(lfirst(sc)))
				found = true;
	}
	ReleaseCachedPlan(cp, NULL);	/* a plan not saved (SPI_keepplan) has no owner */
	return found;
}

static void
fit_tick(void)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * Where Newton starts: the optimum of the decile sample's rows in memory
 * (retention_train's first phase: an evenly spaced sample of 65 536 rows,
 * its l2 scaled to its size), so that the passes over every row only
 * polish it.  As in retention_train, only from 4 * 65 536 rows on (smaller
 * inputs are fitted from zero, with the same iterations as retention_train
 * reports).  False (start from zero) without a kept sample, or when the
 * sample alone has no optimum (one class, separation, ...): the passes then
 * decide.
 */
static bool
sample_start(Fit *f, const CrFitOptions *fo, double *start)
{
	CrRows		rows;
	double	   *blocks[1];
	int64_t		block_n[1];
	CrFitOptions so = *fo;
	CrFitResult sr;
	CrAlloc		alloc = {cr_train_alloc, CurrentMemoryContext};
	TimestampTz t0 = GetCurrentTimestamp();

	/* as retention_train: small inputs are fitted from zero on every row */
	if (f->sample == NULL || f->n_rows < 4.0 * SAMPLE_ROWS)
		return false;
	blocks[0] = f->sample;
	block_n[0] = f->sample_m;
	rows.d = f->d;
	rows.n = f->sample_m;
	rows.nblocks = 1;
	rows.blocks = blocks;
	rows.block_n = block_n;
	so.l2 = fo->l2 * (double) f->sample_m / f->n_rows;
	/* retention_train's sample phase: its own step tolerance and limit */
	so.tol = SAMPLE_TOL;
	so.max_iter = SAMPLE_MAX_ITER;
	so.exact_only = true;
	so.start = NULL;
	so.tick = fit_tick;
	cr_logit_fit(&rows, &so, &alloc, &sr);
	elog(DEBUG1, "retention_fit: start from %ld sample rows took %.1f ms (status %d)",
		 (long) f->sample_m, (double) (GetCurrentTimestamp() - t0) / 1000.0, (int) sr.status);
	if (sr.status != CR_FIT_OK)
		return false;
	memcpy(start, sr.beta, sizeof(double) * (f->d + 1));
	return true;
}

Datum
retention_fit(PG_FUNCTION_ARGS)
{
	Fit			f;
	CrFitResult r;
	CrFitOptions fo;
	CrPasses	passes;
	CrAlloc		alloc;
	double	   *st;
	double	   *pt;
	int			plen,
				k,
				guc_level;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("retention_fit query must not be null")));
	memset(&f, 0, sizeof(f));
	memset(&r, 0, sizeof(r));
	f.cxt = CurrentMemoryContext;
	cr_train_parse_options(PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1), &f.o);
	f.stmt = cr_select_text(text_to_cstring(PG_GETARG_TEXT_PP(0)), "retention_fit", FIT_EXAMPLE);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "retention_fit: SPI_connect failed");

	/*
	 * The passes differ only in $1, the point: plan each with its value.
	 * Citus cannot plan a distributed query with a parameter left in it, so
	 * under plan_cache_mode = force_generic_plan the fit failed on Citus
	 * ("could not create distributed plan").  Undone at the end of the fit,
	 * or by the error that ends it.
	 */
	guc_level = NewGUCNestLevel();
	(void) set_config_option("plan_cache_mode", "force_custom_plan", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	f.cols = query_columns(f.stmt);
	f.ncols = f.cols->natts;
	{
		Oid			argtypes[1] = {FLOAT8ARRAYOID};
		char	   *schema = get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));

		/*
		 * Each argument is cast to the aggregate's exact argument type: a
		 * column of a domain over float8[], boolean or float8 (accepted
		 * above) would otherwise make an aggregate or function of the same
		 * name declared on the domain, which whoever may create objects in
		 * the extension's schema can add, a better match than the
		 * extension's own, and it would run with the caller's privileges.
		 */
		f.plan = SPI_prepare_cursor(psprintf("SELECT %s.retention_newton_step(q.f::pg_catalog.float8[], q.r::pg_catalog.bool, %s, $1) FROM (\n%s\n) AS q(f, r%s)",
											 quote_identifier(schema),
											 f.ncols == 3 ? "q.w::pg_catalog.float8" : "1.0::pg_catalog.float8",
											 f.stmt, f.ncols == 3 ? ", w" : ""),
									1, argtypes, CURSOR_OPT_PARALLEL_OK);
		if (f.plan == NULL)
			elog(ERROR, "retention_fit: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	}

	f.distributed = query_on_citus(f.plan);
	statistics(&f);
	moments(&f);
	memset(&fo, 0, sizeof(fo));
	fo.l2 = f.o.l2;
	fo.intercept = f.o.intercept;
	fo.max_iter = f.o.max_iter;
	fo.tol = f.o.tol;
	fo.balanced = f.o.balanced;
	fo.exact_only = true;
	fo.start = NULL;
	/*
	 * Between the passes the solver factors and inverts the Hessian and
	 * takes its condition number, O(d^3): about a second at 1000 features,
	 * in which a cancel or statement_timeout waited for the next pass (or,
	 * after the last one, for the end of the fit).
	 */
	fo.tick = fit_tick;
	{
		double	   *start = palloc(sizeof(double) * (f.d + 1));

		/*
		 * From the sample's optimum, retention_train polishes with
		 * gradient-only passes to a step of 1e-10, up to 20 of them, whatever
		 * tol and max_iter say (they apply to its exact steps after that).
		 * retention_fit polishes with its Newton passes instead: to at least
		 * the default tol, with at least 20 passes allowed, so that a loose
		 * tol or a small max_iter give retention_train's model here too.
		 */
		if (sample_start(&f, &fo, start))
		{
			fo.start = start;
			fo.tol = Min(fo.tol, POLISH_TOL);
			fo.max_iter = Max(fo.max_iter, POLISH_MAX_ITER);
		}
	}
	passes.pass = newton_pass;
	passes.margins = margins_pass;
	passes.ctx = &f;
	/*
	 * The context travels with the call (a query of a pass may itself call
	 * retention_fit: nothing is shared between the two fits).
	 */
	alloc.fn = cr_train_alloc;
	alloc.cxt = f.cxt;
	cr_logit_fit_passes(&f.m, &fo, &passes, &alloc, &r);
	cr_train_check_result(&r, f.names, f.d, (int64) f.n_rows, fo.max_iter, f.o.intercept);

	decile_edges(&f, r.beta, r.deciles);
	if (f.binned)
	{
		/*
		 * The last Newton pass counted the deciles: no final pass.  Its
		 * log-likelihood is the final one to second order in the last step.
		 * The edges are the returned coefficients' (as retention_train takes
		 * them); the rows in each decile are the pass's: a row changes
		 * decile only if its order against a sampled row's score swaps
		 * within the last step.
		 */
		r.loglik = f.bin_ll;
		for (k = 0; k < 10; k++)
			r.shares[k] = f.bin_counts[k] / f.n_rows;
	}
	else
	{
		pt = make_point(&f, 0, r.beta, NULL, r.deciles, NULL, &plen);
		st = run_pass(&f, pt, plen);
		r.loglik = st[CR_ST_LL];
		for (k = 0; k < 10; k++)
			r.shares[k] = st[cr_state_bins(f.d, plen) + k] / f.n_rows;
	}
	ereport(DEBUG1,
			(errmsg_internal("retention_fit: %d passes, %d Newton iterations%s",
							 f.npasses, r.iterations, f.binned ? ", deciles from the last one" : "")));
	AtEOXact_GUC(true, guc_level);
	SPI_finish();
	PG_RETURN_BYTEA_P(cr_train_build_model(&f.o, &r, f.names, f.d, (int64) f.n_rows, (int64) f.n_skipped));
}
