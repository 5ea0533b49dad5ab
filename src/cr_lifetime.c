/*
 * cr_lifetime.c
 *	  Backend glue of the buyer models: the aggregates bgnbd_fit and
 *	  gammagamma_fit, the predictions (bgnbd_p_alive, bgnbd_expected_purchases,
 *	  gammagamma_expected_spend) and lifetime_value.  The numerics are in the
 *	  plain-C kernels cr_bgnbd.c, cr_bgnbd_expect.c, cr_gammagamma.c,
 *	  cr_optim.c, cr_hyp2f1.c.
 *
 *	  Models are composite values (types bgnbd_model, gammagamma_model): the
 *	  estimates, the log-likelihood, standard errors and counts as float8 and
 *	  bigint fields, which BI tools read directly and pg_dump restores as is.
 *
 *	  Fit state: the rows themselves (the likelihood needs every row), as
 *	  doubles.  BG/NBD rows are (x, t_x, T, count), sorted and merged whenever
 *	  the buffer fills up, so memory is 32 bytes per distinct (x, t_x, T)
 *	  triple.  Members whose triple is whole numbers (days) first go to a
 *	  buffer of 8-byte keys (cr_buyer_key), radix-sorted and folded into the
 *	  rows when it holds max(2^20, twice the distinct rows) keys and at the
 *	  end: sorting and merging 32-byte rows as they came took over half the
 *	  time of a fit.  Gamma-Gamma rows are (x, mean spend, count - 1), sorted
 *	  and merged once a buffer of GG_COMPACT_MIN rows or more fills up (and
 *	  before the state is serialized or fitted), so memory is 24 bytes per
 *	  distinct (x, m) pair, in a buffer of at most twice as many past
 *	  GG_COMPACT_MIN (gg_reserve): 10 million members of 70 pairs took
 *	  382 MB when every member kept its own 16-byte row.
 */
#include "community_retention.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "cr_auc.h"
#include "cr_bgnbd.h"
#include "cr_engagement.h"
#include "cr_gammagamma.h"
#include "cr_hugemem.h"
#include "cr_lifetime.h"

#define BG_WIDTH 4				/* doubles per BG/NBD row: a CrBuyerRow */
#define GG_WIDTH 3				/* doubles per Gamma-Gamma row: a CrSpendRow */
#define BG_NFIELDS 11
#define GG_NFIELDS 9
#define CLV_MAX_PERIODS 100000

typedef struct FitState
{
	int64		skipped;		/* rows not used */
	int32		width;			/* doubles per row */
	int32		nrows;
	int32		nsorted;		/* rows[0..nsorted) are compacted */
	int32		cap;
	int64		nkc;			/* BG/NBD: counted keys, not yet in rows */
	double	   *rows;
	uint64	   *kc;				/* nkc sorted distinct keys */
	uint64	   *kcount;			/* and their counts (cr_buyer_keys_count) */
	/* BG/NBD, not serialized: keys of members not yet in rows */
	int64		nkeys;
	int64		keycap;
	uint64	   *keys;
} FitState;

#define FIT_SER_FIXED (offsetof(FitState, rows))

static void
fit_tick(void *arg)
{
	CHECK_FOR_INTERRUPTS();
}

static FitState *
fit_new(MemoryContext ctx, int width)
{
	FitState   *st = MemoryContextAllocZero(ctx, sizeof(FitState));

	st->width = width;
	return st;
}

/*
 * The most rows (of width doubles) a state holds: 2^30 doubles, 8 GB (a
 * build with -DCR_FIT_MAX_DOUBLES=N holds N, to try the limit by hand)
 */
#ifndef CR_FIT_MAX_DOUBLES
#define CR_FIT_MAX_DOUBLES (PG_INT32_MAX / 2)
#endif
#define FIT_MAX_ROWS(width) ((int64) (CR_FIT_MAX_DOUBLES) / (width))

static void
fit_check_cap(int64 want, int width)
{
	if (want > FIT_MAX_ROWS(width))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct rows for one fit (more than " INT64_FORMAT ")",
						FIT_MAX_ROWS(width))));
}

/*
 * The capacity of a buffer that needs `need` rows: twice that (amortised
 * growth) but no more than the limit, so that the doubling does not refuse a
 * state that fits (it did from half the limit on).
 */
static int64
fit_grow(int64 need, int width)
{
	fit_check_cap(need, width);
	return Max(Min(2 * need, FIT_MAX_ROWS(width)), 256);
}

/*
 * BG/NBD: a count of rows merged (cr_buyer_rows_merge,
 * cr_buyer_counted_merge), refused when the counts of one history in both
 * went past 2^53 (only forged partial states combined)
 */
static int64
bg_merged(size_t m)
{
	if (m == SIZE_MAX)
		cr_bad_state("lifetime fit",
					 "Its count of members of one history and another partial state's add up to more than 2^53.");
	return (int64) m;
}

/*
 * BG/NBD rows: make rows[0..nrows) sorted by (x, t_x, T) with identical
 * triples merged.  Only the rows added since the last time are sorted; they
 * are then merged with the sorted ones into a new buffer of twice their
 * number, at most the limit (they are all in the buffer now, so they fit).
 * Room for more rows is the caller's (fit_reserve), once the merge has
 * folded the triples seen before: checked ahead of it, they counted twice.
 */
static void
bg_compact(FitState *st, MemoryContext ctx)
{
	CrBuyerRow *old = (CrBuyerRow *) st->rows,
			   *fresh;
	size_t		m;
	int64		cap;

	if (st->nsorted == 0 || st->nsorted == st->nrows)
	{
		st->nrows = st->nsorted = (int32) cr_buyer_rows_compact(old, st->nrows);
		return;
	}
	m = cr_buyer_rows_compact(old + st->nsorted, st->nrows - st->nsorted);
	cap = fit_grow((int64) st->nsorted + (int64) m, BG_WIDTH);
	fresh = MemoryContextAllocHuge(ctx, (Size) cap * sizeof(CrBuyerRow));
	st->nrows = st->nsorted = (int32) bg_merged(cr_buyer_rows_merge(old, st->nsorted,
																	old + st->nsorted, m, fresh));
	st->cap = (int32) cap;
	st->rows = (double *) fresh;
	pfree(old);
}

/*
 * BG/NBD: merge n sorted, compacted rows (not the state's) into the rows,
 * leaving rows[0..nrows) sorted and compacted: a linear merge, as the
 * combine function needs for the workers' states.  Past the limit, the
 * triples the two have in common are counted once before the check.
 */
static void
bg_merge_sorted(FitState *st, MemoryContext ctx, const CrBuyerRow *rows, size_t n)
{
	CrBuyerRow *out;
	int64		need,
				cap;

	if (st->nsorted != st->nrows)
		bg_compact(st, ctx);
	need = (int64) st->nrows + (int64) n;
	if (need > FIT_MAX_ROWS(BG_WIDTH))
		need = (int64) cr_buyer_rows_merge_count((const CrBuyerRow *) st->rows, st->nrows,
												 rows, n);
	cap = fit_grow(need, BG_WIDTH);
	out = MemoryContextAllocHuge(ctx, (Size) cap * sizeof(CrBuyerRow));
	st->nrows = st->nsorted = (int32) bg_merged(cr_buyer_rows_merge((CrBuyerRow *) st->rows,
																	st->nrows, rows, n, out));
	st->cap = (int32) cap;
	if (st->rows != NULL)
		pfree(st->rows);
	st->rows = (double *) out;
}

/*
 * BG/NBD: merge n counted keys (not the state's) into the state's counted
 * keys: a linear merge, as the combine function needs for the workers'
 * states.  Past the limit, the keys the two have in common are counted once
 * before the check.
 */
static void
bg_merge_counted(FitState *st, MemoryContext ctx, const uint64 *keys, const uint64 *counts,
				 int64 n)
{
	int64		want = st->nkc + n;
	uint64	   *ko,
			   *co;

	if (want > FIT_MAX_ROWS(2))
		want = (int64) cr_buyer_counted_merge_count(st->kc, (size_t) st->nkc, keys, (size_t) n);
	fit_check_cap(want, 2);
	ko = cr_huge_alloc(ctx, (Size) want * sizeof(uint64));
	co = cr_huge_alloc(ctx, (Size) want * sizeof(uint64));
	if (st->nkc == 0)
	{
		memcpy(ko, keys, (Size) n * sizeof(uint64));
		memcpy(co, counts, (Size) n * sizeof(uint64));
	}
	else
		want = bg_merged(cr_buyer_counted_merge(st->kc, st->kcount, (size_t) st->nkc,
												keys, counts, (size_t) n, ko, co));
	cr_huge_free(st->kc);
	cr_huge_free(st->kcount);
	st->kc = ko;
	st->kcount = co;
	st->nkc = want;
}

/* BG/NBD: sort the keys and fold them into the counted keys. */
static void
bg_count_keys(FitState *st, MemoryContext ctx)
{
	uint64	   *scratch,
			   *counts;
	int64		m;

	if (st->nkeys == 0)
		return;
	scratch = cr_huge_alloc(ctx, (Size) st->nkeys * sizeof(uint64));
	cr_sort_keys(st->keys, scratch, (size_t) st->nkeys, fit_tick, NULL);
	counts = scratch;			/* the sort is done with it */
	m = (int64) cr_buyer_keys_count(st->keys, (size_t) st->nkeys, counts);
	st->nkeys = 0;
	if (st->nkc == 0)
	{
		/* the key buffer becomes the counted keys; new keys get a new one */
		st->kc = st->keys;
		st->kcount = counts;
		st->nkc = m;
		st->keys = NULL;
		st->keycap = 0;
		return;
	}
	bg_merge_counted(st, ctx, st->keys, counts, m);
	cr_huge_free(counts);
}

/*
 * BG/NBD: fold the keys and the counted keys into the rows, leaving
 * rows[0..nrows) sorted and compacted.
 */
#define BG_KEYS_MIN (1 << 20)	/* 8 MB */
#define BG_KEYS_MAX (1 << 24)	/* 128 MB */

static void
bg_flush(FitState *st, MemoryContext ctx)
{
	CrBuyerRow *fresh;

	if (st->nsorted != st->nrows)
		bg_compact(st, ctx);
	bg_count_keys(st, ctx);
	if (st->nkc == 0)
		return;
	fit_check_cap((int64) st->nrows + st->nkc, BG_WIDTH);
	fresh = MemoryContextAllocHuge(ctx, (Size) st->nkc * sizeof(CrBuyerRow));
	cr_buyer_counted_rows(st->kc, st->kcount, (size_t) st->nkc, fresh);
	cr_huge_free(st->kc);
	cr_huge_free(st->kcount);
	st->kc = st->kcount = NULL;
	if (st->nrows == 0)
	{
		if (st->rows != NULL)
			pfree(st->rows);
		st->rows = (double *) fresh;
		st->nrows = st->nsorted = st->cap = (int32) st->nkc;
		st->nkc = 0;
		return;
	}
	bg_merge_sorted(st, ctx, fresh, (size_t) st->nkc);
	st->nkc = 0;
	pfree(fresh);
}

/* BG/NBD: fold the keys into the rows, in the context of the state's buffers */
static void
bg_flush_all(FitState *st)
{
	if (st->nsorted != st->nrows || st->nkeys > 0 || st->nkc > 0)
		bg_flush(st, GetMemoryChunkContext(st));
}

/* BG/NBD: room for `more` keys, folding them into the rows past a size */
static void
bg_key_reserve(FitState *st, MemoryContext ctx, int64 more)
{
	int64		want = st->nkeys + more;

	if (want <= st->keycap)
		return;
	if (st->nkeys > 0 && st->keycap >= Min(Max(BG_KEYS_MIN, 2 * (int64) st->nrows), BG_KEYS_MAX))
	{
		bg_flush(st, ctx);
		if (more <= st->keycap)
			return;
	}
	want = Max(Max(st->nkeys + more, 2 * st->keycap), 1024);
	{
		uint64	   *keys = cr_huge_alloc(ctx, (Size) want * sizeof(uint64));

		if (st->nkeys > 0)
			memcpy(keys, st->keys, (Size) st->nkeys * sizeof(uint64));
		cr_huge_free(st->keys);
		st->keys = keys;
	}
	st->keycap = want;
}

#if PG_VERSION_NUM >= 150000
/*
 * gg_sort_rows: PostgreSQL's quicksort of (x, m) rows with the comparison
 * inlined and a query cancel seen during the sort (qsort_interruptible
 * calling cr_spend_row_cmp spent half of a compaction's time in the calls)
 */
#define ST_SORT gg_sort_rows
#define ST_ELEMENT_TYPE CrSpendRow
#define ST_COMPARE(a, b) cr_spend_row_cmp_inline(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"
#endif

/*
 * cr_spend_rows_sort, but a query cancel is seen during the sort: the
 * kernel's qsort of a state of 10 million members runs for seconds with no
 * CHECK_FOR_INTERRUPTS (a cancel waited 11 s for it on a loaded machine).
 * Rows that compare equal differ at most in their counts, which gg_compact
 * then adds up: both sorts give the same bytes.
 */
static void
spend_rows_sort_interruptible(CrSpendRow *rows, size_t n)
{
#if PG_VERSION_NUM >= 150000
	gg_sort_rows(rows, n);
#else
	cr_spend_rows_sort(rows, n);
#endif
}

/*
 * cr_spend_rows_merge_into, refused when the counts of a pair in both went
 * past 2^53 (only forged partial states combined)
 */
static void
gg_merge_into(CrSpendRow *a, size_t na, const CrSpendRow *b, size_t nb, size_t n)
{
	if (!cr_spend_rows_merge_into(a, na, b, nb, n))
		cr_bad_state("lifetime fit",
					 "Its count of members of one (frequency, monetary_value) pair and another partial state's add up to more than 2^53.");
}

/* Grow the buffer to cap rows (more than it has). */
static void
fit_resize(FitState *st, MemoryContext ctx, int64 cap)
{
	Size		bytes = (Size) cap * st->width * sizeof(double);

	fit_check_cap(cap, st->width);
	st->rows = st->rows == NULL ? MemoryContextAllocHuge(ctx, bytes)
		: repalloc_huge(st->rows, bytes);
	st->cap = (int32) cap;
}

/*
 * Gamma-Gamma rows: make rows[0..nrows) sorted by (x, m) with identical
 * pairs merged into one row with their count.  The rows added since the
 * last time, rows[nsorted..nrows), are sorted and merged among themselves,
 * then into the compacted ones in place: moved up past where the merged
 * rows will end and merged from the end down, which takes room for both
 * (the merged rows and the added ones: at most the compacted rows and
 * twice the added ones).  With a context (a full buffer, see gg_reserve),
 * the buffer first grows to twice the merged rows when they take more than
 * half of it, which leaves that room but at the limit.  Without one (the
 * serial and final functions, which do not grow it), where the added rows
 * could lack the room, the whole buffer is sorted in place instead, as
 * when none of it was compacted.  The rows come out the same either way,
 * and as cr_spend_rows_sort and cr_spend_rows_merge_equal leave them.
 */
static void
gg_compact(FitState *st, MemoryContext grow)
{
	CrSpendRow *rows = (CrSpendRow *) st->rows;
	size_t		ns = (size_t) st->nsorted,
				nt = (size_t) (st->nrows - st->nsorted),
				n;

	if (nt == 0)
		return;
	if (grow == NULL && ns > 0 && ns + 2 * nt > (size_t) st->cap)
	{
		/* perhaps no room to merge: all of it */
		nt += ns;
		ns = 0;
	}
	spend_rows_sort_interruptible(rows + ns, nt);
	nt = cr_spend_rows_merge_equal(rows + ns, nt);
	if (ns == 0 || cr_spend_row_cmp(&rows[ns - 1], &rows[ns]) < 0)
		n = ns + nt;
	else
	{
		n = cr_spend_rows_merge_count(rows, ns, rows + ns, nt);
		if (grow != NULL && 2 * (int64) n > st->cap && st->cap < FIT_MAX_ROWS(GG_WIDTH))
		{
			fit_resize(st, grow, Min(2 * (int64) n, FIT_MAX_ROWS(GG_WIDTH)));
			rows = (CrSpendRow *) st->rows;
		}
		if (n + nt > (size_t) st->cap)
		{
			/* at the limit, no room: as a whole */
			spend_rows_sort_interruptible(rows, ns + nt);
			n = cr_spend_rows_merge_equal(rows, ns + nt);
		}
		else
		{
			memmove(rows + n, rows + ns, nt * sizeof(CrSpendRow));
			gg_merge_into(rows, ns, rows + n, nt, n);
		}
	}
	st->nrows = st->nsorted = (int32) n;
}

/*
 * Gamma-Gamma rows are compacted when a buffer of this many rows or more
 * fills up (1.5 MB): below it, growing is cheaper than sorting
 */
#define GG_COMPACT_MIN (1 << 16)

/*
 * Gamma-Gamma: room for another row in a full buffer.  Below
 * GG_COMPACT_MIN rows it doubles; from there on, the rows are compacted
 * (gg_compact) and the buffer grows to twice the distinct pairs it then
 * holds when they take more than half of it.  So it is at most
 * GG_COMPACT_MIN rows or twice the distinct pairs, whatever the order of
 * the rows: it grew without compacting every other time, and members of
 * 530 000 pairs coming round by round (each new member of a pair the
 * buffer held) filled it up, 89 MB at the peak for 12.7 MB of pairs.
 * Pairs all distinct double it as before, each compaction sorting only
 * the rows added since the last one.
 */
static void
gg_reserve(FitState *st, MemoryContext ctx)
{
	if (st->cap >= GG_COMPACT_MIN)
	{
		gg_compact(st, ctx);
		if (2 * (int64) st->nrows > st->cap && st->cap < FIT_MAX_ROWS(GG_WIDTH))
			fit_resize(st, ctx, Min(2 * (int64) st->nrows, FIT_MAX_ROWS(GG_WIDTH)));
	}
	else
		fit_resize(st, ctx, fit_grow(st->cap, GG_WIDTH));
	if (st->nrows == st->cap)
		fit_check_cap((int64) st->cap + 1, GG_WIDTH);
}

/*
 * BG/NBD: room for `more` rows.  The rows are compacted before the buffer
 * grows, and it grows only when they still take more than half of it.
 */
static void
fit_reserve(FitState *st, MemoryContext ctx, int32 more)
{
	int64		want = (int64) st->nrows + more;

	if (want <= st->cap)
		return;
	if (st->nsorted != st->nrows)
	{
		bg_compact(st, ctx);
		want = (int64) st->nrows + more;
		if (want <= st->cap && st->nrows <= st->cap / 2)
			return;
	}
	fit_resize(st, ctx, Max(want, fit_grow(st->cap, st->width)));
}

/*
 * Gamma-Gamma, a buffer at the limit: a member whose (x, m) the compacted
 * rows hold is counted there (a binary search), taking no room; the caller
 * compacts a full buffer first.  Appended, such members refused a state of
 * exactly the limit's distinct pairs (54000 at its next member), and a few
 * thousand pairs below it sorted the whole buffer every few thousand
 * members.
 */
static bool
gg_count_sorted(FitState *st, double x, double m)
{
	CrSpendRow *rows = (CrSpendRow *) st->rows;
	CrSpendRow	key = {x, m, 0.0};
	int32		lo = 0,
				hi = st->nsorted;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;
		int			c = cr_spend_row_cmp(&rows[mid], &key);

		if (c == 0)
		{
			rows[mid].more += 1.0;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * Gamma-Gamma: merge b's rows into a's, pairs the two have in common into
 * one row with their counts: a linear merge of compacted rows (a worker's
 * are, and a combined state's stay so), in place from the end, the buffer
 * grown to the pairs of both and no more.  Appended to a's and compacted
 * later, as they were, pairs in both counted twice against the limit: a
 * combine near it refused (54000) sets of pairs that fit, and the buffer
 * held both states' rows until the final function merged them.
 */
static void
gg_merge_state(FitState *a, MemoryContext ctx, FitState *b)
{
	size_t		n;

	gg_compact(a, NULL);
	gg_compact(b, NULL);
	n = cr_spend_rows_merge_count((const CrSpendRow *) a->rows, a->nrows,
								  (const CrSpendRow *) b->rows, b->nrows);
	if ((int64) n > a->cap)
	{
		Size		bytes = n * sizeof(CrSpendRow);

		fit_check_cap((int64) n, GG_WIDTH);
		a->rows = a->rows == NULL ? MemoryContextAllocHuge(ctx, bytes)
			: repalloc_huge(a->rows, bytes);
		a->cap = (int32) n;
	}
	gg_merge_into((CrSpendRow *) a->rows, a->nrows, (const CrSpendRow *) b->rows, b->nrows, n);
	a->nrows = a->nsorted = (int32) n;
}

/*
 * Check (frequency, monetary_value) of a member for Gamma-Gamma: the fit
 * and the predictions take the same ones (monetary_value is not read when
 * frequency is 0).
 */
static void
check_spend_args(double x, double mean)
{
	if (!isfinite(x) || x < 0.0 || x != floor(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency must be a non-negative integer"),
				 errdetail("frequency = %s.", cr_float_text(x))));
	if (x > 0.0 && !(isfinite(mean) && mean > 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monetary_value must be positive and finite when frequency is positive"),
				 errdetail("frequency = %s, monetary_value = %s.", cr_float_text(x),
						   cr_float_text(mean))));
}

static void
check_buyer_row(double x, double tx, double T)
{
	const char *problem = cr_buyer_row_problem(x, tx, T);

	if (problem)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", problem),
				 errdetail("frequency = %s, recency = %s, T = %s.", cr_float_text(x),
						   cr_float_text(tx), cr_float_text(T))));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_transfn);
Datum
bgnbd_fit_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "bgnbd_fit_transfn");
	FitState   *st = PG_ARGISNULL(0) ? fit_new(aggctx, BG_WIDTH) : (FitState *) PG_GETARG_POINTER(0);
	CrBuyerRow *row;
	uint64_t	key;
	double		x,
				tx,
				T;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		st->skipped++;
		PG_RETURN_POINTER(st);
	}
	x = PG_GETARG_FLOAT8(1);
	tx = PG_GETARG_FLOAT8(2);
	T = PG_GETARG_FLOAT8(3);
	/* a valid row of whole numbers: a key; else checked, and a row */
	if (cr_buyer_key(x, tx, T, &key))
	{
		if (st->nkeys == st->keycap)
			bg_key_reserve(st, aggctx, 1);
		st->keys[st->nkeys++] = key;
		PG_RETURN_POINTER(st);
	}
	check_buyer_row(x, tx, T);
	fit_reserve(st, aggctx, 1);
	row = (CrBuyerRow *) st->rows + st->nrows++;
	row->x = x;
	row->tx = tx;
	row->T = T;
	row->w = 1.0;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(gammagamma_fit_transfn);
Datum
gammagamma_fit_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "gammagamma_fit_transfn");
	FitState   *st = PG_ARGISNULL(0) ? fit_new(aggctx, GG_WIDTH) : (FitState *) PG_GETARG_POINTER(0);
	CrSpendRow *row;
	double		x,
				m;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		st->skipped++;
		PG_RETURN_POINTER(st);
	}
	x = PG_GETARG_FLOAT8(1);
	m = PG_GETARG_FLOAT8(2);
	check_spend_args(x, m);
	if (x == 0.0)
	{
		st->skipped++;			/* the model is fitted on repeat buyers */
		PG_RETURN_POINTER(st);
	}
	if (st->cap == FIT_MAX_ROWS(GG_WIDTH))
	{
		if (st->nrows == st->cap)
			gg_compact(st, NULL);
		if (gg_count_sorted(st, x, m))
			PG_RETURN_POINTER(st);
	}
	if (st->nrows == st->cap)
		gg_reserve(st, aggctx);
	row = (CrSpendRow *) st->rows + st->nrows++;
	row->x = x;
	row->m = m;
	row->more = 0.0;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(lifetime_fit_combinefn);
Datum
lifetime_fit_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "lifetime_fit_combinefn");
	FitState   *a = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitState   *b = PG_ARGISNULL(1) ? NULL : (FitState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = fit_new(aggctx, b->width);
	/* only forged partial states: each model's deserial function is the same */
	if (a->width != b->width)
		cr_bad_state("lifetime fit", "Its rows are %s fit's, another partial state's %s fit's.",
					 a->width == BG_WIDTH ? "a BG/NBD" : "a Gamma-Gamma",
					 b->width == BG_WIDTH ? "a BG/NBD" : "a Gamma-Gamma");
	/* only forged partial states hold counts that overflow together */
	if (b->skipped > PG_INT64_MAX - a->skipped)
		cr_bad_state("lifetime fit",
					 "Its count of skipped rows and another partial state's add up to more than 2^63 - 1.");
	a->skipped += b->skipped;
	if (b->nkeys > 0)
	{
		bg_key_reserve(a, aggctx, b->nkeys);
		memcpy(a->keys + a->nkeys, b->keys, (Size) b->nkeys * sizeof(uint64));
		a->nkeys += b->nkeys;
	}
	if (b->nkc > 0)
		bg_merge_counted(a, aggctx, b->kc, b->kcount, b->nkc);	/* a worker's */
	/* each model's rows by its own merge: a worker's come sorted and merged */
	if (b->nrows > 0 && b->width == BG_WIDTH)
	{
		if (b->nsorted < b->nrows)
			bg_compact(b, aggctx);
		bg_merge_sorted(a, aggctx, (const CrBuyerRow *) b->rows, b->nrows);
	}
	else if (b->nrows > 0)
		gg_merge_state(a, aggctx, b);
	PG_RETURN_POINTER(a);
}

/*
 * The serialized state: the fixed fields up to rows (FIT_SER_FIXED bytes),
 * FIT_SER_PAD zero bytes (so that what follows a 4-byte varlena header at an
 * 8-byte boundary is 8-byte aligned), then nrows * width doubles of rows,
 * then nkc keys and nkc counts.  A BG/NBD worker hands over its members as
 * counted keys (16 bytes a distinct row) and its other rows sorted, so that
 * the leader merges them; aligned counted keys are read in place.
 */
#define FIT_SER_PAD (MAXALIGN(VARHDRSZ + FIT_SER_FIXED) - VARHDRSZ - FIT_SER_FIXED)
#define FIT_SER_HEAD (FIT_SER_FIXED + FIT_SER_PAD)
PG_FUNCTION_INFO_V1(lifetime_fit_serialfn);
Datum
lifetime_fit_serialfn(PG_FUNCTION_ARGS)
{
	FitState   *st = (FitState *) PG_GETARG_POINTER(0);
	Size		nrow_bytes,
				nkc_bytes,
				len;
	bytea	   *out;
	char	   *p;

	if (st->width == BG_WIDTH)
	{
		MemoryContext ctx = GetMemoryChunkContext(st);

		if (st->nsorted != st->nrows)
			bg_compact(st, ctx);
		bg_count_keys(st, ctx);
	}
	else
	{
		gg_compact(st, NULL);
		/*
		 * The rows are all this state holds now: the buffer shrinks to them
		 * before its copy is made (up to twice as large, it took as much
		 * again at a worker's peak, and at the leader's, whose own partial
		 * state lasts until the end of the query).
		 */
		if (st->nrows > 0 && st->nrows < st->cap)
		{
			st->rows = repalloc_huge(st->rows, (Size) st->nrows * sizeof(CrSpendRow));
			st->cap = st->nrows;
		}
	}
	nrow_bytes = (Size) st->nrows * st->width * sizeof(double);
	nkc_bytes = (Size) st->nkc * sizeof(uint64);
	len = VARHDRSZ + FIT_SER_HEAD + nrow_bytes + 2 * nkc_bytes;
	if (len > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct rows in one partial lifetime fit state"),
				 errhint("Fewer rows per parallel worker or Citus shard, or SET max_parallel_workers_per_gather = 0.")));
	out = MemoryContextAllocHuge(CurrentMemoryContext, len);
	cr_advise_huge(out, len);
	SET_VARSIZE(out, len);
	p = VARDATA(out);
	memcpy(p, st, FIT_SER_FIXED);
	memset(p + FIT_SER_FIXED, 0, FIT_SER_PAD);
	p += FIT_SER_HEAD;
	if (nrow_bytes > 0)
		memcpy(p, st->rows, nrow_bytes);
	p += nrow_bytes;
	if (nkc_bytes > 0)
	{
		memcpy(p, st->kc, nkc_bytes);
		memcpy(p + nkc_bytes, st->kcount, nkc_bytes);
	}
	PG_RETURN_BYTEA_P(out);
}

/*
 * The rows of a deserialized state as the transition, combine and serial
 * functions leave them (a deserial function may be handed any bytes, see
 * cr_bad_state): Gamma-Gamma rows (x, m, count - 1) of repeat buyers, x a
 * positive whole number and m positive, both finite, with a whole count
 * from 1 to 2^53, sorted by (x, m) and distinct; BG/NBD rows (x, t_x, T, count)
 * a history bgnbd_fit takes, with a whole count from 1 to 2^53, all of them
 * sorted by (x, t_x, T) and distinct (the serial function compacts them, and
 * the combine function merges them as they are).  Rows such as these gave a
 * model of n = -2^63, or a misleading "did not converge".
 */
/*
 * A Gamma-Gamma row's count, 1 + more, as text to the last digit: the sum
 * where it is exact, else "1 + more" (a forged 5e-324 printed as a count
 * of 1, and %g printed 1.0000001 as 1)
 */
static const char *
gg_count_text(double more)
{
	double		c = more + 1.0,
				bb = c - more,
				err = (more - (c - bb)) + (1.0 - bb);	/* Knuth's TwoSum */

	if (!isfinite(c) || err == 0.0)
		return cr_float_text(c);
	return psprintf("1 + %s", cr_float_text(more));
}

static void
fit_check_rows(const FitState *st)
{
	int32		i;

	if (st->nsorted != st->nrows)
		cr_bad_state("lifetime fit", "Its rows are not sorted.");
	for (i = 0; i < st->nrows; i++)
	{
		if (st->width == GG_WIDTH)
		{
			const CrSpendRow *r = (const CrSpendRow *) st->rows + i;

			if (!(r->x >= 1.0 && r->x <= DBL_MAX && r->x == floor(r->x) &&
				  r->m > 0.0 && r->m <= DBL_MAX))
				cr_bad_state("lifetime fit",
							 "Its row %d (frequency %s, monetary_value %s) is not a repeat buyer's.",
							 i + 1, cr_float_text(r->x), cr_float_text(r->m));
			if (!(r->more >= 0.0 && r->more < CR_SPEND_MORE_LIMIT && r->more == floor(r->more)))
				cr_bad_state("lifetime fit",
							 "Its row %d (frequency %s, monetary_value %s) has a count of %s.",
							 i + 1, cr_float_text(r->x), cr_float_text(r->m),
							 gg_count_text(r->more));
			if (i > 0 && cr_spend_row_cmp(r - 1, r) >= 0)
				cr_bad_state("lifetime fit", "Its rows are not sorted.");
		}
		else
		{
			const CrBuyerRow *r = (const CrBuyerRow *) st->rows + i;

			if (cr_buyer_row_problem(r->x, r->tx, r->T) != NULL ||
				!(r->w >= 1.0 && r->w <= (double) CR_BUYER_COUNT_MAX && r->w == floor(r->w)))
				cr_bad_state("lifetime fit",
							 "Its row %d (frequency %s, recency %s, T %s, count %s) is not a member history bgnbd_fit takes.",
							 i + 1, cr_float_text(r->x), cr_float_text(r->tx),
							 cr_float_text(r->T), cr_float_text(r->w));
			if (i > 0 && !cr_buyer_row_less(r - 1, r))
				cr_bad_state("lifetime fit", "Its rows are not sorted.");
		}
	}
}

PG_FUNCTION_INFO_V1(lifetime_fit_deserialfn);
Datum
lifetime_fit_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	FitState   *st = palloc0(sizeof(FitState));
	char	   *p;
	Size		nrow_bytes,
				nkc_bytes;

	cr_words_header(in, st, FIT_SER_FIXED, "lifetime fit");
	if ((st->width != BG_WIDTH && st->width != GG_WIDTH) || st->nrows < 0 ||
		st->nsorted < 0 || st->nsorted > st->nrows || st->skipped < 0 || st->nkc < 0 ||
		(st->nkc > 0 && st->width != BG_WIDTH) || st->nkc > (int64) (MaxAllocSize / 16))
		cr_bad_state("lifetime fit", NULL);
	nrow_bytes = (Size) st->nrows * st->width * sizeof(double);
	nkc_bytes = (Size) st->nkc * sizeof(uint64);
	if (VARSIZE_ANY_EXHDR(in) != FIT_SER_HEAD + nrow_bytes + 2 * nkc_bytes)
		cr_bad_state("lifetime fit", NULL);
	p = VARDATA_ANY(in) + FIT_SER_HEAD;
	st->rows = NULL;
	st->kc = st->kcount = NULL;
	if (nrow_bytes > 0)
	{
		/*
		 * In place where aligned, as the counted keys below: the combine
		 * function merges them, sorted and compacted (as checked), into its
		 * state without changing them, and the input lives until then (a
		 * copy took as much again at the leader's peak).
		 */
		if ((uintptr_t) p % sizeof(double) == 0)
			st->rows = (double *) p;
		else
		{
			st->rows = palloc(nrow_bytes);
			memcpy(st->rows, p, nrow_bytes);
		}
	}
	fit_check_rows(st);
	if (nkc_bytes > 0)
	{
		/*
		 * In place where aligned: the combine function copies them into its
		 * state, and the input lives until then.
		 */
		if ((uintptr_t) (p + nrow_bytes) % sizeof(uint64) == 0)
		{
			st->kc = (uint64 *) (p + nrow_bytes);
			st->kcount = (uint64 *) (p + nrow_bytes + nkc_bytes);
		}
		else
		{
			st->kc = palloc(nkc_bytes);
			st->kcount = palloc(nkc_bytes);
			memcpy(st->kc, p + nrow_bytes, nkc_bytes);
			memcpy(st->kcount, p + nrow_bytes + nkc_bytes, nkc_bytes);
		}
		if (!cr_buyer_counted_valid(st->kc, st->kcount, (size_t) st->nkc))
			cr_bad_state("lifetime fit", NULL);
	}
	st->cap = st->nrows;
	PG_RETURN_POINTER(st);
}

static void
fit_failed(CrFitStatus status, const char *model)
{
	switch (status)
	{
		case CR_FIT_NO_REPEAT:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the %s parameters are not identified by these data", model),
					 errdetail("%s", strcmp(model, "BG/NBD") == 0
							   ? "No member has a repeat purchase (every frequency is 0)."
							   : "Every monetary_value is the same."),
					 errhint("Fit on more members or a longer purchase history.")));
			break;
		case CR_FIT_DIVERGED:
		case CR_FIT_FLAT:
			/* one message: which of the two shows first depends on rounding */
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the %s fit found no proper maximum of the likelihood", model),
					 errdetail("An estimate runs off to 0 or infinity, or the log-likelihood is flat in some direction."),
					 errhint("The data do not identify the model: too few members, or purchase patterns it does not describe.")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the %s fit did not converge", model),
					 errhint("The data do not identify the model well; fit on more members.")));
	}
}

/*
 * A model value: the k estimates, the log-likelihood, the k standard errors
 * (NULL when not available), the members used and the rows skipped.
 */
static Datum
model_datum(TupleDesc td, int k, const double *est, double ll, const double *se,
			double n, int64 skipped)
{
	Datum		values[2 * CR_OPTIM_MAXK + 3];
	bool		nulls[2 * CR_OPTIM_MAXK + 3] = {0};
	int			i;

	for (i = 0; i < k; i++)
	{
		values[i] = Float8GetDatum(est[i]);
		nulls[k + 1 + i] = !isfinite(se[i]);
		values[k + 1 + i] = Float8GetDatum(nulls[k + 1 + i] ? 0.0 : se[i]);
	}
	values[k] = Float8GetDatum(ll);
	values[2 * k + 1] = Int64GetDatum((int64) n);
	values[2 * k + 2] = Int64GetDatum(skipped);
	return HeapTupleGetDatum(heap_form_tuple(td, values, nulls));
}

/*
 * A final function's state is of its own model: a state of the other one
 * (an aggregate a superuser declared with another model's deserial or
 * transition function) has rows of another width, which the fit would read
 * past their end.
 */
static void
fit_check_width(const FitState *st, int width)
{
	if (st->width != width)
		cr_bad_state("lifetime fit", "Its rows are %s fit's, not %s's.",
					 st->width == BG_WIDTH ? "a BG/NBD" : "a Gamma-Gamma",
					 width == BG_WIDTH ? "bgnbd_fit" : "gammagamma_fit");
}

/*
 * The members a fit counted fit a model's bigint n: only forged partial
 * states (rows of counts up to 2^53 each, combined) count 2^63 or more,
 * which the cast made n = -2^63.
 */
static void
fit_check_members(double n)
{
	if (!(n < 9223372036854775808.0))
		cr_bad_state("lifetime fit", "Its counts of members add up to 2^63 or more.");
}

PG_FUNCTION_INFO_V1(bgnbd_fit_finalfn);
Datum
bgnbd_fit_finalfn(PG_FUNCTION_ARGS)
{
	FitState   *st = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	TupleDesc	tupdesc;
	CrBgnbdFit	fit;
	CrFitStatus status;

	if (st == NULL || (st->nrows == 0 && st->nkeys == 0 && st->nkc == 0))
		PG_RETURN_NULL();
	fit_check_width(st, BG_WIDTH);
	tupdesc = cr_result_tupdesc(fcinfo, BG_NFIELDS, "bgnbd_model");
	/*
	 * Compact in place: merging identical rows into counts does not change
	 * what the state means, so a later transition or final call is unaffected.
	 * Members of whole-number rows only (the usual case): fitted over their
	 * counted keys, without making the rows.
	 */
	if (st->nrows == 0)
	{
		bg_count_keys(st, GetMemoryChunkContext(st));
		status = cr_bgnbd_fit_counted(st->kc, st->kcount, (size_t) st->nkc, fit_tick, NULL, &fit);
	}
	else
	{
		bg_flush_all(st);
		status = cr_bgnbd_fit((const CrBuyerRow *) st->rows, st->nrows, fit_tick, NULL, &fit);
	}
	fit_check_members(fit.n);
	if (status == CR_FIT_NO_ROWS)
		PG_RETURN_NULL();
	if (status != CR_FIT_OK)
		fit_failed(status, "BG/NBD");
	{
		double		est[4] = {fit.m.r, fit.m.alpha, fit.m.a, fit.m.b};

		PG_RETURN_DATUM(model_datum(tupdesc, 4, est, fit.log_likelihood, fit.se,
									fit.n, st->skipped));
	}
}

PG_FUNCTION_INFO_V1(gammagamma_fit_finalfn);
Datum
gammagamma_fit_finalfn(PG_FUNCTION_ARGS)
{
	FitState   *st = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	TupleDesc	tupdesc;
	CrGammaGammaFit fit;
	CrFitStatus status;

	if (st == NULL || st->nrows == 0)
		PG_RETURN_NULL();
	fit_check_width(st, GG_WIDTH);
	tupdesc = cr_result_tupdesc(fcinfo, GG_NFIELDS, "gammagamma_model");

	/*
	 * Sort and merge in place: the order of the rows and whether identical
	 * ones are merged are no part of the state's meaning.  Only forged
	 * partial states, combined, count 2^63 members or more.
	 */
	gg_compact(st, NULL);
	fit_check_members(cr_spend_rows_members((const CrSpendRow *) st->rows, st->nrows));
	status = cr_gammagamma_fit((const CrSpendRow *) st->rows, st->nrows, fit_tick, NULL, &fit);
	if (status == CR_FIT_NO_ROWS)
		PG_RETURN_NULL();
	if (status != CR_FIT_OK)
		fit_failed(status, "Gamma-Gamma");
	{
		double		est[3] = {fit.m.p, fit.m.q, fit.m.gamma};

		PG_RETURN_DATUM(model_datum(tupdesc, 3, est, fit.log_likelihood, fit.se,
									fit.n, st->skipped));
	}
}

/* ---------------------------------------------------------------- predictions */

/*
 * The parameters of the model arguments, cached in fn_extra: scoring calls a
 * prediction once per member with the same model, so the value is compared
 * bytewise with the last one seen at that argument (without detoasting it,
 * when it is stored inline: a model read from a table has a short header)
 * and parsed only when it differs.
 */
typedef struct ModelCache
{
	uint32		len[2];
	char	   *bytes[2];
	double		p[2][4];
	bool		hit[2];			/* this call's value was the last call's */
	bool		scorer_ok;		/* scorer is for the value at argument 0 */
	CrBgnbdScorer *scorer;
} ModelCache;

/* The first k float8 fields of the model value argument argno (0 or 1), each positive and finite. */
static void
model_params(FunctionCallInfo fcinfo, int argno, int k, double *p, const char *type_name)
{
	struct varlena *raw = (struct varlena *) PG_GETARG_POINTER(argno);
	ModelCache *c = (ModelCache *) fcinfo->flinfo->fn_extra;
	HeapTupleHeader t;
	const char *bytes;
	uint32		len;
	int			i;

	if (c == NULL)
		c = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelCache));
	if (VARATT_IS_EXTENDED(raw) && !VARATT_IS_SHORT(raw))
		raw = (struct varlena *) PG_GETARG_HEAPTUPLEHEADER(argno);	/* detoasted */
	bytes = VARDATA_ANY(raw);
	len = VARSIZE_ANY_EXHDR(raw);
	c->hit[argno] = c->bytes[argno] != NULL && c->len[argno] == len &&
		memcmp(c->bytes[argno], bytes, len) == 0;
	if (c->hit[argno])
	{
		memcpy(p, c->p[argno], k * sizeof(double));
		return;
	}
	if (argno == 0)
		c->scorer_ok = false;
	t = PG_GETARG_HEAPTUPLEHEADER(argno);
	for (i = 0; i < k; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(t, i + 1, &isnull);

		p[i] = isnull ? NAN : DatumGetFloat8(d);
		if (!isfinite(p[i]) || !(p[i] > 0.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s: its parameters must be positive and finite", type_name)));
	}
	if (c->bytes[argno] != NULL)
		pfree(c->bytes[argno]);
	c->bytes[argno] = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len);
	memcpy(c->bytes[argno], bytes, len);
	c->len[argno] = len;
	memcpy(c->p[argno], p, k * sizeof(double));
}

static CrBgnbd
bg_model(FunctionCallInfo fcinfo, int argno)
{
	double		p[4];
	CrBgnbd		m;

	model_params(fcinfo, argno, 4, p, "bgnbd_model");
	m.r = p[0];
	m.alpha = p[1];
	m.a = p[2];
	m.b = p[3];
	return m;
}

/*
 * The scorer of the BG/NBD model m at argument 0 (see CrBgnbdScorer), with a
 * memo that has room for one more entry when want_memo; NULL when the model
 * differs from the last call's (models that alternate row by row are scored
 * directly, without setting up a scorer each time).
 */
#define BG_MEMO_MIN 1024
#define BG_MEMO_MAX (1 << 17)	/* 3 MB */

static CrBgnbdScorer *
bg_scorer(FunctionCallInfo fcinfo, const CrBgnbd *m, bool want_memo)
{
	ModelCache *c = (ModelCache *) fcinfo->flinfo->fn_extra;
	CrBgnbdScorer *s;

	if (!c->hit[0])
		return NULL;
	if (c->scorer == NULL)
		c->scorer = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CrBgnbdScorer));
	s = c->scorer;
	if (!c->scorer_ok)
	{
		if (s->memo != NULL)
			pfree(s->memo);
		cr_bgnbd_scorer_init(s, m);
		c->scorer_ok = true;
	}
	if (want_memo && 2 * (s->memo_used + 1) > s->memo_cap && s->memo_cap < BG_MEMO_MAX)
	{
		CrBgMemoEntry *old = s->memo;
		size_t		cap = Max(2 * s->memo_cap, BG_MEMO_MIN);

		cr_bgnbd_scorer_set_memo(s, MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														   cap * sizeof(CrBgMemoEntry)),
								 cap);
		if (old != NULL)
			pfree(old);
	}
	return s;
}

static CrGammaGamma
gg_model(FunctionCallInfo fcinfo, int argno)
{
	double		p[3];
	CrGammaGamma m;

	model_params(fcinfo, argno, 3, p, "gammagamma_model");
	m.p = p[0];
	m.q = p[1];
	m.gamma = p[2];
	return m;
}

static void
check_positive(double v, const char *what)
{
	if (!isfinite(v) || !(v > 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be positive and finite", what)));
}

/*
 * v as the answer: +infinity is an answer beyond float8 (the kernels give it
 * only where the true value overflows), said as PostgreSQL's float overflow
 * says it, with detail naming which inputs make it so; NaN is one that no
 * method computed.  Both 22003.
 */
static Datum
prediction(double v, const char *what, const char *inputs)
{
	if (isinf(v) && v > 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range for type double precision", what),
				 errdetail("For %s, %s is beyond the largest double precision value.",
						   inputs, what)));
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s cannot be computed for these values", what)));
	return Float8GetDatum(v);
}

PG_FUNCTION_INFO_V1(bgnbd_p_alive);
Datum
bgnbd_p_alive(PG_FUNCTION_ARGS)
{
	CrBgnbd		m = bg_model(fcinfo, 0);
	CrBgnbdScorer *s = bg_scorer(fcinfo, &m, false);
	double		x = PG_GETARG_FLOAT8(1),
				tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	check_buyer_row(x, tx, T);
	return prediction(s ? cr_bgnbd_scorer_p_alive(s, x, tx, T) : cr_bgnbd_p_alive(&m, x, tx, T),
					  "P(alive)", "this model and member history");
}

/* bgnbd_expected_purchases(model, t [, frequency, recency, T]) */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases);
Datum
bgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	CrBgnbd		m = bg_model(fcinfo, 0);
	CrBgnbdScorer *s = bg_scorer(fcinfo, &m, true);
	double		t = PG_GETARG_FLOAT8(1),
				x = 0.0,
				tx = 0.0,
				T = 0.0;

	check_positive(t, "horizon");
	if (PG_NARGS() > 2)
	{
		x = PG_GETARG_FLOAT8(2);
		tx = PG_GETARG_FLOAT8(3);
		T = PG_GETARG_FLOAT8(4);
		check_buyer_row(x, tx, T);
	}
	return prediction(s ? cr_bgnbd_scorer_expected(s, t, x, tx, T)
					  : cr_bgnbd_expected(&m, t, x, tx, T),
					  "the expected number of purchases",
					  "this model, horizon and member history");
}

/* The kernel's NaN spend: p x + q - 1 <= 0, no finite mean. */
static void
check_spend_defined(double spend)
{
	if (isnan(spend))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the expected spend is not finite: the model has q <= 1"),
				 errhint("With q <= 1 the expected spend is finite only where p * frequency + q > 1, never for members without repeat purchases.")));
}

PG_FUNCTION_INFO_V1(gammagamma_expected_spend);
Datum
gammagamma_expected_spend(PG_FUNCTION_ARGS)
{
	CrGammaGamma m = gg_model(fcinfo, 0);
	double		x = PG_GETARG_FLOAT8(1),
				mean = PG_GETARG_FLOAT8(2),
				spend;

	check_spend_args(x, mean);
	spend = cr_gammagamma_expected_spend(&m, x, mean);
	check_spend_defined(spend);
	/* non-finite only by overflow: prediction() reports it */
	return prediction(spend, "the expected spend",
					  "this model, frequency and monetary value");
}

/*
 * lifetime_value(bgnbd, gammagamma, frequency, recency, T, monetary_value,
 *                periods, discount_rate, period_length)
 */
PG_FUNCTION_INFO_V1(lifetime_value);
Datum
lifetime_value(PG_FUNCTION_ARGS)
{
	CrBgnbd		bg = bg_model(fcinfo, 0);
	CrGammaGamma gg = gg_model(fcinfo, 1);
	double		x = PG_GETARG_FLOAT8(2),
				tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4),
				mean = PG_GETARG_FLOAT8(5),
				d = PG_GETARG_FLOAT8(7),
				len = PG_GETARG_FLOAT8(8),
				spend,
				clv;
	int32		periods = PG_GETARG_INT32(6);
	int			spend_exp = 0,
				scale;

	check_buyer_row(x, tx, T);
	if (periods < 1 || periods > CLV_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods must be between 1 and %d", CLV_MAX_PERIODS)));
	if (!isfinite(d) || d < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount_rate must be non-negative and finite")));
	check_positive(len, "period_length");
	/* the last horizon, periods * period_length, as the kernel computes it */
	if (!isfinite(periods * len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods times period_length must be finite"),
				 errdetail("The horizon of %d periods of length %g is beyond the largest double precision value.",
						   periods, len)));
	check_spend_args(x, mean);

	/*
	 * The value is linear in the spend (spend = f 2^e, f in [0.5, 1]): it is
	 * computed for f 2^s, s = e within [-1021, 1023], and scaled by 2^(e - s).
	 * Where the spend is a normal double, that is the spend itself (bit for
	 * bit the value of spend); beyond the double range, the largest such
	 * power, so terms lose no digits to underflow where the value does not.
	 * Where a term is over the double range before its discount, the value
	 * is computed from f itself (at most 1: no term overflows) instead.
	 */
	spend = cr_gammagamma_expected_spend_frexp(&gg, x, mean, &spend_exp);
	check_spend_defined(spend);
	scale = Min(Max(spend_exp, -1021), 1023);
	/* up to 100000 periods, each a 2F1 of up to 100000 terms: interruptible */
	clv = cr_bgnbd_clv_tick(&bg, x, tx, T, ldexp(spend, scale), periods, d, len, fit_tick, NULL);
	if (isfinite(clv))
		clv = ldexp(clv, spend_exp - scale);
	else
		clv = ldexp(cr_bgnbd_clv_tick(&bg, x, tx, T, spend, periods, d, len, fit_tick, NULL),
					spend_exp);
	return prediction(clv, "the lifetime value",
					  "these models, this member history and monetary value, and these periods, period length and discount rate");
}
