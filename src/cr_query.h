/*
 * cr_query.h
 *	  Functions that take a query text (retention_fit, lifetime_summaries):
 *	  check that it is exactly one SELECT, check its columns before running
 *	  it, and run it through SPI into a DestReceiver, with the caller's
 *	  privileges (no SECURITY DEFINER: row-level security applies).
 */
#ifndef CR_QUERY_H
#define CR_QUERY_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "tcop/dest.h"

/*
 * The text of the one SELECT statement in query (no INTO, no FOR UPDATE),
 * or an error naming fname: 42601 with example as the HINT, 0A000 for
 * locking clauses.
 */
extern char *cr_select_text(const char *query, const char *fname, const char *example);

/*
 * The columns of stmt (planned and run with LIMIT 0 through SPI, which the
 * caller has connected); 42601 when it is no SELECT after all, 0A000 when
 * it locks rows below the top level (a subquery, WITH query or view with
 * FOR UPDATE or FOR SHARE).
 */
extern TupleDesc cr_query_columns(const char *stmt, const char *fname, const char *example);

/*
 * Error 42804: column i of td has the wrong type; the HINT names shape (the
 * columns the query must return) and the cast to want.
 */
extern void cr_wrong_column(TupleDesc td, int i, const char *want,
							const char *fname, const char *shape) pg_attribute_noreturn();

/*
 * Run SELECT * FROM (stmt) read-only (in the calling statement's snapshot)
 * with every row handed to dest; cursor_opts for SPI_prepare_cursor
 * (CURSOR_OPT_PARALLEL_OK or 0).  Checks first that the plan the executor
 * runs returns columns of want's types (those cr_query_columns gave): the
 * text is planned again at each call, and a function the query called
 * while it was checked or on an earlier pass may have changed what its
 * names resolve to (search_path, a view dropped and created again).  22000
 * when they differ, before any row.
 */
extern void cr_query_run_checked(const char *stmt, DestReceiver *dest, int cursor_opts,
								 const char *fname, TupleDesc want);

/* DestReceiver callbacks that do nothing (startup, shutdown, destroy). */
extern void cr_dest_startup_noop(DestReceiver *self, int operation, TupleDesc typeinfo);
extern void cr_dest_noop(DestReceiver *self);

#endif							/* CR_QUERY_H */
