/*
 * cr_lifetime.h
 *	  Helpers shared by the buyer-model glue (cr_lifetime_summary.c,
 *	  cr_lifetime.c).
 */
#ifndef CR_LIFETIME_H
#define CR_LIFETIME_H

#include "fmgr.h"
#include "access/tupdesc.h"

/*
 * The blessed descriptor of the function's composite result type with natts
 * attributes, cached in fn_extra (the caller must not use it otherwise).
 */
extern TupleDesc cr_result_tupdesc(FunctionCallInfo fcinfo, int natts, const char *type_name);

#endif							/* CR_LIFETIME_H */
