/*
 * cr_eval.c
 *	  Evaluating retention models: retention_auc, retention_metrics,
 *	  retention_calibration, retention_ece and retention_split.
 *
 * retention_auc and retention_metrics keep every score, split by class, in
 * growable arrays of 64-bit order-preserving keys (8 bytes a row) and compute the exact AUC at the end
 * by sorting (cr_auc.c).  The state is bounded by
 * community_retention.max_train_memory (and by 1 GB, so that a partial state
 * always fits in one bytea when parallel workers pass it to the leader).
 *
 * retention_calibration and retention_ece share a small concrete state, a
 * float8[] of 1 + 3 * bins numbers: bins, then n, sum of scores and sum of
 * labels per bin.  A concrete state needs no serial/deserial functions and is
 * updated in place while aggregating, as float8_accum does.
 */
#include "community_retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "cr_auc.h"
#include "cr_random.h"
#include "cr_sum.h"

/* scikit-learn (>= 1.2) clips probabilities to [eps, 1 - eps], eps = DBL_EPSILON */
#define CR_LOGLOSS_EPS 2.220446049250313e-16

#define CR_CALIBRATION_MAX_BINS 1000

/* The fixed part of the state; also its serialized header, verbatim. */
typedef struct CrEvalHeader
{
	int64		npos;			/* scores with label true */
	int64		nneg;			/* scores with label false */
	int64		tp;				/* metrics only: confusion counts */
	int64		fp;
	int64		tn;
	int64		fn;
	double		threshold;
	int32		has_threshold;
	int32		sorted;			/* both key arrays are in ascending order */
} CrEvalHeader;

typedef struct CrEvalState
{
	CrEvalHeader h;
	int64		cap_pos;
	int64		cap_neg;
	uint64	   *pos;			/* order-preserving keys of the scores (cr_auc_key) */
	uint64	   *neg;
} CrEvalState;

/* The most scores one state may hold. */
static int64
eval_max_scores(void)
{
	Size		limit = (Size) cr_max_train_memory_kb * 1024;

	if (limit > MaxAllocSize - sizeof(CrEvalHeader) - VARHDRSZ)
		limit = MaxAllocSize - sizeof(CrEvalHeader) - VARHDRSZ;
	return (int64) (limit / sizeof(uint64));
}

static void
eval_limit_error(const char *aggname, int64 rows)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("%s needs more memory than community_retention.max_train_memory allows", aggname),
			 errdetail("It keeps 8 bytes per scored row; %lld rows are more than the limit of %lld rows.",
					   (long long) rows, (long long) eval_max_scores()),
			 errhint("Raise community_retention.max_train_memory (at most 1GB is usable), or evaluate a sample or smaller groups.")));
}

static CrEvalState *
eval_state_new(MemoryContext aggctx)
{
	CrEvalState *st = (CrEvalState *) MemoryContextAllocZero(aggctx, sizeof(CrEvalState));

	st->h.sorted = 1;			/* trivially */
	return st;
}

static void
eval_check_limit(const char *aggname, int64 rows)
{
	if (rows > eval_max_scores())
		eval_limit_error(aggname, rows);
}

/* Make room for `more` scores in one class array. */
static void
eval_reserve(MemoryContext aggctx, const char *aggname, CrEvalState *st,
			 bool positive, int64 more)
{
	int64		n = positive ? st->h.npos : st->h.nneg;
	int64		cap = positive ? st->cap_pos : st->cap_neg;
	uint64	   *arr = positive ? st->pos : st->neg;
	int64		limit = eval_max_scores();
	int64		newcap;

	eval_check_limit(aggname, st->h.npos + st->h.nneg + more);
	if (n + more <= cap)
		return;
	newcap = cap < 8 ? 8 : cap * 2;
	if (newcap < n + more)
		newcap = n + more;
	/* the two classes together never reserve more than the limit */
	if (newcap > limit - (positive ? st->h.nneg : st->h.npos))
		newcap = limit - (positive ? st->h.nneg : st->h.npos);
	if (arr == NULL)
		arr = MemoryContextAllocHuge(aggctx, newcap * sizeof(uint64));
	else
		arr = repalloc_huge(arr, newcap * sizeof(uint64));
	if (positive)
	{
		st->pos = arr;
		st->cap_pos = newcap;
	}
	else
	{
		st->neg = arr;
		st->cap_neg = newcap;
	}
}

static inline void
eval_push(MemoryContext aggctx, const char *aggname, CrEvalState *st,
		  double score, bool label)
{
	st->h.sorted = 0;

	/*
	 * The limit counts both classes, so it is checked on every row, not only
	 * when this class's array grows: one class may still have room it
	 * reserved while the other held fewer scores.
	 */
	if (st->h.npos + st->h.nneg >= eval_max_scores())
		eval_limit_error(aggname, st->h.npos + st->h.nneg + 1);
	if (label)
	{
		if (st->h.npos >= st->cap_pos)
			eval_reserve(aggctx, aggname, st, true, 1);
		st->pos[st->h.npos++] = cr_auc_key(score);
	}
	else
	{
		if (st->h.nneg >= st->cap_neg)
			eval_reserve(aggctx, aggname, st, false, 1);
		st->neg[st->h.nneg++] = cr_auc_key(score);
	}
}

static MemoryContext
eval_aggcontext(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "%s called in non-aggregate context", fname);
	return aggctx;
}

static void
eval_check_score_nan(double score)
{
	if (isnan(score))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score must not be NaN")));
}

static void
eval_check_probability(double score)
{
	if (isnan(score) || score < 0.0 || score > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score must be between 0 and 1"),
				 errdetail("The score was %s.", cr_float_text(score)),
				 errhint("Scores must be predicted probabilities, such as the results of retention_score.")));
}

/* ---------------------------------------------------------------- retention_auc */

PG_FUNCTION_INFO_V1(retention_auc_transfn);
Datum
retention_auc_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = eval_aggcontext(fcinfo, "retention_auc_transfn");
	CrEvalState *st = PG_ARGISNULL(0) ? NULL : (CrEvalState *) PG_GETARG_POINTER(0);
	double		score;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	score = PG_GETARG_FLOAT8(1);
	eval_check_score_nan(score);
	if (st == NULL)
		st = eval_state_new(aggctx);
	eval_push(aggctx, "retention_auc", st, score, PG_GETARG_BOOL(2));
	PG_RETURN_POINTER(st);
}

static void
eval_tick(void *arg)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * Sort the class arrays in place.  The state keeps the same scores (only
 * their order changes), so the final and serial functions that call this are
 * read-only in every sense that matters to the executor: more rows and more
 * final calls may follow, as in a running window frame.
 */
static void
eval_sort_state(CrEvalState *st)
{
	int64		m = Max(st->h.npos, st->h.nneg);
	uint64	   *scratch;

	if (st->h.sorted)
		return;
	if (m > 1)
	{
		scratch = MemoryContextAllocHuge(CurrentMemoryContext, m * sizeof(uint64));
		cr_sort_keys(st->pos, scratch, st->h.npos, eval_tick, NULL);
		cr_sort_keys(st->neg, scratch, st->h.nneg, eval_tick, NULL);
		pfree(scratch);
	}
	st->h.sorted = 1;
}

/* Exact AUC of the state, or false when a class is missing. */
static bool
eval_state_auc(CrEvalState *st, double *auc)
{
	if (st->h.npos == 0 || st->h.nneg == 0)
		return false;
	eval_sort_state(st);
	return cr_auc_sorted(st->pos, st->h.npos, st->neg, st->h.nneg, auc,
						 eval_tick, NULL) == 0;
}

PG_FUNCTION_INFO_V1(retention_auc_finalfn);
Datum
retention_auc_finalfn(PG_FUNCTION_ARGS)
{
	CrEvalState *st;
	double		auc;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (CrEvalState *) PG_GETARG_POINTER(0);
	if (!eval_state_auc(st, &auc))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(auc);
}

/* Combine, serialize and deserialize are shared by retention_auc and retention_metrics. */

/*
 * Add n keys to one class of dst: merged when both sides are sorted (parallel
 * workers sort their partial states, so the leader only merges), else
 * appended.
 */
static void
eval_add_class(MemoryContext aggctx, const char *aggname, CrEvalState *dst,
			   bool positive, const uint64 *keys, int64 n, bool merge)
{
	int64	   *count = positive ? &dst->h.npos : &dst->h.nneg;
	uint64	  **arr = positive ? &dst->pos : &dst->neg;
	int64	   *cap = positive ? &dst->cap_pos : &dst->cap_neg;

	if (n <= 0)
		return;
	if (merge && *count > 0)
	{
		uint64	   *out;

		eval_check_limit(aggname, dst->h.npos + dst->h.nneg + n);
		out = MemoryContextAllocHuge(aggctx, (*count + n) * sizeof(uint64));
		cr_merge_keys(*arr, *count, keys, n, out, eval_tick, NULL);
		pfree(*arr);
		*arr = out;
		*count += n;
		*cap = *count;
		return;
	}
	eval_reserve(aggctx, aggname, dst, positive, n);
	memcpy(*arr + *count, keys, n * sizeof(uint64));
	*count += n;
}

static void
eval_append(MemoryContext aggctx, CrEvalState *dst, const CrEvalHeader *h,
			const uint64 *pos, const uint64 *neg)
{
	const char *aggname = h->has_threshold ? "retention_metrics" : "retention_auc";
	bool		keep_sorted = dst->h.sorted && h->sorted;

	eval_add_class(aggctx, aggname, dst, true, pos, h->npos, keep_sorted);
	eval_add_class(aggctx, aggname, dst, false, neg, h->nneg, keep_sorted);
	dst->h.sorted = keep_sorted;
	if (h->has_threshold)
	{
		if (dst->h.has_threshold && dst->h.threshold != h->threshold)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("threshold must be the same for every row of a group")));
		dst->h.has_threshold = 1;
		dst->h.threshold = h->threshold;
	}
	dst->h.tp += h->tp;
	dst->h.fp += h->fp;
	dst->h.tn += h->tn;
	dst->h.fn += h->fn;
}

PG_FUNCTION_INFO_V1(retention_eval_combinefn);
Datum
retention_eval_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = eval_aggcontext(fcinfo, "retention_eval_combinefn");
	CrEvalState *a = PG_ARGISNULL(0) ? NULL : (CrEvalState *) PG_GETARG_POINTER(0);
	CrEvalState *b = PG_ARGISNULL(1) ? NULL : (CrEvalState *) PG_GETARG_POINTER(1);
	bool		owned;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	/*
	 * A state the deserial function just built belongs to no one else: adopt
	 * it instead of copying, and free its arrays once merged.  Otherwise (a
	 * partial state of another plan node in this process) b may live on or
	 * be freed with its group, so copy and leave it alone.
	 */
	owned = fcinfo->context && IsA(fcinfo->context, AggState) &&
		DO_AGGSPLIT_DESERIALIZE(((AggState *) fcinfo->context)->aggsplit);
	if (a == NULL)
	{
		if (owned)
			PG_RETURN_POINTER(b);
		a = eval_state_new(aggctx);
	}
	eval_append(aggctx, a, &b->h, b->pos, b->neg);
	if (owned)
	{
		if (b->pos)
			pfree(b->pos);
		if (b->neg)
			pfree(b->neg);
		b->pos = b->neg = NULL;
		b->h.npos = b->h.nneg = b->cap_pos = b->cap_neg = 0;
	}
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(retention_eval_serialfn);
Datum
retention_eval_serialfn(PG_FUNCTION_ARGS)
{
	CrEvalState *st = (CrEvalState *) PG_GETARG_POINTER(0);
	Size		npos,
				nneg,
				len;
	bytea	   *out;
	char	   *p;

	/* sort here, in the parallel worker, so the leader only merges */
	eval_sort_state(st);
	npos = (Size) st->h.npos;
	nneg = (Size) st->h.nneg;
	len = VARHDRSZ + sizeof(CrEvalHeader) + (npos + nneg) * sizeof(uint64);
	/* eval_max_scores keeps this below MaxAllocSize */
	out = (bytea *) palloc(len);
	SET_VARSIZE(out, len);
	p = VARDATA(out);
	memcpy(p, &st->h, sizeof(CrEvalHeader));
	p += sizeof(CrEvalHeader);
	if (npos)
		memcpy(p, st->pos, npos * sizeof(uint64));
	p += npos * sizeof(uint64);
	if (nneg)
		memcpy(p, st->neg, nneg * sizeof(uint64));
	PG_RETURN_BYTEA_P(out);
}

/* the errdetail of a deserialized state that is not one (cr_bad_state) */
#define EVAL_BAD_SERIAL "The %zu bytes are not a state retention_eval_serialfn writes."

/*
 * One class's keys of a state being deserialized: each the key of a score the
 * transition functions accept (retention_auc: not NaN; retention_metrics:
 * from 0 to 1; never -0.0's own key), in order when the state says so, and
 * *at_least of them at or above the threshold's key (the predicted
 * renewals).  One linear pass.
 */
static void
eval_check_keys(const uint64 *keys, int64 n, bool sorted, const CrEvalHeader *h,
				int64 *at_least, Size len)
{
	uint64		lo = h->has_threshold ? cr_auc_key(0.0) : cr_auc_key(-INFINITY);
	uint64		hi = h->has_threshold ? cr_auc_key(1.0) : cr_auc_key(INFINITY);
	uint64		cut = cr_auc_key(h->threshold);
	int64		above = 0;

	for (int64 i = 0; i < n; i++)
	{
		if (keys[i] < lo || keys[i] > hi || keys[i] == CR_AUC_KEY_NEG_ZERO ||
			(sorted && i > 0 && keys[i - 1] > keys[i]))
			cr_bad_state("retention evaluation", EVAL_BAD_SERIAL, len);
		above += keys[i] >= cut;
		if ((i & 0xFFFFF) == 0xFFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	*at_least = above;
}

PG_FUNCTION_INFO_V1(retention_eval_deserialfn);
Datum
retention_eval_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = eval_aggcontext(fcinfo, "retention_eval_deserialfn");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	CrEvalHeader h;
	CrEvalState *st;
	const char *aggname;
	int64		pos_above,
				neg_above;

	/*
	 * Any bytes may arrive here (an aggregate a superuser declared with
	 * another serial function, a Citus worker): 22P03 unless they are a
	 * state the serial function could have written.
	 */
	if (len < sizeof(CrEvalHeader))
		cr_bad_state("retention evaluation", EVAL_BAD_SERIAL, len);
	memcpy(&h, p, sizeof(CrEvalHeader));
	/* the counts in uint64, where a forged pair cannot overflow */
	if (h.npos < 0 || h.nneg < 0 ||
		(uint64) h.npos + (uint64) h.nneg != (len - sizeof(CrEvalHeader)) / sizeof(uint64) ||
		(len - sizeof(CrEvalHeader)) % sizeof(uint64) != 0 ||
		(h.has_threshold != 0 && h.has_threshold != 1) || (h.sorted != 0 && h.sorted != 1) ||
		(h.has_threshold && isnan(h.threshold)))
		cr_bad_state("retention evaluation", EVAL_BAD_SERIAL, len);
	aggname = h.has_threshold ? "retention_metrics" : "retention_auc";
	p += sizeof(CrEvalHeader);
	st = eval_state_new(aggctx);
	st->h = h;
	st->h.npos = st->h.nneg = 0;
	if (h.npos > 0)
	{
		eval_reserve(aggctx, aggname, st, true, h.npos);
		memcpy(st->pos, p, h.npos * sizeof(uint64));
		st->h.npos = h.npos;
	}
	p += h.npos * sizeof(uint64);
	if (h.nneg > 0)
	{
		eval_reserve(aggctx, aggname, st, false, h.nneg);
		memcpy(st->neg, p, h.nneg * sizeof(uint64));
		st->h.nneg = h.nneg;
	}
	/*
	 * The final functions merge sorted keys as they are, and read the keys
	 * back as scores (retention_metrics' log loss and Brier score); the
	 * confusion counts are the ones the keys give (retention_metrics), or 0
	 * (retention_auc), so that no sum of them can overflow either.
	 */
	eval_check_keys(st->pos, h.npos, h.sorted, &h, &pos_above, len);
	eval_check_keys(st->neg, h.nneg, h.sorted, &h, &neg_above, len);
	if (h.has_threshold ?
		(h.tp != pos_above || h.fn != h.npos - pos_above ||
		 h.fp != neg_above || h.tn != h.nneg - neg_above) :
		(h.tp != 0 || h.fp != 0 || h.tn != 0 || h.fn != 0))
		cr_bad_state("retention evaluation", EVAL_BAD_SERIAL, len);
	PG_RETURN_POINTER(st);
}

/* ---------------------------------------------------------------- retention_metrics */

PG_FUNCTION_INFO_V1(retention_metrics_transfn);
Datum
retention_metrics_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = eval_aggcontext(fcinfo, "retention_metrics_transfn");
	CrEvalState *st = PG_ARGISNULL(0) ? NULL : (CrEvalState *) PG_GETARG_POINTER(0);
	double		threshold = 0.5;
	double		score;
	bool		label,
				predicted;

	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("threshold must not be null")));
		threshold = PG_GETARG_FLOAT8(3);
		if (isnan(threshold))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("threshold must not be NaN")));
	}
	/*
	 * A skipped row (NULL score or label) still sets the group's threshold,
	 * as a skipped row sets retention_calibration's bins: a state is made
	 * for it, so that a row with another threshold is an error whatever the
	 * rows around it (the final function gives NULL while no row counts).
	 */
	if (!(PG_ARGISNULL(1) || PG_ARGISNULL(2)))
		eval_check_probability(PG_GETARG_FLOAT8(1));
	if (st == NULL)
	{
		st = eval_state_new(aggctx);
		st->h.threshold = threshold;
		st->h.has_threshold = 1;
	}
	else if (st->h.threshold != threshold)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold must be the same for every row of a group")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	score = PG_GETARG_FLOAT8(1);
	label = PG_GETARG_BOOL(2);

	eval_push(aggctx, "retention_metrics", st, score, label);

	predicted = score >= threshold;
	if (label)
	{
		if (predicted)
			st->h.tp++;
		else
			st->h.fn++;
	}
	else
	{
		if (predicted)
			st->h.fp++;
		else
			st->h.tn++;
	}
	PG_RETURN_POINTER(st);
}

/*
 * Log loss and Brier score of every kept score, summed in sorted order (each
 * class's keys, ascending), so that the result does not depend on the order
 * the rows arrived in: a parallel plan, whose workers split the rows
 * differently from run to run, gives the serial result bit for bit.  The log
 * loss is computed exactly as scikit-learn does: clip, then 1 - p.
 */
static void
eval_loss_sums(CrEvalState *st, double *logloss, double *brier)
{
	CrSum		ll = {0, 0},
				br = {0, 0};

	eval_sort_state(st);
	for (int c = 0; c < 2; c++)
	{
		const uint64 *keys = c ? st->pos : st->neg;
		int64		n = c ? st->h.npos : st->h.nneg;

		for (int64 i = 0; i < n; i++)
		{
			double		p = cr_auc_key_value(keys[i]);
			double		clipped = Min(Max(p, CR_LOGLOSS_EPS), 1.0 - CR_LOGLOSS_EPS);

			crsum_add(&ll, c ? -log(clipped) : -log(1.0 - clipped));
			crsum_add(&br, c ? (1.0 - p) * (1.0 - p) : p * p);
			if ((i & 0xFFFFF) == 0xFFFFF)
				CHECK_FOR_INTERRUPTS();
		}
	}
	*logloss = crsum_value(&ll);
	*brier = crsum_value(&br);
}

PG_FUNCTION_INFO_V1(retention_metrics_finalfn);
Datum
retention_metrics_finalfn(PG_FUNCTION_ARGS)
{
	CrEvalState *st;
	TupleDesc	td;
	Datum		values[11];
	bool		nulls[11];
	double		n,
				tp,
				fp,
				tn,
				fn,
				auc,
				logloss,
				brier;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (CrEvalState *) PG_GETARG_POINTER(0);
	if (st->h.npos + st->h.nneg == 0)
		PG_RETURN_NULL();
	td = cr_result_rowdesc(fcinfo, false, 11, NULL);

	memset(nulls, 0, sizeof(nulls));
	n = (double) (st->h.npos + st->h.nneg);
	tp = (double) st->h.tp;
	fp = (double) st->h.fp;
	tn = (double) st->h.tn;
	fn = (double) st->h.fn;
	values[0] = Int64GetDatum(st->h.npos + st->h.nneg);
	values[1] = Int64GetDatum(st->h.npos);
	values[2] = Float8GetDatum((double) st->h.npos / n);
	if (eval_state_auc(st, &auc))
		values[3] = Float8GetDatum(auc);
	else
		nulls[3] = true;
	eval_loss_sums(st, &logloss, &brier);
	values[4] = Float8GetDatum(logloss / n);
	values[5] = Float8GetDatum(brier / n);
	values[6] = Float8GetDatum((tp + tn) / n);
	/* undefined ratios (0/0) are NULL; scikit-learn reports 0 with a warning */
	if (tp + fp > 0)
		values[7] = Float8GetDatum(tp / (tp + fp));
	else
		nulls[7] = true;
	if (tp + fn > 0)
		values[8] = Float8GetDatum(tp / (tp + fn));
	else
		nulls[8] = true;
	if (2 * tp + fp + fn > 0)
		values[9] = Float8GetDatum(2 * tp / (2 * tp + fp + fn));
	else
		nulls[9] = true;
	if (tp + fp > 0 && tp + fn > 0 && tn + fp > 0 && tn + fn > 0)
		values[10] = Float8GetDatum((tp * tn - fp * fn) /
									sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)));
	else
		nulls[10] = true;

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, values, nulls)));
}

/* ---------------------------------------------------------------- calibration */

/* The numbers of a checked calibration state (1-D, no NULLs). */
static inline double *
calib_data(ArrayType *a)
{
	return (double *) CR_ARR_DATA_NONULLS(a);
}

/* the errdetail of a state that is not one (cr_bad_array_state) */
#define CALIB_STATE_DETAIL "A state is {bins, then count, sum of scores, sum of labels per bin}, as the aggregate's transition function builds it."

/*
 * Check that an array is a calibration state (a user can call the transition
 * function directly) and return its number of bins.
 */
static int
calib_state_bins(ArrayType *a)
{
	double	   *d;
	int			bins;

	if (ARR_NDIM(a) != 1 || array_contains_nulls(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < 4)
		cr_bad_array_state("retention calibration", NULL, CALIB_STATE_DETAIL);
	d = calib_data(a);
	if (!(d[0] >= 1 && d[0] <= CR_CALIBRATION_MAX_BINS) || d[0] != floor(d[0]))
		cr_bad_array_state("retention calibration", NULL, CALIB_STATE_DETAIL);
	bins = (int) d[0];
	if (ARR_DIMS(a)[0] != 1 + 3 * bins)
		cr_bad_array_state("retention calibration", NULL, CALIB_STATE_DETAIL);
	return bins;
}

/*
 * Check the numbers of a state before reporting them: per bin a count that
 * is a whole number in [0, 2^53] and sums of scores and labels (each in
 * [0, 1]) in [0, count].  Only a state built by hand fails this; the final
 * and combine functions, which are O(bins) anyway, check it.
 */
static void
calib_check_sums(const double *d, int bins)
{
	for (int b = 0; b < bins; b++)
	{
		double		n = d[1 + 3 * b],
					s = d[2 + 3 * b],
					l = d[3 + 3 * b];

		if (!(n >= 0 && n <= 9007199254740992.0) || n != floor(n) ||
			!(s >= 0 && s <= n) || !(l >= 0 && l <= n))
			cr_bad_array_state("retention calibration", NULL, CALIB_STATE_DETAIL);
	}
}

/* The rows a checked state counts, over all bins (0: only skipped rows) */
static double
calib_total(const double *d, int bins)
{
	double		total = 0;

	for (int b = 0; b < bins; b++)
		total += d[1 + 3 * b];
	return total;
}

static void
calib_check_bins(int bins)
{
	if (bins < 1 || bins > CR_CALIBRATION_MAX_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be between 1 and %d", CR_CALIBRATION_MAX_BINS),
				 errdetail("bins was %d.", bins)));
}

static void
calib_bins_mismatch(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("bins must be the same for every row of a group")));
}

/* Bin b holds [b/bins, (b+1)/bins); the last bin also holds 1. */
static int
calib_bin_of(double score, int bins)
{
	int			b = (int) (score * bins);

	if (b >= bins)
		b = bins - 1;
	/* make the bin agree with the edges we report, computed as b / bins */
	if (b > 0 && score < (double) b / bins)
		b--;
	else if (b + 1 < bins && score >= (double) (b + 1) / bins)
		b++;
	return b;
}

PG_FUNCTION_INFO_V1(retention_calibration_transfn);
Datum
retention_calibration_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	bool		in_agg = AggCheckCallContext(fcinfo, &aggctx);
	ArrayType  *a;
	double	   *d;
	double		score = 0.0;
	int			bins,
				b;
	bool		skip;

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("bins must not be null")));
	bins = PG_GETARG_INT32(3);
	calib_check_bins(bins);

	/*
	 * A skipped row (NULL score or label) still sets the group's bins: a
	 * state is made for it, so that a later row with other bins is an error
	 * in every row order (the final functions give NULL while no row counts).
	 */
	skip = PG_ARGISNULL(1) || PG_ARGISNULL(2);
	if (!skip)
	{
		score = PG_GETARG_FLOAT8(1);
		eval_check_probability(score);
	}
	if (PG_ARGISNULL(0))
	{
		Datum	   *zeros = palloc0((1 + 3 * bins) * sizeof(Datum));

		for (int i = 0; i < 1 + 3 * bins; i++)
			zeros[i] = Float8GetDatum(0.0);
		zeros[0] = Float8GetDatum((double) bins);
		a = construct_array(zeros, 1 + 3 * bins, FLOAT8OID, sizeof(float8),
							FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
		if (skip)
			PG_RETURN_ARRAYTYPE_P(a);
	}
	else if (skip)
	{
		a = PG_GETARG_ARRAYTYPE_P(0);
		if (calib_state_bins(a) != bins)
			calib_bins_mismatch();
		PG_RETURN_ARRAYTYPE_P(a);
	}
	else
	{
		a = PG_GETARG_ARRAYTYPE_P(0);
		if (calib_state_bins(a) != bins)
			calib_bins_mismatch();
		/* outside an aggregate, never scribble on the caller's value */
		if (!in_agg)
			a = PG_GETARG_ARRAYTYPE_P_COPY(0);
	}
	d = calib_data(a);
	b = calib_bin_of(score, bins);
	d[1 + 3 * b] += 1.0;
	d[2 + 3 * b] += score;
	d[3 + 3 * b] += PG_GETARG_BOOL(2) ? 1.0 : 0.0;
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(retention_calibration_combinefn);
Datum
retention_calibration_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P_COPY(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			bins = calib_state_bins(a);
	double	   *da,
			   *db;

	if (calib_state_bins(b) != bins)
		calib_bins_mismatch();
	da = calib_data(a);
	db = calib_data(b);
	calib_check_sums(da, bins);
	calib_check_sums(db, bins);
	for (int i = 1; i < 1 + 3 * bins; i++)
		da[i] += db[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(retention_calibration_finalfn);
Datum
retention_calibration_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	double	   *d;
	int			bins;
	Oid			elemtype;
	TupleDesc	td;
	Datum	   *elems;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	a = PG_GETARG_ARRAYTYPE_P(0);
	bins = calib_state_bins(a);
	d = calib_data(a);
	calib_check_sums(d, bins);
	if (calib_total(d, bins) <= 0)	/* only skipped rows: no rows */
		PG_RETURN_NULL();
	td = cr_result_rowdesc(fcinfo, true, 6, &elemtype);
	elems = palloc(bins * sizeof(Datum));
	for (int b = 0; b < bins; b++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		double		n = d[1 + 3 * b];

		values[0] = Int32GetDatum(b + 1);
		values[1] = Float8GetDatum((double) b / bins);
		values[2] = Float8GetDatum((double) (b + 1) / bins);
		values[3] = Int64GetDatum((int64) n);
		if (n > 0)
		{
			values[4] = Float8GetDatum(d[2 + 3 * b] / n);
			values[5] = Float8GetDatum(d[3 + 3 * b] / n);
		}
		else
			nulls[4] = nulls[5] = true;
		elems[b] = HeapTupleGetDatum(heap_form_tuple(td, values, nulls));
	}
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, bins, elemtype, typlen, typbyval, typalign));
}

PG_FUNCTION_INFO_V1(retention_ece_finalfn);
Datum
retention_ece_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	double	   *d;
	int			bins;
	double		total,
				ece = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	a = PG_GETARG_ARRAYTYPE_P(0);
	bins = calib_state_bins(a);
	d = calib_data(a);
	calib_check_sums(d, bins);
	total = calib_total(d, bins);
	if (total <= 0)
		PG_RETURN_NULL();
	for (int b = 0; b < bins; b++)
	{
		double		n = d[1 + 3 * b];

		if (n > 0)
			ece += n / total * fabs(d[2 + 3 * b] / n - d[3 + 3 * b] / n);
	}
	PG_RETURN_FLOAT8(ece);
}

/* ---------------------------------------------------------------- retention_split */

static void
split_check_fraction(double f)
{
	if (isnan(f) || f < 0.0 || f > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("test_fraction must be between 0 and 1"),
				 errdetail("test_fraction was %s.", cr_float_text(f))));
}

/*
 * The key's hash, as 53 bits, is read as a uniform number u in [0, 1); the
 * key is in the test set when u < test_fraction (so 0 puts nothing in the
 * test set and 1 everything).
 */
static bool
split_decide(uint64_t h, double test_fraction)
{
	return (double) (h >> 11) * 0x1.0p-53 < test_fraction;
}

PG_FUNCTION_INFO_V1(retention_split_int8);
Datum
retention_split_int8(PG_FUNCTION_ARGS)
{
	int64		key = PG_GETARG_INT64(0);
	double		f = PG_GETARG_FLOAT8(1);
	int32		seed = PG_GETARG_INT32(2);
	unsigned char bytes[8];
	uint64_t	u = (uint64_t) key;

	split_check_fraction(f);
	/* the key's 8 bytes, little-endian two's complement, on every machine */
	for (int i = 0; i < 8; i++)
		bytes[i] = (unsigned char) (u >> (8 * i));
	PG_RETURN_BOOL(split_decide(cr_hash_bytes(bytes, 8, (uint64_t) (int64_t) seed), f));
}

PG_FUNCTION_INFO_V1(retention_split_text);
Datum
retention_split_text(PG_FUNCTION_ARGS)
{
	text	   *key = PG_GETARG_TEXT_PP(0);
	double		f = PG_GETARG_FLOAT8(1);
	int32		seed = PG_GETARG_INT32(2);
	const char *s = VARDATA_ANY(key);
	int			len = VARSIZE_ANY_EXHDR(key);
	char	   *utf8;
	bool		result;

	split_check_fraction(f);
	/* hash the UTF-8 bytes, whatever the database encoding */
	utf8 = pg_server_to_any(s, len, PG_UTF8);
	if (utf8 != s)
		len = strlen(utf8);
	result = split_decide(cr_hash_bytes((const unsigned char *) utf8, (size_t) len,
										(uint64_t) (int64_t) seed), f);
	PG_RETURN_BOOL(result);
}
