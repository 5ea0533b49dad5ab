/*
 * cr_model.c
 *	  The retention_model type: varlena encoding, text I/O as JSON, binary
 *	  send/recv, the per-query decode cache, and retention_model_info /
 *	  retention_model_summary.
 *
 * The text form is a JSON object; floats are printed in their shortest
 * round-trip form, so text output followed by text input (pg_dump and
 * restore) gives back the same bits.  Every input path (text, binary,
 * the stored bytes) is validated before a model is used.
 */
#include "community_retention.h"

#include <math.h>

#include "access/detoast.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "cr_fncache.h"
#include "cr_logit.h"
#include "cr_model.h"
#include "cr_model_codec.h"

PG_FUNCTION_INFO_V1(retention_model_in);
PG_FUNCTION_INFO_V1(retention_model_out);
PG_FUNCTION_INFO_V1(retention_model_recv);
PG_FUNCTION_INFO_V1(retention_model_send);
PG_FUNCTION_INFO_V1(retention_model_info);
PG_FUNCTION_INFO_V1(retention_model_summary);

#define NDECILE_EDGES 11
#define NDECILE_BINS 10

/* ---------------------------------------------------------------- layout */

static Size
model_cov_offset(int d, int flags, int names_len)
{
	Size		off = sizeof(CrModelHead) + sizeof(double) * (1 + 2 * (Size) d);

	if (flags & CR_MODEL_HAS_DECILES)
		off += sizeof(double) * (NDECILE_EDGES + NDECILE_BINS);
	off += names_len;
	return off;
}

static Size
model_size(int d, int flags, int names_len)
{
	return model_cov_offset(d, flags, names_len) + sizeof(double) * (Size) (d + 1) * (d + 1);
}

bytea *
cr_model_encode(const CrModel *m)
{
	int			d = m->h.d;
	CrModelHead h = m->h;
	Size		names_len = 0;
	Size		size;
	bytea	   *out;
	char	   *p;
	int			j;

	for (j = 0; j < d; j++)
		names_len += strlen(m->names[j]) + 1;
	h.names_len = (int32) names_len;
	h.reserved = 0;
	size = model_size(d, h.flags, h.names_len);
	out = (bytea *) palloc0(VARHDRSZ + size);
	SET_VARSIZE(out, VARHDRSZ + size);
	p = VARDATA(out);
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	memcpy(p, &m->intercept, sizeof(double));
	p += sizeof(double);
	memcpy(p, m->coef, sizeof(double) * d);
	p += sizeof(double) * d;
	memcpy(p, m->means, sizeof(double) * d);
	p += sizeof(double) * d;
	if (h.flags & CR_MODEL_HAS_DECILES)
	{
		memcpy(p, m->deciles, sizeof(m->deciles));
		p += sizeof(m->deciles);
		memcpy(p, m->shares, sizeof(m->shares));
		p += sizeof(m->shares);
	}
	for (j = 0; j < d; j++)
	{
		Size		len = strlen(m->names[j]) + 1;

		memcpy(p, m->names[j], len);
		p += len;
	}
	memcpy(p, m->cov, sizeof(double) * (d + 1) * (d + 1));
	return out;
}

static void
check_version(int32 version, int sqlstate)
{
	if (version > CR_MODEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("retention_model format version %d is newer than this extension supports (%d)",
						version, CR_MODEL_VERSION),
				 errhint("Update the community_retention extension to a release that reads this model.")));
	if (version < 1)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid retention_model format version %d", version),
				 errhint("Retrain the model with retention_train().")));
}

static void
bad_model(int sqlstate, const char *detail)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid retention_model"),
			 errdetail("%s", detail),
			 errhint("Retrain the model with retention_train(), or restore it from its text form.")));
}

static void *
codec_palloc(void *ctx, size_t size)
{
	return palloc(size);
}

/* the text parser's tick: a long input (even of white space) can be cancelled */
static void
codec_tick(void)
{
	CHECK_FOR_INTERRUPTS();
}

static const CrCodecAlloc codec_palloc_alloc = {codec_palloc, NULL, cr_unicode_to_server, codec_tick};

StaticAssertDecl(CR_CODEC_MODEL_VERSION == CR_MODEL_VERSION, "codec and model versions differ");
StaticAssertDecl(CR_CODEC_MAX_FEATURES == CR_MAX_FEATURES, "codec and model feature limits differ");
StaticAssertDecl(CR_CODEC_MAX_NAME == CR_MODEL_MAX_NAME, "codec and model name limits differ");
StaticAssertDecl(CR_CODEC_INTERCEPT == CR_MODEL_INTERCEPT && CR_CODEC_CONVERGED == CR_MODEL_CONVERGED &&
				 CR_CODEC_HAS_DECILES == CR_MODEL_HAS_DECILES && CR_CODEC_BALANCED == CR_MODEL_BALANCED &&
				 CR_CODEC_KNOWN_FLAGS == CR_MODEL_KNOWN_FLAGS, "codec and model flags differ");

static void
model_to_plain(const CrModel *m, CrModelPlain *p)
{
	memset(p, 0, sizeof(*p));
	p->version = m->h.version;
	p->flags = m->h.flags;
	p->d = m->h.d;
	p->iterations = m->h.iterations;
	p->n_rows = m->h.n_rows;
	p->n_skipped = m->h.n_skipped;
	p->n_retained = m->h.n_retained;
	p->loglik = m->h.loglik;
	p->null_loglik = m->h.null_loglik;
	p->l2 = m->h.l2;
	p->condition_number = m->h.condition_number;
	p->intercept = m->intercept;
	p->coef = m->coef;
	p->means = m->means;
	memcpy(p->deciles, m->deciles, sizeof(p->deciles));
	memcpy(p->shares, m->shares, sizeof(p->shares));
	p->names = m->names;
	p->cov = m->cov;
}

static void
plain_to_model(const CrModelPlain *p, CrModel *m)
{
	memset(m, 0, sizeof(*m));
	m->h.version = p->version;
	m->h.flags = p->flags;
	m->h.d = p->d;
	m->h.iterations = p->iterations;
	m->h.n_rows = p->n_rows;
	m->h.n_skipped = p->n_skipped;
	m->h.n_retained = p->n_retained;
	m->h.loglik = p->loglik;
	m->h.null_loglik = p->null_loglik;
	m->h.l2 = p->l2;
	m->h.condition_number = p->condition_number;
	m->intercept = p->intercept;
	m->coef = p->coef;
	m->means = p->means;
	memcpy(m->deciles, p->deciles, sizeof(m->deciles));
	memcpy(m->shares, p->shares, sizeof(m->shares));
	m->names = p->names;
	m->cov = p->cov;
}

/*
 * Report a codec error: a newer format version (FEATURE_NOT_SUPPORTED with
 * the upgrade hint), else errcode sqlstate with errmsg msg.
 */
static void
codec_error(const CrCodecError *e, int sqlstate, const char *msg, const char *hint)
{
	CrCodecError clean = *e;
	const CrCodecError *err = &clean;

	/* the codec quotes keys cut at 64 bytes */
	cr_drop_broken_chars(clean.msg);
	if (err->status == CR_CODEC_NEWER_VERSION)
		check_version(err->version, sqlstate);
	if (err->status == CR_CODEC_NOMEM)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (err->status == CR_CODEC_UNTRANSLATABLE)
	{
		/* cr_unicode_to_server errors out first; for other converters */
		sqlstate = ERRCODE_UNTRANSLATABLE_CHARACTER;
		msg = "unsupported Unicode escape sequence";
		hint = NULL;
	}
	if (err->has_pos)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("%s", msg),
				 errdetail("At byte offset %zu: %s", err->pos, err->msg),
				 hint ? errhint("%s", hint) : 0));
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s", msg),
			 errdetail("%s", err->msg),
			 hint ? errhint("%s", hint) : 0));
}

/*
 * Semantic validation (cr_model_check in the plain-C codec), plus the
 * encoding of the names, which only the server knows.
 */
void
cr_model_validate(const CrModel *m, int sqlstate)
{
	CrModelPlain p;
	CrCodecError err;
	int			j;

	model_to_plain(m, &p);
	if (cr_model_check(&p, &err) < 0)
		codec_error(&err, sqlstate, "invalid retention_model",
					"Retrain the model with retention_train(), or restore it from its text form.");
	for (j = 0; j < m->h.d; j++)
		if (!pg_verify_mbstr(GetDatabaseEncoding(), m->names[j], (int) strlen(m->names[j]), true))
			bad_model(sqlstate, "A feature name is not valid in the database encoding.");
}

/*
 * Decode bytes (payload of a detoasted model, len bytes; len may stop
 * before the covariance when with_cov is false) into a CrModel allocated in
 * the current memory context.
 */
static CrModel *
model_decode(const char *p, Size len, bool with_cov)
{
	CrModel    *m = palloc0(sizeof(CrModel));
	Size		need;
	const char *q;
	int			d,
				j;

	if (len < sizeof(CrModelHead))
		bad_model(ERRCODE_DATA_CORRUPTED, "The stored model is truncated.");
	memcpy(&m->h, p, sizeof(CrModelHead));
	check_version(m->h.version, ERRCODE_DATA_CORRUPTED);
	d = m->h.d;
	if (d < 1 || d > CR_MAX_FEATURES || m->h.names_len < d || m->h.names_len > d * (CR_MODEL_MAX_NAME + 1))
		bad_model(ERRCODE_DATA_CORRUPTED, "The stored model has inconsistent sizes.");
	need = with_cov ? model_size(d, m->h.flags, m->h.names_len)
		: model_cov_offset(d, m->h.flags, m->h.names_len);
	if (len < need)
		bad_model(ERRCODE_DATA_CORRUPTED, "The stored model is truncated.");

	q = p + sizeof(CrModelHead);
	memcpy(&m->intercept, q, sizeof(double));
	q += sizeof(double);
	m->coef = palloc(sizeof(double) * d);
	memcpy(m->coef, q, sizeof(double) * d);
	q += sizeof(double) * d;
	m->means = palloc(sizeof(double) * d);
	memcpy(m->means, q, sizeof(double) * d);
	q += sizeof(double) * d;
	if (m->h.flags & CR_MODEL_HAS_DECILES)
	{
		memcpy(m->deciles, q, sizeof(m->deciles));
		q += sizeof(m->deciles);
		memcpy(m->shares, q, sizeof(m->shares));
		q += sizeof(m->shares);
	}
	m->names = palloc(sizeof(char *) * d);
	{
		const char *end = q + m->h.names_len;

		for (j = 0; j < d; j++)
		{
			const char *nul = memchr(q, '\0', end - q);

			if (nul == NULL)
				bad_model(ERRCODE_DATA_CORRUPTED, "The stored feature names are malformed.");
			else
			{
				m->names[j] = pstrdup(q);
				q = nul + 1;
			}
		}
		if (q != end)
			bad_model(ERRCODE_DATA_CORRUPTED, "The stored feature names are malformed.");
	}
	if (with_cov)
	{
		m->cov = palloc(sizeof(double) * (d + 1) * (d + 1));
		memcpy(m->cov, q, sizeof(double) * (d + 1) * (d + 1));
	}
	return m;
}

/* ---------------------------------------------------------------- cache */

/*
 * The identity of a model argument: the TOAST pointer when the value is
 * stored out of line (cheap, unique per stored value), else its bytes.
 */
static void
model_identity(struct varlena *raw, const char **key, Size *keylen)
{
	if (VARATT_IS_EXTERNAL_ONDISK(raw))
	{
		*key = (const char *) raw;
		*keylen = VARSIZE_EXTERNAL(raw);
	}
	else
	{
		*key = (const char *) raw;
		*keylen = VARSIZE_ANY(raw);
	}
}

CrModel *
cr_model_cached(FunctionCallInfo fcinfo, int argno, bool need_cov)
{
	CrFnCache  *c = cr_fn_cache(fcinfo);
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	const char *key;
	Size		keylen;
	MemoryContext old;
	struct varlena *val;
	CrModel    *m;

	if (VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw))
		raw = detoast_attr(raw);	/* expanded or indirect: flatten first */
	model_identity(raw, &key, &keylen);
	if (c->model && c->keylen == keylen && memcmp(c->key, key, keylen) == 0 &&
		(c->model->cov != NULL || !need_cov))
		return c->model;

	MemoryContextReset(c->model_cxt);
	c->model = NULL;
	c->model_generation++;
	old = MemoryContextSwitchTo(c->model_cxt);
	c->key = palloc(keylen);
	memcpy(c->key, key, keylen);
	c->keylen = keylen;

	if (!need_cov && (VARATT_IS_EXTERNAL_ONDISK(raw) || VARATT_IS_COMPRESSED(raw)))
	{
		/* fetch the header, then everything before the covariance */
		struct varlena *head = detoast_attr_slice(raw, 0, sizeof(CrModelHead));
		CrModelHead h;
		Size		off;

		if (VARSIZE_ANY_EXHDR(head) < sizeof(CrModelHead))
			bad_model(ERRCODE_DATA_CORRUPTED, "The stored model is truncated.");
		memcpy(&h, VARDATA_ANY(head), sizeof(h));
		check_version(h.version, ERRCODE_DATA_CORRUPTED);
		if (h.d < 1 || h.d > CR_MAX_FEATURES || h.names_len < 0 || h.names_len > h.d * (CR_MODEL_MAX_NAME + 1))
			bad_model(ERRCODE_DATA_CORRUPTED, "The stored model has inconsistent sizes.");
		off = model_cov_offset(h.d, h.flags, h.names_len);
		val = detoast_attr_slice(raw, 0, off);
		m = model_decode(VARDATA_ANY(val), VARSIZE_ANY_EXHDR(val), false);
	}
	else
	{
		val = (VARATT_IS_EXTENDED(raw)) ? detoast_attr(raw) : raw;
		m = model_decode(VARDATA_ANY(val), VARSIZE_ANY_EXHDR(val), need_cov);
	}
	MemoryContextSwitchTo(old);
	c->model = m;
	return m;
}

/* ---------------------------------------------------------------- text I/O */

static void
append_double(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

static void
append_array(StringInfo buf, const double *v, int n)
{
	int			i;

	appendStringInfoChar(buf, '[');
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		append_double(buf, v[i]);
	}
	appendStringInfoChar(buf, ']');
}

Datum
retention_model_out(PG_FUNCTION_ARGS)
{
	CrModel    *m = cr_model_cached(fcinfo, 0, true);
	int			d = m->h.d;
	int			D = d + 1;
	StringInfoData buf;
	int			j;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"format_version\": %d, \"features\": [", m->h.version);
	for (j = 0; j < d; j++)
	{
		if (j > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, m->names[j]);
	}
	appendStringInfoString(&buf, "], \"intercept\": ");
	append_double(&buf, m->intercept);
	appendStringInfoString(&buf, ", \"coefficients\": ");
	append_array(&buf, m->coef, d);
	appendStringInfoString(&buf, ", \"means\": ");
	append_array(&buf, m->means, d);
	appendStringInfo(&buf, ", \"fit_intercept\": %s, \"class_weight\": %s",
					 (m->h.flags & CR_MODEL_INTERCEPT) ? "true" : "false",
					 (m->h.flags & CR_MODEL_BALANCED) ? "\"balanced\"" : "null");
	appendStringInfo(&buf, ", \"n_rows\": " INT64_FORMAT ", \"n_skipped\": " INT64_FORMAT
					 ", \"n_retained\": " INT64_FORMAT ", \"iterations\": %d, \"converged\": %s",
					 m->h.n_rows, m->h.n_skipped, m->h.n_retained, m->h.iterations,
					 (m->h.flags & CR_MODEL_CONVERGED) ? "true" : "false");
	appendStringInfoString(&buf, ", \"log_likelihood\": ");
	append_double(&buf, m->h.loglik);
	appendStringInfoString(&buf, ", \"null_log_likelihood\": ");
	append_double(&buf, m->h.null_loglik);
	appendStringInfoString(&buf, ", \"l2\": ");
	append_double(&buf, m->h.l2);
	appendStringInfoString(&buf, ", \"condition_number\": ");
	append_double(&buf, m->h.condition_number);
	if (m->h.flags & CR_MODEL_HAS_DECILES)
	{
		appendStringInfoString(&buf, ", \"score_deciles\": ");
		append_array(&buf, m->deciles, NDECILE_EDGES);
		appendStringInfoString(&buf, ", \"score_shares\": ");
		append_array(&buf, m->shares, NDECILE_BINS);
	}
	appendStringInfoString(&buf, ", \"covariance\": [");
	for (j = 0; j < D; j++)
	{
		if (j > 0)
			appendStringInfoString(&buf, ", ");
		append_array(&buf, m->cov + (Size) j * D, D);
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

Datum
retention_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	CrModelPlain p;
	CrCodecError err;
	CrModel		m;

	if (cr_model_parse_text(str, strlen(str), &codec_palloc_alloc, &p, &err) < 0)
		codec_error(&err, ERRCODE_INVALID_TEXT_REPRESENTATION,
					"invalid input syntax for type retention_model",
					"The text form is the JSON object that retention_model output prints.");
	plain_to_model(&p, &m);
	cr_model_validate(&m, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_BYTEA_P(cr_model_encode(&m));
}

/* ---------------------------------------------------------------- binary I/O */

/*
 * Binary form (see cr_model_format_binary, which also serves the fuzz
 * harness): int32 version, int32 flags, int32 d, int32 iterations, int64
 * n_rows, n_skipped, n_retained, float8 log_likelihood, null_log_likelihood,
 * l2, condition_number, intercept, coef[d], means[d], [deciles[11],
 * shares[10]], d names (int32 length + bytes, in the client encoding),
 * cov[(d+1)^2], all in network byte order.
 */
Datum
retention_model_send(PG_FUNCTION_ARGS)
{
	CrModel    *m = cr_model_cached(fcinfo, 0, true);
	CrModelPlain p;
	unsigned char *bytes;
	size_t		len;
	bytea	   *out;
	int			j;

	model_to_plain(m, &p);
	/* names travel in the client encoding; measure them after converting */
	p.names = palloc(sizeof(char *) * p.d);
	for (j = 0; j < p.d; j++)
		p.names[j] = pg_server_to_client(m->names[j], (int) strlen(m->names[j]));
	bytes = cr_model_format_binary(&p, &codec_palloc_alloc, &len);
	out = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	memcpy(VARDATA(out), bytes, len);
	PG_RETURN_BYTEA_P(out);
}

Datum
retention_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrModelPlain p;
	CrCodecError err;
	CrModel		m;
	int			j;

	if (cr_model_parse_binary((const unsigned char *) buf->data + buf->cursor,
							  (size_t) (buf->len - buf->cursor), &codec_palloc_alloc, &p, &err) < 0)
		codec_error(&err, ERRCODE_INVALID_BINARY_REPRESENTATION, "invalid binary retention_model", NULL);
	buf->cursor = buf->len;
	/*
	 * names travel in the client encoding (see retention_model_send); bytes
	 * that are not valid there are malformed input like any other
	 */
	for (j = 0; j < p.d; j++)
	{
		int			enc;
		char	   *name = cr_wire_to_server(p.names[j], (int) strlen(p.names[j]), &enc);

		if (name == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary retention_model"),
					 errdetail("Feature name %d is not valid in the %s encoding %s.",
							   j + 1, enc == pg_get_client_encoding() ? "client" : "database",
							   pg_encoding_to_char(enc))));
		p.names[j] = name;
	}
	plain_to_model(&p, &m);
	cr_model_validate(&m, ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_BYTEA_P(cr_model_encode(&m));
}

/* ---------------------------------------------------------------- summaries */

static TupleDesc
result_tupdesc(FunctionCallInfo fcinfo)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning record called in context that cannot accept type record")));
	return BlessTupleDesc(tupdesc);
}

Datum
retention_model_info(PG_FUNCTION_ARGS)
{
	CrModel    *m = cr_model_cached(fcinfo, 0, false);
	TupleDesc	tupdesc = result_tupdesc(fcinfo);
	Datum		values[13];
	bool		nulls[13] = {0};
	int			k = m->h.d + ((m->h.flags & CR_MODEL_INTERCEPT) ? 1 : 0);
	double		n = (double) m->h.n_rows;

	values[0] = Int64GetDatum(m->h.n_rows);
	values[1] = Int64GetDatum(m->h.n_skipped);
	values[2] = Int64GetDatum(m->h.n_retained);
	values[3] = Int32GetDatum(m->h.d);
	values[4] = Int32GetDatum(m->h.iterations);
	values[5] = BoolGetDatum((m->h.flags & CR_MODEL_CONVERGED) != 0);
	values[6] = Float8GetDatum(m->h.loglik);
	values[7] = Float8GetDatum(m->h.null_loglik);
	values[8] = Float8GetDatum(-2.0 * m->h.loglik + 2.0 * k);
	values[9] = Float8GetDatum(-2.0 * m->h.loglik + k * log(n > 0 ? n : 1));
	if (m->h.null_loglik < 0)
		values[10] = Float8GetDatum(1.0 - m->h.loglik / m->h.null_loglik);
	else
		nulls[10] = true;
	values[11] = Float8GetDatum(m->h.l2);
	values[12] = Float8GetDatum(m->h.condition_number);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

Datum
retention_model_summary(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CrModel    *m;
	int			d,
				D,
				j;
	bool		has_intercept;

	cr_srf_init(fcinfo);
	m = cr_model_cached(fcinfo, 0, true);
	d = m->h.d;
	D = d + 1;
	has_intercept = (m->h.flags & CR_MODEL_INTERCEPT) != 0;
	for (j = has_intercept ? 0 : 1; j < D; j++)
	{
		Datum		values[8];
		bool		nulls[8] = {0};
		double		coef = j == 0 ? m->intercept : m->coef[j - 1];
		double		se = sqrt(m->cov[(Size) j * D + j]);

		values[0] = CStringGetTextDatum(j == 0 ? "(intercept)" : m->names[j - 1]);
		values[1] = Float8GetDatum(coef);
		values[2] = Float8GetDatum(se);
		if (se > 0)
		{
			double		z = coef / se;

			values[3] = Float8GetDatum(z);
			values[4] = Float8GetDatum(cr_normal_two_sided_p(z));
		}
		else
			nulls[3] = nulls[4] = true;
		values[5] = Float8GetDatum(exp(coef));
		values[6] = Float8GetDatum(coef - CR_Z_975 * se);
		values[7] = Float8GetDatum(coef + CR_Z_975 * se);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}
