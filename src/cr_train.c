/*
 * cr_train.c
 *	  retention_train(features float8[], retained boolean [, weight] [, options jsonb]),
 *	  the training aggregate.
 *
 * Newton's method needs several passes over the data, so the transition
 * function only collects rows: d feature values plus one signed weight per
 * row (see cr_logit.h), about 8*(d+1) bytes, into blocks allocated in the
 * aggregate context.  The final function runs the solver.  Partial states
 * from parallel workers are combined by appending rows in worker order;
 * the solver's sums are then the same up to the order of floating point
 * additions, which agrees with a serial run to about 1e-12.
 *
 * The state is "internal" because it holds the rows themselves; it has
 * serial/deserial functions so parallel query can ship it between
 * processes.
 */
#include "community_retention.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "cr_hugemem.h"
#include "cr_logit.h"
#include "cr_model.h"
#include "cr_train.h"

PG_FUNCTION_INFO_V1(retention_train_trans);
PG_FUNCTION_INFO_V1(retention_train_combine);
PG_FUNCTION_INFO_V1(retention_train_serial);
PG_FUNCTION_INFO_V1(retention_train_deserial);
PG_FUNCTION_INFO_V1(retention_train_final);

/*
 * Rows are kept in blocks.  The first block starts small and doubles (so a
 * GROUP BY with many small groups stays small); later blocks hold about
 * BLOCK_BYTES each.  Combining partial states moves blocks, never rows.
 */
#define FIRST_BLOCK_ROWS 8
#define BLOCK_BYTES		(8 * 1024 * 1024)

/*
 * Feature values and row weights beyond this magnitude are rejected like
 * NaN: sums of squares over many rows must stay finite (a 1e308 feature
 * used to end in a misleading "constant feature" error).
 */
#define CR_TRAIN_MAX_ABS 1e100

typedef struct TrainState
{
	int			d;				/* features per row; 0 until the first usable row */
	int64		n_rows;			/* usable rows stored */
	int64		n_skipped;
	int			nblocks;
	int			maxblocks;
	double	  **blocks;
	int64	   *block_n;		/* rows used in each block */
	int64	   *block_cap;		/* rows each block can hold */
	double		bytes;			/* row storage allocated, for the memory limit */
	Jsonb	   *options;		/* a copy of the options argument, or NULL */
	bool		skip_invalid;	/* from options, needed per row */
} TrainState;

static const char *const option_names = "features, l2, class_weight, max_iter, tol, intercept, skip_invalid";

static void
option_error(const char *key, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid retention_train option \"%s\"", key),
			 errdetail("%s", what)));
}

static double
option_number(JsonbValue *v, const char *key)
{
	double		r;

	if (v->type != jbvNumeric)
		option_error(key, "The value must be a number.");
	/*
	 * JSON numbers have no range: 1e400 is valid jsonb.  numeric_float8
	 * would raise its own 22003 naming neither the option nor its range;
	 * the no-overflow conversion gives +-Infinity (or 0 for 1e-400), so the
	 * checks below and at each option report it as an invalid option.
	 */
	r = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
										   NumericGetDatum(v->val.numeric)));
	if (!isfinite(r))
		option_error(key, "The value must be a finite number.");
	return r;
}

static bool
option_bool(JsonbValue *v, const char *key)
{
	if (v->type != jbvBool)
		option_error(key, "The value must be true or false.");
	return v->val.boolean;
}

/* Parse and validate the options object (NULL means all defaults). */
void
cr_train_parse_options(Jsonb *jb, TrainOptions *o)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	memset(o, 0, sizeof(*o));
	o->max_iter = 100;
	o->tol = 1e-8;
	o->intercept = true;
	if (jb == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention_train options must be a JSON object"),
				 errhint("For example '{\"l2\": 1, \"features\": [\"recency_days\", \"active_days_30\"]}'.")));

	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE || key == NULL)
			continue;
		if (strcmp(key, "l2") == 0)
		{
			o->l2 = option_number(&v, key);
			if (o->l2 < 0)
				option_error(key, "The penalty must be zero or positive.");
		}
		else if (strcmp(key, "tol") == 0)
		{
			o->tol = option_number(&v, key);
			if (!(o->tol > 0 && o->tol < 1))
				option_error(key, "The tolerance must be between 0 and 1 (exclusive).");
		}
		else if (strcmp(key, "max_iter") == 0)
		{
			double		n = option_number(&v, key);

			if (n != floor(n) || n < 1 || n > 10000)
				option_error(key, "The value must be an integer from 1 to 10000.");
			o->max_iter = (int) n;
		}
		else if (strcmp(key, "intercept") == 0)
			o->intercept = option_bool(&v, key);
		else if (strcmp(key, "skip_invalid") == 0)
			o->skip_invalid = option_bool(&v, key);
		else if (strcmp(key, "class_weight") == 0)
		{
			if (v.type == jbvNull)
				o->balanced = false;
			else if (v.type == jbvString && v.val.string.len == 8 &&
					 strncmp(v.val.string.val, "balanced", 8) == 0)
				o->balanced = true;
			else
				option_error(key, "The value must be \"balanced\" or null.");
		}
		else if (strcmp(key, "features") == 0)
		{
			JsonbContainer *c;
			int			i,
						k;

			if (v.type != jbvBinary || !JsonContainerIsArray(v.val.binary.data))
				option_error(key, "The value must be an array of feature names.");
			c = v.val.binary.data;
			o->nnames = JsonContainerSize(c);
			if (o->nnames < 1 || o->nnames > CR_MAX_FEATURES)
				option_error(key, "Give between 1 and 1000 names.");
			o->names = palloc(sizeof(char *) * o->nnames);
			for (i = 0; i < o->nnames; i++)
			{
				JsonbValue *e = getIthJsonbValueFromContainer(c, i);

				if (e->type != jbvString || e->val.string.len < 1 ||
					e->val.string.len > CR_MODEL_MAX_NAME ||
					memchr(e->val.string.val, '\0', e->val.string.len) != NULL)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid retention_train option \"features\""),
							 errdetail("Element %d is not a name of 1 to %d bytes.", i + 1, CR_MODEL_MAX_NAME)));
				o->names[i] = pnstrdup(e->val.string.val, e->val.string.len);
				if (strcmp(o->names[i], "(intercept)") == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid retention_train option \"features\""),
							 errdetail("The name \"(intercept)\" is reserved for the intercept's row of retention_model_summary.")));
				for (k = 0; k < i; k++)
					if (strcmp(o->names[k], o->names[i]) == 0)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("invalid retention_train option \"features\""),
								 errdetail("Feature name \"%s\" appears more than once.", o->names[i])));
			}
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown retention_train option \"%s\"", key),
					 errhint("Valid options are: %s.", option_names)));
		key = NULL;
	}
}

/* ---------------------------------------------------------------- state */

static TrainState *
state_new(MemoryContext cxt)
{
	TrainState *s = MemoryContextAllocZero(cxt, sizeof(TrainState));

	s->maxblocks = 8;
	s->blocks = MemoryContextAllocZero(cxt, sizeof(double *) * s->maxblocks);
	s->block_n = MemoryContextAllocZero(cxt, sizeof(int64) * s->maxblocks);
	s->block_cap = MemoryContextAllocZero(cxt, sizeof(int64) * s->maxblocks);
	return s;
}

/*
 * Count add_bytes more of row storage against max_train_memory; rows is
 * how many rows the state holds once they are added.  The storage is what
 * is allocated: rows added one by one go in blocks, the first of which
 * doubles up to BLOCK_BYTES, so it can hold up to twice the rows it has;
 * the rows of partial states (gathered: a parallel plan's workers, or a
 * partitionwise aggregate's partitions) come in one block each, as large
 * as they are.  The size is rounded up, so that it is above the limit it
 * exceeds.
 */
static void
charge_memory(TrainState *s, double add_bytes, int64 rows, bool gathered)
{
	double		need_kb = (s->bytes + add_bytes) / 1024.0;

	if (need_kb > (double) cr_max_train_memory_kb)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("retention_train needs more than community_retention.max_train_memory (%d kB)",
						cr_max_train_memory_kb),
				 gathered ?
				 errdetail_plural("Training keeps 8*(d+1) = %d bytes per row; holding the " INT64_FORMAT " rows of %d feature of the partial aggregates combined takes %.0f kB.",
								  "Training keeps 8*(d+1) = %d bytes per row; holding the " INT64_FORMAT " rows of %d features of the partial aggregates combined takes %.0f kB.",
								  s->d, (s->d + 1) * 8, rows, s->d, ceil(need_kb)) :
				 errdetail_plural("Training keeps 8*(d+1) = %d bytes per row, in blocks of up to 8 MB; holding " INT64_FORMAT " rows of %d feature takes %.0f kB.",
								  "Training keeps 8*(d+1) = %d bytes per row, in blocks of up to 8 MB; holding " INT64_FORMAT " rows of %d features takes %.0f kB.",
								  s->d, (s->d + 1) * 8, rows, s->d, ceil(need_kb)),
				 errhint("Raise it (SET community_retention.max_train_memory = '4GB'), train on a sample (TABLESAMPLE or retention_split), or use fewer features.")));
	s->bytes += add_bytes;
}

static void
add_block(TrainState *s, MemoryContext cxt, double *block, int64 n, int64 cap)
{
	if (s->nblocks >= s->maxblocks)
	{
		s->maxblocks *= 2;
		s->blocks = repalloc(s->blocks, sizeof(double *) * s->maxblocks);
		s->block_n = repalloc(s->block_n, sizeof(int64) * s->maxblocks);
		s->block_cap = repalloc(s->block_cap, sizeof(int64) * s->maxblocks);
	}
	s->blocks[s->nblocks] = block;
	s->block_n[s->nblocks] = n;
	s->block_cap[s->nblocks] = cap;
	s->nblocks++;
}

/* Room for one more row; returns where it goes (the caller counts it). */
static double *
state_next_row(TrainState *s, MemoryContext cxt)
{
	int			D = s->d + 1;
	int			last = s->nblocks - 1;
	int64		big = Max(FIRST_BLOCK_ROWS, BLOCK_BYTES / (D * (int) sizeof(double)));

	if (last < 0 || s->block_n[last] >= s->block_cap[last])
	{
		if (last == 0 && s->block_cap[0] < big)
		{
			/* the first block doubles until it is full size */
			int64		cap = Min(big, s->block_cap[0] * 2);

			charge_memory(s, (double) (cap - s->block_cap[0]) * D * sizeof(double), s->n_rows + 1, false);
			s->blocks[0] = repalloc_huge(s->blocks[0], sizeof(double) * D * cap);
			s->block_cap[0] = cap;
			if (cap == big)
				cr_advise_huge(s->blocks[0], sizeof(double) * D * cap);
		}
		else
		{
			int64		cap = last < 0 ? FIRST_BLOCK_ROWS : big;
			double	   *block;

			charge_memory(s, (double) cap * D * sizeof(double), s->n_rows + 1, false);
			if (cap == big)
				block = cr_huge_alloc(cxt, sizeof(double) * D * cap);
			else
				block = MemoryContextAllocHuge(cxt, sizeof(double) * D * cap);
			add_block(s, cxt, block, 0, cap);
		}
		last = s->nblocks - 1;
	}
	return s->blocks[last] + s->block_n[last]++ * D;
}

static bool
same_options(const Jsonb *a, const Jsonb *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

static void
options_differ(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("retention_train options must be the same for every row of a group"),
			 errhint("Pass the options as a constant.")));
}

static void
length_mismatch(int expected, int got)
{
	ereport(ERROR,
			(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
			 errmsg("feature arrays of different lengths: %d and %d", expected, got),
			 errdetail("The first usable row has %d features and this row has %d.", expected, got),
			 errhint("Every row of a group must list the same features in the same order.")));
}

static void
set_dimension(int *dim, int d)
{
	if (d > CR_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("retention_train supports at most %d features, got %d", CR_MAX_FEATURES, d)));
	*dim = d;
}

/* See cr_train.h. */
const double *
cr_train_row_values(ArrayType *arr, bool has_weight, double w, bool skip_invalid, int *d)
{
	int			n,
				j;
	const double *vals;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array must have one dimension, not %d", ARR_NDIM(arr))));
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array is empty"),
				 errhint("Pass at least one feature per row.")));
	if (has_weight)
	{
		if (!(fabs(w) <= CR_TRAIN_MAX_ABS))
		{
			if (skip_invalid)
				return NULL;
			/* like feature values: NaN/Infinity 22023, finite but too large 22003 */
			ereport(ERROR,
					(errcode(isfinite(w) ? ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE : ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("row weight must be a finite number of magnitude at most %g, not %g",
							CR_TRAIN_MAX_ABS, w),
					 errhint("Set the \"skip_invalid\" option to true to skip such rows.")));
		}
		if (w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("row weight must not be negative, got %g", w)));
		if (w == 0)
			return NULL;
	}
	if (ARR_HASNULL(arr))
	{
		bits8	   *bitmap = ARR_NULLBITMAP(arr);

		for (j = 0; j < n; j++)
			if (!(bitmap[j / 8] & (1 << (j % 8))))
				return NULL;
		/* a null bitmap without nulls: fall through to a slow copy below */
	}
	if (ARR_HASNULL(arr))
	{
		Datum	   *elems;
		bool	   *nulls;
		int			cnt;
		double	   *tmp = palloc(sizeof(double) * n);

		deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &cnt);
		for (j = 0; j < n; j++)
			tmp[j] = DatumGetFloat8(elems[j]);
		vals = tmp;
	}
	else
		vals = (const double *) CR_ARR_DATA_NONULLS(arr);

	for (j = 0; j < n; j++)
		if (!(fabs(vals[j]) <= CR_TRAIN_MAX_ABS))
		{
			if (skip_invalid)
				return NULL;
			if (isfinite(vals[j]))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("feature %d is %g, beyond the supported magnitude of %g", j + 1, vals[j],
								CR_TRAIN_MAX_ABS),
						 errhint("Rescale the feature (a log or a change of unit), or set the \"skip_invalid\" option to true to skip such rows.")));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature %d is %s", j + 1, isnan(vals[j]) ? "NaN" : (vals[j] > 0 ? "Infinity" : "-Infinity")),
					 errhint("Clean the input, or set the \"skip_invalid\" option to true to skip such rows.")));
		}

	/*
	 * Only now the row is usable: a skipped row (NULL element, zero weight,
	 * or an invalid value with skip_invalid) neither sets nor checks the
	 * number of features, so that the first usable row sets it.
	 */
	if (*d == 0)
		set_dimension(d, n);
	else if (*d != n)
		length_mismatch(*d, n);
	return vals;
}

Datum
retention_train_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	TrainState *s;
	int			nargs = PG_NARGS();
	bool		has_weight = nargs == 5;
	int			opt_arg = nargs == 5 ? 4 : (nargs == 4 ? 3 : -1);
	double		w;
	double	   *row;
	const double *vals;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "retention_train_trans called in non-aggregate context");

	if (PG_ARGISNULL(0))
	{
		Jsonb	   *opts = NULL;

		s = state_new(aggcxt);
		if (opt_arg >= 0 && !PG_ARGISNULL(opt_arg))
		{
			TrainOptions o;
			Jsonb	   *jb = PG_GETARG_JSONB_P(opt_arg);

			cr_train_parse_options(jb, &o);
			opts = MemoryContextAlloc(aggcxt, VARSIZE(jb));
			memcpy(opts, jb, VARSIZE(jb));
			s->skip_invalid = o.skip_invalid;
		}
		s->options = opts;
	}
	else
	{
		s = (TrainState *) PG_GETARG_POINTER(0);
		if (opt_arg >= 0)
		{
			if (!same_options(s->options, PG_ARGISNULL(opt_arg) ? NULL : PG_GETARG_JSONB_P(opt_arg)))
				options_differ();
		}
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (has_weight && PG_ARGISNULL(3)))
	{
		s->n_skipped++;
		PG_RETURN_POINTER(s);
	}
	w = has_weight ? PG_GETARG_FLOAT8(3) : 1.0;
	vals = cr_train_row_values(PG_GETARG_ARRAYTYPE_P(1), has_weight, w, s->skip_invalid, &s->d);
	if (vals == NULL)
	{
		s->n_skipped++;
		PG_RETURN_POINTER(s);
	}
	row = state_next_row(s, aggcxt);
	memcpy(row, vals, sizeof(double) * s->d);
	row[s->d] = PG_GETARG_BOOL(2) ? w : -w;
	s->n_rows++;
	PG_RETURN_POINTER(s);
}

/*
 * Move every block of src to the end of dst.  Both states live in the
 * aggregate context, so this is a pointer move; the row order (dst's rows,
 * then src's) is what a serial scan in the same order would produce.
 * dst now holds src's storage, so it counts against the memory limit like
 * rows added one by one: each parallel worker's state is within the limit,
 * and the leader, which gathers them all, must be too.
 */
static void
state_steal(TrainState *dst, TrainState *src, MemoryContext cxt)
{
	int			b;

	charge_memory(dst, src->bytes, dst->n_rows + src->n_rows, true);
	for (b = 0; b < src->nblocks; b++)
		if (src->block_n[b] > 0)
			add_block(dst, cxt, src->blocks[b], src->block_n[b], src->block_n[b]);
	dst->n_rows += src->n_rows;
	src->nblocks = 0;
	src->n_rows = 0;
	src->bytes = 0;
}

Datum
retention_train_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	TrainState *a,
			   *b;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "retention_train_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	b = (TrainState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		/* start from an empty state in the aggregate context */
		a = state_new(aggcxt);
		a->d = b->d;
		a->skip_invalid = b->skip_invalid;
		if (b->options)
		{
			a->options = MemoryContextAlloc(aggcxt, VARSIZE(b->options));
			memcpy(a->options, b->options, VARSIZE(b->options));
		}
	}
	else
	{
		a = (TrainState *) PG_GETARG_POINTER(0);

		/*
		 * As stored, as the transition function compares the rows'
		 * options.  A partial state's options are jsonb_in's bytes of the
		 * text retention_train_serial wrote, and that text differs exactly
		 * when the options' bytes do (a number keeps its scale: 1 and 1.0),
		 * so two partial states' options are the same bytes exactly when
		 * their rows' were.  jsonb's = would take {"l2": 1} and
		 * {"l2": 1.0} for the same options in a parallel or partitionwise
		 * plan, which a serial plan refuses.
		 */
		if (!same_options(a->options, b->options))
			options_differ();
	}
	/* only forged partial states hold counts that overflow together */
	if (b->n_skipped > PG_INT64_MAX - a->n_skipped)
		cr_bad_state("retention_train",
					 "Its count of skipped rows and another partial state's add up to more than 2^63 - 1.");
	a->n_skipped += b->n_skipped;
	if (b->n_rows == 0)
		PG_RETURN_POINTER(a);
	if (a->d == 0)
		a->d = b->d;
	else if (a->d != b->d)
		length_mismatch(a->d, b->d);
	if (GetMemoryChunkContext(b) == aggcxt)
		state_steal(a, b, aggcxt);
	else
	{
		/* b belongs to someone else: copy its rows */
		int			D = b->d + 1;
		double	   *block;
		int64		off = 0;
		int			k;

		charge_memory(a, (double) b->n_rows * D * sizeof(double), a->n_rows + b->n_rows, true);
		block = MemoryContextAllocHuge(aggcxt, sizeof(double) * D * b->n_rows);
		for (k = 0; k < b->nblocks; k++)
		{
			memcpy(block + off * D, b->blocks[k], sizeof(double) * D * b->block_n[k]);
			off += b->block_n[k];
		}
		add_block(a, aggcxt, block, b->n_rows, b->n_rows);
		a->n_rows += b->n_rows;
	}
	PG_RETURN_POINTER(a);
}

/*
 * The options of the last state one serial or deserial function (its
 * fn_extra) wrote or read, with their text.  A GROUP BY has a partial state
 * per group and worker, almost always with the same options: their text is
 * written, and read back and checked (jsonb_in, cr_train_parse_options),
 * once, and every other state costs a comparison of its bytes.
 */
typedef struct OptionsCache
{
	Jsonb	   *jb;				/* NULL until the first options */
	char	   *text;			/* jb as JSON text, NUL-terminated */
	int32		textlen;
	bool		skip_invalid;
} OptionsCache;

static OptionsCache *
options_cache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(OptionsCache));
	return (OptionsCache *) fcinfo->flinfo->fn_extra;
}

static void
options_cache_set(FunctionCallInfo fcinfo, OptionsCache *c, const Jsonb *jb,
				  const char *text, Size textlen, bool skip_invalid)
{
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	Jsonb	   *njb = MemoryContextAlloc(cxt, VARSIZE(jb));
	char	   *ntext = MemoryContextAlloc(cxt, textlen + 1);

	memcpy(njb, jb, VARSIZE(jb));
	memcpy(ntext, text, textlen);
	ntext[textlen] = '\0';
	if (c->jb)
		pfree(c->jb);
	if (c->text)
		pfree(c->text);
	c->jb = njb;
	c->text = ntext;
	c->textlen = (int32) textlen;
	c->skip_invalid = skip_invalid;
}

/*
 * Serial form: int32 d, int64 n_rows, int64 n_skipped, int32 options
 * length (-1: none), the options as JSON text (no terminating NUL), then
 * n_rows*(d+1) float8 in native byte order (the state never leaves the
 * server that made it).
 *
 * The deserial function trusts none of it: an aggregate declared by a
 * superuser with another aggregate's serial function, or a Citus worker,
 * can hand it any bytes.  The options travel as text, which jsonb_in
 * checks, because a jsonb value's binary form cannot be checked (it used
 * to travel as those bytes, and forged offsets in it crashed the server
 * when the options were read); the counts must match the length exactly
 * (n_rows * (d+1) * 8 overflowed for a forged n_rows and passed), and every
 * row must be one the transition function could have stored.
 */
Datum
retention_train_serial(PG_FUNCTION_ARGS)
{
	TrainState *s = (TrainState *) PG_GETARG_POINTER(0);
	int			D = s->d + 1;
	OptionsCache *c = s->options ? options_cache(fcinfo) : NULL;
	const char *opttext = NULL;
	Size		optlen = 0;
	Size		datalen = (Size) s->n_rows * D * sizeof(double);
	Size		total = VARHDRSZ + 4 + 8 + 8 + 4 + datalen;
	bytea	   *out;
	char	   *p;
	int32		ol;
	int			k;

	if (s->options)
	{
		if (c->jb == NULL || !same_options(c->jb, s->options))
		{
			char	   *t = JsonbToCString(NULL, &s->options->root, VARSIZE(s->options));

			options_cache_set(fcinfo, c, s->options, t, strlen(t), s->skip_invalid);
		}
		opttext = c->text;
		optlen = c->textlen;
	}
	ol = opttext ? (int32) optlen : -1;
	total += optlen;
	if (total > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("retention_train state is too large to pass between parallel workers"),
				 errhint("Disable parallel query for this statement (SET max_parallel_workers_per_gather = 0).")));
	out = palloc(total);
	SET_VARSIZE(out, total);
	p = VARDATA(out);
	memcpy(p, &s->d, 4);
	p += 4;
	memcpy(p, &s->n_rows, 8);
	p += 8;
	memcpy(p, &s->n_skipped, 8);
	p += 8;
	memcpy(p, &ol, 4);
	p += 4;
	if (optlen)
	{
		memcpy(p, opttext, optlen);
		p += optlen;
	}
	for (k = 0; k < s->nblocks; k++)
	{
		memcpy(p, s->blocks[k], s->block_n[k] * D * sizeof(double));
		p += s->block_n[k] * D * sizeof(double);
	}
	PG_RETURN_BYTEA_P(out);
}

Datum
retention_train_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	MemoryContext aggcxt;
	TrainState *s;
	int32		d;
	int32		ol;
	int64		n;
	int64		skipped;
	int			D;
	Size		rest;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "retention_train_deserial called in non-aggregate context");
	if (len < 24)
		cr_bad_state("retention_train", "It is shorter than its header.");
	memcpy(&d, p, 4);
	memcpy(&n, p + 4, 8);
	memcpy(&skipped, p + 12, 8);
	memcpy(&ol, p + 20, 4);
	p += 24;
	rest = len - 24;
	if (d < 0 || d > CR_MAX_FEATURES || n < 0 || skipped < 0 || ol < -1 || ol == 0 || (n > 0 && d == 0))
		cr_bad_state("retention_train", "Its header is out of range.");
	if (ol > 0 && (Size) ol > rest)
		cr_bad_state("retention_train", "Its options are longer than the state.");
	if (ol > 0)
		rest -= ol;
	D = d + 1;
	/* exactly n rows of D float8, with no product that can overflow */
	if (rest % (D * sizeof(double)) != 0 || (uint64) n != rest / (D * sizeof(double)))
		cr_bad_state("retention_train", "Its length does not match its number of rows.");

	s = state_new(aggcxt);
	s->d = d;
	s->n_skipped = skipped;
	if (ol > 0)
	{
		OptionsCache *c = options_cache(fcinfo);

		if (c->jb == NULL || c->textlen != ol || memcmp(c->text, p, ol) != 0)
		{
			char	   *text = palloc(ol + 1);
			Jsonb	   *jb;
			TrainOptions o;

			memcpy(text, p, ol);
			text[ol] = '\0';
			if (memchr(text, '\0', ol) != NULL)
				cr_bad_state("retention_train", "Its options are not JSON text.");
			jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
			cr_train_parse_options(jb, &o);
			options_cache_set(fcinfo, c, jb, text, ol, o.skip_invalid);
		}
		s->options = MemoryContextAlloc(aggcxt, VARSIZE(c->jb));
		memcpy(s->options, c->jb, VARSIZE(c->jb));
		s->skip_invalid = c->skip_invalid;
		p += ol;
	}
	if (n > 0)
	{
		double	   *block;
		int64		i;
		int			j;

		charge_memory(s, (double) n * D * sizeof(double), n, true);
		block = MemoryContextAllocHuge(aggcxt, sizeof(double) * D * n);
		cr_advise_huge(block, sizeof(double) * D * n);
		memcpy(block, p, sizeof(double) * D * n);
		/* rows as the transition function stores them (cr_train_row_values) */
		for (i = 0; i < n; i++)
		{
			const double *row = block + i * D;

			for (j = 0; j < D; j++)
				if (!(fabs(row[j]) <= CR_TRAIN_MAX_ABS))
					cr_bad_state("retention_train", "A row has a value the transition function never stores.");
			if (row[d] == 0.0)
				cr_bad_state("retention_train", "A row has a value the transition function never stores.");
			if ((i & 0xFFFF) == 0xFFFF)
				CHECK_FOR_INTERRUPTS();
		}
		add_block(s, aggcxt, block, n, n);
		s->n_rows = n;
	}
	PG_RETURN_POINTER(s);
}

/* ---------------------------------------------------------------- final */

static void
tick(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* CrAlloc.fn of the training kernels: a (huge) chunk of memory context cxt. */
void *
cr_train_alloc(void *cxt, size_t size)
{
	return MemoryContextAllocHuge((MemoryContext) cxt, size);
}

/*
 * Row weights so small that the fit cannot be trusted, whatever the
 * features.  The variances grow as the inverse of the weights' sum, so
 * weights averaging below 1e-100 (where a feature would have to spread by
 * less than about 1e-100 to be the cause) leave the variances beyond the
 * float8 range.  Below the smallest normal float8 (DBL_MIN, 2.2e-308) the
 * products of the weights are subnormal and lose their precision: the fit
 * may then stop in any way (no convergence, a feature that looks constant
 * or collinear, an intercept that cannot be estimated) and differently for
 * retention_train and retention_fit, which add in another order; every
 * such failure is the weights' (only the one-class check, which counts
 * rows, is not).  Scaling the weights and l2 by the same constant leaves
 * the coefficients unchanged (the objective is multiplied by it).
 */
#define CR_TINY_MEAN_WEIGHT 1e-100
#define CR_WEIGHTS_HINT "Multiply the weights and \"l2\" by the same constant (1e100, for example): the coefficients stay the same and the standard errors shrink."

static double
mean_weight(const CrFitResult *r, int64 n_rows)
{
	return n_rows > 0 ? r->weight_sum / (double) n_rows : 0.0;
}

/* Whether every coefficient and covariance of a fitted model is finite. */
static bool
representable(const CrFitResult *r, int d)
{
	int			D = d + 1;
	int			j;

	for (j = 0; j < D * D; j++)
		if (!isfinite(r->cov[j]))
			return false;
	for (j = 0; j < D; j++)
		if (!isfinite(r->beta[j]))
			return false;
	return true;
}

/*
 * A feature whose values vary only in tiny amounts (a spread near 1e-160 or
 * below) has a coefficient, or a coefficient variance, beyond the float8
 * range even though the fit itself is fine in the solver's scaled units:
 * say so, naming the feature, rather than storing Infinity; or name the
 * weights when they are too small (above).
 */
static void
check_representable(const CrFitResult *r, int d, char **names, int64 n_rows)
{
	int			D = d + 1;
	int			j,
				k;
	bool		ok;

	if (representable(r, d))
		return;
	if (mean_weight(r, n_rows) < CR_TINY_MEAN_WEIGHT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the row weights are too small for the coefficients' variances to be represented"),
				 errdetail("The weights of the " INT64_FORMAT " usable rows average %g; the variances grow as the inverse of their sum and are beyond the range of float8.",
						   n_rows, mean_weight(r, n_rows)),
				 errhint(CR_WEIGHTS_HINT)));
	for (j = 0; j < d; j++)
	{
		ok = isfinite(r->beta[j + 1]);
		for (k = 0; k < D && ok; k++)
			ok = isfinite(r->cov[(size_t) (j + 1) * D + k]);
		if (!ok)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("feature \"%s\" varies too little for its coefficient to be represented", names[j]),
					 errdetail("Its values spread by about %g around %g; the coefficient or its variance is beyond the range of float8.",
							   r->sd[j], r->means[j]),
					 errhint("Rescale the feature (a change of unit, for example multiply it by 1e100).")));
	}
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("the intercept or its variance is beyond the range of float8"),
			 errhint("Rescale the features or the weights.")));
}

/*
 * "Feature x" or "A combination of x, y and z": the features that carry at
 * least 1% of the separating direction (in units of their spread).
 */
static const char *
separating_features(const CrFitResult *r, int d, char **names)
{
	StringInfoData buf;
	int			j,
				n = 0,
				last = -1;

	initStringInfo(&buf);
	for (j = 0; j < d; j++)
		if (fabs(r->direction[j]) >= 0.01)
		{
			if (last >= 0)
				appendStringInfo(&buf, "%s\"%s\"", n > 1 ? ", " : "", names[last]);
			last = j;
			n++;
		}
	if (n <= 1)
		return psprintf("Feature \"%s\"", names[r->bad_feature < 0 ? 0 : r->bad_feature]);
	return psprintf("A combination of %s and \"%s\"", buf.data, names[last]);
}

/* See cr_train.h. */
char	  **
cr_train_feature_names(const TrainOptions *o, int d)
{
	char	  **names;
	int			j;

	if (o->nnames > 0 && o->nnames != d)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"features\" names %d features but the feature arrays have %d",
						o->nnames, d),
				 errhint("Give one name per array element, in the same order.")));
	if (o->nnames > 0)
		return o->names;
	names = palloc(sizeof(char *) * d);
	for (j = 0; j < d; j++)
		names[j] = psprintf("f%d", j + 1);
	return names;
}

/*
 * A feature the solver found constant: its spread is at most 1e-13 of its
 * mean (cr_logit.c), where the differences between its values, if any,
 * are lost in the rounding of the centred values (1e14 + 0.25 k).  The
 * message does not tell equal values from nearly equal ones: retention_fit
 * sees equal values spread by the rounding of its sums (up to 1e-17 of
 * the mean over many weighted rows, as large as a real one-ulp
 * difference), so no threshold would give retention_train's words.
 * Without an intercept only an all-zero feature is constant.
 */
static void
check_constant(const CrFitResult *r, const char *name)
{
	int			j = r->bad_feature;

	if (r->means[j] == 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("feature \"%s\" is constant", name),
				 errdetail("Every usable row has the value 0; it carries no information."),
				 errhint("Remove it from the feature array.")));
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("feature \"%s\" is constant", name),
			 errdetail("Its values equal %g to about 13 digits, as far as the fit can tell (a spread of at most 1e-13 of their mean); it carries no information next to the intercept.",
					   r->means[j]),
			 errhint("Remove it from the feature array, or subtract a typical value from it (x - %g) if its small differences matter.",
					 r->means[j])));
}

/*
 * "It is (almost) a linear combination of ...": of the features before it,
 * and of the intercept only when the model has one.  The first feature
 * fails only with an intercept (constant on the rows that carry weight) or
 * where the weights of every row vanish.
 */
static int
collinear_detail(int j, bool intercept)
{
	if (j > 0)
		return intercept ?
			errdetail("It is (almost) a linear combination of earlier features and the intercept.") :
			errdetail("It is (almost) a linear combination of earlier features.");
	return intercept ?
		errdetail("It is (almost) a linear combination of nothing but a constant and the intercept.") :
		errdetail("Its information in the fit (the weighted sum of its squares) is zero or not finite.");
}

/* See cr_train.h. */
void
cr_train_check_result(const CrFitResult *r, char **names, int d, int64 n_rows,
					  int max_iter, bool intercept)
{
	if (mean_weight(r, n_rows) < DBL_MIN && r->status != CR_FIT_ONE_CLASS &&
		(r->status != CR_FIT_OK || !representable(r, d)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the row weights are too small to fit a model"),
				 errdetail("The weights of the " INT64_FORMAT " usable rows average %g, below the smallest normal float8 (%g): the fit's sums of them lose their precision, and the variances grow as the inverse of their sum.",
						   n_rows, mean_weight(r, n_rows), DBL_MIN),
				 errhint(CR_WEIGHTS_HINT)));
	switch (r->status)
	{
		case CR_FIT_OK:
			check_representable(r, d, names, n_rows);
			break;
		case CR_FIT_ONE_CLASS:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("cannot train a retention model on a single outcome"),
					 errdetail("All " INT64_FORMAT " usable rows have retained = %s.",
							   n_rows, r->n_retained > 0 ? "true" : "false"),
					 errhint("Training needs both renewed and lapsed members; check the label and the WHERE clause.")));
			break;
		case CR_FIT_CONSTANT:
			check_constant(r, names[r->bad_feature]);
			break;
		case CR_FIT_COLLINEAR:
			if (r->bad_feature < 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("the intercept cannot be estimated"),
						 errhint("Set a positive \"l2\" option, or check the features.")));
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("feature \"%s\" is collinear with the features before it", names[r->bad_feature]),
					 collinear_detail(r->bad_feature, intercept),
					 errhint("Remove one of the collinear features, or set a positive \"l2\" option.")));
			break;
		case CR_FIT_SEPARATION:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the outcome is perfectly or quasi-completely separated by feature \"%s\"",
							names[r->bad_feature < 0 ? 0 : r->bad_feature]),
					 errdetail("%s puts every renewed member on one side and every lapsed member on the other (or on the boundary), so the likelihood has no maximum and maximum likelihood estimates do not exist.",
							   separating_features(r, d, names)),
					 errhint("Set a positive \"l2\" option (for example 1) to regularise, or remove the feature.")));
			break;
		case CR_FIT_NO_CONVERGENCE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg_plural("retention_train did not converge within %d iteration",
								   "retention_train did not converge within %d iterations",
								   max_iter, max_iter),
					 errhint("Raise \"max_iter\", loosen \"tol\", or set a positive \"l2\" option.")));
			break;
	}
}

/* See cr_train.h. */
bytea *
cr_train_build_model(const TrainOptions *o, const CrFitResult *r, char **names, int d,
					 int64 n_rows, int64 n_skipped)
{
	CrModel		m;

	memset(&m, 0, sizeof(m));
	m.h.version = CR_MODEL_VERSION;
	m.h.flags = CR_MODEL_HAS_DECILES | (o->intercept ? CR_MODEL_INTERCEPT : 0) |
		(r->converged ? CR_MODEL_CONVERGED : 0) | (o->balanced ? CR_MODEL_BALANCED : 0);
	m.h.d = d;
	m.h.iterations = r->iterations;
	m.h.n_rows = n_rows;
	m.h.n_skipped = n_skipped;
	m.h.n_retained = (int64) r->n_retained;
	m.h.loglik = r->loglik;
	m.h.null_loglik = r->null_loglik;
	m.h.l2 = o->l2;
	m.h.condition_number = isfinite(r->condition_number) ? r->condition_number : DBL_MAX;
	m.intercept = r->beta[0];
	m.coef = r->beta + 1;
	m.means = r->means;
	memcpy(m.deciles, r->deciles, sizeof(m.deciles));
	memcpy(m.shares, r->shares, sizeof(m.shares));
	m.names = names;
	m.cov = r->cov;
	cr_model_validate(&m, ERRCODE_INTERNAL_ERROR);
	return cr_model_encode(&m);
}

Datum
retention_train_final(PG_FUNCTION_ARGS)
{
	TrainState *s;
	TrainOptions o;
	CrRows		rows;
	CrFitOptions fo;
	CrAlloc		alloc;
	CrFitResult r;
	char	  **names;
	int			d;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (TrainState *) PG_GETARG_POINTER(0);
	if (s->n_rows == 0)
		PG_RETURN_NULL();
	d = s->d;
	cr_train_parse_options(s->options, &o);
	names = cr_train_feature_names(&o, d);

	rows.d = d;
	rows.n = s->n_rows;
	rows.nblocks = s->nblocks;
	rows.blocks = s->blocks;
	rows.block_n = (int64_t *) s->block_n;
	fo.l2 = o.l2;
	fo.intercept = o.intercept;
	fo.max_iter = o.max_iter;
	fo.tol = o.tol;
	fo.balanced = o.balanced;
	fo.tick = tick;
	fo.exact_only = false;
	fo.start = NULL;
	alloc.fn = cr_train_alloc;
	alloc.cxt = CurrentMemoryContext;
	cr_logit_fit(&rows, &fo, &alloc, &r);
	cr_train_check_result(&r, names, d, s->n_rows, o.max_iter, o.intercept);
	PG_RETURN_BYTEA_P(cr_train_build_model(&o, &r, names, d, s->n_rows, s->n_skipped));
}
