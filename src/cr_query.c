/*
 * cr_query.c
 *	  Checking and running the query text of retention_fit and
 *	  lifetime_summaries (see cr_query.h).
 */
#include "postgres.h"

#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/plancache.h"

#include "cr_query.h"

static void
not_a_select(const char *fname, const char *example)
{
	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("%s query must be a single SELECT statement", fname),
			 errhint("Pass a query such as '%s'.", example)));
}

/*
 * below: the lock is not in the query's own text but in what it reads, which
 * may be another role's (a view, a policy): say where it can be.
 */
static void
locks_rows(const char *fname, bool below)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s query must not lock rows (FOR UPDATE or FOR SHARE)", fname),
			 below ? errdetail("The lock is in a subquery, a WITH query, a view, an inlined SQL function or a row-level security policy of a table that the query reads.") : 0));
}

/*
 * A syntax error's position is in the query text, not in the calling
 * statement: show it there (as SPI does for the statements it runs).
 */
static void
query_error_callback(void *arg)
{
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery((const char *) arg);
	}
}

char *
cr_select_text(const char *query, const char *fname, const char *example)
{
	ErrorContextCallback cb;
	List	   *raw;
	RawStmt    *rs;
	int			len;

	cb.callback = query_error_callback;
	cb.arg = (void *) query;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	raw = pg_parse_query(query);
	error_context_stack = cb.previous;

	if (list_length(raw) != 1)
		not_a_select(fname, example);
	rs = linitial_node(RawStmt, raw);
	if (!IsA(rs->stmt, SelectStmt) || ((SelectStmt *) rs->stmt)->intoClause != NULL)
		not_a_select(fname, example);
	if (((SelectStmt *) rs->stmt)->lockingClause != NIL)
		locks_rows(fname, false);
	len = rs->stmt_len > 0 ? rs->stmt_len : (int) strlen(query + rs->stmt_location);
	return pnstrdup(query + rs->stmt_location, len);
}

TupleDesc
cr_query_columns(const char *stmt, const char *fname, const char *example)
{
	SPIPlanPtr	plan = SPI_prepare(psprintf("SELECT * FROM (\n%s\n) AS q LIMIT 0", stmt), 0, NULL);
	CachedPlan *cp;
	ListCell   *lc;
	TupleDesc	td;

	if (plan == NULL)
		elog(ERROR, "%s: SPI_prepare failed: %s", fname, SPI_result_code_string(SPI_result));

	/*
	 * A FOR UPDATE or FOR SHARE below the top level (in a subquery, a WITH
	 * query, a view, an SQL function inlined into the query or a row-level
	 * security policy of a table it reads): SPI runs the query read-only and
	 * would refuse it with "SELECT FOR UPDATE is not allowed in a
	 * non-volatile function", which is not what is wrong.  The plan has row
	 * marks exactly when SPI's read-only check refuses it.
	 */
	cp = SPI_plan_get_cached_plan(plan);
	if (cp != NULL)
	{
		bool		locks = false;

		foreach(lc, cp->stmt_list)
			if (IsA(lfirst(lc), PlannedStmt) && lfirst_node(PlannedStmt, lc)->rowMarks != NIL)
				locks = true;
		ReleaseCachedPlan(cp, NULL);	/* a plan not saved has no owner */
		if (locks)
			locks_rows(fname, true);
	}
	if (SPI_execute_plan(plan, NULL, NULL, true, 0) != SPI_OK_SELECT)
		not_a_select(fname, example);
	SPI_freeplan(plan);
	td = CreateTupleDescCopy(SPI_tuptable->tupdesc);
	SPI_freetuptable(SPI_tuptable);
	return td;
}

void
cr_wrong_column(TupleDesc td, int i, const char *want, const char *fname, const char *shape)
{
	Form_pg_attribute a = TupleDescAttr(td, i);

	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("column %d \"%s\" of the %s query has type %s, not %s",
					i + 1, NameStr(a->attname), fname, format_type_be(a->atttypid), want),
			 errhint("The query must return %s; cast the column, e.g. %s::%s.",
					 shape, NameStr(a->attname), want)));
}

/*
 * A DestReceiver in front of the caller's that checks, before the first
 * row, that the plan the executor runs returns the columns the caller
 * checked (cr_query_columns) and reads them as.
 */
typedef struct CheckedDest
{
	DestReceiver pub;
	DestReceiver *inner;
	TupleDesc	want;
	const char *fname;
} CheckedDest;

static void
checked_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	CheckedDest *c = (CheckedDest *) self;
	int			i;

	for (i = 0; i < Max(typeinfo->natts, c->want->natts); i++)
	{
		Oid			have = i < typeinfo->natts ? TupleDescAttr(typeinfo, i)->atttypid : InvalidOid;
		Oid			want = i < c->want->natts ? TupleDescAttr(c->want, i)->atttypid : InvalidOid;

		if (have != want)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the %s query changed its columns while it ran", c->fname),
					 OidIsValid(have) && OidIsValid(want)
					 ? errdetail("Column %d has type %s, not %s as when the query was checked.",
								 i + 1, format_type_be(have), format_type_be(want))
					 : errdetail("It returns %d columns, not %d as when the query was checked.",
								 typeinfo->natts, c->want->natts),
					 errhint("The query text is planned again each time it runs: a function it calls must not change search_path or replace what the query reads.")));
	}
	c->inner->rStartup(c->inner, operation, typeinfo);
}

static bool
checked_receive(TupleTableSlot *slot, DestReceiver *self)
{
	CheckedDest *c = (CheckedDest *) self;

	return c->inner->receiveSlot(slot, c->inner);
}

static void
checked_shutdown(DestReceiver *self)
{
	CheckedDest *c = (CheckedDest *) self;

	c->inner->rShutdown(c->inner);
}

static void
checked_destroy(DestReceiver *self)
{
	CheckedDest *c = (CheckedDest *) self;

	c->inner->rDestroy(c->inner);
}

void
cr_query_run_checked(const char *stmt, DestReceiver *dest, int cursor_opts, const char *fname,
					 TupleDesc want)
{
	SPIPlanPtr	plan;
	SPIExecuteOptions eo;
	CheckedDest checked;

	plan = SPI_prepare_cursor(psprintf("SELECT * FROM (\n%s\n) AS q", stmt), 0, NULL, cursor_opts);
	if (plan == NULL)
		elog(ERROR, "%s: SPI_prepare failed: %s", fname, SPI_result_code_string(SPI_result));
	checked.pub.receiveSlot = checked_receive;
	checked.pub.rStartup = checked_startup;
	checked.pub.rShutdown = checked_shutdown;
	checked.pub.rDestroy = checked_destroy;
	checked.pub.mydest = dest->mydest;
	checked.inner = dest;
	checked.want = want;
	checked.fname = fname;
	memset(&eo, 0, sizeof(eo));
	eo.read_only = true;
	eo.dest = (DestReceiver *) &checked;
	/* SPI says SPI_OK_UTILITY for a SELECT whose rows go to DestNone */
	if (SPI_execute_plan_extended(plan, &eo) < 0)
		elog(ERROR, "%s: running the query failed", fname);
	SPI_freeplan(plan);
}

void
cr_dest_startup_noop(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

void
cr_dest_noop(DestReceiver *self)
{
}
