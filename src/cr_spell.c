/*
 * cr_spell.c
 *	  retention_spell(): a membership spell (started_at, ended_at) as of a
 *	  date, turned into the (duration, churned) pair the survival aggregates
 *	  take.  A spell that has not ended by as_of is censored at as_of.
 */
#include "community_retention.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(retention_spell);

/* Length of one unit in microseconds; -1 when the unit is unknown. */
static int64
spell_unit_usec(const char *unit)
{
	if (pg_strcasecmp(unit, "days") == 0 || pg_strcasecmp(unit, "day") == 0)
		return USECS_PER_DAY;
	if (pg_strcasecmp(unit, "weeks") == 0 || pg_strcasecmp(unit, "week") == 0)
		return 7 * USECS_PER_DAY;
	if (pg_strcasecmp(unit, "months") == 0 || pg_strcasecmp(unit, "month") == 0)
		return 30 * USECS_PER_DAY;
	return -1;
}

static void
spell_check_finite(TimestampTz t, const char *what)
{
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be finite", what)));
}

/* retention_spell(started_at, ended_at, as_of, unit) -> (duration, churned) */
Datum
retention_spell(PG_FUNCTION_ARGS)
{
	TimestampTz started,
				ended = 0,
				as_of,
				stop;
	bool		has_end = !PG_ARGISNULL(1);
	char	   *unit;
	int64		usec;
	TupleDesc	desc;
	Datum		v[2];
	bool		n[2] = {false, false};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	started = PG_GETARG_TIMESTAMPTZ(0);
	as_of = PG_GETARG_TIMESTAMPTZ(2);
	unit = text_to_cstring(PG_GETARG_TEXT_PP(3));
	usec = spell_unit_usec(unit);
	if (usec < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown unit \"%.*s\"", pg_mbcliplen(unit, strlen(unit), 64), unit),
				 errhint("Use days, weeks or months (30 days).")));
	spell_check_finite(started, "started_at");
	spell_check_finite(as_of, "as_of");
	if (has_end)
	{
		ended = PG_GETARG_TIMESTAMPTZ(1);
		spell_check_finite(ended, "ended_at");
		if (ended < started)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ended_at must not be before started_at")));
	}
	/* not a member yet as of as_of: no spell to count */
	if (started > as_of)
		PG_RETURN_NULL();

	stop = (has_end && ended <= as_of) ? ended : as_of;
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);
	/* stop >= started; the difference can exceed int64 (4713 BC to 294276 AD) */
	v[0] = Float8GetDatum((double) ((uint64) stop - (uint64) started) / (double) usec);
	v[1] = BoolGetDatum(has_end && ended <= as_of);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, v, n)));
}
