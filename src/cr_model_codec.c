/*
 * cr_model_codec.c
 *	  Plain-C parsers, validation and printers of the retention_model text
 *	  (JSON) and binary forms.  No PostgreSQL includes: see cr_model_codec.h.
 *
 * The text parser is not a general JSON parser: it is driven by the schema
 * of the one object retention_model_out prints, so its nesting depth is
 * fixed (object, covariance, row) and it never recurses on the input.  Only
 * the fallback scan that looks for a newer format_version in a document
 * the schema rejects skips arbitrary JSON, with a small depth limit.
 *
 * Numbers: the JSON grammar is checked here, then strtod converts the
 * token.  glibc's strtod rounds correctly, so the shortest round-trip form
 * that retention_model_out prints comes back bit for bit.  strtod reads
 * the decimal point of LC_NUMERIC; PostgreSQL backends always run with
 * LC_NUMERIC=C, and standalone callers (tests, fuzzers) keep the default
 * "C" locale.
 */
#include "cr_model_codec.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STRING		1024	/* decoded bytes of a key or name */
#define MAX_NUMBER		400		/* characters of one number token */
#define MAX_SKIP_DEPTH	32		/* nesting skipped by the version scan */
#define MAX_NAME_BINARY	(4 * CR_CODEC_MAX_NAME)
#define TICK_BYTES		((size_t) 1 << 20)	/* text read between two ticks */

/* ---------------------------------------------------------------- errors */

static int
set_error(CrCodecError *err, CrCodecStatus status, int has_pos, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
set_error(CrCodecError *err, CrCodecStatus status, int has_pos, size_t pos, const char *fmt, ...)
{
	va_list		ap;

	if (err->status != CR_CODEC_OK)
		return -1;				/* keep the first error */
	err->status = status;
	err->has_pos = has_pos;
	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void
clear_error(CrCodecError *err)
{
	memset(err, 0, sizeof(*err));
}

static void *
codec_alloc(const CrCodecAlloc *a, CrCodecError *err, size_t size)
{
	void	   *p = a->alloc(a->ctx, size > 0 ? size : 1);

	if (p == NULL)
		set_error(err, CR_CODEC_NOMEM, 0, 0, "Out of memory.");
	return p;
}

/* ---------------------------------------------------------------- text lexer */

typedef struct Lexer
{
	const char *s;
	size_t		len;
	size_t		pos;
	const CrCodecAlloc *alloc;
	CrCodecError *err;
	CrUnicodeToText to_text;	/* \u escapes above U+007F; NULL: UTF-8 */
	void		(*tick) (void); /* CrCodecAlloc.tick; NULL: none */
	size_t		next_tick;		/* the offset at which to tick next */
} Lexer;

#define SYNTAX(lx, at, ...) set_error((lx)->err, CR_CODEC_SYNTAX, 1, (at), __VA_ARGS__)

static void
lexer_init(Lexer *lx, const char *s, size_t len, const CrCodecAlloc *alloc, CrCodecError *err)
{
	memset(lx, 0, sizeof(*lx));
	lx->s = s;
	lx->len = len;
	lx->alloc = alloc;
	lx->err = err;
	lx->tick = alloc->tick;
	lx->next_tick = TICK_BYTES;
}

static inline int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The end of the run of white space (digits) from offset p; calls the tick
 * for every TICK_BYTES of text read, counted from the start.  Every token
 * but a string (of at most MAX_STRING bytes) is read through here, so a
 * tick comes at least every TICK_BYTES + a few kilobytes of input.
 */
static inline size_t
run_end(Lexer *lx, size_t p, int digits)
{
	for (;;)
	{
		size_t		end = lx->len < lx->next_tick ? lx->len : lx->next_tick;

		if (digits)
			while (p < end && is_digit(lx->s[p]))
				p++;
		else
			while (p < end && is_ws(lx->s[p]))
				p++;
		if (p < lx->next_tick)
			return p;
		if (lx->tick)
			lx->tick();
		lx->next_tick = p + TICK_BYTES;
	}
}

static void
skip_ws(Lexer *lx)
{
	lx->pos = run_end(lx, lx->pos, 0);
}

/* the next byte, or -1 at the end */
static int
peek(const Lexer *lx)
{
	return lx->pos < lx->len ? (unsigned char) lx->s[lx->pos] : -1;
}

static int
expect(Lexer *lx, char c, const char *what)
{
	skip_ws(lx);
	if (peek(lx) != (unsigned char) c)
	{
		if (lx->pos >= lx->len)
			return SYNTAX(lx, lx->pos, "The input ends where %s is expected.", what);
		return SYNTAX(lx, lx->pos, "Expected %s.", what);
	}
	lx->pos++;
	return 0;
}

static int
hex4(Lexer *lx, unsigned *out)
{
	unsigned	v = 0;
	int			i;

	if (lx->len - lx->pos < 4)
		return SYNTAX(lx, lx->pos, "The input ends inside a \\u escape.");
	for (i = 0; i < 4; i++)
	{
		char		c = lx->s[lx->pos + i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned) (c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned) (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned) (c - 'A' + 10);
		else
			return SYNTAX(lx, lx->pos + i, "A \\u escape needs four hexadecimal digits.");
	}
	lx->pos += 4;
	*out = v;
	return 0;
}

/*
 * A JSON string at the current position (after white space), decoded into
 * buf (cap bytes including the terminating NUL): bytes as they are, \u
 * escapes in the text's encoding (lx->to_text).
 */
static int
lex_string(Lexer *lx, char *buf, size_t cap, size_t *outlen)
{
	size_t		n = 0;
	size_t		start;

	skip_ws(lx);
	start = lx->pos;
	if (peek(lx) != '"')
		return SYNTAX(lx, lx->pos, lx->pos >= lx->len ? "The input ends where a string is expected."
					  : "Expected a string.");
	lx->pos++;
	for (;;)
	{
		unsigned char c;
		char		enc[CR_UNICODE_MAX_BYTES];
		size_t		enclen = 1;

		if (lx->pos >= lx->len)
			return SYNTAX(lx, start, "The string starting here is not terminated.");
		c = (unsigned char) lx->s[lx->pos];
		if (c == '"')
		{
			lx->pos++;
			break;
		}
		if (c < 0x20)
			return SYNTAX(lx, lx->pos, "Control character 0x%02x must be escaped in a string.", c);
		if (c != '\\')
		{
			enc[0] = (char) c;
			lx->pos++;
		}
		else
		{
			size_t		esc = lx->pos;

			lx->pos++;
			if (lx->pos >= lx->len)
				return SYNTAX(lx, esc, "The input ends inside an escape sequence.");
			c = (unsigned char) lx->s[lx->pos++];
			switch (c)
			{
				case '"':
				case '\\':
				case '/':
					enc[0] = (char) c;
					break;
				case 'b':
					enc[0] = '\b';
					break;
				case 'f':
					enc[0] = '\f';
					break;
				case 'n':
					enc[0] = '\n';
					break;
				case 'r':
					enc[0] = '\r';
					break;
				case 't':
					enc[0] = '\t';
					break;
				case 'u':
					{
						unsigned	cp,
									lo;

						if (hex4(lx, &cp) < 0)
							return -1;
						if (cp >= 0xDC00 && cp <= 0xDFFF)
							return SYNTAX(lx, esc, "A low surrogate \\u escape must follow a high surrogate.");
						if (cp >= 0xD800 && cp <= 0xDBFF)
						{
							if (lx->len - lx->pos < 2 || lx->s[lx->pos] != '\\' || lx->s[lx->pos + 1] != 'u')
								return SYNTAX(lx, esc, "A high surrogate \\u escape must be followed by a low surrogate.");
							lx->pos += 2;
							if (hex4(lx, &lo) < 0)
								return -1;
							if (lo < 0xDC00 || lo > 0xDFFF)
								return SYNTAX(lx, esc, "A high surrogate \\u escape must be followed by a low surrogate.");
							cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						}
						if (cp == 0)
							return SYNTAX(lx, esc, "Strings cannot contain NUL (\\u0000).");
						enclen = cr_unicode_to_text(lx->to_text, cp, enc);
						if (enclen == 0)
							return set_error(lx->err, CR_CODEC_UNTRANSLATABLE, 1, esc,
											 "The character U+%04X of a \\u escape has no equivalent in the encoding of the text.",
											 cp);
						break;
					}
				default:
					return SYNTAX(lx, esc, "Unknown escape sequence \"\\%c\".", c >= 0x20 && c < 0x7F ? c : '?');
			}
		}
		if (n + enclen >= cap)
			return SYNTAX(lx, start, "A string is longer than %zu bytes.", cap - 1);
		memcpy(buf + n, enc, enclen);
		n += enclen;
	}
	buf[n] = '\0';
	if (outlen)
		*outlen = n;
	return 0;
}

/*
 * Check the JSON number grammar at the current position; on success the
 * token spans [*start, lx->pos) and *is_int says it has no fraction or
 * exponent.
 */
static int
lex_number_token(Lexer *lx, const char *key, size_t *start, int *is_int)
{
	size_t		p;

	skip_ws(lx);
	p = *start = lx->pos;
	*is_int = 1;
	if (p < lx->len && lx->s[p] == '-')
		p++;
	if (p >= lx->len || lx->s[p] < '0' || lx->s[p] > '9')
	{
		if (lx->pos >= lx->len)
			return SYNTAX(lx, lx->pos, "The input ends where a number is expected.");
		return SYNTAX(lx, lx->pos, "Key \"%s\" must hold numbers.", key);
	}
	if (lx->s[p] == '0')
		p++;
	else
		p = run_end(lx, p, 1);
	if (p < lx->len && lx->s[p] == '.')
	{
		*is_int = 0;
		p++;
		if (p >= lx->len || lx->s[p] < '0' || lx->s[p] > '9')
			return SYNTAX(lx, p, "A digit must follow the decimal point.");
		p = run_end(lx, p, 1);
	}
	if (p < lx->len && (lx->s[p] == 'e' || lx->s[p] == 'E'))
	{
		*is_int = 0;
		p++;
		if (p < lx->len && (lx->s[p] == '+' || lx->s[p] == '-'))
			p++;
		if (p >= lx->len || lx->s[p] < '0' || lx->s[p] > '9')
			return SYNTAX(lx, p, "A digit must follow the exponent marker.");
		p = run_end(lx, p, 1);
	}
	if (p - *start > MAX_NUMBER)
		return SYNTAX(lx, *start, "A number has more than %d characters.", MAX_NUMBER);
	lx->pos = p;
	return 0;
}

static int
lex_double(Lexer *lx, const char *key, double *out)
{
	size_t		start;
	int			is_int;
	char		tmp[MAX_NUMBER + 1];
	char	   *end;
	double		v;

	if (lex_number_token(lx, key, &start, &is_int) < 0)
		return -1;
	memcpy(tmp, lx->s + start, lx->pos - start);
	tmp[lx->pos - start] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (end != tmp + (lx->pos - start))
		return SYNTAX(lx, start, "Key \"%s\" holds a number that cannot be converted.", key);
	/* like float8in: underflow to a denormal is fine, to zero or overflow is not */
	if (!isfinite(v) || (errno == ERANGE && (v == 0.0 || isinf(v))))
		return SYNTAX(lx, start, "Key \"%s\" holds \"%s\", which is out of range for a double precision number.",
					  key, lx->pos - start > 40 ? "(a long number)" : tmp);
	*out = v;
	return 0;
}

static int
lex_int(Lexer *lx, const char *key, int64_t minval, int64_t maxval, int64_t *out)
{
	size_t		start,
				p;
	int			is_int;
	int			neg = 0;
	uint64_t	v = 0;
	uint64_t	lim;

	if (lex_number_token(lx, key, &start, &is_int) < 0)
		return -1;
	if (!is_int)
		return SYNTAX(lx, start, "Key \"%s\" must hold an integer.", key);
	p = start;
	if (lx->s[p] == '-')
	{
		neg = 1;
		p++;
	}
	lim = neg ? (uint64_t) (-(minval + 1)) + 1 : (uint64_t) maxval;
	if (neg && minval >= 0)
		lim = 0;
	for (; p < lx->pos; p++)
	{
		unsigned	dgt = (unsigned) (lx->s[p] - '0');

		if (v > (lim - dgt) / 10 || v * 10 + dgt > lim)
			return SYNTAX(lx, start, "Key \"%s\" holds an integer out of range [%" PRId64 ", %" PRId64 "].",
						  key, minval, maxval);
		v = v * 10 + dgt;
	}
	if (neg && v > 0 && minval >= 0)
		return SYNTAX(lx, start, "Key \"%s\" holds an integer out of range [%" PRId64 ", %" PRId64 "].",
					  key, minval, maxval);
	*out = neg ? (v == 0 ? 0 : -(int64_t) (v - 1) - 1) : (int64_t) v;
	return 0;
}

/* true, false or null: returns 1, 0 or 2 in *out */
static int
lex_literal(Lexer *lx, int *out)
{
	static const char *const words[3] = {"false", "true", "null"};
	int			i;

	skip_ws(lx);
	for (i = 0; i < 3; i++)
	{
		size_t		n = strlen(words[i]);

		if (lx->len - lx->pos >= n && memcmp(lx->s + lx->pos, words[i], n) == 0)
		{
			lx->pos += n;
			*out = i;
			return 0;
		}
	}
	return -1;
}

/* ---------------------------------------------------------------- text values */

/* A growable array of doubles, grown through the allocator (never freed). */
typedef struct DoubleVec
{
	double	   *v;
	size_t		n;
	size_t		cap;
} DoubleVec;

static int
vec_push(Lexer *lx, DoubleVec *vec, double x)
{
	if (vec->n == vec->cap)
	{
		size_t		ncap = vec->cap ? vec->cap * 2 : 16;
		double	   *nv = codec_alloc(lx->alloc, lx->err, ncap * sizeof(double));

		if (nv == NULL)
			return -1;
		if (vec->n)
			memcpy(nv, vec->v, vec->n * sizeof(double));
		vec->v = nv;
		vec->cap = ncap;
	}
	vec->v[vec->n++] = x;
	return 0;
}

/* "[" number ("," number)* "]" or "[]", appended to vec; at most maxn elements */
static int
lex_number_array(Lexer *lx, const char *key, DoubleVec *vec, size_t maxn, size_t *count)
{
	size_t		start;
	size_t		n = 0;

	skip_ws(lx);
	start = lx->pos;
	if (peek(lx) != '[')
		return SYNTAX(lx, lx->pos, "Key \"%s\" must hold an array of numbers.", key);
	lx->pos++;
	skip_ws(lx);
	if (peek(lx) == ']')
		lx->pos++;
	else
		for (;;)
		{
			double		x;

			if (n >= maxn)
				return SYNTAX(lx, start, "Key \"%s\" holds an array with more than %zu elements.", key, maxn);
			skip_ws(lx);
			if (peek(lx) != '-' && (peek(lx) < '0' || peek(lx) > '9') && lx->pos < lx->len)
				return SYNTAX(lx, lx->pos, "Key \"%s\" must hold an array of numbers.", key);
			if (lex_double(lx, key, &x) < 0 || vec_push(lx, vec, x) < 0)
				return -1;
			n++;
			skip_ws(lx);
			if (peek(lx) == ',')
			{
				lx->pos++;
				continue;
			}
			if (expect(lx, ']', "\",\" or \"]\"") < 0)
				return -1;
			break;
		}
	*count = n;
	return 0;
}

static int
lex_names(Lexer *lx, CrModelPlain *out, int *d)
{
	char	  **names = NULL;
	size_t		cap = 0,
				n = 0;
	size_t		start;

	skip_ws(lx);
	start = lx->pos;
	if (peek(lx) != '[')
		return SYNTAX(lx, lx->pos, "Key \"features\" must hold an array of names.");
	lx->pos++;
	skip_ws(lx);
	if (peek(lx) == ']')
		lx->pos++;
	else
		for (;;)
		{
			char		buf[MAX_STRING + 1];
			size_t		len;

			if (n >= CR_CODEC_MAX_FEATURES)
				return SYNTAX(lx, start, "A model has at most %d features.", CR_CODEC_MAX_FEATURES);
			skip_ws(lx);
			if (peek(lx) != '"' && lx->pos < lx->len)
				return SYNTAX(lx, lx->pos, "Key \"features\" must hold an array of names.");
			if (lex_string(lx, buf, sizeof(buf), &len) < 0)
				return -1;
			if (n == cap)
			{
				size_t		ncap = cap ? cap * 2 : 8;
				char	  **nn = codec_alloc(lx->alloc, lx->err, ncap * sizeof(char *));

				if (nn == NULL)
					return -1;
				if (n)
					memcpy(nn, names, n * sizeof(char *));
				names = nn;
				cap = ncap;
			}
			names[n] = codec_alloc(lx->alloc, lx->err, len + 1);
			if (names[n] == NULL)
				return -1;
			memcpy(names[n], buf, len + 1);
			n++;
			skip_ws(lx);
			if (peek(lx) == ',')
			{
				lx->pos++;
				continue;
			}
			if (expect(lx, ']', "\",\" or \"]\"") < 0)
				return -1;
			break;
		}
	if (n == 0)
		return SYNTAX(lx, start, "A model has between 1 and %d features, not 0.", CR_CODEC_MAX_FEATURES);
	out->names = names;
	*d = (int) n;
	return 0;
}

/* ---------------------------------------------------------------- text object */

enum
{
	K_FORMAT_VERSION, K_FEATURES, K_INTERCEPT, K_COEFFICIENTS, K_MEANS,
	K_FIT_INTERCEPT, K_CLASS_WEIGHT, K_N_ROWS, K_N_SKIPPED, K_N_RETAINED,
	K_ITERATIONS, K_CONVERGED, K_LOGLIK, K_NULL_LOGLIK, K_L2,
	K_CONDITION, K_DECILES, K_SHARES, K_COVARIANCE, K_COUNT
};

static const char *const model_keys[K_COUNT] = {
	"format_version", "features", "intercept", "coefficients", "means",
	"fit_intercept", "class_weight", "n_rows", "n_skipped", "n_retained",
	"iterations", "converged", "log_likelihood", "null_log_likelihood", "l2",
	"condition_number", "score_deciles", "score_shares", "covariance"
};

static int
lex_bool(Lexer *lx, const char *key, int *out)
{
	int			lit;
	size_t		at;

	skip_ws(lx);
	at = lx->pos;
	if (lex_literal(lx, &lit) < 0 || lit == 2)
		return SYNTAX(lx, at, "Key \"%s\" must be true or false.", key);
	*out = lit;
	return 0;
}

/* What parse_object collects before checking the whole object. */
typedef struct ObjectParse
{
	int			seen[K_COUNT];
	size_t		valpos[K_COUNT];	/* where each key's value starts */
	DoubleVec	coef,
				means,
				deciles,
				shares,
				cov;
	size_t		ncoef,
				nmeans,
				ndeciles,
				nshares,
				covrows,
				covcols;
	int			d;
} ObjectParse;

/* "class_weight": "balanced" or null */
static int
lex_class_weight(Lexer *lx, size_t at, CrModelPlain *out)
{
	char		cw[MAX_STRING + 1];
	int			b;

	if (peek(lx) == '"')
	{
		if (lex_string(lx, cw, sizeof(cw), NULL) < 0)
			return -1;
		if (strcmp(cw, "balanced") != 0)
			return SYNTAX(lx, at, "Key \"class_weight\" must be \"balanced\" or null.");
		out->flags |= CR_CODEC_BALANCED;
	}
	else if (lex_literal(lx, &b) < 0 || b != 2)
		return SYNTAX(lx, at, "Key \"class_weight\" must be \"balanced\" or null.");
	return 0;
}

/* "covariance": an array of rows of numbers, all of the first row's length */
static int
lex_covariance(Lexer *lx, size_t at, ObjectParse *op)
{
	if (peek(lx) != '[')
		return SYNTAX(lx, lx->pos, "Key \"covariance\" must hold an array of rows.");
	lx->pos++;
	skip_ws(lx);
	if (peek(lx) == ']')
	{
		lx->pos++;
		return 0;
	}
	for (;;)
	{
		size_t		rowpos,
					n;

		if (op->covrows > CR_CODEC_MAX_FEATURES)
			return SYNTAX(lx, at, "Key \"covariance\" has more than %d rows.", CR_CODEC_MAX_FEATURES + 1);
		skip_ws(lx);
		rowpos = lx->pos;
		if (peek(lx) != '[' && lx->pos < lx->len)
			return SYNTAX(lx, rowpos, "Key \"covariance\" must hold an array of rows.");
		if (lex_number_array(lx, "covariance", &op->cov, CR_CODEC_MAX_FEATURES + 1, &n) < 0)
			return -1;
		if (op->covrows == 0)
			op->covcols = n;
		else if (n != op->covcols)
			return SYNTAX(lx, rowpos, "Row %zu of key \"covariance\" has %zu numbers where row 1 has %zu.",
						  op->covrows + 1, n, op->covcols);
		op->covrows++;
		skip_ws(lx);
		if (peek(lx) == ',')
		{
			lx->pos++;
			continue;
		}
		return expect(lx, ']', "\",\" or \"]\"") < 0 ? -1 : 0;
	}
}

/* The value of key k (named key), at lx's position. */
static int
parse_value(Lexer *lx, int k, const char *key, ObjectParse *op, CrModelPlain *out)
{
	int64_t		iv = 0;
	int			b = 0;

	switch (k)
	{
		case K_FORMAT_VERSION:
			if (lex_int(lx, key, INT32_MIN, INT32_MAX, &iv) < 0)
				return -1;
			out->version = (int32_t) iv;
			return 0;
		case K_ITERATIONS:
			if (lex_int(lx, key, INT32_MIN, INT32_MAX, &iv) < 0)
				return -1;
			out->iterations = (int32_t) iv;
			return 0;
		case K_N_ROWS:
		case K_N_SKIPPED:
		case K_N_RETAINED:
			if (lex_int(lx, key, INT64_MIN, INT64_MAX, &iv) < 0)
				return -1;
			*(k == K_N_ROWS ? &out->n_rows : k == K_N_SKIPPED ? &out->n_skipped : &out->n_retained) = iv;
			return 0;
		case K_FIT_INTERCEPT:
		case K_CONVERGED:
			if (lex_bool(lx, key, &b) < 0)
				return -1;
			if (b)
				out->flags |= k == K_FIT_INTERCEPT ? CR_CODEC_INTERCEPT : CR_CODEC_CONVERGED;
			return 0;
		case K_INTERCEPT:
			return lex_double(lx, key, &out->intercept);
		case K_LOGLIK:
			return lex_double(lx, key, &out->loglik);
		case K_NULL_LOGLIK:
			return lex_double(lx, key, &out->null_loglik);
		case K_L2:
			return lex_double(lx, key, &out->l2);
		case K_CONDITION:
			return lex_double(lx, key, &out->condition_number);
		case K_FEATURES:
			return lex_names(lx, out, &op->d);
		case K_COEFFICIENTS:
			return lex_number_array(lx, key, &op->coef, CR_CODEC_MAX_FEATURES, &op->ncoef);
		case K_MEANS:
			return lex_number_array(lx, key, &op->means, CR_CODEC_MAX_FEATURES, &op->nmeans);
		case K_DECILES:
			return lex_number_array(lx, key, &op->deciles, CR_CODEC_NDECILE_EDGES, &op->ndeciles);
		case K_SHARES:
			return lex_number_array(lx, key, &op->shares, CR_CODEC_NDECILE_BINS, &op->nshares);
		case K_CLASS_WEIGHT:
			return lex_class_weight(lx, op->valpos[k], out);
		case K_COVARIANCE:
			return lex_covariance(lx, op->valpos[k], op);
	}
	return -1;					/* not reached: k < K_COUNT */
}

/*
 * The whole object read: every key there (but the optional ones), arrays
 * of the lengths the features give; fills out's arrays.  1: a newer
 * format version (the caller reports it).
 */
static int
check_object(Lexer *lx, ObjectParse *op, CrModelPlain *out)
{
	size_t		end = lx->pos > 0 ? lx->pos - 1 : 0;
	int			d = op->d;
	int			k;

	if (op->seen[K_FORMAT_VERSION] && out->version > CR_CODEC_MODEL_VERSION)
		return 1;
	for (k = 0; k < K_COUNT; k++)
		if (!op->seen[k] && k != K_CLASS_WEIGHT && k != K_DECILES && k != K_SHARES)
			return SYNTAX(lx, end, "Key \"%s\" is missing.", model_keys[k]);
	if (op->seen[K_DECILES] != op->seen[K_SHARES])
		return SYNTAX(lx, end, "Key \"%s\" is missing.",
					  op->seen[K_DECILES] ? "score_shares" : "score_deciles");
	if (op->ncoef != (size_t) d)
		return SYNTAX(lx, op->valpos[K_COEFFICIENTS], "Key \"coefficients\" has %zu elements where %d are expected.",
					  op->ncoef, d);
	if (op->nmeans != (size_t) d)
		return SYNTAX(lx, op->valpos[K_MEANS], "Key \"means\" has %zu elements where %d are expected.",
					  op->nmeans, d);
	if (op->seen[K_DECILES])
	{
		if (op->ndeciles != CR_CODEC_NDECILE_EDGES)
			return SYNTAX(lx, op->valpos[K_DECILES], "Key \"score_deciles\" has %zu elements where %d are expected.",
						  op->ndeciles, CR_CODEC_NDECILE_EDGES);
		if (op->nshares != CR_CODEC_NDECILE_BINS)
			return SYNTAX(lx, op->valpos[K_SHARES], "Key \"score_shares\" has %zu elements where %d are expected.",
						  op->nshares, CR_CODEC_NDECILE_BINS);
		memcpy(out->deciles, op->deciles.v, sizeof(out->deciles));
		memcpy(out->shares, op->shares.v, sizeof(out->shares));
		out->flags |= CR_CODEC_HAS_DECILES;
	}
	if (op->covrows != (size_t) d + 1 || op->covcols != (size_t) d + 1)
		return SYNTAX(lx, op->valpos[K_COVARIANCE], "Key \"covariance\" must hold %d rows of %d numbers.", d + 1, d + 1);
	out->d = d;
	out->coef = op->coef.v;
	out->means = op->means.v;
	out->cov = op->cov.v;
	return 0;
}

/* A model's JSON object: each known key once, in any order. */
static int
parse_object(Lexer *lx, CrModelPlain *out)
{
	ObjectParse op;
	int			first = 1;

	memset(&op, 0, sizeof(op));
	memset(out, 0, sizeof(*out));
	skip_ws(lx);
	if (lx->pos >= lx->len)
		return SYNTAX(lx, lx->pos, "The input is empty; expected a JSON object.");
	if (peek(lx) != '{')
		return SYNTAX(lx, lx->pos, "The value must be a JSON object.");
	lx->pos++;
	for (;;)
	{
		char		key[MAX_STRING + 1];
		size_t		keypos;
		int			k;

		skip_ws(lx);
		if (first && peek(lx) == '}')
		{
			lx->pos++;
			break;
		}
		first = 0;
		keypos = lx->pos;
		if (lex_string(lx, key, sizeof(key), NULL) < 0)
			return -1;
		for (k = 0; k < K_COUNT; k++)
			if (strcmp(key, model_keys[k]) == 0)
				break;
		if (k == K_COUNT)
			return SYNTAX(lx, keypos, "Unknown key \"%.64s\".", key);
		if (op.seen[k])
			return SYNTAX(lx, keypos, "Key \"%s\" appears more than once.", key);
		op.seen[k] = 1;
		if (expect(lx, ':', "\":\"") < 0)
			return -1;
		skip_ws(lx);
		op.valpos[k] = lx->pos;
		if (parse_value(lx, k, key, &op, out) < 0)
			return -1;
		skip_ws(lx);
		if (peek(lx) == ',')
		{
			lx->pos++;
			continue;
		}
		if (expect(lx, '}', "\",\" or \"}\"") < 0)
			return -1;
		break;
	}
	skip_ws(lx);
	if (lx->pos < lx->len)
		return SYNTAX(lx, lx->pos, "Unexpected text after the end of the JSON object.");
	return check_object(lx, &op, out);
}

/*
 * Skip one JSON value (any kind) for the version scan; nesting is limited
 * to MAX_SKIP_DEPTH, so this recursion is bounded.
 */
static int
skip_value(Lexer *lx, int depth)
{
	char		buf[MAX_STRING + 1];
	size_t		start;
	int			is_int,
				lit;

	if (depth > MAX_SKIP_DEPTH)
		return -1;
	skip_ws(lx);
	switch (peek(lx))
	{
		case '"':
			return lex_string(lx, buf, sizeof(buf), NULL);
		case '[':
		case '{':
			{
				char		close = peek(lx) == '[' ? ']' : '}';

				lx->pos++;
				skip_ws(lx);
				if (peek(lx) == (unsigned char) close)
				{
					lx->pos++;
					return 0;
				}
				for (;;)
				{
					if (close == '}' && (lex_string(lx, buf, sizeof(buf), NULL) < 0 ||
										 expect(lx, ':', "\":\"") < 0))
						return -1;
					if (skip_value(lx, depth + 1) < 0)
						return -1;
					skip_ws(lx);
					if (peek(lx) == ',')
					{
						lx->pos++;
						continue;
					}
					return expect(lx, close, "a closing bracket");
				}
			}
		case 't':
		case 'f':
		case 'n':
			return lex_literal(lx, &lit);
		default:
			return lex_number_token(lx, "(skipped)", &start, &is_int);
	}
}

/* The top-level "format_version" of a document, if it can be found. */
static int
scan_version(const char *s, size_t len, const CrCodecAlloc *alloc, int32_t *version)
{
	CrCodecError scratch;
	Lexer		lx;
	char		key[MAX_STRING + 1];

	clear_error(&scratch);
	lexer_init(&lx, s, len, alloc, &scratch);
	/* no converter: \u escapes read as UTF-8, which never fails; the key sought is ASCII */
	if (expect(&lx, '{', "{") < 0)
		return 0;
	for (;;)
	{
		if (lex_string(&lx, key, sizeof(key), NULL) < 0 || expect(&lx, ':', ":") < 0)
			return 0;
		if (strcmp(key, "format_version") == 0)
		{
			int64_t		v;

			if (lex_int(&lx, key, INT32_MIN, INT32_MAX, &v) < 0)
				return 0;
			*version = (int32_t) v;
			return 1;
		}
		if (skip_value(&lx, 0) < 0)
			return 0;
		skip_ws(&lx);
		if (peek(&lx) != ',')
			return 0;
		lx.pos++;
	}
}

static int
newer_version(CrCodecError *err, int32_t version)
{
	clear_error(err);
	err->version = version;
	return set_error(err, CR_CODEC_NEWER_VERSION, 0, 0,
					 "Format version %d is newer than this extension supports (%d).",
					 (int) version, CR_CODEC_MODEL_VERSION);
}

int
cr_model_parse_text(const char *s, size_t len, const CrCodecAlloc *alloc,
					CrModelPlain *out, CrCodecError *err)
{
	Lexer		lx;
	int			rc;
	int32_t		version;

	clear_error(err);
	lexer_init(&lx, s, len, alloc, err);
	lx.to_text = alloc->unicode_to_text;
	rc = parse_object(&lx, out);
	if (rc == 0)
		return 0;
	if (rc == 1)
		return newer_version(err, out->version);
	/* a document from a newer release may not fit this schema at all */
	if (err->status == CR_CODEC_SYNTAX && scan_version(s, len, alloc, &version) &&
		version > CR_CODEC_MODEL_VERSION)
		return newer_version(err, version);
	return -1;
}

/* ---------------------------------------------------------------- binary */

typedef struct Reader
{
	const unsigned char *b;
	size_t		len;
	size_t		pos;
	CrCodecError *err;
} Reader;

static int
need(Reader *r, size_t n)
{
	if (r->len - r->pos < n)
		return set_error(r->err, CR_CODEC_SYNTAX, 1, r->pos,
						 "The message ends at byte %zu, before the model does.", r->len);
	return 0;
}

static uint64_t
get_be(Reader *r, int bytes)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < bytes; i++)
		v = (v << 8) | r->b[r->pos + i];
	r->pos += bytes;
	return v;
}

static int
read_i32(Reader *r, int32_t *out)
{
	if (need(r, 4) < 0)
		return -1;
	*out = (int32_t) (uint32_t) get_be(r, 4);
	return 0;
}

static int
read_i64(Reader *r, int64_t *out)
{
	if (need(r, 8) < 0)
		return -1;
	*out = (int64_t) get_be(r, 8);
	return 0;
}

static int
read_f8(Reader *r, double *out)
{
	uint64_t	u;

	if (need(r, 8) < 0)
		return -1;
	u = get_be(r, 8);
	memcpy(out, &u, sizeof(double));
	return 0;
}

static int
read_f8s(Reader *r, double *out, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (read_f8(r, &out[i]) < 0)
			return -1;
	return 0;
}

int
cr_model_parse_binary(const unsigned char *buf, size_t len, const CrCodecAlloc *alloc,
					  CrModelPlain *out, CrCodecError *err)
{
	Reader		r;
	int32_t		d;
	size_t		D,
				j,
				minrest;

	clear_error(err);
	memset(out, 0, sizeof(*out));
	r.b = buf;
	r.len = len;
	r.pos = 0;
	r.err = err;
	if (read_i32(&r, &out->version) < 0)
		return -1;
	if (out->version > CR_CODEC_MODEL_VERSION)
		return newer_version(err, out->version);
	if (out->version < 1)
		return set_error(err, CR_CODEC_SYNTAX, 1, 0, "Format version %d is not valid.", (int) out->version);
	if (read_i32(&r, &out->flags) < 0 || read_i32(&r, &d) < 0 || read_i32(&r, &out->iterations) < 0)
		return -1;
	if (out->flags & ~CR_CODEC_KNOWN_FLAGS)
		return set_error(err, CR_CODEC_SYNTAX, 1, 4, "Unknown flag bits are set.");
	if (d < 1 || d > CR_CODEC_MAX_FEATURES)
		return set_error(err, CR_CODEC_SYNTAX, 1, 8, "A model has between 1 and %d features, not %d.",
						 CR_CODEC_MAX_FEATURES, (int) d);
	out->d = d;
	D = (size_t) d + 1;
	if (read_i64(&r, &out->n_rows) < 0 || read_i64(&r, &out->n_skipped) < 0 ||
		read_i64(&r, &out->n_retained) < 0 || read_f8(&r, &out->loglik) < 0 ||
		read_f8(&r, &out->null_loglik) < 0 || read_f8(&r, &out->l2) < 0 ||
		read_f8(&r, &out->condition_number) < 0 || read_f8(&r, &out->intercept) < 0)
		return -1;
	/* refuse before allocating when the rest cannot possibly hold the model */
	minrest = 8 * (2 * (size_t) d + D * D) + 5 * (size_t) d;
	if (out->flags & CR_CODEC_HAS_DECILES)
		minrest += 8 * (CR_CODEC_NDECILE_EDGES + CR_CODEC_NDECILE_BINS);
	if (need(&r, minrest) < 0)
		return -1;
	out->coef = codec_alloc(alloc, err, sizeof(double) * d);
	out->means = codec_alloc(alloc, err, sizeof(double) * d);
	out->names = codec_alloc(alloc, err, sizeof(char *) * d);
	out->cov = codec_alloc(alloc, err, sizeof(double) * D * D);
	if (!out->coef || !out->means || !out->names || !out->cov)
		return -1;
	if (read_f8s(&r, out->coef, d) < 0 || read_f8s(&r, out->means, d) < 0)
		return -1;
	if ((out->flags & CR_CODEC_HAS_DECILES) &&
		(read_f8s(&r, out->deciles, CR_CODEC_NDECILE_EDGES) < 0 ||
		 read_f8s(&r, out->shares, CR_CODEC_NDECILE_BINS) < 0))
		return -1;
	for (j = 0; j < (size_t) d; j++)
	{
		int32_t		nl;
		size_t		at = r.pos;

		if (read_i32(&r, &nl) < 0)
			return -1;
		if (nl < 1 || nl > MAX_NAME_BINARY)
			return set_error(err, CR_CODEC_SYNTAX, 1, at, "Feature name %zu has an invalid length %d.",
							 j + 1, (int) nl);
		if (need(&r, (size_t) nl) < 0)
			return -1;
		if (memchr(r.b + r.pos, '\0', (size_t) nl) != NULL)
			return set_error(err, CR_CODEC_SYNTAX, 1, r.pos, "Feature name %zu contains a NUL byte.", j + 1);
		out->names[j] = codec_alloc(alloc, err, (size_t) nl + 1);
		if (out->names[j] == NULL)
			return -1;
		memcpy(out->names[j], r.b + r.pos, (size_t) nl);
		out->names[j][nl] = '\0';
		r.pos += (size_t) nl;
	}
	if (read_f8s(&r, out->cov, D * D) < 0)
		return -1;
	if (r.pos != r.len)
		return set_error(err, CR_CODEC_SYNTAX, 1, r.pos, "%zu bytes follow the end of the model.", r.len - r.pos);
	return 0;
}

/* ---------------------------------------------------------------- validation */

#define INVALID(err, ...) set_error((err), CR_CODEC_INVALID, 0, 0, __VA_ARGS__)

static int
finite_or_error(CrCodecError *err, double v, const char *what)
{
	if (!isfinite(v))
		return INVALID(err, "Field \"%s\" is not a finite number.", what);
	return 0;
}

int
cr_model_check(const CrModelPlain *m, CrCodecError *err)
{
	int			d = m->d;
	size_t		D,
				j,
				k;

	clear_error(err);
	if (m->version > CR_CODEC_MODEL_VERSION)
		return newer_version(err, m->version);
	if (m->version < 1)
		return INVALID(err, "Format version %d is not valid.", (int) m->version);
	if (m->flags & ~CR_CODEC_KNOWN_FLAGS)
		return INVALID(err, "Unknown flag bits are set.");
	if (d < 1 || d > CR_CODEC_MAX_FEATURES)
		return INVALID(err, "A model has between 1 and %d features, not %d.", CR_CODEC_MAX_FEATURES, d);
	D = (size_t) d + 1;
	if (m->n_rows < 0 || m->n_skipped < 0 || m->n_retained < 0 ||
		m->n_retained > m->n_rows || m->iterations < 0)
		return INVALID(err, "Row counts and iterations must be non-negative, and n_retained at most n_rows.");
	if (finite_or_error(err, m->loglik, "log_likelihood") < 0 ||
		finite_or_error(err, m->null_loglik, "null_log_likelihood") < 0 ||
		finite_or_error(err, m->l2, "l2") < 0 ||
		finite_or_error(err, m->condition_number, "condition_number") < 0)
		return -1;
	if (m->l2 < 0)
		return INVALID(err, "The l2 penalty must not be negative.");
	/*
	 * 1.1 computes the condition number exactly: at least 1, and DBL_MAX
	 * for a singular Hessian.  1.0 estimated it by power iteration, the
	 * product of two norms that fall short where extreme eigenvalues have
	 * close neighbours: a well-conditioned 1.0 model may hold slightly less
	 * than 1 (0.9999997 for 1.0003), and the product is bounded below only
	 * by the inverse of the true value, so any positive value may be a 1.0
	 * model's.  Zero and below no version can write.
	 */
	if (!(m->condition_number > 0))
		return INVALID(err, "The condition number must be positive.");
	if (m->loglik > 0 || m->null_loglik > 0)
		return INVALID(err, "Log-likelihoods cannot be positive.");
	if (finite_or_error(err, m->intercept, "intercept") < 0)
		return -1;
	/* retention_score adds the intercept; the summary lists it only when fitted */
	if (!(m->flags & CR_CODEC_INTERCEPT) && m->intercept != 0)
		return INVALID(err, "A model fitted without an intercept must have an intercept of 0.");
	if (m->coef == NULL || m->means == NULL || m->names == NULL)
		return INVALID(err, "The model lacks coefficients, means or names.");
	for (j = 0; j < (size_t) d; j++)
	{
		const char *name = m->names[j];
		size_t		len;

		if (finite_or_error(err, m->coef[j], "coefficients") < 0 ||
			finite_or_error(err, m->means[j], "means") < 0)
			return -1;
		if (name == NULL)
			return INVALID(err, "Feature %zu has no name.", j + 1);
		len = strlen(name);
		if (len == 0 || len > CR_CODEC_MAX_NAME)
			return INVALID(err, "Feature names have 1 to %d bytes; feature %zu has %zu.",
						   CR_CODEC_MAX_NAME, j + 1, len);
		for (k = 0; k < j; k++)
			if (strcmp(m->names[k], name) == 0)
				return INVALID(err, "Feature name \"%s\" appears more than once.", name);
	}
	if (m->flags & CR_CODEC_HAS_DECILES)
	{
		double		total = 0;

		for (j = 0; j < CR_CODEC_NDECILE_EDGES; j++)
		{
			if (finite_or_error(err, m->deciles[j], "score_deciles") < 0)
				return -1;
			if (m->deciles[j] < 0 || m->deciles[j] > 1 || (j > 0 && m->deciles[j] < m->deciles[j - 1]))
				return INVALID(err, "Score decile edges must be ascending within [0, 1].");
		}
		for (j = 0; j < CR_CODEC_NDECILE_BINS; j++)
		{
			if (finite_or_error(err, m->shares[j], "score_shares") < 0)
				return -1;
			if (m->shares[j] < 0 || m->shares[j] > 1)
				return INVALID(err, "Score decile shares must be within [0, 1].");
			total += m->shares[j];
		}
		if (fabs(total - 1.0) > CR_CODEC_SHARES_SUM_TOL)
			return INVALID(err, "Score decile shares must sum to 1.");
	}
	if (m->cov)
	{
		for (j = 0; j < D * D; j++)
			if (finite_or_error(err, m->cov[j], "covariance") < 0)
				return -1;
		for (j = 0; j < D; j++)
			if (m->cov[j * D + j] < 0)
				return INVALID(err, "Covariance diagonal entries cannot be negative.");
		/* training stores it exactly symmetric; allow rounding in hand-made ones */
		for (j = 0; j < D; j++)
			for (k = 0; k < j; k++)
			{
				double		a = m->cov[j * D + k],
							b = m->cov[k * D + j];

				if (fabs(a - b) > 1e-9 * fmax(fabs(a), fabs(b)))
					return INVALID(err, "The covariance matrix is not symmetric: rows %zu and %zu differ.",
								   k + 1, j + 1);
			}
	}
	return 0;
}

/* ---------------------------------------------------------------- printers */

typedef struct Out
{
	char	   *p;
	size_t		n;
	size_t		cap;
} Out;

static void
out_str(Out *o, const char *s)
{
	size_t		len = strlen(s);

	if (o->n + len < o->cap)
	{
		memcpy(o->p + o->n, s, len);
		o->n += len;
		o->p[o->n] = '\0';
	}
}

static void
out_double(Out *o, double v)
{
	char		tmp[40];
	int			prec;

	for (prec = 1; prec <= 17; prec++)
	{
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	out_str(o, tmp);
}

static void
out_array(Out *o, const double *v, size_t n)
{
	size_t		i;

	out_str(o, "[");
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			out_str(o, ", ");
		out_double(o, v[i]);
	}
	out_str(o, "]");
}

static void
out_json_string(Out *o, const char *s)
{
	char		tmp[8];

	out_str(o, "\"");
	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		switch (c)
		{
			case '"':
				out_str(o, "\\\"");
				break;
			case '\\':
				out_str(o, "\\\\");
				break;
			case '\b':
				out_str(o, "\\b");
				break;
			case '\f':
				out_str(o, "\\f");
				break;
			case '\n':
				out_str(o, "\\n");
				break;
			case '\r':
				out_str(o, "\\r");
				break;
			case '\t':
				out_str(o, "\\t");
				break;
			default:
				if (c < 0x20)
					snprintf(tmp, sizeof(tmp), "\\u%04x", c);
				else
				{
					tmp[0] = (char) c;
					tmp[1] = '\0';
				}
				out_str(o, tmp);
		}
	}
	out_str(o, "\"");
}

char *
cr_model_format_text(const CrModelPlain *m, const CrCodecAlloc *alloc, size_t *outlen)
{
	size_t		D = (size_t) m->d + 1;
	size_t		cap = 1024 + 32 * (2 * (size_t) m->d + D * D + 21);
	Out			o;
	char		tmp[256];
	size_t		j;

	for (j = 0; j < (size_t) m->d; j++)
		cap += 6 * strlen(m->names[j]) + 4;
	o.p = alloc->alloc(alloc->ctx, cap);
	if (o.p == NULL)
		return NULL;
	o.n = 0;
	o.cap = cap;
	o.p[0] = '\0';
	snprintf(tmp, sizeof(tmp), "{\"format_version\": %d, \"features\": [", (int) m->version);
	out_str(&o, tmp);
	for (j = 0; j < (size_t) m->d; j++)
	{
		if (j > 0)
			out_str(&o, ", ");
		out_json_string(&o, m->names[j]);
	}
	out_str(&o, "], \"intercept\": ");
	out_double(&o, m->intercept);
	out_str(&o, ", \"coefficients\": ");
	out_array(&o, m->coef, m->d);
	out_str(&o, ", \"means\": ");
	out_array(&o, m->means, m->d);
	snprintf(tmp, sizeof(tmp), ", \"fit_intercept\": %s, \"class_weight\": %s",
			 (m->flags & CR_CODEC_INTERCEPT) ? "true" : "false",
			 (m->flags & CR_CODEC_BALANCED) ? "\"balanced\"" : "null");
	out_str(&o, tmp);
	snprintf(tmp, sizeof(tmp), ", \"n_rows\": %" PRId64 ", \"n_skipped\": %" PRId64
			 ", \"n_retained\": %" PRId64 ", \"iterations\": %d, \"converged\": %s",
			 m->n_rows, m->n_skipped, m->n_retained, (int) m->iterations,
			 (m->flags & CR_CODEC_CONVERGED) ? "true" : "false");
	out_str(&o, tmp);
	out_str(&o, ", \"log_likelihood\": ");
	out_double(&o, m->loglik);
	out_str(&o, ", \"null_log_likelihood\": ");
	out_double(&o, m->null_loglik);
	out_str(&o, ", \"l2\": ");
	out_double(&o, m->l2);
	out_str(&o, ", \"condition_number\": ");
	out_double(&o, m->condition_number);
	if (m->flags & CR_CODEC_HAS_DECILES)
	{
		out_str(&o, ", \"score_deciles\": ");
		out_array(&o, m->deciles, CR_CODEC_NDECILE_EDGES);
		out_str(&o, ", \"score_shares\": ");
		out_array(&o, m->shares, CR_CODEC_NDECILE_BINS);
	}
	out_str(&o, ", \"covariance\": [");
	for (j = 0; j < D; j++)
	{
		if (j > 0)
			out_str(&o, ", ");
		out_array(&o, m->cov + j * D, D);
	}
	out_str(&o, "]}");
	if (outlen)
		*outlen = o.n;
	return o.p;
}

static unsigned char *
put_be(unsigned char *p, uint64_t v, int bytes)
{
	int			i;

	for (i = bytes - 1; i >= 0; i--)
	{
		p[i] = (unsigned char) (v & 0xFF);
		v >>= 8;
	}
	return p + bytes;
}

static unsigned char *
put_f8(unsigned char *p, double v)
{
	uint64_t	u;

	memcpy(&u, &v, sizeof(u));
	return put_be(p, u, 8);
}

unsigned char *
cr_model_format_binary(const CrModelPlain *m, const CrCodecAlloc *alloc, size_t *outlen)
{
	size_t		d = (size_t) m->d;
	size_t		D = d + 1;
	size_t		size = 16 + 24 + 40 + 16 * d + 8 * D * D;
	unsigned char *buf,
			   *p;
	size_t		j;

	if (m->flags & CR_CODEC_HAS_DECILES)
		size += 8 * (CR_CODEC_NDECILE_EDGES + CR_CODEC_NDECILE_BINS);
	for (j = 0; j < d; j++)
		size += 4 + strlen(m->names[j]);
	buf = alloc->alloc(alloc->ctx, size);
	if (buf == NULL)
		return NULL;
	p = buf;
	p = put_be(p, (uint32_t) m->version, 4);
	p = put_be(p, (uint32_t) m->flags, 4);
	p = put_be(p, (uint32_t) m->d, 4);
	p = put_be(p, (uint32_t) m->iterations, 4);
	p = put_be(p, (uint64_t) m->n_rows, 8);
	p = put_be(p, (uint64_t) m->n_skipped, 8);
	p = put_be(p, (uint64_t) m->n_retained, 8);
	p = put_f8(p, m->loglik);
	p = put_f8(p, m->null_loglik);
	p = put_f8(p, m->l2);
	p = put_f8(p, m->condition_number);
	p = put_f8(p, m->intercept);
	for (j = 0; j < d; j++)
		p = put_f8(p, m->coef[j]);
	for (j = 0; j < d; j++)
		p = put_f8(p, m->means[j]);
	if (m->flags & CR_CODEC_HAS_DECILES)
	{
		for (j = 0; j < CR_CODEC_NDECILE_EDGES; j++)
			p = put_f8(p, m->deciles[j]);
		for (j = 0; j < CR_CODEC_NDECILE_BINS; j++)
			p = put_f8(p, m->shares[j]);
	}
	for (j = 0; j < d; j++)
	{
		size_t		len = strlen(m->names[j]);

		p = put_be(p, (uint32_t) len, 4);
		memcpy(p, m->names[j], len);
		p += len;
	}
	for (j = 0; j < D * D; j++)
		p = put_f8(p, m->cov[j]);
	if (outlen)
		*outlen = (size_t) (p - buf);
	return buf;
}
