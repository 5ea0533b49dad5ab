/*
 * community_retention.h
 *	  Things every part of the extension shares: the GUCs defined in
 *	  community_retention.c and small helpers for the backend-facing files.
 *
 * Plain-C kernels (numerical code, parsers) must NOT include this header:
 * they are compiled outside the server for unit tests and fuzzing.
 */
#ifndef COMMUNITY_RETENTION_H
#define COMMUNITY_RETENTION_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"

/*
 * community_retention.max_train_memory, in kilobytes: the most memory one
 * training aggregate state may hold before it errors out with a hint.
 */
extern int	cr_max_train_memory_kb;

/*
 * community_retention.max_rule_cache_memory, in kilobytes: the most memory
 * the decoded conditions one call site of incentive_matches or
 * incentive_match_all keeps for the rest of the query (cr_rule_eval.c).
 */
extern int	cr_max_rule_cache_memory_kb;

/*
 * Data of an array known to hold no NULLs, as ARR_DATA_PTR() gives it (which
 * itself mixes signed and unsigned operands, which -Wextra reports in every
 * caller).  An array without NULLs may still carry a null bitmap (PL/pgSQL's
 * w[2] := 0 on '{1,NULL,1}' keeps it; array_contains_nulls() is then false),
 * and its data then starts at dataoffset, after the bitmap.
 */
#define CR_ARR_DATA_NONULLS(a) \
	((void *) (((char *) (a)) + (ARR_HASNULL(a) ? (Size) (a)->dataoffset \
								 : ARR_OVERHEAD_NONULLS(ARR_NDIM(a)))))

/*
 * The row type a function returns (elem: the element type of the array it
 * returns), blessed, read from its pg_proc entry, so it works without an
 * expression node (Citus calls final functions so).  natts > 0: the type
 * must have that many attributes.  *typid (may be NULL): the row type.
 */
extern TupleDesc cr_result_rowdesc(FunctionCallInfo fcinfo, bool elem, int natts,
								   Oid *typid);

/*
 * The n_members argument of the demo generators (retention_demo_members,
 * _activity, _spells, _experiment): 0 to CR_DEMO_MAX_MEMBERS, else 22023
 * with a hint.  Defined in cr_demo.c.
 */
extern void cr_demo_check_members(int32 n_members);

/*
 * The CrUnicodeToText of the plain-C readers (cr_unicode.h) in the server:
 * the character of a JSON \u escape in the database encoding, converted as
 * PostgreSQL's own json and jsonb input convert it.  Errors out (it never
 * returns 0) when the encoding has no such character.
 */
extern size_t cr_unicode_to_server(uint32_t cp, char *out);

/*
 * A float8 in a message, to the last digit: the shortest text that reads
 * back as v, whatever extra_float_digits is (float8out_internal prints 15
 * digits at 0 or below, so a refused 2.0000000000000004 read "2").
 * palloc'd in the current context.
 */
extern char *cr_float_text(double v);

/*
 * Drop from s (NUL-terminated) the bytes of every character that is not
 * valid in the database encoding.  For the messages of the plain-C kernels,
 * which cut names and strings they quote at a byte count, so inside a
 * character of a multibyte encoding: sent as it is, such a message fails
 * (22021, invalid byte sequence) instead of the error it reports.
 */
extern void cr_drop_broken_chars(char *s);

/*
 * Names and strings of binary input travel in the client encoding (as
 * textrecv reads text): the n bytes at s converted to the database encoding,
 * or NULL when they are not valid in the encoding they must be valid in,
 * which is then set in *enc.  That is the client encoding, or the database's
 * under client_encoding SQL_ASCII (whose bytes pg_client_to_server takes as
 * they are but checks against the database encoding, failing with 22021
 * where a receive function reports malformed input).  The result is
 * NUL-terminated, and may be s itself.
 */
extern char *cr_wire_to_server(const char *s, int n, int *enc);

/*
 * An aggregate state that is not one its aggregate's functions can have
 * made: errmsg "invalid <what> state", SQLSTATE sqlerrcode, an errhint
 * unless hint is NULL, an errdetail from detail_fmt unless it is NULL.
 * Defined in community_retention.c; called through the two macros below.
 */
extern void cr_state_error(int sqlerrcode, const char *what, const char *hint,
						   const char *detail_fmt,...)
			pg_attribute_printf(4, 5) pg_attribute_noreturn();

/*
 * cr_bad_state(what, detail_fmt, ...): a partial state its serial function
 * could not have written (22P03).  A deserial function may be handed any
 * bytes (an aggregate a superuser declared with another serial function, a
 * Citus worker), and a combine function may meet two such states whose
 * counts overflow together.
 */
#define cr_bad_state(what, ...) \
	cr_state_error(ERRCODE_INVALID_BINARY_REPRESENTATION, (what), NULL, __VA_ARGS__)

/*
 * cr_bad_array_state(what, hint, detail_fmt, ...): a state a user can build
 * by hand (22023), an array a combine or final function is called with from
 * SQL, or a user's INITCOND.
 */
#define cr_bad_array_state(what, hint, ...) \
	cr_state_error(ERRCODE_INVALID_PARAMETER_VALUE, (what), (hint), __VA_ARGS__)

#endif							/* COMMUNITY_RETENTION_H */
