/*
 * cr_rule_json.c
 *	  A small, strict JSON reader (RFC 8259) for the JsonLogic front end.
 *
 * Plain C, no PostgreSQL headers.  Recursion is bounded by CJ_MAX_DEPTH,
 * checked before descending, so deeply nested input fails with an error.
 */
#include "cr_rule_json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Reader
{
	const char *s;
	size_t		n;
	size_t		i;
	CjDoc	   *doc;
	int			cap;
	char	   *sp;				/* next free byte of doc->strings */
	const CrRuleMem *mem;
	CrRuleError *err;
} Reader;

static int
json_error(Reader *r, const char *what)
{
	return cr_set_error(r->err, CR_ERR_JSON, (long) r->i, "invalid JSON at byte %zu: %s", r->i, what);
}

static void
skip_ws(Reader *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' ||
						   r->s[r->i] == '\n' || r->s[r->i] == '\r'))
		r->i++;
}

static int
new_node(Reader *r, int type)
{
	CjNode	   *nd;

	if (r->doc->nnodes == r->cap)
	{
		int			cap = r->cap ? 2 * r->cap : 64;
		CjNode	   *nn = cr_mem_realloc(r->mem, r->doc->nodes, sizeof(CjNode) * (size_t) cap);

		if (nn == NULL)
			return -1;
		r->doc->nodes = nn;
		r->cap = cap;
	}
	nd = &r->doc->nodes[r->doc->nnodes];
	memset(nd, 0, sizeof(*nd));
	nd->type = type;
	nd->first = -1;
	nd->next = -1;
	return r->doc->nnodes++;
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned	v = 0;

	for (int k = 0; k < 4; k++)
	{
		char		c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned) (c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned) (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned) (c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

/*
 * A \uXXXX escape at s[i] (the backslash), surrogate pairs joined, as the
 * character of the text's encoding (mem->unicode_to_text).
 */
static int
read_unicode(Reader *r)
{
	unsigned	cp,
				lo;
	size_t		esc = r->i;
	size_t		n;

	if (r->n - r->i < 6 || !hex4(r->s + r->i + 2, &cp))
		return json_error(r, "bad \\u escape");
	r->i += 6;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return json_error(r, "lone low surrogate");
	if (cp >= 0xD800 && cp <= 0xDBFF)
	{
		if (r->n - r->i < 6 || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u' ||
			!hex4(r->s + r->i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
			return json_error(r, "lone high surrogate");
		r->i += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (cp == 0)
		return cr_set_error(r->err, CR_ERR_INVALID, (long) r->i, "JSON string contains \\u0000");
	n = cr_unicode_to_text(r->mem ? r->mem->unicode_to_text : NULL, cp, r->sp);
	if (n == 0)
		return cr_set_error(r->err, CR_ERR_UNTRANSLATABLE, (long) esc,
							"character U+%04X of the \\u escape at byte %zu has no equivalent in the encoding of the JSON text",
							cp, esc);
	r->sp += n;
	return CR_OK;
}

/* A string at s[i] (the quote) into the string block. */
static int
read_string(Reader *r, const char **out, size_t *outlen)
{
	char	   *start = r->sp;

	r->i++;
	for (;;)
	{
		unsigned char c;

		if (r->i >= r->n)
			return json_error(r, "unterminated string");
		c = (unsigned char) r->s[r->i];
		if (c == '"')
			break;
		if (c < 0x20)
			return json_error(r, "control character in a string");
		if (c != '\\')
		{
			*r->sp++ = (char) c;
			r->i++;
			continue;
		}
		if (r->i + 1 >= r->n)
			return json_error(r, "unterminated string");
		switch (r->s[r->i + 1])
		{
			case '"': *r->sp++ = '"'; break;
			case '\\': *r->sp++ = '\\'; break;
			case '/': *r->sp++ = '/'; break;
			case 'b': *r->sp++ = '\b'; break;
			case 'f': *r->sp++ = '\f'; break;
			case 'n': *r->sp++ = '\n'; break;
			case 'r': *r->sp++ = '\r'; break;
			case 't': *r->sp++ = '\t'; break;
			case 'u':
				{
					int			rc = read_unicode(r);

					if (rc != CR_OK)
						return rc;
					continue;
				}
			default:
				return json_error(r, "bad escape");
		}
		r->i += 2;
	}
	r->i++;
	*out = start;
	*outlen = (size_t) (r->sp - start);
	*r->sp++ = '\0';
	return CR_OK;
}

/* A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
read_number(Reader *r, CjNode *nd)
{
	const char *s = r->s;
	size_t		i = r->i;
	size_t		start = i;
	char		small[512];
	char	   *tmp = small;

	if (i < r->n && s[i] == '-')
		i++;
	if (i < r->n && s[i] == '0')
		i++;
	else if (i < r->n && s[i] >= '1' && s[i] <= '9')
		while (i < r->n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return json_error(r, "unexpected character");
	if (i < r->n && s[i] == '.')
	{
		if (++i >= r->n || s[i] < '0' || s[i] > '9')
			return json_error(r, "bad number");
		while (i < r->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < r->n && (s[i] == 'e' || s[i] == 'E'))
	{
		i++;
		if (i < r->n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= r->n || s[i] < '0' || s[i] > '9')
			return json_error(r, "bad number");
		while (i < r->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	/* jsonb keeps a numeral as written: 1.000...0 may have any length */
	if (i - start >= sizeof(small) &&
		(tmp = cr_mem_alloc(r->mem, i - start + 1)) == NULL)
		return cr_set_error(r->err, CR_ERR_NOMEM, -1, "out of memory");
	memcpy(tmp, s + start, i - start);
	tmp[i - start] = '\0';
	errno = 0;
	nd->num = strtod(tmp, NULL);
	if (tmp != small)
		cr_mem_free(r->mem, tmp);
	/* as float8in: beyond the range, or so small it reads as zero */
	if (!isfinite(nd->num) || (errno == ERANGE && nd->num == 0.0))
		return cr_set_error(r->err, CR_ERR_NUMBER_RANGE, (long) start,
							"JSON number %.*s%s (at byte %zu, %zu characters) is out of range for double precision",
							(int) (i - start > 12 ? 12 : i - start), s + start,
							i - start > 12 ? "..." : "", start, i - start);
	nd->str = s + start;
	nd->len = i - start;
	r->i = i;
	return CR_OK;
}

static int	read_value(Reader *r, int depth, int *idx);

/* The elements of an array or the members of an object, after the bracket. */
static int
read_children(Reader *r, int depth, int parent, int isobj)
{
	int			last = -1;
	char		close = isobj ? '}' : ']';

	skip_ws(r);
	if (r->i < r->n && r->s[r->i] == close)
	{
		r->i++;
		return CR_OK;
	}
	for (;;)
	{
		const char *key = NULL;
		size_t		keylen = 0;
		int			child;
		int			rc;

		skip_ws(r);
		if (isobj)
		{
			if (r->i >= r->n || r->s[r->i] != '"')
				return json_error(r, "expected a key");
			if ((rc = read_string(r, &key, &keylen)) != CR_OK)
				return rc;
			skip_ws(r);
			if (r->i >= r->n || r->s[r->i] != ':')
				return json_error(r, "expected \":\"");
			r->i++;
		}
		if ((rc = read_value(r, depth + 1, &child)) != CR_OK)
			return rc;
		r->doc->nodes[child].key = key;
		r->doc->nodes[child].keylen = keylen;
		if (last < 0)
			r->doc->nodes[parent].first = child;
		else
			r->doc->nodes[last].next = child;
		last = child;
		r->doc->nodes[parent].n++;
		skip_ws(r);
		if (r->i < r->n && r->s[r->i] == ',')
		{
			r->i++;
			continue;
		}
		if (r->i < r->n && r->s[r->i] == close)
		{
			r->i++;
			return CR_OK;
		}
		return json_error(r, isobj ? "expected \",\" or \"}\"" : "expected \",\" or \"]\"");
	}
}

static int
read_value(Reader *r, int depth, int *idx)
{
	char		c;
	int			k;

	skip_ws(r);
	if (r->i >= r->n)
		return json_error(r, "unexpected end of input");
	c = r->s[r->i];
	if ((c == '[' || c == '{') && depth >= CJ_MAX_DEPTH)
		return cr_set_error(r->err, CR_ERR_INVALID, (long) r->i,
							"JsonLogic rule is nested too deeply: more than %d levels of arrays and objects (at byte %zu)",
							CJ_MAX_DEPTH, r->i);
	k = new_node(r, c == '[' ? CJ_ARR : c == '{' ? CJ_OBJ : c == '"' ? CJ_STR :
				 c == 't' ? CJ_TRUE : c == 'f' ? CJ_FALSE : c == 'n' ? CJ_NULL : CJ_NUM);
	if (k < 0)
		return cr_set_error(r->err, CR_ERR_NOMEM, -1, "out of memory");
	*idx = k;
	switch (c)
	{
		case '[':
		case '{':
			r->i++;
			return read_children(r, depth, k, c == '{');
		case '"':
			return read_string(r, &r->doc->nodes[k].str, &r->doc->nodes[k].len);
		case 't':
		case 'f':
		case 'n':
			{
				const char *w = c == 't' ? "true" : c == 'f' ? "false" : "null";
				size_t		wl = strlen(w);

				if (r->n - r->i < wl || memcmp(r->s + r->i, w, wl) != 0)
					return json_error(r, "unexpected word");
				r->i += wl;
				return CR_OK;
			}
		default:
			return read_number(r, &r->doc->nodes[k]);
	}
}

/*
 * Bytes of the string block: unescaped strings are never longer than their
 * JSON text, but for the \u escapes (6 bytes of text), which may become up
 * to CR_UNICODE_MAX_BYTES bytes each.  Every "\u" counts, even one that
 * follows an escaped backslash.
 */
static size_t
strings_size(const char *text, size_t len)
{
	size_t		size = len + 1;
	const char *p = text;
	const char *end = text + len;

	while (p < end && (p = memchr(p, '\\', (size_t) (end - p))) != NULL && ++p < end)
		if (*p == 'u')
			size += CR_UNICODE_MAX_BYTES - 6;
	return size;
}

int
cr_json_read(const char *text, size_t len, const CrRuleMem *mem, CjDoc *doc, CrRuleError *err)
{
	Reader		r;
	int			root;
	int			rc;

	memset(doc, 0, sizeof(*doc));
	memset(&r, 0, sizeof(r));
	r.s = text;
	r.n = len;
	r.doc = doc;
	r.mem = mem;
	r.err = err;
	if (len > CR_RULE_MAX_BYTES)
		return cr_set_error(err, CR_ERR_TOO_MANY, -1, "JsonLogic rule is too long: %zu bytes of JSON, the limit is %d",
							len, CR_RULE_MAX_BYTES);
	doc->strings = cr_mem_alloc(mem, strings_size(text, len));
	if (doc->strings == NULL)
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	r.sp = doc->strings;
	rc = read_value(&r, 0, &root);
	if (rc == CR_OK)
	{
		skip_ws(&r);
		if (r.i != r.n)
			rc = json_error(&r, "text after the value");
	}
	if (rc != CR_OK)
		cr_json_free(doc, mem);
	return rc;
}

void
cr_json_free(CjDoc *doc, const CrRuleMem *mem)
{
	cr_mem_free(mem, doc->nodes);
	cr_mem_free(mem, doc->strings);
	memset(doc, 0, sizeof(*doc));
}

/*
 * The byte length of the JavaScript white space or line terminator (what
 * Number() trims: tab, LF, VT, FF, CR, space, U+00A0, U+1680, U+2000 to
 * U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF) that starts at
 * s[0] (at_end 0) or ends at s[n - 1] (at_end 1) of the UTF-8 text s[0..n),
 * or 0.
 */
static size_t
js_space(const char *s, size_t n, int at_end)
{
	static const char *const wide[] = {
		"\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF",
		"\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"
	};
	const unsigned char *u;

	if (n == 0)
		return 0;
	u = (const unsigned char *) (at_end ? s + n - 1 : s);
	if (*u != '\0' && strchr(" \t\n\v\f\r", *u))
		return 1;
	for (size_t w = 0; w < sizeof(wide) / sizeof(wide[0]); w++)
	{
		size_t		k = strlen(wide[w]);

		if (n >= k && memcmp(at_end ? s + n - k : s, wide[w], k) == 0)
			return k;
	}
	/* U+2000 .. U+200A: E2 80 80 .. E2 80 8A */
	if (n < 3)
		return 0;
	u = (const unsigned char *) (at_end ? s + n - 3 : s);
	return u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x80 && u[2] <= 0x8A ? 3 : 0;
}

/*
 * JavaScript's Number(s) for a string literal: 0 when blank, NaN (*nan) when
 * not numeric (any other non-ASCII character makes it so); 0 for forms this
 * reader does not decide (0x/0o/0b prefixes, Infinity, numerals of 128
 * characters or more), which the caller rejects.
 */
int
cr_js_number(const char *s, size_t n, double *out, int *nan)
{
	char		tmp[128];
	size_t		i = 0;
	size_t		k;
	char	   *end;
	size_t		w;

	while ((w = js_space(s + i, n - i, 0)) > 0)
		i += w;
	while ((w = js_space(s + i, n - i, 1)) > 0)
		n -= w;
	*nan = 0;
	*out = 0;
	if (i == n)
		return 1;
	if ((n - i >= 2 && s[i] == '0' && strchr("xXoObB", s[i + 1]) && s[i + 1] != '\0') ||
		memchr(s + i, 'I', n - i) != NULL)
		return 0;
	/* a decimal literal: [+-] digits [. digits] [e [+-] digits] */
	k = i;
	if (k < n && (s[k] == '+' || s[k] == '-'))
		k++;
	{
		size_t		d0 = k;
		size_t		digits;

		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
		digits = k - d0;
		if (k < n && s[k] == '.')
		{
			k++;
			while (k < n && s[k] >= '0' && s[k] <= '9')
			{
				k++;
				digits++;
			}
		}
		if (digits > 0 && k < n && (s[k] == 'e' || s[k] == 'E'))
		{
			size_t		e = k + 1;

			if (e < n && (s[e] == '+' || s[e] == '-'))
				e++;
			if (e < n && s[e] >= '0' && s[e] <= '9')
			{
				while (e < n && s[e] >= '0' && s[e] <= '9')
					e++;
				k = e;
			}
		}
		if (digits == 0 || k != n)
		{
			*nan = 1;
			return 1;
		}
	}
	/* a numeral too long for the buffer is still a number to JavaScript */
	if (n - i >= sizeof(tmp))
		return 0;
	memcpy(tmp, s + i, n - i);
	tmp[n - i] = '\0';
	*out = strtod(tmp, &end);
	return 1;
}
