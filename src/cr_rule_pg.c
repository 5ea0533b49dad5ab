/*
 * cr_rule_pg.c
 *	  The backend side of the incentive rule language that its SQL files
 *	  share (cr_rule_pg.h): the language's allocator in a memory context,
 *	  its errors raised with their SQLSTATE and the text of the
 *	  sub-expression or position they concern, and stored conditions decoded
 *	  (and validated).
 */
#include "community_retention.h"

#include "catalog/namespace.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "cr_rule_pg.h"

/* ------------------------------------------------------------------ memory */

static void *
pg_alloc_cb(size_t size, void *ctx)
{
	return MemoryContextAlloc((MemoryContext) ctx, size);
}

static void *
pg_realloc_cb(void *ptr, size_t size, void *ctx)
{
	return repalloc(ptr, size);
}

static void
pg_free_cb(void *ptr, void *ctx)
{
	pfree(ptr);
}

/* a long text (the input is as long as a text value may be) can be cancelled */
static void
pg_tick_cb(void)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * A string of the database encoding in UTF-8 (the rule kernel's
 * text_to_utf8).  What does not convert keeps its ASCII and has every other
 * byte replaced by 'x': all of the string in an encoding without a
 * conversion to UTF-8 (MULE_INTERNAL), where only ASCII white space is
 * trimmed, and from the first character that has no Unicode equivalent on
 * (WIN1252's 0x81, EUC_JP's unassigned rows ...), which is no white space
 * and makes the string no number, as the same bytes did before the
 * conversion: the conversion never raises (pg_server_to_any would, 22P05,
 * and refuse a rule 1.1 used to accept).
 */
static const char *
text_to_utf8_cb(const char *s, size_t n, size_t *outlen)
{
	Oid			proc = FindDefaultConversionProc(GetDatabaseEncoding(), PG_UTF8);
	char	   *u;
	size_t		done = 0;
	size_t		k = 0;

	if (n >= MaxAllocHugeSize / MAX_CONVERSION_GROWTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("JsonLogic string of %zu bytes is too long to convert to UTF-8", n)));
	u = MemoryContextAllocHuge(CurrentMemoryContext, n * MAX_CONVERSION_GROWTH + 1);
	u[0] = '\0';
	if (OidIsValid(proc) && n > 0 && n <= PG_INT32_MAX / MAX_CONVERSION_GROWTH)
	{
		done = (size_t) pg_do_encoding_conversion_buf(proc, GetDatabaseEncoding(), PG_UTF8,
													  (unsigned char *) s, (int) n,
													  (unsigned char *) u,
													  (int) (n * MAX_CONVERSION_GROWTH + 1),
													  true);
		k = strlen(u);
	}
	for (size_t i = done; i < n; i++)
		u[k++] = IS_HIGHBIT_SET(s[i]) ? 'x' : s[i];
	u[k] = '\0';
	*outlen = k;
	/* the kernel does not free it: give back the growth room of a long one */
	if (n > 1024)
		u = repalloc_huge(u, k + 1);
	return u;
}

static CrRuleMem
mem_in(MemoryContext cxt)
{
	CrRuleMem	m;

	m.alloc = pg_alloc_cb;
	m.realloc = pg_realloc_cb;
	m.free = pg_free_cb;
	m.ctx = cxt;
	m.tick = pg_tick_cb;
	m.unicode_to_text = cr_unicode_to_server;
	/* a SQL_ASCII database's bytes are read as UTF-8, as retention_split does */
	if (GetDatabaseEncoding() == PG_UTF8 || GetDatabaseEncoding() == PG_SQL_ASCII)
	{
		m.text_to_utf8 = NULL;
		m.char_len = NULL;
	}
	else
	{
		m.text_to_utf8 = text_to_utf8_cb;
		/* the database encoding's; reads only the character's first byte */
		m.char_len = pg_mblen;
	}
	return m;
}

/* ------------------------------------------------------------------ errors */

static int
sqlstate_of(int code)
{
	switch (code)
	{
		case CR_ERR_SYNTAX:
			return ERRCODE_SYNTAX_ERROR;
		case CR_ERR_TOO_LONG:
		case CR_ERR_TOO_DEEP:
		case CR_ERR_TOO_MANY:
			return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
		case CR_ERR_NAME_TOO_LONG:
			return ERRCODE_NAME_TOO_LONG;
		case CR_ERR_UNKNOWN_FUNCTION:
		case CR_ERR_WRONG_ARGS:
			return ERRCODE_UNDEFINED_FUNCTION;
		case CR_ERR_NUMBER_RANGE:
		case CR_ERR_OVERFLOW:
		case CR_ERR_UNDERFLOW:
			return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
		case CR_ERR_TYPE:
			return ERRCODE_DATATYPE_MISMATCH;
		case CR_ERR_BINARY:
			return ERRCODE_INVALID_BINARY_REPRESENTATION;
		case CR_ERR_NOMEM:
			return ERRCODE_OUT_OF_MEMORY;
		case CR_ERR_DIV_ZERO:
			return ERRCODE_DIVISION_BY_ZERO;
		case CR_ERR_LOG_DOMAIN:
			return ERRCODE_INVALID_ARGUMENT_FOR_LOG;
		case CR_ERR_SQRT_DOMAIN:
			return ERRCODE_INVALID_ARGUMENT_FOR_POWER_FUNCTION;
		case CR_ERR_UNSUPPORTED:
			return ERRCODE_FEATURE_NOT_SUPPORTED;
		case CR_ERR_INVALID:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case CR_ERR_JSON:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case CR_ERR_UNTRANSLATABLE:
			return ERRCODE_UNTRANSLATABLE_CHARACTER;
		default:
			return ERRCODE_INTERNAL_ERROR;
	}
}

/* Text of the sub-expression ending at instruction node, or NULL. */
static char *
node_text(const CrRuleProg *prog, int node)
{
	CrRuleMem	m = mem_in(CurrentMemoryContext);
	CrRuleError e;
	char	   *s;
	size_t		len;

	if (prog == NULL || node < 0)
		return NULL;
	if (cr_rule_print(prog, node, &m, &s, &len, &e) != CR_OK)
		return NULL;
	return s;
}

/*
 * Raise the error in e.  text (with its length) is the condition text for
 * parse errors (positions are reported in characters, counted from 1); prog
 * is the program for errors that name a sub-expression.
 */
static void pg_attribute_noreturn()
report_rule_error(const CrRuleError *err, const char *text, size_t textlen,
				  const CrRuleProg *prog)
{
	CrRuleError clean = *err;
	const CrRuleError *e = &clean;
	int			pos = -1;
	char	   *where;

	/* the kernel quotes names and strings cut at a byte count */
	cr_drop_broken_chars(clean.message);
	cr_drop_broken_chars(clean.expected);
	cr_drop_broken_chars(clean.found);
	if (text && e->position >= 0 && (size_t) e->position <= textlen)
		pos = pg_mbstrlen_with_len(text, (int) e->position) + 1;

	switch (e->code)
	{
		case CR_ERR_SYNTAX:
			if (e->expected[0])
				ereport(ERROR,
						(errcode(ERRCODE_SYNTAX_ERROR),
						 errmsg("syntax error at position %d in incentive condition", pos),
						 errdetail("Expected %s, but found %s.", e->expected, e->found)));
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("syntax error at position %d in incentive condition", pos),
					 errdetail("%c%s.", pg_toupper((unsigned char) e->message[0]), e->message + 1)));
			break;
		case CR_ERR_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s", e->message),
					 errdetail("The limit is %d bytes of compiled program.", CR_RULE_MAX_BYTES)));
			break;
		case CR_ERR_TOO_DEEP:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s", e->message),
					 errdetail("The limit is %d levels of nested expressions.", CR_RULE_MAX_DEPTH)));
			break;
		case CR_ERR_UNKNOWN_FUNCTION:
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("unknown function \"%s\" at position %d in incentive condition", e->found, pos),
					 errhint("The functions are abs, least, greatest, coalesce, ln, exp, sqrt, floor, ceil, round and truthy.")));
			break;
		case CR_ERR_TYPE:
			if (prog)
			{
				/* a rule made from JsonLogic: in the terms its author wrote */
				CrRuleMem	m = mem_in(CurrentMemoryContext);
				char	   *json = cr_rule_jsonlogic_type_error(prog, &m, &clean);

				if (json)
				{
					cr_drop_broken_chars(clean.message);
					ereport(ERROR,
							(errcode(ERRCODE_DATATYPE_MISMATCH),
							 errmsg("%s", e->message),
							 errdetail("In the JsonLogic rule: %s", json),
							 e->expected[0] ? errhint("%s", e->expected) : 0));
				}
			}
			where = prog ? node_text(prog, e->node) : (e->found[0] ? pstrdup(e->found) : NULL);
			if (where)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("%s", e->message),
						 errdetail("In the expression: %s", where)));
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s", e->message)));
			break;
		default:
			if (pos > 0)
				ereport(ERROR,
						(errcode(sqlstate_of(e->code)),
						 errmsg("%s at position %d in incentive condition", e->message, pos)));
			ereport(ERROR,
					(errcode(sqlstate_of(e->code)),
					 errmsg("%s", e->message)));
			break;
	}
	pg_unreachable();
}

/* For the other backend files (cr_rule_pg.h). */
CrRuleMem
cr_rule_mem_in(MemoryContext cxt)
{
	return mem_in(cxt);
}

void
cr_rule_raise(const CrRuleError *e)
{
	report_rule_error(e, NULL, 0, NULL);
}

void
cr_rule_raise_text(const CrRuleError *e, const char *text, size_t len)
{
	report_rule_error(e, text, len, NULL);
}

void
cr_rule_raise_prog(const CrRuleError *e, const CrRuleProg *prog)
{
	report_rule_error(e, NULL, 0, prog);
}

/* ------------------------------------------------------------------ stored conditions */

/* Decode (and validate) a stored condition into memory of cxt. */
static CrRuleProg *
decode_condition(const char *bytes, size_t len, MemoryContext cxt)
{
	CrRuleMem	m = mem_in(cxt);
	CrRuleProg *prog;
	CrRuleError e;

	if (cr_rule_decode((const uint8_t *) bytes, len, &m, &prog, &e) != CR_OK)
	{
		if (e.code == CR_ERR_BINARY)
		{
			/* report_rule_error cleans its own copy; this message is raised here */
			cr_drop_broken_chars(e.message);
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("stored incentive condition is corrupt"),
					 errdetail("%s", e.message)));
		}
		report_rule_error(&e, NULL, 0, NULL);
	}
	return prog;
}

CrRuleProg *
cr_rule_decode_stored(const char *bytes, size_t len, MemoryContext cxt)
{
	return decode_condition(bytes, len, cxt);
}
