/*
 * cr_rule_type.c
 *	  The SQL type incentive_condition: text and binary input and output,
 *	  equality, the btree order and hashing of compiled programs, and
 *	  incentive_features.  The language is plain C (cr_rule.h); evaluation
 *	  against rows is cr_rule_eval.c.
 */
#include "cr_rule_pg.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(incentive_condition_in);
PG_FUNCTION_INFO_V1(incentive_condition_out);
PG_FUNCTION_INFO_V1(incentive_condition_recv);
PG_FUNCTION_INFO_V1(incentive_condition_send);
PG_FUNCTION_INFO_V1(incentive_features);
PG_FUNCTION_INFO_V1(incentive_condition_eq);
PG_FUNCTION_INFO_V1(incentive_condition_ne);
PG_FUNCTION_INFO_V1(incentive_condition_hash);
PG_FUNCTION_INFO_V1(incentive_condition_cmp);
PG_FUNCTION_INFO_V1(incentive_condition_lt);
PG_FUNCTION_INFO_V1(incentive_condition_le);
PG_FUNCTION_INFO_V1(incentive_condition_gt);
PG_FUNCTION_INFO_V1(incentive_condition_ge);

Datum
incentive_condition_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		len = strlen(str);
	CrRuleMem	m = cr_rule_mem_in(CurrentMemoryContext);
	CrRuleError e;
	uint8_t    *bytes;
	size_t		nbytes;
	bytea	   *result;

	check_stack_depth();
	if (cr_rule_parse(str, len, &m, &bytes, &nbytes, &e) != CR_OK)
		cr_rule_raise_text(&e, str, len);
	result = (bytea *) palloc(VARHDRSZ + nbytes);
	SET_VARSIZE(result, VARHDRSZ + nbytes);
	memcpy(VARDATA(result), bytes, nbytes);
	pfree(bytes);
	PG_RETURN_POINTER(result);
}

Datum
incentive_condition_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	CrRuleProg *prog = cr_rule_decode_stored(COND_BYTES(v), COND_LEN(v), CurrentMemoryContext);
	CrRuleMem	m = cr_rule_mem_in(CurrentMemoryContext);
	CrRuleError e;
	char	   *s;
	size_t		len;

	if (cr_rule_print(prog, -1, &m, &s, &len, &e) != CR_OK)
		cr_rule_raise(&e);
	PG_RETURN_CSTRING(s);
}

/*
 * Binary input and output: the wire format is the stored format, with the
 * feature names and text literals in the client encoding, as textsend and
 * textrecv carry text (so both are STABLE).  With client_encoding SQL_ASCII,
 * or equal to the database's, the bytes go as they are stored.
 */
typedef struct WireConv
{
	bool		to_server;
	char		what[96];		/* what is wrong with them */
} WireConv;

static const char *
wire_conv(void *arg, int is_name, const char *s, size_t n, const char **out, size_t *outn)
{
	WireConv   *c = (WireConv *) arg;
	int			enc;

	if (!c->to_server)
	{
		*out = pg_server_to_client(s, (int) n);
		*outn = *out == s ? n : strlen(*out);
		return NULL;
	}
	if ((*out = cr_wire_to_server(s, (int) n, &enc)) == NULL)
	{
		snprintf(c->what, sizeof(c->what), "a %s is not valid in the %s encoding %s",
				 is_name ? "feature name" : "string literal",
				 enc == pg_get_client_encoding() ? "client" : "database",
				 pg_encoding_to_char(enc));
		return c->what;
	}
	*outn = *out == s ? n : strlen(*out);

	/*
	 * A valid name longer than the limit in the database encoding (a name
	 * may also grow past it in conversion: 200 LATIN1 letters are 400 bytes
	 * of UTF-8) is the limit of the text form and of JsonLogic (42622), not
	 * malformed bytes.
	 */
	if (is_name && *outn > CR_RULE_MAX_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("feature name is too long (%zu bytes in the database encoding %s, the limit is %d)",
						*outn, GetDatabaseEncodingName(), CR_RULE_MAX_NAME)));
	return NULL;
}

/* Whether names and strings change on the wire: client and database encodings differ. */
static bool
wire_converts(void)
{
	int			client = pg_get_client_encoding();
	int			db = GetDatabaseEncoding();

	return client != db && client != PG_SQL_ASCII && db != PG_SQL_ASCII;
}

/*
 * Never trusted: decoded with every check of cr_rule_decode, after the names
 * and strings are converted, and they must be valid in the client encoding
 * (in the database encoding when that is SQL_ASCII, whose bytes are taken as
 * they are).
 */
Datum
incentive_condition_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes = buf->len - buf->cursor;
	const uint8_t *bytes = (const uint8_t *) pq_getmsgbytes(buf, nbytes);
	CrRuleMem	m = cr_rule_mem_in(CurrentMemoryContext);
	WireConv	c = {true, ""};
	CrRuleProg *prog;
	CrRuleError e;
	uint8_t    *conv;
	size_t		nconv;
	bytea	   *result;

	if (cr_rule_transcode(bytes, (size_t) nbytes, &m, wire_conv, &c, &conv, &nconv, &e) != CR_OK ||
		cr_rule_decode(conv, nconv, &m, &prog, &e) != CR_OK)
	{
		cr_drop_broken_chars(e.message);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary incentive condition"),
				 errdetail("%c%s.", pg_toupper((unsigned char) e.message[0]), e.message + 1)));
	}
	pfree(prog);
	result = (bytea *) palloc(VARHDRSZ + nconv);
	SET_VARSIZE(result, VARHDRSZ + nconv);
	memcpy(VARDATA(result), conv, nconv);
	PG_RETURN_POINTER(result);
}

Datum
incentive_condition_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	if (wire_converts())
	{
		CrRuleMem	m = cr_rule_mem_in(CurrentMemoryContext);
		WireConv	c = {false, ""};
		CrRuleError e;
		uint8_t    *conv;
		size_t		nconv;

		if (cr_rule_transcode((const uint8_t *) COND_BYTES(v), COND_LEN(v), &m, wire_conv, &c,
							  &conv, &nconv, &e) != CR_OK)
			cr_rule_raise(&e);
		pq_sendbytes(&buf, (const char *) conv, (int) nconv);
	}
	else
		pq_sendbytes(&buf, COND_BYTES(v), (int) COND_LEN(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Equality: the compiled form is canonical (the parser numbers names in order
 * of first use and the printer's text parses back to the same bytes), so two
 * conditions are the same program exactly when their bytes are equal.  With
 * the hash function this lets DISTINCT, GROUP BY and UNION work on rules.
 */
static bool
condition_bytes_eq(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	struct varlena *b = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1));

	return COND_LEN(a) == COND_LEN(b) && memcmp(COND_BYTES(a), COND_BYTES(b), COND_LEN(a)) == 0;
}

Datum
incentive_condition_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(condition_bytes_eq(fcinfo));
}

Datum
incentive_condition_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!condition_bytes_eq(fcinfo));
}

/*
 * A total order on the compiled programs (bytes compared as unsigned, then
 * length), consistent with =: the btree opclass behind ORDER BY, DISTINCT
 * by sorting, count(DISTINCT ...) and btree indexes (not merge joins: 1.0's
 * = has no MERGES).  It says nothing about what the conditions mean; it is
 * only stable.
 */
static int
condition_bytes_cmp(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	struct varlena *b = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1));
	size_t		la = COND_LEN(a);
	size_t		lb = COND_LEN(b);
	int			c = memcmp(COND_BYTES(a), COND_BYTES(b), la < lb ? la : lb);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return la < lb ? -1 : la > lb ? 1 : 0;
}

Datum
incentive_condition_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(condition_bytes_cmp(fcinfo));
}

Datum
incentive_condition_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(condition_bytes_cmp(fcinfo) < 0);
}

Datum
incentive_condition_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(condition_bytes_cmp(fcinfo) <= 0);
}

Datum
incentive_condition_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(condition_bytes_cmp(fcinfo) > 0);
}

Datum
incentive_condition_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(condition_bytes_cmp(fcinfo) >= 0);
}

Datum
incentive_condition_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));

	return hash_any((const unsigned char *) COND_BYTES(v), (int) COND_LEN(v));
}

/* incentive_features(condition) -> text[]: names in order of first use. */
Datum
incentive_features(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	CrRuleProg *prog = cr_rule_decode_stored(COND_BYTES(v), COND_LEN(v), CurrentMemoryContext);
	Datum	   *elems = palloc(sizeof(Datum) * (prog->nnames + 1));
	ArrayType  *arr;

	for (int i = 0; i < prog->nnames; i++)
		elems[i] = PointerGetDatum(cstring_to_text_with_len(prog->names[i], (int) prog->name_lens[i]));
	arr = construct_array(elems, prog->nnames, TEXTOID, -1, false, TYPALIGN_INT);
	PG_RETURN_ARRAYTYPE_P(arr);
}
