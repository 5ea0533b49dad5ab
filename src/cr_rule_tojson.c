/*
 * cr_rule_tojson.c
 *	  Incentive condition to JsonLogic: the reverse of cr_rule_jsonlogic.c,
 *	  so that a stored rule opens in a rule builder.
 *
 * Each construct the JsonLogic front end generates maps back to the
 * JsonLogic that generates it (coalesce(x = 'a', false) is {"==": [x, "a"]},
 * coalesce(x, 0) < 5 is {"<": [{"var": ["x", 0]}, 5]} ...).  The result is
 * then compiled again and must give the same program; a condition written as
 * text whose NULL semantics JsonLogic cannot express (x < 5, where NULL is
 * unknown, not 0) fails with CR_ERR_UNSUPPORTED instead of changing meaning.
 *
 * Plain C, no PostgreSQL headers.  The recursion follows the program's
 * nesting, bounded by CR_RULE_MAX_DEPTH; + and * chains are flattened.
 */
#include "cr_rule_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Rev
{
	const CrRuleProg *prog;
	const int  *first;
	const int  *kids;
	CrBuf		out;
	CrRuleError *err;
	int			failed;
	int			depth;
} Rev;

static void rev(Rev *r, int k, int cond);

static int
rev_fail(Rev *r, const char *what)
{
	if (!r->failed)
		cr_set_error(r->err, CR_ERR_UNSUPPORTED, -1,
					 "incentive condition has no JsonLogic form: %s", what);
	r->failed = 1;
	return 0;
}

#define KID(r, k, i) ((r)->kids[(r)->first[k] + (i)])
#define OP(r, k) ((r)->prog->code[k].op)

static void
put(Rev *r, const char *s)
{
	cr_buf_str(&r->out, s);
}

static void
put_json_string(Rev *r, const char *s, size_t len)
{
	cr_buf_u8(&r->out, '"');
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		char		tmp[8];

		if (c == '"' || c == '\\')
		{
			cr_buf_u8(&r->out, '\\');
			cr_buf_u8(&r->out, c);
		}
		else if (c < 0x20)
		{
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			put(r, tmp);
		}
		else
			cr_buf_u8(&r->out, c);
	}
	cr_buf_u8(&r->out, '"');
}

/* A literal: number (also a negated one), text, true, false; 0 if not one. */
static int
rev_literal(Rev *r, int k)
{
	const CrInstr *in = &r->prog->code[k];

	switch (in->op)
	{
		case CR_OP_NUM:
			cr_print_number(&r->out, in->num);
			return 1;
		case CR_OP_NEG:
			/* -0 is not a JSON number jsonb keeps: {"-": [0]} instead */
			if (OP(r, KID(r, k, 0)) != CR_OP_NUM || r->prog->code[KID(r, k, 0)].num == 0)
				return 0;
			put(r, "-");
			cr_print_number(&r->out, r->prog->code[KID(r, k, 0)].num);
			return 1;
		case CR_OP_TEXT:
			put_json_string(r, in->str, in->n);
			return 1;
		case CR_OP_TRUE:
		case CR_OP_FALSE:
			put(r, in->op == CR_OP_TRUE ? "true" : "false");
			return 1;
		default:
			return 0;
	}
}

static void
rev_list(Rev *r, const char *op, int k, int from, int to, int cond)
{
	put(r, "{\"");
	put(r, op);
	put(r, "\": [");
	for (int i = from; i < to; i++)
	{
		if (i > from)
			put(r, ", ");
		rev(r, KID(r, k, i), cond);
	}
	put(r, "]}");
}

/* A chain of + or * (left-nested in the program) as one n-ary operation. */
static void
rev_chain(Rev *r, int k, const char *op)
{
	int			n = 1;
	int			j = k;
	int			i;

	while (OP(r, j) == OP(r, k))
	{
		j = KID(r, j, 0);
		n++;
	}
	put(r, "{\"");
	put(r, op);
	put(r, "\": [");
	rev(r, j, 0);
	/* the right operands, innermost first: walk down again for each */
	for (i = n - 2; i >= 0 && !r->failed; i--)
	{
		int			m = k;

		for (int d = 0; d < i; d++)
			m = KID(r, m, 0);
		put(r, ", ");
		rev(r, KID(r, m, 1), 0);
	}
	put(r, "]}");
}

/* coalesce(a, b): the forms the JsonLogic front end generates. */
static void
rev_coalesce(Rev *r, int k, int cond)
{
	int			a = KID(r, k, 0);
	int			b = KID(r, k, 1);
	int			bop = OP(r, b);

	if (r->prog->code[k].n != 2)
	{
		rev_fail(r, "coalesce with more than two arguments");
		return;
	}
	switch (OP(r, a))
	{
		case CR_OP_FEATURE:
			if (cond && bop == CR_OP_FALSE)
			{
				rev(r, a, 0);
				return;
			}
			put(r, "{\"var\": [");
			put_json_string(r, r->prog->names[r->prog->code[a].n], r->prog->name_lens[r->prog->code[a].n]);
			put(r, ", ");
			if (!rev_literal(r, b))
				rev_fail(r, "coalesce of a feature with something other than a literal");
			put(r, "]}");
			return;
		case CR_OP_EQ:
			if (bop == CR_OP_FALSE || bop == CR_OP_AND)
			{
				rev(r, a, 1);
				return;
			}
			break;
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
			if (bop == CR_OP_FALSE || bop == CR_OP_TRUE)
			{
				rev(r, a, 1);
				return;
			}
			break;
		case CR_OP_IN:
			if (bop == CR_OP_FALSE)
			{
				rev(r, a, 1);
				return;
			}
			break;
		default:
			break;
	}
	rev_fail(r, "this use of coalesce");
}

/* Comparisons, IS NULL, IN, NOT. */
static void
rev_predicate(Rev *r, int k)
{
	const CrInstr *in = &r->prog->code[k];
	int			c = KID(r, k, 0);

	switch (in->op)
	{
		case CR_OP_EQ:
			rev_list(r, "==", k, 0, 2, 0);
			return;
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
			rev_list(r, cr_op_symbol(in), k, 0, 2, 0);
			return;
		case CR_OP_ISNULL:
			put(r, "{\"==\": [");
			rev(r, c, 0);
			put(r, ", null]}");
			return;
		case CR_OP_IN:
			put(r, "{\"in\": [");
			rev(r, c, 0);
			put(r, ", [");
			for (uint32_t i = 1; i <= in->n; i++)
			{
				if (i > 1)
					put(r, ", ");
				if (!rev_literal(r, KID(r, k, i)))
					rev_fail(r, "IN with a list item that is not a literal");
			}
			put(r, "]]}");
			return;
		default:				/* NOT */
			if (OP(r, c) == CR_OP_ISNULL ||
				(OP(r, c) == CR_OP_FUNC && r->prog->code[c].fn == CR_FN_COALESCE &&
				 OP(r, KID(r, c, 0)) == CR_OP_EQ) || OP(r, c) == CR_OP_EQ)
			{
				/* NOT of an equality: != */
				size_t		mark = r->out.len;

				rev(r, c, 1);
				if (!r->failed && r->out.len >= mark + 4 && memcmp(r->out.data + mark, "{\"==", 4) == 0)
					r->out.data[mark + 2] = '!';
				return;
			}
			put(r, "{\"!\": [");
			rev(r, c, 1);
			put(r, "]}");
			return;
	}
}

static void
rev(Rev *r, int k, int cond)
{
	const CrInstr *in = &r->prog->code[k];

	if (r->failed)
		return;
	if (++r->depth > 2 * CR_RULE_MAX_DEPTH)
	{
		rev_fail(r, "nested too deeply");
		return;
	}
	if (rev_literal(r, k))
	{
		r->depth--;
		return;
	}
	switch (in->op)
	{
		case CR_OP_FEATURE:
			put(r, "{\"var\": ");
			put_json_string(r, r->prog->names[in->n], r->prog->name_lens[in->n]);
			put(r, "}");
			break;
		case CR_OP_NULL:
			put(r, "null");
			break;
		case CR_OP_AND:
		case CR_OP_OR:
			rev_list(r, in->op == CR_OP_AND ? "and" : "or", k, 0, (int) in->n, 1);
			break;
		case CR_OP_EQ:
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
		case CR_OP_ISNULL:
		case CR_OP_IN:
		case CR_OP_NOT:
			rev_predicate(r, k);
			break;
		case CR_OP_ADD:
		case CR_OP_MUL:
			rev_chain(r, k, in->op == CR_OP_ADD ? "+" : "*");
			break;
		case CR_OP_SUB:
		case CR_OP_DIV:
		case CR_OP_MOD:
			rev_list(r, cr_op_symbol(in), k, 0, 2, 0);
			break;
		case CR_OP_NEG:
			rev_list(r, "-", k, 0, 1, 0);
			break;
		case CR_OP_FUNC:
			if (in->fn == CR_FN_COALESCE)
				rev_coalesce(r, k, cond);
			else if (in->fn == CR_FN_LEAST || in->fn == CR_FN_GREATEST)
				rev_list(r, in->fn == CR_FN_LEAST ? "min" : "max", k, 0, (int) in->n, 0);
			else
				rev_fail(r, "JsonLogic has no such function");
			break;
		default:
			rev_fail(r, "JsonLogic has no such operator");
			break;
	}
	r->depth--;
}

int
cr_rule_to_jsonlogic(const CrRuleProg *prog, const uint8_t *bytes, size_t len,
					 const CrRuleMem *mem, char **out, size_t *outlen, CrRuleError *err)
{
	int		   *first;
	int		   *stack;
	int			sp = 0;
	int			nk = 0;
	Rev			r;
	uint8_t    *back = NULL;
	size_t		backlen = 0;
	int			rc;

	*out = NULL;
	*outlen = 0;
	first = cr_mem_alloc(mem, sizeof(int) * 3 * ((size_t) prog->ninstr + 1));
	if (first == NULL)
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	memset(&r, 0, sizeof(r));
	r.prog = prog;
	r.first = first;
	r.kids = first + prog->ninstr + 1;
	stack = first + 2 * ((size_t) prog->ninstr + 1);
	for (int k = 0; k < prog->ninstr; k++)
	{
		int			ar = cr_op_arity(&prog->code[k]);

		first[k] = nk;
		for (int i = 0; i < ar; i++)
			((int *) r.kids)[nk++] = stack[sp - ar + i];
		sp -= ar;
		stack[sp++] = k;
	}
	r.out.mem = mem;
	r.err = err;
	rev(&r, prog->ninstr - 1, 1);
	cr_buf_u8(&r.out, '\0');
	cr_mem_free(mem, first);
	if (!r.failed && r.out.oom)
		rc = cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	else if (r.failed)
		rc = err->code;
	else
	{
		/* it must compile back to exactly this program */
		CrRuleError e2;

		rc = cr_rule_from_jsonlogic((const char *) r.out.data, r.out.len - 1, mem, &back, &backlen, &e2);
		if (rc != CR_OK || backlen != len || memcmp(back, bytes, len) != 0)
			rc = cr_set_error(err, CR_ERR_UNSUPPORTED, -1,
							  "incentive condition has no exact JsonLogic form: JsonLogic reads a missing value as JavaScript does (null < 1 is true, null = null is true), SQL as unknown");
		cr_mem_free(mem, back);
	}
	if (rc != CR_OK)
	{
		cr_mem_free(mem, r.out.data);
		return rc;
	}
	*out = (char *) r.out.data;
	*outlen = r.out.len - 1;
	return CR_OK;
}
