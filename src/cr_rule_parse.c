/*
 * cr_rule_parse.c
 *	  The incentive condition language, in plain C: tokenizer, recursive-
 *	  descent parser compiling to postfix code, validator/decoder, canonical
 *	  printer and three-valued evaluator.  See cr_rule.h for the format.
 *
 * Grammar (keywords and function names are case-insensitive; unquoted
 * identifiers fold to lower case, "quoted" ones keep their case):
 *
 *	 expr    := and_x { OR and_x }
 *	 and_x   := not_x { AND not_x }
 *	 not_x   := NOT not_x | pred
 *	 pred    := sum [ cmp sum | IS [NOT] NULL | [NOT] BETWEEN sum AND sum
 *	                | [NOT] IN '(' expr { ',' expr } ')' ]
 *	 cmp     := '=' | '<>' | '!=' | '<' | '<=' | '>' | '>='
 *	 sum     := prod { ('+' | '-') prod }
 *	 prod    := unary { ('*' | '/' | '%') unary }
 *	 unary   := ('-' | '+') unary | primary
 *	 primary := number | 'string' | TRUE | FALSE | NULL | name
 *	          | func '(' expr { ',' expr } ')' | '(' expr ')'
 */
#include "cr_rule.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ memory */

static void *
mem_alloc(const CrRuleMem *mem, size_t size)
{
	if (mem && mem->alloc)
		return mem->alloc(size, mem->ctx);
	return malloc(size ? size : 1);
}

static void *
mem_realloc(const CrRuleMem *mem, void *ptr, size_t size)
{
	if (mem && mem->realloc)
		return ptr ? mem->realloc(ptr, size, mem->ctx) : mem->alloc(size, mem->ctx);
	return realloc(ptr, size ? size : 1);
}

static void
mem_free(const CrRuleMem *mem, void *ptr)
{
	if (ptr == NULL)
		return;
	if (mem && mem->free)
		mem->free(ptr, mem->ctx);
	else
		free(ptr);
}

#if defined(__GNUC__)
static int	set_error(CrRuleError *err, int code, long position, const char *fmt,...)
			__attribute__((format(printf, 4, 5)));
#endif

static int
set_error(CrRuleError *err, int code, long position, const char *fmt,...)
{
	va_list		ap;

	if (err)
	{
		err->code = code;
		err->position = position;
		err->node = -1;
		err->expected[0] = '\0';
		err->found[0] = '\0';
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* A growable byte buffer. */
typedef struct Buf
{
	const CrRuleMem *mem;
	uint8_t    *data;
	size_t		len;
	size_t		cap;
	int			oom;
} Buf;

static void
buf_reserve(Buf *b, size_t more)
{
	size_t		need;
	uint8_t    *p;

	if (b->oom)
		return;
	need = b->len + more;
	if (need <= b->cap)
		return;
	if (need > CR_RULE_MAX_BYTES * 4)
	{
		b->oom = 1;
		return;
	}
	{
		size_t		ncap = b->cap ? b->cap * 2 : 256;

		while (ncap < need)
			ncap *= 2;
		p = mem_realloc(b->mem, b->data, ncap);
		if (p == NULL)
		{
			b->oom = 1;
			return;
		}
		b->data = p;
		b->cap = ncap;
	}
}

static void
buf_bytes(Buf *b, const void *src, size_t n)
{
	buf_reserve(b, n);
	if (b->oom)
		return;
	if (n)
		memcpy(b->data + b->len, src, n);
	b->len += n;
}

static void
buf_u8(Buf *b, unsigned v)
{
	uint8_t		c = (uint8_t) v;

	buf_bytes(b, &c, 1);
}

static void
buf_u16(Buf *b, unsigned v)
{
	uint8_t		c[2] = {(uint8_t) (v & 0xff), (uint8_t) ((v >> 8) & 0xff)};

	buf_bytes(b, c, 2);
}

static void
buf_u32(Buf *b, uint32_t v)
{
	uint8_t		c[4];

	for (int i = 0; i < 4; i++)
		c[i] = (uint8_t) ((v >> (8 * i)) & 0xff);
	buf_bytes(b, c, 4);
}

static void
buf_f64(Buf *b, double d)
{
	uint64_t	u;
	uint8_t		c[8];

	memcpy(&u, &d, 8);
	for (int i = 0; i < 8; i++)
		c[i] = (uint8_t) ((u >> (8 * i)) & 0xff);
	buf_bytes(b, c, 8);
}

static void
buf_str(Buf *b, const char *s)
{
	buf_bytes(b, s, strlen(s));
}

static uint32_t
rd_u16(const uint8_t *p)
{
	return (uint32_t) p[0] | ((uint32_t) p[1] << 8);
}

static uint32_t
rd_u32(const uint8_t *p)
{
	return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static double
rd_f64(const uint8_t *p)
{
	uint64_t	u = 0;
	double		d;

	for (int i = 7; i >= 0; i--)
		u = (u << 8) | p[i];
	memcpy(&d, &u, 8);
	return d;
}

/* ------------------------------------------------------------------ tables */

static const struct
{
	const char *name;
	int			min_args;
	int			max_args;
}			func_table[CR_FN_LAST_] =
{
	[CR_FN_ABS] = {"abs", 1, 1},
	[CR_FN_LEAST] = {"least", 1, CR_RULE_MAX_ITEMS},
	[CR_FN_GREATEST] = {"greatest", 1, CR_RULE_MAX_ITEMS},
	[CR_FN_COALESCE] = {"coalesce", 1, CR_RULE_MAX_ITEMS},
	[CR_FN_LN] = {"ln", 1, 1},
	[CR_FN_EXP] = {"exp", 1, 1},
	[CR_FN_SQRT] = {"sqrt", 1, 1},
	[CR_FN_FLOOR] = {"floor", 1, 1},
	[CR_FN_CEIL] = {"ceil", 1, 1},
	[CR_FN_ROUND] = {"round", 1, 2},
};

const char *
cr_rule_func_name(int fn)
{
	if (fn < 0 || fn >= CR_FN_LAST_)
		return "?";
	return func_table[fn].name;
}

const char *
cr_rule_kind_name(int kind)
{
	switch (kind)
	{
		case CR_VAL_NUM:
			return "number";
		case CR_VAL_TEXT:
			return "text";
		case CR_VAL_BOOL:
			return "boolean";
		default:
			return "null";
	}
}

static const char *const keywords[] = {
	"and", "or", "not", "is", "null", "true", "false", "between", "in"
};

/* ------------------------------------------------------------------ lexer */

typedef enum Tok
{
	T_EOF,
	T_NUM,
	T_STR,
	T_IDENT,
	T_QIDENT,
	T_AND,
	T_OR,
	T_NOT,
	T_IS,
	T_NULL,
	T_TRUE,
	T_FALSE,
	T_BETWEEN,
	T_IN,
	T_LP,
	T_RP,
	T_COMMA,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_PCT,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE
} Tok;

typedef struct Parser
{
	const char *src;
	size_t		srclen;
	size_t		pos;			/* scan position */
	Tok			tok;			/* current token */
	size_t		tpos;			/* its start */
	size_t		tlen;			/* its raw length */
	int			depth;
	const CrRuleMem *mem;
	CrRuleError *err;
	int			failed;
	Buf			code;
	Buf			names;			/* u16 len + bytes, as in the format */
	int			nnames;
	size_t		name_off[CR_RULE_MAX_NAMES];
	uint32_t	name_len[CR_RULE_MAX_NAMES];
	char		scratch[CR_RULE_MAX_NAME + 1];
	char		numbuf[512];
} Parser;

/* ASCII-only case folding: the same on every server, whatever the locale. */
static int
ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int
is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int
is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Describe the current token for "but found ...". */
static void
describe_token(Parser *p, char *out, size_t outsz)
{
	size_t		n;

	if (p->tok == T_EOF)
	{
		snprintf(out, outsz, "end of input");
		return;
	}
	n = p->tlen;
	if (n > 40)
	{
		n = 40;
		/* never cut a multibyte character in half */
		while (n > 0 && ((unsigned char) p->src[p->tpos + n] & 0xC0) == 0x80)
			n--;
		snprintf(out, outsz, "\"%.*s...\"", (int) n, p->src + p->tpos);
	}
	else
		snprintf(out, outsz, "\"%.*s\"", (int) n, p->src + p->tpos);
}

static void
syntax_error(Parser *p, const char *expected)
{
	if (p->failed)
		return;
	p->failed = 1;
	set_error(p->err, CR_ERR_SYNTAX, (long) p->tpos, "syntax error");
	snprintf(p->err->expected, sizeof(p->err->expected), "%s", expected);
	describe_token(p, p->err->found, sizeof(p->err->found));
}

static void
lex_error(Parser *p, int code, size_t pos, const char *msg)
{
	if (p->failed)
		return;
	p->failed = 1;
	set_error(p->err, code, (long) pos, "%s", msg);
}

/* Scan the next token into p->tok. */
static void
next(Parser *p)
{
	const char *s = p->src;
	size_t		n = p->srclen;
	size_t		i = p->pos;
	unsigned char c;

	if (p->failed)
	{
		p->tok = T_EOF;
		return;
	}
	while (i < n && is_space((unsigned char) s[i]))
		i++;
	p->tpos = i;
	if (i >= n)
	{
		p->tok = T_EOF;
		p->tlen = 0;
		p->pos = i;
		return;
	}
	c = (unsigned char) s[i];
	if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9'))
	{
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i < n && s[i] == '.')
		{
			i++;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
		}
		if (i < n && (s[i] == 'e' || s[i] == 'E'))
		{
			size_t		j = i + 1;

			if (j < n && (s[j] == '+' || s[j] == '-'))
				j++;
			if (j < n && s[j] >= '0' && s[j] <= '9')
			{
				while (j < n && s[j] >= '0' && s[j] <= '9')
					j++;
				i = j;
			}
		}
		p->tok = T_NUM;
	}
	else if (c == '\'' || c == '"')
	{
		char		q = (char) c;

		i++;
		for (;;)
		{
			if (i >= n)
			{
				lex_error(p, CR_ERR_SYNTAX, p->tpos,
						  q == '\'' ? "unterminated quoted string" : "unterminated quoted identifier");
				p->tok = T_EOF;
				return;
			}
			if (s[i] == '\0')
			{
				lex_error(p, CR_ERR_SYNTAX, i, "NUL byte in condition text");
				p->tok = T_EOF;
				return;
			}
			if (s[i] == q)
			{
				if (i + 1 < n && s[i + 1] == q)
				{
					i += 2;
					continue;
				}
				i++;
				break;
			}
			i++;
		}
		p->tok = (q == '\'') ? T_STR : T_QIDENT;
	}
	else if (is_ident_start(c))
	{
		size_t		len;

		while (i < n && is_ident_char((unsigned char) s[i]))
			i++;
		len = i - p->tpos;
		p->tok = T_IDENT;
		for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
		{
			size_t		kl = strlen(keywords[k]);
			size_t		m;

			if (kl != len)
				continue;
			for (m = 0; m < len; m++)
				if (ascii_lower((unsigned char) s[p->tpos + m]) != keywords[k][m])
					break;
			if (m == len)
			{
				static const Tok kt[] = {T_AND, T_OR, T_NOT, T_IS, T_NULL, T_TRUE, T_FALSE, T_BETWEEN, T_IN};

				p->tok = kt[k];
				break;
			}
		}
	}
	else
	{
		i++;
		switch (c)
		{
			case '(':
				p->tok = T_LP;
				break;
			case ')':
				p->tok = T_RP;
				break;
			case ',':
				p->tok = T_COMMA;
				break;
			case '+':
				p->tok = T_PLUS;
				break;
			case '-':
				p->tok = T_MINUS;
				break;
			case '*':
				p->tok = T_STAR;
				break;
			case '/':
				p->tok = T_SLASH;
				break;
			case '%':
				p->tok = T_PCT;
				break;
			case '=':
				p->tok = T_EQ;
				break;
			case '<':
				if (i < n && s[i] == '=')
				{
					i++;
					p->tok = T_LE;
				}
				else if (i < n && s[i] == '>')
				{
					i++;
					p->tok = T_NE;
				}
				else
					p->tok = T_LT;
				break;
			case '>':
				if (i < n && s[i] == '=')
				{
					i++;
					p->tok = T_GE;
				}
				else
					p->tok = T_GT;
				break;
			case '!':
				if (i < n && s[i] == '=')
				{
					i++;
					p->tok = T_NE;
					break;
				}
				/* FALLTHROUGH */
			default:
				{
					/* report the whole (possibly multibyte) character */
					unsigned char c = (unsigned char) s[p->tpos];
					int			first = !p->failed;

					while (i < n && ((unsigned char) s[i] & 0xC0) == 0x80)
						i++;
					p->tlen = i - p->tpos;
					p->pos = i;
					syntax_error(p, "an operand or an operator");
					if (first)
					{
						/* the character itself, not the previous token (none at the start) */
						if (c < 0x20 || c == 0x7f)
							snprintf(p->err->found, sizeof(p->err->found), "character 0x%02X", c);
						else
							snprintf(p->err->found, sizeof(p->err->found), "\"%.*s\"",
									 (int) p->tlen, p->src + p->tpos);
					}
					snprintf(p->err->message, sizeof(p->err->message), "unexpected character");
					p->tok = T_EOF;
					return;
				}
		}
	}
	p->tlen = i - p->tpos;
	p->pos = i;
}

/* ------------------------------------------------------------------ parser */

static int	decode_internal(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
							CrRuleProg **progp, CrRuleError *err, int types);
static int	check_shape(const CrRuleProg *prog, const CrRuleMem *mem, CrRuleError *err);

static void
emit_op(Parser *p, int op)
{
	buf_u8(&p->code, (unsigned) op);
}

static void
emit_op_n(Parser *p, int op, unsigned n)
{
	buf_u8(&p->code, (unsigned) op);
	buf_u16(&p->code, n);
}

/*
 * Unescape the current quoted token (string or identifier) into a new buffer
 * appended at the end of b; returns its length.
 */
static size_t
unquote_into(Parser *p, Buf *b)
{
	const char *s = p->src + p->tpos;
	char		q = s[0];
	size_t		n = p->tlen - 1;	/* without the closing quote */
	size_t		out = 0;

	for (size_t i = 1; i < n; i++)
	{
		buf_u8(b, (unsigned char) s[i]);
		out++;
		if (s[i] == q)
			i++;				/* doubled quote */
	}
	return out;
}

static void
add_feature(Parser *p)
{
	const char *name;
	size_t		len;
	int			idx;

	if (p->tok == T_QIDENT)
	{
		Buf			tmp = {p->mem, NULL, 0, 0, 0};

		len = unquote_into(p, &tmp);
		if (tmp.oom)
		{
			mem_free(p->mem, tmp.data);
			lex_error(p, CR_ERR_NOMEM, p->tpos, "out of memory");
			return;
		}
		if (len == 0)
		{
			mem_free(p->mem, tmp.data);
			lex_error(p, CR_ERR_SYNTAX, p->tpos, "zero-length quoted identifier");
			return;
		}
		if (len > CR_RULE_MAX_NAME)
		{
			mem_free(p->mem, tmp.data);
			lex_error(p, CR_ERR_NAME_TOO_LONG, p->tpos, "feature name is too long");
			return;
		}
		memcpy(p->scratch, tmp.data, len);
		mem_free(p->mem, tmp.data);
	}
	else
	{
		len = p->tlen;
		if (len > CR_RULE_MAX_NAME)
		{
			lex_error(p, CR_ERR_NAME_TOO_LONG, p->tpos, "feature name is too long");
			return;
		}
		for (size_t i = 0; i < len; i++)
			p->scratch[i] = (char) ascii_lower((unsigned char) p->src[p->tpos + i]);
	}
	name = p->scratch;
	for (idx = 0; idx < p->nnames; idx++)
		if (p->name_len[idx] == len &&
			memcmp(p->names.data + p->name_off[idx], name, len) == 0)
			break;
	if (idx == p->nnames)
	{
		if (p->nnames >= CR_RULE_MAX_NAMES)
		{
			lex_error(p, CR_ERR_TOO_MANY, p->tpos, "too many distinct feature names");
			return;
		}
		buf_u16(&p->names, (unsigned) len);
		p->name_off[idx] = p->names.len;
		p->name_len[idx] = (uint32_t) len;
		buf_bytes(&p->names, name, len);
		p->nnames++;
	}
	emit_op_n(p, CR_OP_FEATURE, (unsigned) idx);
}

static void parse_expr(Parser *p);
static void parse_sum(Parser *p);

static int
enter(Parser *p)
{
	/*
	 * Parentheses and the printer's own parentheses count too: a program of
	 * depth CR_RULE_MAX_DEPTH prints with at most two levels per node.
	 */
	if (++p->depth > 2 * CR_RULE_MAX_DEPTH + 8)
	{
		lex_error(p, CR_ERR_TOO_DEEP, p->tpos, "incentive condition is nested too deeply");
		return 0;
	}
	return 1;
}

/* '(' expr { ',' expr } ')' with the '(' already consumed; returns the count. */
static unsigned
parse_list(Parser *p, const char *what)
{
	unsigned	count = 0;

	for (;;)
	{
		parse_expr(p);
		if (p->failed)
			return 0;
		count++;
		if (count > CR_RULE_MAX_ITEMS)
		{
			lex_error(p, CR_ERR_TOO_MANY, p->tpos, "too many items in a list");
			return 0;
		}
		if (p->tok == T_COMMA)
		{
			next(p);
			continue;
		}
		if (p->tok == T_RP)
		{
			next(p);
			return count;
		}
		syntax_error(p, what);
		return 0;
	}
}

static void
parse_primary(Parser *p)
{
	if (p->failed)
		return;
	switch (p->tok)
	{
		case T_NUM:
			{
				char	   *tmp = p->numbuf;
				double		d;

				if (p->tlen >= sizeof(p->numbuf))
				{
					lex_error(p, CR_ERR_NUMBER_RANGE, p->tpos, "numeric literal is too long");
					return;
				}
				memcpy(tmp, p->src + p->tpos, p->tlen);
				tmp[p->tlen] = '\0';
				errno = 0;
				d = strtod(tmp, NULL);
				/* as float8in: ERANGE is an error unless the result is subnormal */
				if (!isfinite(d) || (errno == ERANGE && d == 0.0))
				{
					lex_error(p, CR_ERR_NUMBER_RANGE, p->tpos, "numeric literal is out of range");
					return;
				}
				emit_op(p, CR_OP_NUM);
				buf_f64(&p->code, d);
				next(p);
				return;
			}
		case T_STR:
			{
				size_t		lenpos;
				size_t		len;

				emit_op(p, CR_OP_TEXT);
				lenpos = p->code.len;
				buf_u32(&p->code, 0);
				len = unquote_into(p, &p->code);
				if (!p->code.oom)
				{
					for (int i = 0; i < 4; i++)
						p->code.data[lenpos + i] = (uint8_t) ((len >> (8 * i)) & 0xff);
				}
				next(p);
				return;
			}
		case T_TRUE:
			emit_op(p, CR_OP_TRUE);
			next(p);
			return;
		case T_FALSE:
			emit_op(p, CR_OP_FALSE);
			next(p);
			return;
		case T_NULL:
			emit_op(p, CR_OP_NULL);
			next(p);
			return;
		case T_QIDENT:
			add_feature(p);
			next(p);
			return;
		case T_IDENT:
			{
				/* a function call when followed by '(' */
				size_t		j = p->pos;

				while (j < p->srclen && is_space((unsigned char) p->src[j]))
					j++;
				if (j < p->srclen && p->src[j] == '(')
				{
					int			fn;
					size_t		fpos = p->tpos;
					unsigned	nargs;

					for (fn = 0; fn < CR_FN_LAST_; fn++)
					{
						size_t		fl = strlen(func_table[fn].name);
						size_t		m;

						if (fl != p->tlen)
							continue;
						for (m = 0; m < fl; m++)
							if (ascii_lower((unsigned char) p->src[p->tpos + m]) != func_table[fn].name[m])
								break;
						if (m == fl)
							break;
					}
					if (fn == CR_FN_LAST_)
					{
						lex_error(p, CR_ERR_UNKNOWN_FUNCTION, p->tpos, "unknown function");
						snprintf(p->err->found, sizeof(p->err->found), "%.*s",
								 (int) (p->tlen > 63 ? 63 : p->tlen), p->src + p->tpos);
						return;
					}
					if (!enter(p))
						return;
					next(p);	/* the name */
					next(p);	/* '(' */
					nargs = parse_list(p, "\",\" or \")\"");
					if (p->failed)
						return;
					if ((int) nargs < func_table[fn].min_args || (int) nargs > func_table[fn].max_args)
					{
						lex_error(p, CR_ERR_WRONG_ARGS, fpos, "wrong number of arguments");
						snprintf(p->err->message, sizeof(p->err->message),
								 "function %s takes %s%d argument%s, not %u", func_table[fn].name,
								 func_table[fn].max_args > func_table[fn].min_args
								 ? (func_table[fn].max_args == CR_RULE_MAX_ITEMS ? "at least " : "1 or ")
								 : "",
								 func_table[fn].max_args > func_table[fn].min_args && func_table[fn].max_args != CR_RULE_MAX_ITEMS
								 ? func_table[fn].max_args : func_table[fn].min_args,
								 (func_table[fn].min_args == 1 && func_table[fn].max_args == 1) ? "" : "s",
								 nargs);
						return;
					}
					p->depth--;
					buf_u8(&p->code, CR_OP_FUNC);
					buf_u8(&p->code, (unsigned) fn);
					buf_u16(&p->code, nargs);
					return;
				}
				add_feature(p);
				next(p);
				return;
			}
		case T_LP:
			if (!enter(p))
				return;
			next(p);
			parse_expr(p);
			if (p->failed)
				return;
			if (p->tok != T_RP)
			{
				syntax_error(p, "\")\"");
				return;
			}
			p->depth--;
			next(p);
			return;
		default:
			syntax_error(p, "an operand (a number, 'text', true, false, NULL, a feature name, a function call or \"(\")");
			return;
	}
}

static void
parse_unary(Parser *p)
{
	if (p->tok == T_MINUS || p->tok == T_PLUS)
	{
		int			neg = (p->tok == T_MINUS);

		if (!enter(p))
			return;
		next(p);
		parse_unary(p);
		if (p->failed)
			return;
		if (neg)
			emit_op(p, CR_OP_NEG);
		p->depth--;
		return;
	}
	parse_primary(p);
}

static void
parse_prod(Parser *p)
{
	parse_unary(p);
	while (!p->failed && (p->tok == T_STAR || p->tok == T_SLASH || p->tok == T_PCT))
	{
		int			op = p->tok == T_STAR ? CR_OP_MUL : p->tok == T_SLASH ? CR_OP_DIV : CR_OP_MOD;

		next(p);
		parse_unary(p);
		emit_op(p, op);
	}
}

static void
parse_sum(Parser *p)
{
	parse_prod(p);
	while (!p->failed && (p->tok == T_PLUS || p->tok == T_MINUS))
	{
		int			op = p->tok == T_PLUS ? CR_OP_ADD : CR_OP_SUB;

		next(p);
		parse_prod(p);
		emit_op(p, op);
	}
}

static void
parse_pred(Parser *p)
{
	int			negate = 0;

	parse_sum(p);
	if (p->failed)
		return;
	switch (p->tok)
	{
		case T_EQ:
		case T_NE:
		case T_LT:
		case T_LE:
		case T_GT:
		case T_GE:
			{
				Tok			t = p->tok;
				int			op = t == T_EQ ? CR_OP_EQ : t == T_NE ? CR_OP_NE : t == T_LT ? CR_OP_LT :
					t == T_LE ? CR_OP_LE : t == T_GT ? CR_OP_GT : CR_OP_GE;

				next(p);
				parse_sum(p);
				emit_op(p, op);
				return;
			}
		case T_IS:
			next(p);
			if (p->tok == T_NOT)
			{
				negate = 1;
				next(p);
			}
			if (p->tok != T_NULL)
			{
				syntax_error(p, negate ? "NULL" : "NULL or NOT NULL");
				return;
			}
			next(p);
			emit_op(p, negate ? CR_OP_ISNOTNULL : CR_OP_ISNULL);
			return;
		case T_NOT:
			next(p);
			if (p->tok != T_BETWEEN && p->tok != T_IN)
			{
				syntax_error(p, "BETWEEN or IN after NOT");
				return;
			}
			negate = 1;
			/* FALLTHROUGH */
		case T_BETWEEN:
		case T_IN:
			if (p->tok == T_BETWEEN)
			{
				next(p);
				parse_sum(p);
				if (p->failed)
					return;
				if (p->tok != T_AND)
				{
					syntax_error(p, "AND");
					return;
				}
				next(p);
				parse_sum(p);
				emit_op(p, negate ? CR_OP_NOTBETWEEN : CR_OP_BETWEEN);
			}
			else
			{
				unsigned	n;

				next(p);
				if (p->tok != T_LP)
				{
					syntax_error(p, "\"(\" after IN");
					return;
				}
				if (!enter(p))
					return;
				next(p);
				n = parse_list(p, "\",\" or \")\"");
				if (p->failed)
					return;
				p->depth--;
				emit_op_n(p, negate ? CR_OP_NOTIN : CR_OP_IN, n);
			}
			return;
		default:
			return;
	}
}

static void
parse_not(Parser *p)
{
	if (p->tok == T_NOT)
	{
		if (!enter(p))
			return;
		next(p);
		parse_not(p);
		if (p->failed)
			return;
		emit_op(p, CR_OP_NOT);
		p->depth--;
		return;
	}
	parse_pred(p);
}

/*
 * operand { keyword operand } compiled to one n-ary op: the shared shape of
 * AND (over NOT terms) and OR (over AND terms).
 */
static void
parse_nary(Parser *p, void (*operand) (Parser *), Tok keyword, int op, const char *too_many)
{
	unsigned	n = 1;

	operand(p);
	while (!p->failed && p->tok == keyword)
	{
		next(p);
		operand(p);
		if (++n > CR_RULE_MAX_ITEMS)
		{
			lex_error(p, CR_ERR_TOO_MANY, p->tpos, too_many);
			return;
		}
	}
	if (n > 1)
		emit_op_n(p, op, n);
}

static void
parse_and(Parser *p)
{
	parse_nary(p, parse_not, T_AND, CR_OP_AND, "too many operands of AND");
}

static void
parse_expr(Parser *p)
{
	parse_nary(p, parse_and, T_OR, CR_OP_OR, "too many operands of OR");
}

/*
 * round(x, n) with a literal n that is not an integer: SQL has no
 * round(float8, numeric), so 2.5 is an error (22003), not 2.
 */
int
cr_rule_check_literals(const CrRuleProg *prog, const CrRuleMem *mem, CrRuleError *err)
{
	const CrInstr *c = prog->code;

	for (int k = 2; k < prog->ninstr; k++)
	{
		const CrInstr *n = &c[k - 1];
		char	   *s;
		size_t		sl;

		if (c[k].op != CR_OP_FUNC || c[k].fn != CR_FN_ROUND || c[k].n != 2)
			continue;
		if (n->op == CR_OP_NEG)
			n--;
		if (n->op != CR_OP_NUM || (n->num == rint(n->num) && n->num <= 2147483647.0))
			continue;
		if (cr_rule_print(prog, k, mem, &s, &sl, err) != CR_OK)
			return err->code;
		set_error(err, CR_ERR_NUMBER_RANGE, -1,
				  "the second argument of round must be an integer in range: %.120s", s);
		mem_free(mem, s);
		return CR_ERR_NUMBER_RANGE;
	}
	return CR_OK;
}

int
cr_rule_parse(const char *text, size_t len, const CrRuleMem *mem,
			  uint8_t **out, size_t *outlen, CrRuleError *err)
{
	Parser	   *p;
	Buf			res;
	int			rc;
	CrRuleProg *prog = NULL;

	*out = NULL;
	*outlen = 0;
	if (len > CR_RULE_MAX_TEXT)
		return set_error(err, CR_ERR_TOO_LONG, -1, "incentive condition is too long");
	p = mem_alloc(mem, sizeof(Parser));
	if (p == NULL)
		return set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	memset(p, 0, sizeof(Parser));
	p->src = text;
	p->srclen = len;
	p->mem = mem;
	p->err = err;
	p->code.mem = mem;
	p->names.mem = mem;
	next(p);
	if (!p->failed && p->tok == T_EOF)
		syntax_error(p, "a condition");
	if (!p->failed)
		parse_expr(p);
	if (!p->failed && p->tok != T_EOF)
		syntax_error(p, "AND, OR, an operator or the end of the condition");
	if (!p->failed && (p->code.oom || p->names.oom))
		lex_error(p, CR_ERR_NOMEM, -1, "out of memory");
	if (!p->failed && p->code.len > CR_RULE_MAX_BYTES)
		lex_error(p, CR_ERR_TOO_LONG, -1, "compiled incentive condition is too long");
	if (p->failed)
	{
		rc = err->code;
		mem_free(mem, p->code.data);
		mem_free(mem, p->names.data);
		mem_free(mem, p);
		return rc;
	}

	memset(&res, 0, sizeof(res));
	res.mem = mem;
	buf_reserve(&res, 8 + p->names.len + p->code.len);
	buf_u8(&res, CR_RULE_VERSION);
	buf_u8(&res, 0);
	buf_u16(&res, (unsigned) p->nnames);
	buf_u32(&res, (uint32_t) p->code.len);
	buf_bytes(&res, p->names.data, p->names.len);
	buf_bytes(&res, p->code.data, p->code.len);
	mem_free(mem, p->code.data);
	mem_free(mem, p->names.data);
	mem_free(mem, p);
	if (res.oom)
	{
		mem_free(mem, res.data);
		return set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	}

	/* the same checks as for binary input: depth and static types */
	rc = decode_internal(res.data, res.len, mem, &prog, err, 0);
	if (rc == CR_OK)
	{
		rc = cr_rule_check_literals(prog, mem, err);
		if (rc == CR_OK)
			rc = cr_rule_typecheck(prog, NULL, mem, err);
		if (rc == CR_ERR_TYPE && err->node >= 0)
		{
			/* name the offending sub-expression */
			char	   *sub;
			size_t		sublen;
			CrRuleError e2;

			if (cr_rule_print(prog, err->node, mem, &sub, &sublen, &e2) == CR_OK)
			{
				size_t		n = sublen;

				if (n >= sizeof(err->found) - 4)
				{
					n = sizeof(err->found) - 8;
					while (n > 0 && ((unsigned char) sub[n] & 0xC0) == 0x80)
						n--;
					snprintf(err->found, sizeof(err->found), "%.*s ...", (int) n, sub);
				}
				else
					snprintf(err->found, sizeof(err->found), "%s", sub);
				mem_free(mem, sub);
			}
		}
		mem_free(mem, prog);
	}
	if (rc != CR_OK)
	{
		mem_free(mem, res.data);
		return rc;
	}
	*out = res.data;
	*outlen = res.len;
	return CR_OK;
}

/* ------------------------------------------------------------------ decoder */

static inline int
op_arity(const CrInstr *in)
{
	switch (in->op)
	{
		case CR_OP_NUM:
		case CR_OP_TEXT:
		case CR_OP_TRUE:
		case CR_OP_FALSE:
		case CR_OP_NULL:
		case CR_OP_FEATURE:
			return 0;
		case CR_OP_NOT:
		case CR_OP_NEG:
		case CR_OP_ISNULL:
		case CR_OP_ISNOTNULL:
			return 1;
		case CR_OP_BETWEEN:
		case CR_OP_NOTBETWEEN:
			return 3;
		case CR_OP_AND:
		case CR_OP_OR:
		case CR_OP_FUNC:
			return (int) in->n;
		case CR_OP_IN:
		case CR_OP_NOTIN:
			return (int) in->n + 1;
		default:
			return 2;
	}
}

static int
bad_binary(CrRuleError *err, const char *what)
{
	return set_error(err, CR_ERR_BINARY, -1, "invalid incentive condition: %s", what);
}

int
cr_rule_decode(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
			   CrRuleProg **progp, CrRuleError *err)
{
	return decode_internal(bytes, len, mem, progp, err, 1);
}

static int
decode_internal(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
				CrRuleProg **progp, CrRuleError *err, int types)
{
	uint32_t	nnames,
				codelen;
	size_t		pos,
				codestart;
	size_t		strbytes = 0;
	int			ninstr = 0;
	size_t		total;
	char	   *block;
	CrRuleProg *prog;
	CrInstr    *code;
	const char **names;
	uint32_t   *name_lens;
	char	   *sp;
	int			rc;
	uint32_t	seen_names = 0;

	*progp = NULL;
	if (len < 8)
		return bad_binary(err, "too short");
	if (len > CR_RULE_MAX_BYTES + 8 + (size_t) CR_RULE_MAX_NAMES * (CR_RULE_MAX_NAME + 2))
		return bad_binary(err, "too long");
	if (bytes[0] != CR_RULE_VERSION)
		return bad_binary(err, "unknown format version");
	if (bytes[1] != 0)
		return bad_binary(err, "unknown flags");
	nnames = rd_u16(bytes + 2);
	codelen = rd_u32(bytes + 4);
	if (nnames > CR_RULE_MAX_NAMES)
		return bad_binary(err, "too many names");
	if (codelen > CR_RULE_MAX_BYTES || codelen == 0)
		return bad_binary(err, "bad code length");
	pos = 8;
	for (uint32_t i = 0; i < nnames; i++)
	{
		uint32_t	nl;

		if (len - pos < 2)
			return bad_binary(err, "truncated name table");
		nl = rd_u16(bytes + pos);
		pos += 2;
		if (nl == 0 || nl > CR_RULE_MAX_NAME)
			return bad_binary(err, "bad name length");
		if (len - pos < nl)
			return bad_binary(err, "truncated name table");
		if (memchr(bytes + pos, 0, nl) != NULL)
			return bad_binary(err, "NUL byte in a name");
		strbytes += nl + 1;
		pos += nl;
	}
	if (len - pos != codelen)
		return bad_binary(err, "code length does not match");
	codestart = pos;

	/* pass 1: operands in bounds, count instructions and string bytes */
	while (pos < len)
	{
		uint8_t		op = bytes[pos++];
		size_t		need;

		switch (op)
		{
			case CR_OP_NUM:
				need = 8;
				break;
			case CR_OP_TEXT:
				if (len - pos < 4)
					return bad_binary(err, "truncated instruction");
				need = 4 + (size_t) rd_u32(bytes + pos);
				break;
			case CR_OP_FEATURE:
			case CR_OP_AND:
			case CR_OP_OR:
			case CR_OP_IN:
			case CR_OP_NOTIN:
				need = 2;
				break;
			case CR_OP_FUNC:
				need = 3;
				break;
			default:
				if (op == 0 || op >= CR_OP_LAST_)
					return bad_binary(err, "unknown opcode");
				need = 0;
				break;
		}
		if (len - pos < need)
			return bad_binary(err, "truncated instruction");
		if (op == CR_OP_TEXT)
		{
			if (memchr(bytes + pos + 4, 0, need - 4) != NULL)
				return bad_binary(err, "NUL byte in a string");
			strbytes += need - 4 + 1;
		}
		pos += need;
		ninstr++;
	}

	total = sizeof(CrRuleProg) + (size_t) ninstr * sizeof(CrInstr)
		+ (size_t) nnames * (sizeof(char *) + sizeof(uint32_t)) + strbytes + 16;
	block = mem_alloc(mem, total);
	if (block == NULL)
		return set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	prog = (CrRuleProg *) block;
	code = (CrInstr *) (block + sizeof(CrRuleProg));
	names = (const char **) (code + ninstr);
	name_lens = (uint32_t *) (names + nnames);
	sp = (char *) (name_lens + nnames);
	prog->ninstr = ninstr;
	prog->nnames = (int) nnames;
	prog->code = code;
	prog->names = names;
	prog->name_lens = name_lens;
	prog->max_stack = 0;
	prog->depth = 0;

	/* pass 2: fill, check names distinct, operand values */
	pos = 8;
	for (uint32_t i = 0; i < nnames; i++)
	{
		uint32_t	nl = rd_u16(bytes + pos);

		pos += 2;
		memcpy(sp, bytes + pos, nl);
		sp[nl] = '\0';
		names[i] = sp;
		name_lens[i] = nl;
		for (uint32_t j = 0; j < i; j++)
			if (name_lens[j] == nl && memcmp(names[j], sp, nl) == 0)
			{
				mem_free(mem, block);
				return bad_binary(err, "duplicate name");
			}
		sp += nl + 1;
		pos += nl;
	}
	pos = codestart;
	for (int k = 0; k < ninstr; k++)
	{
		CrInstr    *in = &code[k];
		const char *what = NULL;

		memset(in, 0, sizeof(*in));
		in->op = bytes[pos++];
		switch (in->op)
		{
			case CR_OP_NUM:
				in->num = rd_f64(bytes + pos);
				pos += 8;
				if (!isfinite(in->num) || signbit(in->num))
					what = "bad number literal";
				break;
			case CR_OP_TEXT:
				in->n = rd_u32(bytes + pos);
				pos += 4;
				memcpy(sp, bytes + pos, in->n);
				sp[in->n] = '\0';
				in->str = sp;
				sp += in->n + 1;
				pos += in->n;
				break;
			case CR_OP_FEATURE:
				in->n = rd_u16(bytes + pos);
				pos += 2;
				/* names are numbered in order of first use */
				if (in->n > seen_names || in->n >= nnames)
					what = "bad name index";
				else if (in->n == seen_names)
					seen_names++;
				break;
			case CR_OP_AND:
			case CR_OP_OR:
				in->n = rd_u16(bytes + pos);
				pos += 2;
				if (in->n < 2)
					what = "bad operand count";
				break;
			case CR_OP_IN:
			case CR_OP_NOTIN:
				in->n = rd_u16(bytes + pos);
				pos += 2;
				if (in->n < 1)
					what = "bad list length";
				break;
			case CR_OP_FUNC:
				in->fn = bytes[pos];
				in->n = rd_u16(bytes + pos + 1);
				pos += 3;
				if (in->fn >= CR_FN_LAST_)
					what = "unknown function";
				else if ((int) in->n < func_table[in->fn].min_args ||
						 (int) in->n > func_table[in->fn].max_args)
					what = "bad argument count";
				break;
			default:
				break;
		}
		if (what)
		{
			mem_free(mem, block);
			return bad_binary(err, what);
		}
	}
	if (seen_names != nnames)
	{
		mem_free(mem, block);
		return bad_binary(err, "unused name");
	}

	/* stack balance, depth and static types */
	rc = types ? cr_rule_typecheck(prog, NULL, mem, err) : check_shape(prog, mem, err);
	if (rc != CR_OK)
	{
		mem_free(mem, block);
		return rc;
	}
	*progp = prog;
	return CR_OK;
}

/* ------------------------------------------------------------------ types */

static int
unify(int a, int b, int *out)
{
	if (a == CR_VAL_NULL)
		*out = b;
	else if (b == CR_VAL_NULL || a == b)
		*out = a;
	else
		return 0;
	return 1;
}

static const char *
op_symbol(const CrInstr *in)
{
	switch (in->op)
	{
		case CR_OP_AND:
			return "AND";
		case CR_OP_OR:
			return "OR";
		case CR_OP_NOT:
			return "NOT";
		case CR_OP_EQ:
			return "=";
		case CR_OP_NE:
			return "<>";
		case CR_OP_LT:
			return "<";
		case CR_OP_LE:
			return "<=";
		case CR_OP_GT:
			return ">";
		case CR_OP_GE:
			return ">=";
		case CR_OP_ADD:
			return "+";
		case CR_OP_SUB:
			return "-";
		case CR_OP_MUL:
			return "*";
		case CR_OP_DIV:
			return "/";
		case CR_OP_MOD:
			return "%";
		case CR_OP_NEG:
			return "unary -";
		case CR_OP_ISNULL:
			return "IS NULL";
		case CR_OP_ISNOTNULL:
			return "IS NOT NULL";
		case CR_OP_BETWEEN:
			return "BETWEEN";
		case CR_OP_NOTBETWEEN:
			return "NOT BETWEEN";
		case CR_OP_IN:
			return "IN";
		case CR_OP_NOTIN:
			return "NOT IN";
		case CR_OP_FUNC:
			return cr_rule_func_name(in->fn);
		default:
			return "?";
	}
}

typedef struct Slot
{
	uint8_t		type;
	uint8_t		depth;
	uint8_t		op;				/* the opcode that produced the value */
} Slot;

/*
 * Left-associative arithmetic of one precedence level: a + b - c is one
 * chain, not nested expressions, so its length is not nesting depth (the
 * printer walks such chains iteratively).
 */
static int
arith_level(int op)
{
	switch (op)
	{
		case CR_OP_ADD:
		case CR_OP_SUB:
			return 1;
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
			return 2;
		default:
			return 0;
	}
}

static int	typecheck(const CrRuleProg *prog, const uint8_t *kinds,
					  const CrRuleMem *mem, CrRuleError *err, int types);

int
cr_rule_typecheck(const CrRuleProg *prog, const uint8_t *kinds,
				  const CrRuleMem *mem, CrRuleError *err)
{
	return typecheck(prog, kinds, mem, err, 1);
}

/* Stack balance and depth only (the parser checks types after). */
static int
check_shape(const CrRuleProg *prog, const CrRuleMem *mem, CrRuleError *err)
{
	return typecheck(prog, NULL, mem, err, 0);
}

static int
typecheck(const CrRuleProg *prog, const uint8_t *kinds,
		  const CrRuleMem *mem, CrRuleError *err, int types)
{
	Slot	   *st;
	int			sp = 0;
	int			maxsp = 0;
	int			rc = CR_OK;

	st = mem_alloc(mem, sizeof(Slot) * ((size_t) prog->ninstr + 1));
	if (st == NULL)
		return set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	for (int k = 0; k < prog->ninstr && rc == CR_OK; k++)
	{
		const CrInstr *in = &prog->code[k];
		int			ar = op_arity(in);
		Slot	   *a;
		int			t = CR_VAL_NULL;
		int			d = 0;
		int			want = -1;	/* required operand type, -1 = all equal */
		int			res;

		if (ar > sp)
		{
			rc = bad_binary(err, "stack underflow");
			break;
		}
		a = &st[sp - ar];
		for (int i = 0; i < ar; i++)
			if (a[i].depth + 1 > d)
				d = a[i].depth + 1;
		/* the left operand continuing a chain adds no level */
		if (ar == 2 && arith_level(in->op) && arith_level(a[0].op) == arith_level(in->op))
			d = a[0].depth > a[1].depth + 1 ? a[0].depth : a[1].depth + 1;
		switch (in->op)
		{
			case CR_OP_NUM:
				res = CR_VAL_NUM;
				break;
			case CR_OP_TEXT:
				res = CR_VAL_TEXT;
				break;
			case CR_OP_TRUE:
			case CR_OP_FALSE:
				res = CR_VAL_BOOL;
				break;
			case CR_OP_NULL:
				res = CR_VAL_NULL;
				break;
			case CR_OP_FEATURE:
				res = kinds ? kinds[in->n] : CR_VAL_NULL;
				break;
			case CR_OP_AND:
			case CR_OP_OR:
			case CR_OP_NOT:
				want = CR_VAL_BOOL;
				res = CR_VAL_BOOL;
				break;
			case CR_OP_ADD:
			case CR_OP_SUB:
			case CR_OP_MUL:
			case CR_OP_DIV:
			case CR_OP_MOD:
			case CR_OP_NEG:
				want = CR_VAL_NUM;
				res = CR_VAL_NUM;
				break;
			case CR_OP_ISNULL:
			case CR_OP_ISNOTNULL:
				want = -2;		/* anything */
				res = CR_VAL_BOOL;
				break;
			case CR_OP_FUNC:
				if (in->fn == CR_FN_LEAST || in->fn == CR_FN_GREATEST || in->fn == CR_FN_COALESCE)
				{
					want = -1;
					res = -1;	/* the unified type */
				}
				else
				{
					want = CR_VAL_NUM;
					res = CR_VAL_NUM;
				}
				break;
			default:			/* comparisons, BETWEEN, IN */
				want = -1;
				res = CR_VAL_BOOL;
				break;
		}
		if (!types)
			want = -2;
		if (want >= 0)
		{
			for (int i = 0; i < ar; i++)
				if (a[i].type != CR_VAL_NULL && a[i].type != want)
				{
					rc = set_error(err, CR_ERR_TYPE, -1, "%s%s expects %s operands, but one is %s",
								   in->op == CR_OP_FUNC ? "function " : "operator ",
								   op_symbol(in), cr_rule_kind_name(want),
								   cr_rule_kind_name(a[i].type));
					err->node = k;
					break;
				}
		}
		else if (want == -1)
		{
			for (int i = 0; i < ar; i++)
				if (!unify(t, a[i].type, &t))
				{
					rc = set_error(err, CR_ERR_TYPE, -1, "%s%s cannot compare %s with %s",
								   in->op == CR_OP_FUNC ? "function " : "operator ",
								   op_symbol(in), cr_rule_kind_name(t),
								   cr_rule_kind_name(a[i].type));
					err->node = k;
					break;
				}
			if (res == -1)
				res = t;
		}
		if (res == -1)
			res = CR_VAL_NULL;
		if (rc != CR_OK)
			break;
		sp -= ar;
		if (ar == 0)
			d = 1;
		if (d > CR_RULE_MAX_DEPTH)
		{
			rc = set_error(err, CR_ERR_TOO_DEEP, -1, "incentive condition is nested too deeply");
			break;
		}
		st[sp].type = (uint8_t) res;
		st[sp].depth = (uint8_t) d;
		st[sp].op = in->op;
		sp++;
		if (sp > maxsp)
			maxsp = sp;
	}
	if (rc == CR_OK && sp != 1)
		rc = bad_binary(err, "unbalanced stack");
	if (rc == CR_OK && types && st[0].type != CR_VAL_BOOL && st[0].type != CR_VAL_NULL)
	{
		rc = set_error(err, CR_ERR_TYPE, -1, "incentive condition must be boolean, not %s",
					   cr_rule_kind_name(st[0].type));
		err->node = prog->ninstr - 1;
	}
	if (rc == CR_OK)
	{
		((CrRuleProg *) prog)->max_stack = maxsp;
		((CrRuleProg *) prog)->depth = st[0].depth;
	}
	mem_free(mem, st);
	return rc;
}

/* ------------------------------------------------------------------ printer */

typedef struct Printer
{
	const CrRuleProg *prog;
	const int  *first;			/* index into kids of node's first child */
	const int  *kids;
	int		   *spine;			/* chains being printed (print_chain) */
	int			nspine;
	Buf			out;
} Printer;

/* Binding strength of a node, as in the grammar (higher binds tighter). */
static int
prec(const CrInstr *in)
{
	switch (in->op)
	{
		case CR_OP_OR:
			return 1;
		case CR_OP_AND:
			return 2;
		case CR_OP_NOT:
			return 3;
		case CR_OP_EQ:
		case CR_OP_NE:
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
		case CR_OP_ISNULL:
		case CR_OP_ISNOTNULL:
		case CR_OP_BETWEEN:
		case CR_OP_NOTBETWEEN:
		case CR_OP_IN:
		case CR_OP_NOTIN:
			return 4;
		case CR_OP_ADD:
		case CR_OP_SUB:
			return 5;
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
			return 6;
		case CR_OP_NEG:
			return 7;
		default:
			return 8;
	}
}

static void
print_number(Buf *b, double d)
{
	char		tmp[64];

	int			digits;

	for (digits = 1; digits < 17; digits++)
	{
		snprintf(tmp, sizeof(tmp), "%.*e", digits - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* plain notation for integers up to 16 digits: 1200, not 1.2e3 */
	{
		int			e10 = atoi(strchr(tmp, 'e') + 1);

		if (e10 >= digits && e10 < 16)
			digits = e10 + 1;
	}
	snprintf(tmp, sizeof(tmp), "%.*g", digits, d);
	/* 1e+20 -> 1e20, 1.5e-07 -> 1.5e-7 */
	{
		char	   *e = strchr(tmp, 'e');

		if (e)
		{
			char	   *w = e + 1;
			char	   *r = e + 1;

			if (*r == '+')
				r++;
			else if (*r == '-')
				*w++ = *r++;
			while (*r == '0' && r[1] != '\0')
				r++;
			memmove(w, r, strlen(r) + 1);
		}
	}
	buf_str(b, tmp);
}

static void
print_quoted(Buf *b, const char *s, size_t len, char q)
{
	buf_u8(b, (unsigned char) q);
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] == q)
			buf_u8(b, (unsigned char) q);
		buf_u8(b, (unsigned char) s[i]);
	}
	buf_u8(b, (unsigned char) q);
}

static void
print_name(Buf *b, const char *s, size_t len)
{
	int			simple = len > 0 && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');

	for (size_t i = 1; simple && i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			simple = 0;
	for (size_t k = 0; simple && k < sizeof(keywords) / sizeof(keywords[0]); k++)
		if (strlen(keywords[k]) == len && memcmp(keywords[k], s, len) == 0)
			simple = 0;
	if (simple)
		buf_bytes(b, s, len);
	else
		print_quoted(b, s, len, '"');
}

static void print_node(Printer *pr, int k, int minprec);

/*
 * A left-associative chain a + b - c ... without recursing along it: walk
 * down the left operands of the same level, print the innermost operand,
 * then each operator and right operand on the way back up.
 */
static void
print_chain(Printer *pr, int k)
{
	const CrInstr *code = pr->prog->code;
	int			level = arith_level(code[k].op);
	int			base = pr->nspine;
	int			j = k;

	while (arith_level(code[j].op) == level)
	{
		pr->spine[pr->nspine++] = j;
		j = pr->kids[pr->first[j]];
	}
	print_node(pr, j, prec(&code[k]));
	while (pr->nspine > base)
	{
		int			n = pr->spine[--pr->nspine];

		buf_u8(&pr->out, ' ');
		buf_str(&pr->out, op_symbol(&code[n]));
		buf_u8(&pr->out, ' ');
		print_node(pr, pr->kids[pr->first[n] + 1], prec(&code[n]) + 1);
	}
}

static void
print_list(Printer *pr, int k, int from)
{
	int			ar = op_arity(&pr->prog->code[k]);

	buf_u8(&pr->out, '(');
	for (int i = from; i < ar; i++)
	{
		if (i > from)
			buf_str(&pr->out, ", ");
		print_node(pr, pr->kids[pr->first[k] + i], 1);
	}
	buf_u8(&pr->out, ')');
}

static void
print_node(Printer *pr, int k, int minprec)
{
	const CrInstr *in = &pr->prog->code[k];
	const int  *c = pr->kids + pr->first[k];
	int			pr_self = prec(in);
	int			paren = pr_self < minprec;
	Buf		   *b = &pr->out;

	if (paren)
		buf_u8(b, '(');
	switch (in->op)
	{
		case CR_OP_NUM:
			print_number(b, in->num);
			break;
		case CR_OP_TEXT:
			print_quoted(b, in->str, in->n, '\'');
			break;
		case CR_OP_TRUE:
			buf_str(b, "true");
			break;
		case CR_OP_FALSE:
			buf_str(b, "false");
			break;
		case CR_OP_NULL:
			buf_str(b, "NULL");
			break;
		case CR_OP_FEATURE:
			print_name(b, pr->prog->names[in->n], pr->prog->name_lens[in->n]);
			break;
		case CR_OP_AND:
		case CR_OP_OR:
			for (uint32_t i = 0; i < in->n; i++)
			{
				if (i > 0)
					buf_str(b, in->op == CR_OP_AND ? " AND " : " OR ");
				print_node(pr, c[i], pr_self + 1);
			}
			break;
		case CR_OP_NOT:
			buf_str(b, "NOT ");
			print_node(pr, c[0], 3);
			break;
		case CR_OP_NEG:
			buf_u8(b, '-');
			/* "- -x" would read as a comment in SQL; keep it unambiguous */
			print_node(pr, c[0], pr->prog->code[c[0]].op == CR_OP_NEG ? 8 : 7);
			break;
		case CR_OP_ISNULL:
		case CR_OP_ISNOTNULL:
			print_node(pr, c[0], 5);
			buf_str(b, in->op == CR_OP_ISNULL ? " IS NULL" : " IS NOT NULL");
			break;
		case CR_OP_BETWEEN:
		case CR_OP_NOTBETWEEN:
			print_node(pr, c[0], 5);
			buf_str(b, in->op == CR_OP_BETWEEN ? " BETWEEN " : " NOT BETWEEN ");
			print_node(pr, c[1], 5);
			buf_str(b, " AND ");
			print_node(pr, c[2], 5);
			break;
		case CR_OP_IN:
		case CR_OP_NOTIN:
			print_node(pr, c[0], 5);
			buf_str(b, in->op == CR_OP_IN ? " IN " : " NOT IN ");
			print_list(pr, k, 1);
			break;
		case CR_OP_FUNC:
			buf_str(b, cr_rule_func_name(in->fn));
			print_list(pr, k, 0);
			break;
		case CR_OP_ADD:
		case CR_OP_SUB:
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
			print_chain(pr, k);
			break;
		default:
			/* comparisons (non-associative) */
			print_node(pr, c[0], pr_self == 4 ? 5 : pr_self);
			buf_u8(b, ' ');
			buf_str(b, op_symbol(in));
			buf_u8(b, ' ');
			print_node(pr, c[1], pr_self + 1);
			break;
	}
	if (paren)
		buf_u8(b, ')');
}

int
cr_rule_print(const CrRuleProg *prog, int node, const CrRuleMem *mem,
			  char **out, size_t *outlen, CrRuleError *err)
{
	int		   *first;
	int		   *kids;
	int		   *stack;
	int			sp = 0;
	int			nk = 0;
	Printer		pr;

	*out = NULL;
	*outlen = 0;
	if (node < 0 || node >= prog->ninstr)
		node = prog->ninstr - 1;
	first = mem_alloc(mem, sizeof(int) * 4 * ((size_t) prog->ninstr + 1));
	if (first == NULL)
		return set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	kids = first + prog->ninstr + 1;
	stack = kids + prog->ninstr + 1;
	/* rebuild the tree from the postfix code (validated: never underflows) */
	for (int k = 0; k < prog->ninstr; k++)
	{
		int			ar = op_arity(&prog->code[k]);

		first[k] = nk;
		for (int i = 0; i < ar; i++)
			kids[nk++] = stack[sp - ar + i];
		sp -= ar;
		stack[sp++] = k;
	}
	memset(&pr, 0, sizeof(pr));
	pr.prog = prog;
	pr.first = first;
	pr.kids = kids;
	pr.spine = stack + prog->ninstr + 1;
	pr.out.mem = mem;
	print_node(&pr, node, 1);
	buf_u8(&pr.out, '\0');
	mem_free(mem, first);
	if (pr.out.oom)
	{
		mem_free(mem, pr.out.data);
		return set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	}
	*out = (char *) pr.out.data;
	*outlen = pr.out.len - 1;
	return CR_OK;
}

/* ------------------------------------------------------------------ evaluator */

/*
 * round(x, n) exactly as PostgreSQL computes round(x::numeric, n)::float8:
 * float8 to numeric keeps 15 significant digits (DBL_DIG), numeric rounding
 * is half away from zero, numeric to float8 is correctly rounded (strtod).
 */
/* The exact slow path: decimal digits through snprintf and strtod. */
double
cr_rule_round_slow(double x, int n)
{
	char		tmp[64];
	char		digits[32];
	int			nd = 0;
	int			exp10;
	int			keep;
	char	   *e;
	char		out[80];
	double		r;

	if (!isfinite(x) || x == 0)
		return x == 0 ? 0.0 : x;
	/* d.dddddddddddddde+XX: 15 significant digits */
	snprintf(tmp, sizeof(tmp), "%.14e", fabs(x));
	for (char *c = tmp; *c && *c != 'e'; c++)
		if (*c >= '0' && *c <= '9')
			digits[nd++] = *c;
	e = strchr(tmp, 'e');
	exp10 = atoi(e + 1) + 1;	/* value = 0.DIGITS x 10^exp10 */
	keep = exp10 + n;			/* digits that survive */
	if (keep < 0)
		return 0.0;
	if (keep < nd)
	{
		int			up = digits[keep] >= '5';

		nd = keep;
		if (up)
		{
			int			i = nd - 1;

			while (i >= 0 && digits[i] == '9')
				digits[i--] = '0';
			if (i >= 0)
				digits[i]++;
			else
			{
				/* all nines: 0.999 -> 1.000 */
				memmove(digits + 1, digits, (size_t) nd);
				digits[0] = '1';
				nd++;
				exp10++;
			}
		}
		if (nd == 0)
			return 0.0;
	}
	digits[nd] = '\0';
	snprintf(out, sizeof(out), "%s0.%se%d", x < 0 ? "-" : "", digits, exp10);
	r = strtod(out, NULL);
	return r == 0 ? 0.0 : r;
}

/*
 * The same result without formatting, for |x| in [1e-7, 1e15) and |n| <= 22
 * (returns 0 elsewhere): the 15-digit decimal mantissa M of x is
 * round-half-even(|x| * 10^k), decided exactly with fma; rounding M to n
 * decimals is integer arithmetic; the result q / 10^n has exact operands,
 * so IEEE division rounds it as strtod would.
 */
static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int
round_fast(double x, int n, double *out)
{
	double		ax = fabs(x);
	int			e10,
				k,
				drop;
	double		y,
				err,
				fl,
				frac,
				r;
	int64_t		m,
				q;

	if (!(ax >= 1e-7 && ax < 1e15) || n > 22 || n < -22)
		return 0;
	e10 = (int) floor(log10(ax));
	k = 14 - e10;
	if (k < 0 || k > 22)
		return 0;
	y = ax * pow10_exact[k];
	err = fma(ax, pow10_exact[k], -y);	/* ax * 10^k = y + err exactly */
	if (!(y >= 1e14 && y < 1e15))
		return 0;				/* log10 was off by one */
	fl = floor(y);
	frac = y - fl;
	m = (int64_t) fl;
	if (frac > 0.5 || (frac == 0.5 && (err > 0 || (err == 0 && (m & 1)))))
		m++;
	if (m >= INT64_C(1000000000000000))
		return 0;
	drop = k - n;				/* decimal digits of m rounded away */
	if (drop <= 0)
		r = (double) m / pow10_exact[k];
	else
	{
		if (drop > 15)
			q = 0;
		else
		{
			int64_t		p = 1;

			for (int i = 0; i < drop; i++)
				p *= 10;
			q = m / p;
			if (2 * (m % p) >= p)
				q++;
		}
		r = n >= 0 ? (double) q / pow10_exact[n] : (double) q * pow10_exact[-n];
	}
	if (r == 0)
		r = 0.0;
	else if (x < 0)
		r = -r;
	*out = r;
	return 1;
}

double
cr_rule_round(double x, int n)
{
	double		r;

	if (round_fast(x, n, &r))
		return r;
	return cr_rule_round_slow(x, n);
}


/*
 * Evaluation errors are values: an operand that fails (division by zero, ln
 * of zero ...) yields an error value, which propagates like NULL does.  AND,
 * OR, BETWEEN, IN and coalesce ignore it when another operand decides the
 * result, so "x <> 0 AND 10 / x > 1" never fails, whatever the order;
 * otherwise the error is raised when the condition's value is needed.
 */
enum
{
	EV_DIV_ZERO,
	EV_LOG_ZERO,
	EV_LOG_NEG,
	EV_SQRT_NEG,
	EV_OVERFLOW,
	EV_UNDERFLOW,
	EV_INT_RANGE,
	EV_NOT_INT
};

static const struct
{
	int			code;
	const char *msg;
}			eval_errors[] =
{
	[EV_DIV_ZERO] = {CR_ERR_DIV_ZERO, "division by zero"},
	[EV_LOG_ZERO] = {CR_ERR_LOG_DOMAIN, "cannot take logarithm of zero"},
	[EV_LOG_NEG] = {CR_ERR_LOG_DOMAIN, "cannot take logarithm of a negative number"},
	[EV_SQRT_NEG] = {CR_ERR_SQRT_DOMAIN, "cannot take square root of a negative number"},
	[EV_OVERFLOW] = {CR_ERR_OVERFLOW, "value out of range: overflow"},
	[EV_UNDERFLOW] = {CR_ERR_UNDERFLOW, "value out of range: underflow"},
	[EV_INT_RANGE] = {CR_ERR_OVERFLOW, "integer out of range"},
	[EV_NOT_INT] = {CR_ERR_NUMBER_RANGE, "the second argument of round must be an integer"},
};

#define CR_VAL_ERROR 4			/* internal to the evaluator */

/* Total order of PostgreSQL's float8: NaN equals NaN and sorts last. */
static int
cmp_num(double a, double b)
{
	if (isnan(a))
		return isnan(b) ? 0 : 1;
	if (isnan(b))
		return -1;
	return a < b ? -1 : a > b ? 1 : 0;
}

/* Compare two non-NULL values of one kind (checked by the caller). */
static int
cmp_values(const CrValue *a, const CrValue *b)
{
	switch (a->kind)
	{
		case CR_VAL_NUM:
			return cmp_num(a->num, b->num);
		case CR_VAL_BOOL:
			return (a->boolean != 0) - (b->boolean != 0);
		default:
			{
				size_t		al = a->len;
				size_t		bl = b->len;
				size_t		m;
				int			c;

				/* char(n) against char(n) or a literal: trailing blanks do not count */
				if (((a->boolean | b->boolean) & CR_TEXT_PADDED) && a->boolean && b->boolean)
				{
					while (al > 0 && a->str[al - 1] == ' ')
						al--;
					while (bl > 0 && b->str[bl - 1] == ' ')
						bl--;
				}
				m = al < bl ? al : bl;
				c = m ? memcmp(a->str, b->str, m) : 0;
				if (c != 0)
					return c < 0 ? -1 : 1;
				return al < bl ? -1 : al > bl ? 1 : 0;
			}
	}
}

static int
type_error(CrRuleError *err, int k, const CrInstr *in, int want, const CrValue *b)
{
	set_error(err, CR_ERR_TYPE, -1, "%s%s cannot combine %s with %s",
			  in->op == CR_OP_FUNC ? "function " : "operator ", op_symbol(in),
			  cr_rule_kind_name(want), cr_rule_kind_name(b->kind));
	err->node = k;
	return CR_ERR_TYPE;
}

#define SET_NULL(v) ((v)->kind = CR_VAL_NULL)
#define SET_BOOL(v, x) do { int b_ = (x); (v)->kind = CR_VAL_BOOL; (v)->boolean = b_; } while (0)
#define SET_NUM(v, x) do { double d_ = (x); (v)->kind = CR_VAL_NUM; (v)->num = d_; } while (0)
#define SET_ERROR(v, id) ((v)->kind = CR_VAL_ERROR, (v)->len = (id))
#define IS_ABSENT(v) ((v)->kind == CR_VAL_NULL || (v)->kind == CR_VAL_ERROR)

/* The first error among n values, or NULL. */
static const CrValue *
first_error(const CrValue *v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i].kind == CR_VAL_ERROR)
			return &v[i];
	return NULL;
}

/* Kind of the values that are neither NULL nor errors must all be `want`. */
static int
check_kinds(CrRuleError *err, int k, const CrInstr *in, const CrValue *v, int n, int want)
{
	for (int i = 0; i < n; i++)
		if (!IS_ABSENT(&v[i]) && v[i].kind != want)
			return type_error(err, k, in, want, &v[i]);
	return CR_OK;
}

/* ... or all the same kind; *kind gets it (CR_VAL_NULL if none). */
static int
check_same(CrRuleError *err, int k, const CrInstr *in, const CrValue *v, int n, int *kind)
{
	*kind = CR_VAL_NULL;
	for (int i = 0; i < n; i++)
	{
		if (IS_ABSENT(&v[i]))
			continue;
		if (*kind == CR_VAL_NULL)
			*kind = v[i].kind;
		else if (v[i].kind != *kind)
			return type_error(err, k, in, *kind, &v[i]);
	}
	return CR_OK;
}

/*
 * The CR_TEXT_* flags of least/greatest/coalesce over text, as SQL resolves
 * their type: char(n) when every argument is char(n) or a literal and one
 * is char(n), a literal when all are, text otherwise.
 */
static int
text_flags(const CrValue *v, int n)
{
	int			flags = -1;

	for (int i = 0; i < n; i++)
	{
		if (v[i].kind != CR_VAL_TEXT)
			continue;
		if (flags < 0)
			flags = v[i].boolean;
		else if (flags == 0 || v[i].boolean == 0)
			flags = 0;
		else
			flags |= v[i].boolean;
	}
	if (flags > 0 && (flags & CR_TEXT_PADDED))
		return CR_TEXT_PADDED;
	return flags < 0 ? 0 : flags;
}

/* Three-valued comparison of two values: 1, 0, -1 (NULL) or -2 (error). */
static int
compare3(const CrValue *a, const CrValue *b, int op)
{
	int			c;

	if (a->kind == CR_VAL_ERROR || b->kind == CR_VAL_ERROR)
		return -2;
	if (a->kind == CR_VAL_NULL || b->kind == CR_VAL_NULL)
		return -1;
	c = cmp_values(a, b);
	switch (op)
	{
		case CR_OP_EQ:
			return c == 0;
		case CR_OP_NE:
			return c != 0;
		case CR_OP_LT:
			return c < 0;
		case CR_OP_LE:
			return c <= 0;
		case CR_OP_GT:
			return c > 0;
		default:
			return c >= 0;
	}
}

static double
apply_round(const CrValue *args, uint32_t nargs, int *errid)
{
	double		nd = nargs > 1 ? args[1].num : 0.0;

	if (isnan(nd) || nd > 2147483647.0 || nd < -2147483648.0)
	{
		*errid = EV_INT_RANGE;
		return 0;
	}
	if (nd != rint(nd))
	{
		/* SQL has no round(float8, numeric): 2.5 is neither 2 nor 3 */
		*errid = EV_NOT_INT;
		return 0;
	}
	if (nd > 400)
		nd = 400;
	if (nd < -400)
		nd = -400;
	return cr_rule_round(args[0].num, (int) nd);
}

/* One numeric function of non-NULL numbers; sets *errid on failure. */
static double
apply_func(int fn, const CrValue *args, uint32_t nargs, int *errid)
{
	double		x = args[0].num;
	double		r;

	switch (fn)
	{
		case CR_FN_ABS:
			return fabs(x);
		case CR_FN_LN:
			if (x == 0.0)
				*errid = EV_LOG_ZERO;
			else if (x < 0)
				*errid = EV_LOG_NEG;
			return log(x);
		case CR_FN_EXP:
			if (isnan(x))
				return x;
			if (isinf(x))
				return x < 0 ? 0.0 : x;
			r = exp(x);
			if (isinf(r))
				*errid = EV_OVERFLOW;
			else if (r == 0.0)
				*errid = EV_UNDERFLOW;
			return r;
		case CR_FN_SQRT:
			if (x < 0)
				*errid = EV_SQRT_NEG;
			return sqrt(x);
		case CR_FN_FLOOR:
			return floor(x);
		case CR_FN_CEIL:
			return ceil(x);
		default:
			return apply_round(args, nargs, errid);
	}
}

/* x op y as PostgreSQL's float8 operators; sets *errid on failure. */
static double
apply_arith(int op, double x, double y, int *errid)
{
	double		r;

	switch (op)
	{
		case CR_OP_ADD:
			r = x + y;
			break;
		case CR_OP_SUB:
			r = x - y;
			break;
		case CR_OP_MUL:
			r = x * y;
			if (r == 0.0 && x != 0.0 && y != 0.0)
				*errid = EV_UNDERFLOW;
			break;
		case CR_OP_DIV:
			if (y == 0.0)
			{
				*errid = EV_DIV_ZERO;
				return 0;
			}
			r = x / y;
			if (isinf(r) && !isinf(x))
				*errid = EV_OVERFLOW;
			else if (r == 0.0 && x != 0.0 && !isinf(y))
				*errid = EV_UNDERFLOW;
			return r;
		default:
			if (y == 0.0)
			{
				*errid = EV_DIV_ZERO;
				return 0;
			}
			return fmod(x, y);
	}
	if (isinf(r) && !isinf(x) && !isinf(y))
		*errid = EV_OVERFLOW;
	return r;
}

int
cr_rule_eval(const CrRuleProg *prog, const CrValue *features,
			 CrValue *stack, int *result, CrRuleError *err)
{
	int			sp = 0;

	for (int k = 0; k < prog->ninstr; k++)
	{
		const CrInstr *in = &prog->code[k];
		int			ar;
		CrValue    *a;
		const CrValue *e;
		int			rc;
		int			kind;

		switch (in->op)
		{
			case CR_OP_NUM:
				SET_NUM(&stack[sp], in->num);
				sp++;
				continue;
			case CR_OP_TEXT:
				stack[sp].kind = CR_VAL_TEXT;
				stack[sp].boolean = CR_TEXT_LITERAL;
				stack[sp].str = in->str;
				stack[sp].len = in->n;
				sp++;
				continue;
			case CR_OP_TRUE:
			case CR_OP_FALSE:
				SET_BOOL(&stack[sp], in->op == CR_OP_TRUE);
				sp++;
				continue;
			case CR_OP_NULL:
				SET_NULL(&stack[sp]);
				sp++;
				continue;
			case CR_OP_FEATURE:
				stack[sp++] = features[in->n];
				continue;
			default:
				break;
		}

		ar = op_arity(in);
		a = &stack[sp - ar];
		sp -= ar - 1;			/* the result replaces a[0] */
		switch (in->op)
		{
			case CR_OP_AND:
			case CR_OP_OR:
				{
					int			isand = in->op == CR_OP_AND;
					int			anynull = 0;
					int			decided = 0;
					int			i;

					/* the common case: all operands known booleans */
					for (i = 0; i < ar && a[i].kind == CR_VAL_BOOL; i++)
						if ((a[i].boolean != 0) != isand)
							decided = 1;
					if (i == ar)
					{
						SET_BOOL(a, decided ? !isand : isand);
						break;
					}
					decided = 0;
					if ((rc = check_kinds(err, k, in, a, ar, CR_VAL_BOOL)) != CR_OK)
						return rc;
					for (int i = 0; i < ar; i++)
					{
						if (a[i].kind == CR_VAL_NULL)
							anynull = 1;
						else if (a[i].kind == CR_VAL_BOOL && (a[i].boolean != 0) != isand)
							decided = 1;
					}
					e = first_error(a, ar);
					if (decided)
						SET_BOOL(a, !isand);
					else if (e)
						*a = *e;
					else if (anynull)
						SET_NULL(a);
					else
						SET_BOOL(a, isand);
					break;
				}
			case CR_OP_NOT:
				if ((rc = check_kinds(err, k, in, a, 1, CR_VAL_BOOL)) != CR_OK)
					return rc;
				if (a->kind == CR_VAL_BOOL)
					a->boolean = !a->boolean;
				break;
			case CR_OP_ISNULL:
			case CR_OP_ISNOTNULL:
				if (a->kind != CR_VAL_ERROR)
					SET_BOOL(a, (a->kind == CR_VAL_NULL) == (in->op == CR_OP_ISNULL));
				break;
			case CR_OP_EQ:
			case CR_OP_NE:
			case CR_OP_LT:
			case CR_OP_LE:
			case CR_OP_GT:
			case CR_OP_GE:
				{
					int			r;

					if (a[0].kind == CR_VAL_NUM && a[1].kind == CR_VAL_NUM &&
						!isnan(a[0].num) && !isnan(a[1].num))
					{
						/* the common case, without the generic checks */
						double		x = a[0].num;
						double		y = a[1].num;

						switch (in->op)
						{
							case CR_OP_EQ:
								r = x == y;
								break;
							case CR_OP_NE:
								r = x != y;
								break;
							case CR_OP_LT:
								r = x < y;
								break;
							case CR_OP_LE:
								r = x <= y;
								break;
							case CR_OP_GT:
								r = x > y;
								break;
							default:
								r = x >= y;
								break;
						}
						SET_BOOL(a, r);
						break;
					}
					if ((rc = check_same(err, k, in, a, 2, &kind)) != CR_OK)
						return rc;
					r = compare3(&a[0], &a[1], in->op);
					if (r == -2)
						*a = *first_error(a, 2);
					else if (r == -1)
						SET_NULL(a);
					else
						SET_BOOL(a, r);
					break;
				}
			case CR_OP_BETWEEN:
			case CR_OP_NOTBETWEEN:
				{
					/* x >= lo AND x <= hi, three-valued */
					int			r1,
								r2,
								r;

					if ((rc = check_same(err, k, in, a, 3, &kind)) != CR_OK)
						return rc;
					r1 = compare3(&a[0], &a[1], CR_OP_GE);
					r2 = compare3(&a[0], &a[2], CR_OP_LE);
					if (r1 == 0 || r2 == 0)
						r = 0;
					else if (r1 == -2 || r2 == -2)
						r = -2;
					else if (r1 == -1 || r2 == -1)
						r = -1;
					else
						r = 1;
					if (r >= 0 && in->op == CR_OP_NOTBETWEEN)
						r = !r;
					if (r == -2)
						*a = *first_error(a, 3);
					else if (r == -1)
						SET_NULL(a);
					else
						SET_BOOL(a, r);
					break;
				}
			case CR_OP_IN:
			case CR_OP_NOTIN:
				{
					int			found = 0;
					int			anynull = 0;
					int			anyerr = 0;

					if ((rc = check_same(err, k, in, a, ar, &kind)) != CR_OK)
						return rc;
					for (int i = 1; i < ar && !found; i++)
					{
						int			r = compare3(&a[0], &a[i], CR_OP_EQ);

						if (r == 1)
							found = 1;
						else if (r == -1)
							anynull = 1;
						else if (r == -2)
							anyerr = 1;
					}
					if (found)
						SET_BOOL(a, in->op == CR_OP_IN);
					else if (anyerr)
						*a = *first_error(a, ar);
					else if (anynull)
						SET_NULL(a);
					else
						SET_BOOL(a, in->op == CR_OP_NOTIN);
					break;
				}
			case CR_OP_NEG:
				if ((rc = check_kinds(err, k, in, a, 1, CR_VAL_NUM)) != CR_OK)
					return rc;
				if (a->kind == CR_VAL_NUM)
					a->num = -a->num;
				break;
			case CR_OP_ADD:
			case CR_OP_SUB:
			case CR_OP_MUL:
			case CR_OP_DIV:
			case CR_OP_MOD:
				{
					int			errid = -1;
					double		r;

					if ((rc = check_kinds(err, k, in, a, 2, CR_VAL_NUM)) != CR_OK)
						return rc;
					if ((e = first_error(a, 2)) != NULL)
					{
						*a = *e;
						break;
					}
					if (a[0].kind == CR_VAL_NULL || a[1].kind == CR_VAL_NULL)
					{
						SET_NULL(a);
						break;
					}
					r = apply_arith(in->op, a[0].num, a[1].num, &errid);
					if (errid >= 0)
						SET_ERROR(a, errid);
					else
						a->num = r;
					break;
				}
			case CR_OP_FUNC:
				if (in->fn == CR_FN_LEAST || in->fn == CR_FN_GREATEST || in->fn == CR_FN_COALESCE)
				{
					int			best = -1;

					if ((rc = check_same(err, k, in, a, ar, &kind)) != CR_OK)
						return rc;
					for (int i = 0; i < ar; i++)
					{
						if (a[i].kind == CR_VAL_NULL)
							continue;
						if (a[i].kind == CR_VAL_ERROR)
						{
							/* coalesce stops at its first non-NULL argument */
							if (in->fn != CR_FN_COALESCE || best < 0)
							{
								best = i;
								break;
							}
							continue;
						}
						if (best < 0)
						{
							best = i;
							if (in->fn == CR_FN_COALESCE)
								break;
						}
						else if (in->fn == CR_FN_LEAST && cmp_values(&a[i], &a[best]) < 0)
							best = i;
						else if (in->fn == CR_FN_GREATEST && cmp_values(&a[i], &a[best]) > 0)
							best = i;
					}
					if (best < 0)
						SET_NULL(a);
					else
					{
						int			flags = kind == CR_VAL_TEXT ? text_flags(a, ar) : 0;

						if (best > 0)
							*a = a[best];
						if (kind == CR_VAL_TEXT && a->kind == CR_VAL_TEXT)
							a->boolean = flags;
					}
					break;
				}
				else
				{
					int			errid = -1;
					double		r;

					if ((rc = check_kinds(err, k, in, a, ar, CR_VAL_NUM)) != CR_OK)
						return rc;
					if ((e = first_error(a, ar)) != NULL)
					{
						*a = *e;
						break;
					}
					if (a[0].kind == CR_VAL_NULL || (ar > 1 && a[1].kind == CR_VAL_NULL))
					{
						SET_NULL(a);
						break;
					}
					r = apply_func(in->fn, a, (uint32_t) ar, &errid);
					if (errid >= 0)
						SET_ERROR(a, errid);
					else
						SET_NUM(a, r);
					break;
				}
			default:
				return bad_binary(err, "unknown opcode");
		}
	}
	switch (stack[0].kind)
	{
		case CR_VAL_NULL:
			*result = -1;
			return CR_OK;
		case CR_VAL_BOOL:
			*result = stack[0].boolean != 0;
			return CR_OK;
		case CR_VAL_ERROR:
			return set_error(err, eval_errors[stack[0].len].code, -1, "%s",
							 eval_errors[stack[0].len].msg);
		default:
			set_error(err, CR_ERR_TYPE, -1, "incentive condition must be boolean, not %s",
					  cr_rule_kind_name(stack[0].kind));
			err->node = prog->ninstr - 1;
			return CR_ERR_TYPE;
	}
}
