/*
 * cr_rule_util.c
 *	  Shared by every stage of the incentive condition language: memory
 *	  callbacks, errors, the growable byte buffer, the function table and the
 *	  opcodes' arity and symbols.
 *
 * Plain C, no PostgreSQL headers (see cr_rule.h).
 */
#include "cr_rule_int.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ memory */

void *
cr_mem_alloc(const CrRuleMem *mem, size_t size)
{
	if (mem && mem->alloc)
		return mem->alloc(size, mem->ctx);
	return malloc(size ? size : 1);
}

void *
cr_mem_realloc(const CrRuleMem *mem, void *ptr, size_t size)
{
	if (mem && mem->realloc)
		return ptr ? mem->realloc(ptr, size, mem->ctx) : mem->alloc(size, mem->ctx);
	return realloc(ptr, size ? size : 1);
}

void
cr_mem_free(const CrRuleMem *mem, void *ptr)
{
	if (ptr == NULL)
		return;
	if (mem && mem->free)
		mem->free(ptr, mem->ctx);
	else
		free(ptr);
}

/* ------------------------------------------------------------------ messages */

/*
 * Walked from the start: in the multibyte server encodings other than UTF-8
 * (EUC_JP ...), a byte from 0x80 up may start a character or end one, so
 * only the lengths of the characters before it tell which.
 */
size_t
cr_quote_len(const CrRuleMem *mem, const char *s, size_t len, size_t max)
{
	size_t		n = 0;

	if (len <= max)
		return len;
	for (;;)
	{
		size_t		c = cr_char_len(mem, s + n, len - n);

		if (n + c > max)
			return n;
		n += c;
	}
}

/* ------------------------------------------------------------------ errors */

int
cr_set_error(CrRuleError *err, int code, long position, const char *fmt,...)
{
	va_list		ap;

	if (err)
	{
		err->code = code;
		err->position = position;
		err->node = -1;
		err->operand = -1;
		err->kind_first = CR_VAL_NULL;
		err->kind_got = CR_VAL_NULL;
		err->expected[0] = '\0';
		err->found[0] = '\0';
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return code;
}

void
cr_buf_reserve(CrBuf *b, size_t more)
{
	size_t		need;
	uint8_t    *p;

	if (b->oom)
		return;
	need = b->len + more;
	if (need >= b->next_tick)
	{
		cr_mem_tick(b->mem);
		b->next_tick = need + CR_TICK_BYTES;
	}
	if (need <= b->cap)
		return;
	if (need > CR_RULE_MAX_TEXT)
	{
		b->oom = 1;
		return;
	}
	{
		size_t		ncap = b->cap ? b->cap * 2 : 256;

		while (ncap < need)
			ncap *= 2;
		if (ncap > CR_RULE_MAX_TEXT)
			ncap = CR_RULE_MAX_TEXT;
		p = cr_mem_realloc(b->mem, b->data, ncap);
		if (p == NULL)
		{
			b->oom = 1;
			return;
		}
		b->data = p;
		b->cap = ncap;
	}
}

void
cr_buf_bytes(CrBuf *b, const void *src, size_t n)
{
	cr_buf_reserve(b, n);
	if (b->oom)
		return;
	if (n)
		memcpy(b->data + b->len, src, n);
	b->len += n;
}

void
cr_buf_u8(CrBuf *b, unsigned v)
{
	uint8_t		c = (uint8_t) v;

	cr_buf_bytes(b, &c, 1);
}

void
cr_buf_u16(CrBuf *b, unsigned v)
{
	uint8_t		c[2] = {(uint8_t) (v & 0xff), (uint8_t) ((v >> 8) & 0xff)};

	cr_buf_bytes(b, c, 2);
}

void
cr_buf_u32(CrBuf *b, uint32_t v)
{
	uint8_t		c[4];

	for (int i = 0; i < 4; i++)
		c[i] = (uint8_t) ((v >> (8 * i)) & 0xff);
	cr_buf_bytes(b, c, 4);
}

void
cr_buf_f64(CrBuf *b, double d)
{
	uint64_t	u;
	uint8_t		c[8];

	memcpy(&u, &d, 8);
	for (int i = 0; i < 8; i++)
		c[i] = (uint8_t) ((u >> (8 * i)) & 0xff);
	cr_buf_bytes(b, c, 8);
}

void
cr_buf_str(CrBuf *b, const char *s)
{
	cr_buf_bytes(b, s, strlen(s));
}


/* ------------------------------------------------------------------ tables */

const CrFuncInfo cr_func_table[CR_FN_LAST_] =
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
	[CR_FN_TRUTHY] = {"truthy", 1, 1},
	[CR_FN_CONTAINS] = {"contains", 2, 2},
};

const char *
cr_rule_func_name(int fn)
{
	if (fn < 0 || fn >= CR_FN_LAST_)
		return "?";
	return cr_func_table[fn].name;
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
		case CR_VAL_ARRAY:
			return "array";
		default:
			return "null";
	}
}

const char *const cr_keywords[CR_NKEYWORDS] = {
	"and", "or", "not", "is", "null", "true", "false", "between", "in"
};

/* ------------------------------------------------------------------ opcodes */

int
cr_bad_binary(CrRuleError *err, const char *what)
{
	return cr_set_error(err, CR_ERR_BINARY, -1, "invalid incentive condition: %s", what);
}

static int
type_error_text(CrRuleError *err, const CrInstr *in, int want, int first, int got)
{
	int			func = in->op == CR_OP_FUNC;
	const char *what = func ? "function" : "operator";
	const char *name = cr_op_symbol(in);

	if (func && in->fn == CR_FN_CONTAINS)
		return cr_set_error(err, CR_ERR_TYPE, -1,
							"function contains expects a JSON array or text as its first argument, not %s",
							cr_rule_kind_name(got));
	if (want >= 0 && cr_op_arity(in) == 1)
		return cr_set_error(err, CR_ERR_TYPE, -1, "%s %s expects a %s %s, not %s", what, name,
							cr_rule_kind_name(want), func ? "argument" : "operand",
							cr_rule_kind_name(got));
	if (want >= 0)
		return cr_set_error(err, CR_ERR_TYPE, -1, "%s %s expects %s %s, but one is %s", what, name,
							cr_rule_kind_name(want), func ? "arguments" : "operands",
							cr_rule_kind_name(got));
	if (func && in->fn == CR_FN_COALESCE)
		return cr_set_error(err, CR_ERR_TYPE, -1, "function %s cannot mix %s and %s arguments", name,
							cr_rule_kind_name(first), cr_rule_kind_name(got));
	/* comparisons, BETWEEN, IN, least and greatest */
	return cr_set_error(err, CR_ERR_TYPE, -1, "%s %s cannot compare %s with %s", what, name,
						cr_rule_kind_name(first), cr_rule_kind_name(got));
}

/*
 * The type error of instruction in, whose operand number operand (of kind
 * got) is not of kind want (-1: not of kind first, that of the operands
 * before it).  The kinds and the operand are kept for
 * cr_rule_jsonlogic_type_error.
 */
int
cr_rule_type_error(CrRuleError *err, const CrInstr *in, int operand, int want, int first, int got)
{
	int			rc = type_error_text(err, in, want, first, got);

	if (err)
	{
		err->operand = operand;
		err->kind_first = (uint8_t) first;
		err->kind_got = (uint8_t) got;
	}
	return rc;
}

const char *
cr_op_symbol(const CrInstr *in)
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

/*
 * JavaScript's String(d) of a number (Number::toString: the shortest digits
 * that read back as d, plain from 1e-7 to 1e21, else with an exponent),
 * into out (32 bytes); returns its length.
 */
size_t
cr_js_number_text(double d, char *out)
{
	char		tmp[40];
	char		dig[24];			/* at most 17 digits; n <= 21 in the plain forms */
	int			k = 0,
				n,
				len = 0;

	if (isnan(d) || isinf(d) || d == 0)
		return (size_t) snprintf(out, 32, "%s", isnan(d) ? "NaN" : isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") : "0");
	if (d < 0)
		out[len++] = '-';
	for (int p = 1; p <= 17; p++)
	{
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, fabs(d));
		if (strtod(tmp, NULL) == fabs(d))
			break;
	}
	for (const char *c = tmp; *c != 'e'; c++)
		if (*c != '.')
			dig[k++] = *c;
	n = atoi(strchr(tmp, 'e') + 1) + 1;	/* the decimal point's place */
	if (k <= n && n <= 21)
		len += snprintf(out + len, 32 - len, "%.*s%.*s", k, dig, n - k, "000000000000000000000");
	else if (0 < n && n <= 21)
		len += snprintf(out + len, 32 - len, "%.*s.%.*s", n, dig, k - n, dig + n);
	else if (-6 < n && n <= 0)
		len += snprintf(out + len, 32 - len, "0.%.*s%.*s", -n, "000000", k, dig);
	else
		len += snprintf(out + len, 32 - len, "%c%s%.*se%c%d", dig[0], k > 1 ? "." : "", k - 1, dig + 1,
						n - 1 >= 0 ? '+' : '-', abs(n - 1));
	return (size_t) len;
}
