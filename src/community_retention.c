/*
 * community_retention.c
 *	  Module entry point: the module magic block, the GUCs and the helpers
 *	  every backend-facing file shares.
 *
 * Everything else lives in one file per concern (model type, training,
 * scoring, evaluation, engagement, condition parser and evaluator, demo data).
 */
#include "postgres.h"

#include <limits.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "community_retention.h"
#include "cr_rule_join.h"
#include "cr_unicode.h"

StaticAssertDecl(CR_UNICODE_MAX_BYTES == MAX_UNICODE_EQUIVALENT_STRING,
				 "cr_unicode.h and pg_wchar.h differ in the bytes of one code point");

PG_MODULE_MAGIC;

/* Default 1 GB: about 12 million rows of 10 features. */
int			cr_max_train_memory_kb = 1024 * 1024;

/*
 * Default 64 MB: about 7 decoded conditions of 65,535 list items, or tens of
 * thousands of small ones (see cr_rule_eval.c and the README's rules FAQ).
 */
int			cr_max_rule_cache_memory_kb = 64 * 1024;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("community_retention.max_train_memory",
							"Largest amount of memory that one aggregate state keeping its rows (retention_train, retention_auc, retention_metrics, incentive_uplift_eval), or one lifetime_summaries call, may use.",
							"Training keeps about 8*(d+1) bytes per row, the evaluation aggregates about 8; past this limit they stop with an error.",
							&cr_max_train_memory_kb,
							1024 * 1024,
							1024,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("community_retention.max_rule_cache_memory",
							"Largest amount of memory the decoded incentive conditions of one call site of incentive_matches or incentive_match_all may keep for the rest of a query.",
							"A condition that does not fit is decoded again whenever it follows another one; results are the same.",
							&cr_max_rule_cache_memory_kb,
							64 * 1024,
							0,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	cr_rules_join_register();

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("community_retention");
#else
	EmitWarningsOnPlaceholders("community_retention");
#endif
}

TupleDesc
cr_result_rowdesc(FunctionCallInfo fcinfo, bool elem, int natts, Oid *typid)
{
	Oid			t = get_func_rettype(fcinfo->flinfo->fn_oid);
	TupleDesc	desc;

	if (elem && OidIsValid(t))
		t = get_element_type(t);
	if (!OidIsValid(t) || !type_is_rowtype(t))
		elog(ERROR, "return type of function %u is not a row type%s",
			 fcinfo->flinfo->fn_oid, elem ? " array" : "");
	desc = lookup_rowtype_tupdesc_copy(t, -1);
	if (natts > 0 && desc->natts != natts)
		elog(ERROR, "return type of function %u has %d attributes, expected %d",
			 fcinfo->flinfo->fn_oid, desc->natts, natts);
	if (typid)
		*typid = t;
	return BlessTupleDesc(desc);
}

static void
unicode_escape_context(void *arg)
{
	errcontext("JSON \\u escape of U+%04X", *(const uint32_t *) arg);
}

/*
 * pg_unicode_to_server ereports when the database encoding lacks the
 * character (22P05, "character with byte sequence ... in encoding "UTF8"
 * has no equivalent in encoding ...", as json and jsonb input say) and, in
 * a SQL_ASCII database, for any code point above U+007F (0A000, "conversion
 * between UTF8 and SQL_ASCII is not supported").  Leaving the reader that
 * called here is safe: the readers allocate with palloc and keep no other
 * state.  A context line names the escape's code point.
 */
size_t
cr_unicode_to_server(uint32_t cp, char *out)
{
	unsigned char buf[MAX_UNICODE_EQUIVALENT_STRING + 1];
	ErrorContextCallback cb;
	size_t		n;

	cb.callback = unicode_escape_context;
	cb.arg = &cp;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	pg_unicode_to_server((pg_wchar) cp, buf);
	error_context_stack = cb.previous;
	n = strlen((const char *) buf);
	memcpy(out, buf, n);
	return n;
}

char *
cr_wire_to_server(const char *s, int n, int *enc)
{
	*enc = pg_get_client_encoding();
	if (*enc == PG_SQL_ASCII)
		*enc = GetDatabaseEncoding();
	if (!pg_verify_mbstr(*enc, s, n, true))
		return NULL;
	return pg_client_to_server(s, n);
}

void
cr_drop_broken_chars(char *s)
{
	int			encoding = GetDatabaseEncoding();
	int			len = (int) strlen(s);
	int			r,
				w;

	r = w = pg_encoding_verifymbstr(encoding, s, len);
	while (r < len)
	{
		int			l = pg_encoding_verifymbchar(encoding, s + r, len - r);

		if (l <= 0)
		{
			/*
			 * A character cut short: drop it with the bytes of it that are
			 * left, not just its first byte.  They have the high bit set in
			 * every server encoding, and on their own may read as another,
			 * valid character: EUC_TW's 4-byte 8E A2 A1 A1 cut to 8E A2 A1
			 * would leave A2 A1, a different character; MULE_INTERNAL's
			 * 92 A4 A2 cut to 92 A4 a lone A4, which PostgreSQL's check
			 * accepts but no conversion to the client's encoding does.
			 * (Broken characters come from cuts, which ASCII or the end of
			 * the string follows.)
			 */
			int			claimed = pg_encoding_mblen(encoding, s + r);

			r++;
			while (--claimed > 0 && r < len && IS_HIGHBIT_SET(s[r]))
				r++;
			continue;
		}
		memmove(s + w, s + r, l);
		w += l;
		r += l;
	}
	s[w] = '\0';
}

void
cr_state_error(int sqlerrcode, const char *what, const char *hint, const char *detail_fmt,...)
{
	StringInfoData detail;

	if (detail_fmt != NULL)
	{
		initStringInfo(&detail);
		for (;;)
		{
			va_list		args;
			int			needed;

			va_start(args, detail_fmt);
			needed = appendStringInfoVA(&detail, detail_fmt, args);
			va_end(args);
			if (needed == 0)
				break;
			enlargeStringInfo(&detail, needed);
		}
	}
	ereport(ERROR,
			(errcode(sqlerrcode),
			 errmsg("invalid %s state", what),
			 detail_fmt ? errdetail("%s", detail.data) : 0,
			 hint ? errhint("%s", hint) : 0));
}

char *
cr_float_text(double v)
{
	char	   *buf = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);

	double_to_shortest_decimal_buf(v, buf);
	return buf;
}
