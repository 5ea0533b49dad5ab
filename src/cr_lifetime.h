/*
 * cr_lifetime.h
 *	  Helpers shared by the buyer-model glue (cr_lifetime_summary.c,
 *	  cr_lifetime.c).
 */
#ifndef CR_LIFETIME_H
#define CR_LIFETIME_H

#include "fmgr.h"
#include "access/tupdesc.h"
#include "datatype/timestamp.h"

/*
 * The blessed descriptor of the function's composite result type with natts
 * attributes, cached in fn_extra (the caller must not use it otherwise).
 */
extern TupleDesc cr_result_tupdesc(FunctionCallInfo fcinfo, int natts, const char *type_name);

/*
 * The unit of lifetime_summary in microseconds (NULL: 1 day), or errors:
 * months (22023), out of range (22008), not positive (22023).
 */
extern int64 cr_lt_unit(const Interval *iv);

/* Error 22023 "amount must be finite" for NaN and +-Infinity. */
extern void cr_lt_check_amount(double amount);

#endif							/* CR_LIFETIME_H */
