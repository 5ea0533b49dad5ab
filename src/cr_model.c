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
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "cr_fncache.h"
#include "cr_logit.h"
#include "cr_model.h"

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

static void
check_finite(int sqlstate, double v, const char *what)
{
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid retention_model"),
				 errdetail("Field \"%s\" is not a finite number.", what)));
}

void
cr_model_validate(const CrModel *m, int sqlstate)
{
	int			d = m->h.d;
	int			D = d + 1;
	int			j,
				k;

	check_version(m->h.version, sqlstate);
	if (m->h.flags & ~CR_MODEL_KNOWN_FLAGS)
		bad_model(sqlstate, "Unknown flag bits are set.");
	if (d < 1 || d > CR_MAX_FEATURES)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid retention_model"),
				 errdetail("A model has between 1 and %d features, not %d.", CR_MAX_FEATURES, d)));
	if (m->h.n_rows < 0 || m->h.n_skipped < 0 || m->h.n_retained < 0 ||
		m->h.n_retained > m->h.n_rows || m->h.iterations < 0)
		bad_model(sqlstate, "Row counts and iterations must be non-negative, and n_retained at most n_rows.");
	check_finite(sqlstate, m->h.loglik, "log_likelihood");
	check_finite(sqlstate, m->h.null_loglik, "null_log_likelihood");
	check_finite(sqlstate, m->h.l2, "l2");
	check_finite(sqlstate, m->h.condition_number, "condition_number");
	if (m->h.l2 < 0)
		bad_model(sqlstate, "The l2 penalty must not be negative.");
	if (m->h.loglik > 0 || m->h.null_loglik > 0)
		bad_model(sqlstate, "Log-likelihoods cannot be positive.");
	check_finite(sqlstate, m->intercept, "intercept");
	for (j = 0; j < d; j++)
	{
		const char *name = m->names[j];
		size_t		len = strlen(name);

		check_finite(sqlstate, m->coef[j], "coefficients");
		check_finite(sqlstate, m->means[j], "means");
		if (len == 0 || len > CR_MODEL_MAX_NAME)
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("invalid retention_model"),
					 errdetail("Feature names have 1 to %d bytes; feature %d has %zu.",
							   CR_MODEL_MAX_NAME, j + 1, len)));
		if (!pg_verify_mbstr(GetDatabaseEncoding(), name, (int) len, true))
			bad_model(sqlstate, "A feature name is not valid in the database encoding.");
		for (k = 0; k < j; k++)
			if (strcmp(m->names[k], name) == 0)
				ereport(ERROR,
						(errcode(sqlstate),
						 errmsg("invalid retention_model"),
						 errdetail("Feature name \"%s\" appears more than once.", name)));
	}
	if (m->h.flags & CR_MODEL_HAS_DECILES)
	{
		double		total = 0;

		for (j = 0; j < NDECILE_EDGES; j++)
		{
			check_finite(sqlstate, m->deciles[j], "score_deciles");
			if (m->deciles[j] < 0 || m->deciles[j] > 1 || (j > 0 && m->deciles[j] < m->deciles[j - 1]))
				bad_model(sqlstate, "Score decile edges must be ascending within [0, 1].");
		}
		for (j = 0; j < NDECILE_BINS; j++)
		{
			check_finite(sqlstate, m->shares[j], "score_shares");
			if (m->shares[j] < 0 || m->shares[j] > 1)
				bad_model(sqlstate, "Score decile shares must be within [0, 1].");
			total += m->shares[j];
		}
		if (fabs(total - 1.0) > 1e-6)
			bad_model(sqlstate, "Score decile shares must sum to 1.");
	}
	if (m->cov)
	{
		for (j = 0; j < D * D; j++)
			check_finite(sqlstate, m->cov[j], "covariance");
		for (j = 0; j < D; j++)
			if (m->cov[(Size) j * D + j] < 0)
				bad_model(sqlstate, "Covariance diagonal entries cannot be negative.");
	}
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

static const char *const model_keys[] = {
	"format_version", "features", "intercept", "coefficients", "means",
	"fit_intercept", "class_weight", "n_rows", "n_skipped", "n_retained",
	"iterations", "converged", "log_likelihood", "null_log_likelihood", "l2",
	"condition_number", "score_deciles", "score_shares", "covariance", NULL
};

static void
syntax_error(const char *fmt, const char *arg)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type retention_model"),
			 errdetail(fmt, arg),
			 errhint("The text form is the JSON object that retention_model output prints.")));
}

static JsonbValue *
get_key(Jsonb *jb, const char *key, bool required)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&jb->root, key, strlen(key), NULL);

	if (v == NULL && required)
		syntax_error("Key \"%s\" is missing.", key);
	return v;
}

static double
json_number(JsonbValue *v, const char *key)
{
	double		r;

	if (v->type != jbvNumeric)
		syntax_error("Key \"%s\" must hold numbers.", key);
	r = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!isfinite(r))
		syntax_error("Key \"%s\" must hold finite numbers.", key);
	return r;
}

static int64
json_int(JsonbValue *v, const char *key, int64 maxval)
{
	double		r = json_number(v, key);

	if (r != floor(r) || r < 0 || r > (double) maxval)
		syntax_error("Key \"%s\" must hold a non-negative integer.", key);
	return (int64) r;
}

static bool
json_bool(JsonbValue *v, const char *key)
{
	if (v->type != jbvBool)
		syntax_error("Key \"%s\" must be true or false.", key);
	return v->val.boolean;
}

/* Array of exactly n numbers (n < 0: any length, returned in *outn). */
static double *
json_array(JsonbValue *v, const char *key, int n, int *outn)
{
	JsonbContainer *c;
	int			len,
				i;
	double	   *r;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		syntax_error("Key \"%s\" must hold an array.", key);
	c = v->val.binary.data;
	len = (int) JsonContainerSize(c);
	if (n >= 0 && len != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type retention_model"),
				 errdetail("Key \"%s\" has %d elements where %d are expected.", key, len, n)));
	r = palloc(sizeof(double) * (len > 0 ? len : 1));
	for (i = 0; i < len; i++)
		r[i] = json_number(getIthJsonbValueFromContainer(c, i), key);
	if (outn)
		*outn = len;
	return r;
}

Datum
retention_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Jsonb	   *jb;
	JsonbValue *v;
	JsonbContainer *fc;
	JsonbIterator *it;
	JsonbValue	kv;
	JsonbIteratorToken tok;
	CrModel		m;
	int			d,
				D,
				j,
				k;

	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
	if (!JB_ROOT_IS_OBJECT(jb))
		syntax_error("%s", "The value must be a JSON object.");

	/* every key must be known */
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &kv, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			bool		known = false;
			char	   *key = pnstrdup(kv.val.string.val, kv.val.string.len);

			for (j = 0; model_keys[j]; j++)
				if (strcmp(key, model_keys[j]) == 0)
					known = true;
			if (!known)
				syntax_error("Unknown key \"%s\".", key);
		}
	}

	memset(&m, 0, sizeof(m));
	v = get_key(jb, "format_version", true);
	m.h.version = (int32) json_int(v, "format_version", INT32_MAX);
	check_version(m.h.version, ERRCODE_INVALID_TEXT_REPRESENTATION);

	v = get_key(jb, "features", true);
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		syntax_error("Key \"%s\" must hold an array of names.", "features");
	fc = v->val.binary.data;
	d = (int) JsonContainerSize(fc);
	if (d < 1 || d > CR_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type retention_model"),
				 errdetail("A model has between 1 and %d features, not %d.", CR_MAX_FEATURES, d)));
	D = d + 1;
	m.h.d = d;
	m.names = palloc(sizeof(char *) * d);
	for (j = 0; j < d; j++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(fc, j);

		if (e->type != jbvString)
			syntax_error("Key \"%s\" must hold an array of names.", "features");
		m.names[j] = pnstrdup(e->val.string.val, e->val.string.len);
		if ((int) strlen(m.names[j]) != e->val.string.len)
			syntax_error("%s", "Feature names cannot contain NUL characters.");
	}

	m.intercept = json_number(get_key(jb, "intercept", true), "intercept");
	m.coef = json_array(get_key(jb, "coefficients", true), "coefficients", d, NULL);
	m.means = json_array(get_key(jb, "means", true), "means", d, NULL);

	m.h.flags = 0;
	if (json_bool(get_key(jb, "fit_intercept", true), "fit_intercept"))
		m.h.flags |= CR_MODEL_INTERCEPT;
	v = get_key(jb, "class_weight", false);
	if (v && v->type != jbvNull)
	{
		if (v->type != jbvString || v->val.string.len != 8 || strncmp(v->val.string.val, "balanced", 8) != 0)
			syntax_error("Key \"%s\" must be \"balanced\" or null.", "class_weight");
		m.h.flags |= CR_MODEL_BALANCED;
	}
	m.h.n_rows = json_int(get_key(jb, "n_rows", true), "n_rows", PG_INT64_MAX / 2);
	m.h.n_skipped = json_int(get_key(jb, "n_skipped", true), "n_skipped", PG_INT64_MAX / 2);
	m.h.n_retained = json_int(get_key(jb, "n_retained", true), "n_retained", PG_INT64_MAX / 2);
	m.h.iterations = (int32) json_int(get_key(jb, "iterations", true), "iterations", INT32_MAX);
	if (json_bool(get_key(jb, "converged", true), "converged"))
		m.h.flags |= CR_MODEL_CONVERGED;
	m.h.loglik = json_number(get_key(jb, "log_likelihood", true), "log_likelihood");
	m.h.null_loglik = json_number(get_key(jb, "null_log_likelihood", true), "null_log_likelihood");
	m.h.l2 = json_number(get_key(jb, "l2", true), "l2");
	m.h.condition_number = json_number(get_key(jb, "condition_number", true), "condition_number");

	v = get_key(jb, "score_deciles", false);
	if (v)
	{
		double	   *e = json_array(v, "score_deciles", NDECILE_EDGES, NULL);
		double	   *s = json_array(get_key(jb, "score_shares", true), "score_shares", NDECILE_BINS, NULL);

		memcpy(m.deciles, e, sizeof(m.deciles));
		memcpy(m.shares, s, sizeof(m.shares));
		m.h.flags |= CR_MODEL_HAS_DECILES;
	}
	else if (get_key(jb, "score_shares", false))
		syntax_error("Key \"%s\" is missing.", "score_deciles");

	v = get_key(jb, "covariance", true);
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		(int) JsonContainerSize(v->val.binary.data) != D)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type retention_model"),
				 errdetail("Key \"covariance\" must hold %d rows of %d numbers.", D, D)));
	m.cov = palloc(sizeof(double) * D * D);
	for (j = 0; j < D; j++)
	{
		double	   *row = json_array(getIthJsonbValueFromContainer(v->val.binary.data, j),
									 "covariance", D, NULL);

		for (k = 0; k < D; k++)
			m.cov[(Size) j * D + k] = row[k];
	}

	cr_model_validate(&m, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_BYTEA_P(cr_model_encode(&m));
}

/* ---------------------------------------------------------------- binary I/O */

/*
 * Binary form: int32 version, int32 flags, int32 d, int32 iterations,
 * int64 n_rows, n_skipped, n_retained, float8 log_likelihood,
 * null_log_likelihood, l2, condition_number, intercept, coef[d], means[d],
 * [deciles[11], shares[10]], d names (int32 length + bytes), cov[(d+1)^2].
 */
Datum
retention_model_send(PG_FUNCTION_ARGS)
{
	CrModel    *m = cr_model_cached(fcinfo, 0, true);
	int			d = m->h.d;
	StringInfoData buf;
	int			j;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, m->h.version);
	pq_sendint32(&buf, m->h.flags);
	pq_sendint32(&buf, d);
	pq_sendint32(&buf, m->h.iterations);
	pq_sendint64(&buf, m->h.n_rows);
	pq_sendint64(&buf, m->h.n_skipped);
	pq_sendint64(&buf, m->h.n_retained);
	pq_sendfloat8(&buf, m->h.loglik);
	pq_sendfloat8(&buf, m->h.null_loglik);
	pq_sendfloat8(&buf, m->h.l2);
	pq_sendfloat8(&buf, m->h.condition_number);
	pq_sendfloat8(&buf, m->intercept);
	for (j = 0; j < d; j++)
		pq_sendfloat8(&buf, m->coef[j]);
	for (j = 0; j < d; j++)
		pq_sendfloat8(&buf, m->means[j]);
	if (m->h.flags & CR_MODEL_HAS_DECILES)
	{
		for (j = 0; j < NDECILE_EDGES; j++)
			pq_sendfloat8(&buf, m->deciles[j]);
		for (j = 0; j < NDECILE_BINS; j++)
			pq_sendfloat8(&buf, m->shares[j]);
	}
	for (j = 0; j < d; j++)
	{
		int			len = strlen(m->names[j]);

		pq_sendint32(&buf, len);
		pq_sendtext(&buf, m->names[j], len);
	}
	for (j = 0; j < (d + 1) * (d + 1); j++)
		pq_sendfloat8(&buf, m->cov[j]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
need_bytes(StringInfo buf, int n)
{
	if (n < 0 || buf->len - buf->cursor < n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary retention_model"),
				 errdetail("The message ends before the model does.")));
}

static double
recv_float8(StringInfo buf)
{
	need_bytes(buf, 8);
	return pq_getmsgfloat8(buf);
}

Datum
retention_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrModel		m;
	int			d,
				D,
				j;

	memset(&m, 0, sizeof(m));
	need_bytes(buf, 16);
	m.h.version = pq_getmsgint(buf, 4);
	check_version(m.h.version, ERRCODE_INVALID_BINARY_REPRESENTATION);
	m.h.flags = pq_getmsgint(buf, 4);
	d = pq_getmsgint(buf, 4);
	m.h.iterations = pq_getmsgint(buf, 4);
	if (d < 1 || d > CR_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary retention_model"),
				 errdetail("A model has between 1 and %d features, not %d.", CR_MAX_FEATURES, d)));
	if (m.h.flags & ~CR_MODEL_KNOWN_FLAGS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary retention_model"),
				 errdetail("Unknown flag bits are set.")));
	D = d + 1;
	m.h.d = d;
	need_bytes(buf, 24);
	m.h.n_rows = pq_getmsgint64(buf);
	m.h.n_skipped = pq_getmsgint64(buf);
	m.h.n_retained = pq_getmsgint64(buf);
	m.h.loglik = recv_float8(buf);
	m.h.null_loglik = recv_float8(buf);
	m.h.l2 = recv_float8(buf);
	m.h.condition_number = recv_float8(buf);
	m.intercept = recv_float8(buf);
	m.coef = palloc(sizeof(double) * d);
	m.means = palloc(sizeof(double) * d);
	for (j = 0; j < d; j++)
		m.coef[j] = recv_float8(buf);
	for (j = 0; j < d; j++)
		m.means[j] = recv_float8(buf);
	if (m.h.flags & CR_MODEL_HAS_DECILES)
	{
		for (j = 0; j < NDECILE_EDGES; j++)
			m.deciles[j] = recv_float8(buf);
		for (j = 0; j < NDECILE_BINS; j++)
			m.shares[j] = recv_float8(buf);
	}
	m.names = palloc(sizeof(char *) * d);
	for (j = 0; j < d; j++)
	{
		int			len,
					nbytes;

		need_bytes(buf, 4);
		len = pq_getmsgint(buf, 4);
		if (len < 1 || len > 4 * CR_MODEL_MAX_NAME)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary retention_model"),
					 errdetail("Feature name %d has an invalid length %d.", j + 1, len)));
		need_bytes(buf, len);
		m.names[j] = pq_getmsgtext(buf, len, &nbytes);
	}
	m.cov = palloc(sizeof(double) * D * D);
	for (j = 0; j < D * D; j++)
		m.cov[j] = recv_float8(buf);
	if (buf->cursor != buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary retention_model"),
				 errdetail("%d bytes follow the end of the model.", buf->len - buf->cursor)));
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
