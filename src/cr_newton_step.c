/*
 * cr_newton_step.c
 *	  retention_newton_step(features float8[], retained boolean, weight float8,
 *	  point float8[]), the aggregate behind retention_fit: the sums one Newton
 *	  iteration needs (counts, weighted feature sums, log-likelihood,
 *	  gradient, upper triangle of the Hessian) at the point the driver asks
 *	  for.  The layout of point and state is in cr_newton.h.
 *
 * The state is a float8[] of O(d^2) values, whatever the number of rows,
 * and partial states combine by element-wise addition: parallel workers and
 * Citus shards aggregate where the rows are and ship only their sums.  The
 * final function only adds the Hessian terms of the last rows still queued
 * (cr_newton.h), so the result is the state's layout with an empty queue;
 * it reads nothing from an expression node.
 */
#include "community_retention.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "nodes/primnodes.h"
#include "utils/array.h"

#include "cr_engagement.h"
#include "cr_newton.h"
#include "cr_train.h"

PG_FUNCTION_INFO_V1(retention_newton_step_trans);
PG_FUNCTION_INFO_V1(retention_newton_step_combine);
PG_FUNCTION_INFO_V1(retention_newton_step_final);

#define ST_DATA(a)	((double *) CR_ARR_DATA_NONULLS(a))
#define ST_LEN(a)	(ARR_DIMS(a)[0])

/*
 * A new state, in the current (per-row) memory context: the executor copies
 * a state other than the one it passed in into the aggregate context and
 * frees the old one, so one made there would stay unreferenced until the end
 * of the query (twice the memory a group needs in a hash aggregate).
 */
static ArrayType *
state_alloc(int len)
{
	Size		bytes = ARR_OVERHEAD_NONULLS(1) + sizeof(double) * (Size) len;
	ArrayType  *a = palloc0(bytes);

	SET_VARSIZE(a, bytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = len;
	ARR_LBOUND(a)[0] = 1;
	return a;
}

static void
invalid_point(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid retention_newton_step point"),
			 errdetail("%s", detail),
			 errhint("The point is made by retention_fit; see the reference of retention_newton_step.")));
}

/* The point's values after checking its shape; *d = its features (0: statistics pass). */
static const double *
point_values(ArrayType *pt, int *plen, int *d)
{
	const double *p;
	int			flags;

	if (ARR_NDIM(pt) != 1 || array_contains_nulls(pt) || ARR_ELEMTYPE(pt) != FLOAT8OID)
		invalid_point("It must be a one-dimensional float8 array without NULLs.");
	*plen = ARR_DIMS(pt)[0];
	p = (const double *) CR_ARR_DATA_NONULLS(pt);
	if (*plen < 2)
		invalid_point("It has fewer than 2 elements.");
	if (!cr_point_flags_valid(p[CR_PT_FLAGS], p[CR_PT_D]) ||
		p[CR_PT_D] != floor(p[CR_PT_D]) || p[CR_PT_D] < 0 || p[CR_PT_D] > CR_MAX_FEATURES)
		invalid_point("Its flags or number of features are out of range.");
	flags = (int) p[CR_PT_FLAGS];
	*d = (int) p[CR_PT_D];
	if (*plen != cr_point_len(*d, flags))
		invalid_point("Its length does not match its number of features.");
	/* a NaN or infinite coefficient, mean or spread would make every sum NaN */
	for (int i = 0; i < *plen; i++)
		if (!isfinite(p[i]))
			invalid_point("Its values must be finite numbers.");
	return p;
}

/* Any float8[] can arrive as a state (INITCOND of a user's aggregate). */
static void
check_state(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || array_contains_nulls(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		!cr_state_valid(ST_DATA(a), ST_LEN(a)))
		cr_bad_array_state("retention_newton_step",
						   "The state is made by retention_newton_step itself.", NULL);
}

/*
 * What a call site of the transition function knows between rows
 * (fn_extra): whether the point is the same for every row of the query (a
 * constant or a parameter of the statement, as retention_fit passes it),
 * and the state it returned last, with the header values it left in it.
 * When the next row hands back that state with that header, the state
 * was checked on an earlier row (its length, features and point length
 * decide where every sum lies) and its point copy was compared with the
 * same point, so neither is checked again.  A state of a new group can
 * reuse the address of the last one (a memory context reset between
 * groups), so d, the point length and the row counts must match too; a
 * constant point cannot differ from the one compared.  Any other state
 * gets the full checks.  They were a tenth of the per-row cost.
 */
typedef struct StepCache
{
	bool		point_constant;
	ArrayType  *st;				/* the state returned last, or NULL */
	int			len;			/* its length */
	double		d,
				plen,
				rows,
				skipped;
} StepCache;

static StepCache *
step_cache(FunctionCallInfo fcinfo)
{
	StepCache  *c = fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		Aggref	   *ag = AggGetAggref(fcinfo);
		Expr	   *e = NULL;

		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(StepCache));
		if (ag && list_length(ag->args) == 4)
			e = ((TargetEntry *) lfourth(ag->args))->expr;
		c->point_constant = e != NULL &&
			(IsA(e, Const) || (IsA(e, Param) && ((Param *) e)->paramkind == PARAM_EXTERN));
		fcinfo->flinfo->fn_extra = c;
	}
	return c;
}

static inline bool
state_known(const StepCache *c, ArrayType *st)
{
	const double *s = ST_DATA(st);

	return c->point_constant && c->st == st && ARR_NDIM(st) == 1 && !ARR_HASNULL(st) &&
		ST_LEN(st) == c->len &&
		s[CR_ST_D] == c->d && s[CR_ST_PLEN] == c->plen &&
		s[CR_ST_ROWS] == c->rows && s[CR_ST_SKIPPED] == c->skipped;
}

static Datum
step_return(StepCache *c, ArrayType *st)
{
	const double *s = ST_DATA(st);

	c->st = st;
	c->len = ST_LEN(st);
	c->d = s[CR_ST_D];
	c->plen = s[CR_ST_PLEN];
	c->rows = s[CR_ST_ROWS];
	c->skipped = s[CR_ST_SKIPPED];
	PG_RETURN_ARRAYTYPE_P(st);
}

Datum
retention_newton_step_trans(PG_FUNCTION_ARGS)
{
	StepCache  *c;
	ArrayType  *st;
	ArrayType  *pt;
	const double *p;
	const double *vals;
	double	   *s;
	double		w;
	int			plen,
				pd,
				d;

	/* callable from SQL (its state is a float8[]): a user error, not XX000 */
	(void) cr_agg_context(fcinfo, "retention_newton_step_trans");
	c = step_cache(fcinfo);
	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("retention_newton_step point must not be null")));
	pt = PG_GETARG_ARRAYTYPE_P(4);
	if (PG_ARGISNULL(0))
	{
		p = point_values(pt, &plen, &pd);
		st = state_alloc(cr_state_len(pd, plen));
		cr_state_init(ST_DATA(st), pd, p, plen);
	}
	else if (state_known(c, (st = PG_GETARG_ARRAYTYPE_P(0))))
		plen = (int) ST_DATA(st)[CR_ST_PLEN];
	else
	{
		check_state(st);
		plen = (int) ST_DATA(st)[CR_ST_PLEN];
		if (ARR_NDIM(pt) != 1 || array_contains_nulls(pt) || ARR_DIMS(pt)[0] != plen ||
			memcmp(CR_ARR_DATA_NONULLS(pt), ST_DATA(st) + CR_ST_HEADER, sizeof(double) * plen) != 0)
			invalid_point("It must be the same for every row of a group.");
	}
	s = ST_DATA(st);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		s[CR_ST_SKIPPED] += 1;
		return step_return(c, st);
	}
	w = PG_GETARG_FLOAT8(3);
	d = (int) s[CR_ST_D];
	vals = cr_train_row_values(PG_GETARG_ARRAYTYPE_P(1), true, w,
							   ((int) s[CR_ST_HEADER + CR_PT_FLAGS] & (int) CR_PT_SKIP_INVALID) != 0, &d);
	if (vals == NULL)
	{
		s[CR_ST_SKIPPED] += 1;
		return step_return(c, st);
	}
	if (s[CR_ST_D] == 0)
	{
		/* statistics pass, first usable row: room for the sums of d features */
		ArrayType  *grown = state_alloc(cr_state_len(d, plen));
		double	   *g = ST_DATA(grown);

		memcpy(g, s, sizeof(double) * ST_LEN(st));
		g[CR_ST_D] = d;
		/* not pfree(st): the executor frees the old state when it gets a new one */
		st = grown;
		s = g;
	}
	cr_state_add_row(s, vals, PG_GETARG_BOOL(2), w);
	return step_return(c, st);
}

/* a copy of state b, with counters of a state without rows added */
static ArrayType *
state_copy_plus(ArrayType *b, const double *counters)
{
	ArrayType  *r = state_alloc(ST_LEN(b));
	double	   *s = ST_DATA(r);
	int			i;

	memcpy(s, ST_DATA(b), sizeof(double) * ST_LEN(b));
	if (counters)
		for (i = CR_ST_PARTS; i < CR_ST_HEADER; i++)
			s[i] += counters[i];
	return r;
}

Datum
retention_newton_step_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	double	   *sa,
			   *sb;
	int			plen;

	check_state(a);
	check_state(b);
	sa = ST_DATA(a);
	sb = ST_DATA(b);
	plen = (int) sa[CR_ST_PLEN];
	if (sb[CR_ST_PLEN] != plen ||
		memcmp(sa + CR_ST_HEADER, sb + CR_ST_HEADER, sizeof(double) * plen) != 0)
		invalid_point("Partial states of different points cannot be combined.");
	if (sa[CR_ST_D] == 0)
		PG_RETURN_ARRAYTYPE_P(state_copy_plus(b, sa));	/* a new state */
	if (sb[CR_ST_D] != 0 && sb[CR_ST_D] != sa[CR_ST_D])
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature arrays of different lengths: %d and %d", (int) sa[CR_ST_D], (int) sb[CR_ST_D]),
				 errhint("Every row of a group must list the same features in the same order.")));
	if (!AggCheckCallContext(fcinfo, NULL))
	{
		/* called directly: never modify an argument */
		a = state_copy_plus(a, NULL);
		sa = ST_DATA(a);
	}
	if (sb[CR_ST_D] == 0)
	{
		int			i;

		for (i = CR_ST_PARTS; i < CR_ST_HEADER; i++)
			sa[i] += sb[i];
	}
	else
		cr_state_add(sa, sb);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* The state with its queued rows added to the Hessian (a copy: READ_ONLY). */
Datum
retention_newton_step_final(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *r;

	check_state(a);
	r = state_copy_plus(a, NULL);
	cr_state_flush(ST_DATA(r));
	PG_RETURN_ARRAYTYPE_P(r);
}
