/*
 * cr_rule_tojson.c
 *	  Incentive condition to JsonLogic: the reverse of cr_rule_jsonlogic.c,
 *	  so that a stored rule opens in a rule builder.
 *
 * Each construct the JsonLogic front end generates maps back to the
 * JsonLogic that generates it (coalesce(x = 'a', false) is {"==": [x, "a"]},
 * coalesce(x, 0) < 5 is {"<": [{"var": ["x", 0]}, 5]} ...), and the result
 * must compile back to the same program.  A condition typed as text (x < 5,
 * where NULL is unknown, not 0) instead gets SQL's meaning spelled out with
 * null checks (see sem); what JsonLogic cannot say is CR_ERR_UNSUPPORTED.
 *
 * Plain C, no PostgreSQL headers.  The recursion follows the program's
 * nesting, bounded by CR_RULE_MAX_DEPTH; + and * chains are flattened.
 */
#include "cr_rule_int.h"

#include <math.h>
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
	int			bare_zero;		/* for messages: a var read as 0 where null without its default 0 */
} Rev;

static void rev(Rev *r, int k, int cond);

/* the reason is also kept in err->found, for the SQL side to pick a hint */
static int
rev_fail(Rev *r, const char *what)
{
	if (!r->failed)
	{
		cr_set_error(r->err, CR_ERR_UNSUPPORTED, -1,
					 "incentive condition has no JsonLogic form: %s", what);
		if (r->err)
			snprintf(r->err->found, sizeof(r->err->found), "%s", what);
	}
	r->failed = 1;
	return 0;
}

#define KID(r, k, i) ((r)->kids[(r)->first[k] + (i)])
#define OP(r, k) ((r)->prog->code[k].op)

/*
 * The JsonLogic is read back to check it, and JSON over CR_RULE_MAX_BYTES
 * would be refused there: stop writing it once it is that long (a program
 * of 4 MB can print hundreds of MB).
 */
static int
out_too_long(Rev *r)
{
	if (r->out.len <= CR_RULE_MAX_BYTES)
		return 0;
	if (!r->failed)
		cr_set_error(r->err, CR_ERR_TOO_MANY, -1,
					 "JsonLogic form of the incentive condition is too long: over %d bytes of JSON",
					 CR_RULE_MAX_BYTES);
	r->failed = 1;
	return 1;
}

static void
put(Rev *r, const char *s)
{
	if (!out_too_long(r))
		cr_buf_str(&r->out, s);
}

static void
put_json_string(Rev *r, const char *s, size_t len)
{
	if (out_too_long(r))
		return;
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

/* Node k is a non-zero number literal, or minus one (x / -4). */
static int
nonzero_number(const Rev *r, int k)
{
	if (OP(r, k) == CR_OP_NEG)
		k = KID(r, k, 0);
	return OP(r, k) == CR_OP_NUM && r->prog->code[k].num != 0;
}

/* ", [item, ...]": the literal list of the IN node k. */
static void
put_items(Rev *r, int k)
{
	put(r, ", [");
	for (uint32_t i = 1; i <= r->prog->code[k].n; i++)
	{
		if (i > 1)
			put(r, ", ");
		if (!rev_literal(r, KID(r, k, i)))
			rev_fail(r, "IN with a list item that is not a literal");
	}
	put(r, "]");
}

/*
 * Whether operation k reads a null operand as 0 (< <= > >= - / % min max),
 * so that the front end wraps a var operand in coalesce(x, 0).
 */
static int
reads_null_as_zero(const CrInstr *in)
{
	switch (in->op)
	{
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
		case CR_OP_SUB:
		case CR_OP_DIV:
		case CR_OP_MOD:
		case CR_OP_NEG:
			return 1;
		case CR_OP_FUNC:
			return in->fn == CR_FN_LEAST || in->fn == CR_FN_GREATEST;
		default:
			return 0;
	}
}

/* Node k is coalesce(feature, 0): a var an operation that reads null as 0 wraps. */
static int
var_or_zero(const Rev *r, int k)
{
	const CrInstr *in = &r->prog->code[k];

	return in->op == CR_OP_FUNC && in->fn == CR_FN_COALESCE && in->n == 2 &&
		OP(r, KID(r, k, 0)) == CR_OP_FEATURE && OP(r, KID(r, k, 1)) == CR_OP_NUM &&
		r->prog->code[KID(r, k, 1)].num == 0;
}

static void
rev_list(Rev *r, const char *op, int k, int from, int to, int cond)
{
	int			bare = r->bare_zero && reads_null_as_zero(&r->prog->code[k]);

	put(r, "{\"");
	put(r, op);
	put(r, "\": [");
	for (int i = from; i < to; i++)
	{
		int			a = KID(r, k, i);

		if (i > from)
			put(r, ", ");
		if (bare && var_or_zero(r, a))
			rev(r, KID(r, a, 0), 0);
		else
			rev(r, a, cond);
	}
	put(r, "]}");
}

/*
 * A chain of + or * (left-nested in the program): its nodes, outermost
 * first, so that the right operands can be read in order without walking
 * down again for each (NULL when out of memory).
 */
static int *
chain_links(Rev *r, int k, int *np)
{
	int			n = 0;
	int			j = k;
	int		   *links;

	while (OP(r, j) == OP(r, k))
	{
		j = KID(r, j, 0);
		n++;
	}
	links = cr_mem_alloc(r->out.mem, sizeof(int) * (size_t) n);
	if (links == NULL)
	{
		r->out.oom = 1;
		r->failed = 1;
		return NULL;
	}
	j = k;
	for (int i = 0; i < n; i++, j = KID(r, j, 0))
		links[i] = j;
	*np = n;
	return links;
}

/*
 * The operation of a chain of + or * from links[from] (its root) down:
 * n - from + 1 operands, at most CR_RULE_MAX_ITEMS of them in one JsonLogic
 * operation (the most the front end takes).  A longer chain nests its first
 * part as the first operand, {"+": [{"+": [a, b, ...]}, y, z]}, which the
 * front end compiles to the same left-nested chain: a + b + ... + y + z.
 * With s the operands are written as sem_val writes them, else as rev.
 */
struct Sem;
static void sem_val(struct Sem *s, int k);

static void
put_chain(Rev *r, struct Sem *s, const int *links, int n, int from, const char *op)
{
	int			last = n - 1;	/* the innermost link written here */

	if (n - from + 1 > CR_RULE_MAX_ITEMS)
		last = from + CR_RULE_MAX_ITEMS - 2;
	put(r, "{\"");
	put(r, op);
	put(r, "\": [");
	if (last < n - 1)
		put_chain(r, s, links, n, last + 1, op);
	else if (s)
		sem_val(s, KID(r, links[n - 1], 0));
	else
		rev(r, KID(r, links[n - 1], 0), 0);
	for (int i = last; i >= from && !r->failed; i--)
	{
		put(r, ", ");
		if (s)
			sem_val(s, KID(r, links[i], 1));
		else
			rev(r, KID(r, links[i], 1), 0);
	}
	put(r, "]}");
}

/* A chain of + or * as one n-ary operation (nested beyond CR_RULE_MAX_ITEMS operands). */
static void
rev_chain(Rev *r, int k, const char *op)
{
	int			n;
	int		   *links = chain_links(r, k, &n);

	if (links == NULL)
		return;
	if (r->bare_zero && n == 1 && OP(r, k) == CR_OP_ADD && OP(r, KID(r, k, 1)) == CR_OP_NUM &&
		r->prog->code[KID(r, k, 1)].num == 0 && !signbit(r->prog->code[KID(r, k, 1)].num))
	{
		/* {"+": [x]} is x + 0 */
		rev_list(r, op, k, 0, 1, 0);
		cr_mem_free(r->out.mem, links);
		return;
	}
	put_chain(r, NULL, links, n, 0, op);
	cr_mem_free(r->out.mem, links);
}

/* coalesce(a, b): the forms the JsonLogic front end generates. */
static void
rev_coalesce(Rev *r, int k)
{
	int			a = KID(r, k, 0);
	int			b;
	int			bop;

	/* only now is there a second argument to read (coalesce(x) has none) */
	if (r->prog->code[k].n != 2)
	{
		rev_fail(r, "coalesce with other than two arguments");
		return;
	}
	b = KID(r, k, 1);
	bop = OP(r, b);
	switch (OP(r, a))
	{
		case CR_OP_FEATURE:
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
		case CR_OP_FUNC:
			if (r->prog->code[a].fn == CR_FN_CONTAINS && bop == CR_OP_FALSE)
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
			put_items(r, k);
			put(r, "]}");
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

/*
 * truthy(v) of a value other than a feature: {"!!": [v]}, where v is read
 * as a condition, so a literal or a var there would compile to a constant
 * or to the var's truthiness.  Those go through a one-operand *, which is
 * its operand: {"!!": [{"*": [-12]}]} is truthy(-12).
 */
static void
rev_truthy(Rev *r, int k)
{
	int			a = KID(r, k, 0);
	int			op = OP(r, a);
	int			wrap = op == CR_OP_NUM || op == CR_OP_NEG || op == CR_OP_TEXT || op == CR_OP_TRUE ||
		op == CR_OP_FALSE || op == CR_OP_FEATURE ||
		(op == CR_OP_FUNC && r->prog->code[a].fn == CR_FN_COALESCE);

	put(r, wrap ? "{\"!!\": [{\"*\": [" : "{\"!!\": [");
	rev(r, a, 0);
	put(r, wrap ? "]}]}" : "]}");
}

static void
rev(Rev *r, int k, int cond)
{
	const CrInstr *in = &r->prog->code[k];

	if (r->failed)
		return;
	if (++r->depth > 2 * CR_RULE_MAX_DEPTH)
	{
		rev_fail(r, CR_JL_TOO_DEEP);
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
				rev_coalesce(r, k);
			else if (in->fn == CR_FN_LEAST || in->fn == CR_FN_GREATEST)
				rev_list(r, in->fn == CR_FN_LEAST ? "min" : "max", k, 0, (int) in->n, 0);
			else if (in->fn == CR_FN_TRUTHY && cond && OP(r, KID(r, k, 0)) == CR_OP_FEATURE)
				rev(r, KID(r, k, 0), 0);	/* {"var": "x"} as a condition */
			else if (in->fn == CR_FN_TRUTHY)
				rev_truthy(r, k);
			else if (in->fn == CR_FN_CONTAINS)
			{
				/* contains(h, x): {"in": [x, h]} */
				put(r, "{\"in\": [");
				rev(r, KID(r, k, 1), 0);
				put(r, ", ");
				rev(r, KID(r, k, 0), 0);
				put(r, "]}");
			}
			else
				rev_fail(r, "JsonLogic has no such function");
			break;
		default:
			rev_fail(r, "JsonLogic has no such operator");
			break;
	}
	r->depth--;
}

/* ------------------------------------------------------------------ SQL's meaning */

/*
 * A condition written as text, whose NULLs mean "unknown", in JsonLogic that
 * matches exactly where it is true: sem(k, 1) is truthy when node k is TRUE,
 * sem(k, 0) when it is FALSE (NOT swaps them; a NULL is neither).  Every
 * comparison is guarded by {"!=": [feature, null]} for the features its
 * operands read, and compares as JavaScript does once they are not null.
 */
typedef struct Sem
{
	Rev		   *r;
	uint8_t    *guard;			/* per feature: read by the current comparison */
} Sem;

static void sem(Sem *s, int k, int pos);

/* A value: literals, features, + - * unary -, / and % by a non-zero literal, coalesce(feature, literal). */
static void sem_val(Sem *s, int k);

/* A chain of + or * as one n-ary operation, as rev_chain. */
static void
sem_chain(Sem *s, int k)
{
	Rev		   *r = s->r;
	int			n;
	int		   *links = chain_links(r, k, &n);

	if (links == NULL)
		return;
	put_chain(r, s, links, n, 0, cr_op_symbol(&r->prog->code[k]));
	cr_mem_free(r->out.mem, links);
}

static void
sem_val_node(Sem *s, int k)
{
	Rev		   *r = s->r;
	const CrInstr *in = &r->prog->code[k];

	if (rev_literal(r, k))
		return;
	switch (in->op)
	{
		case CR_OP_FEATURE:
			s->guard[in->n] = 1;
			rev(r, k, 0);
			return;
		case CR_OP_ADD:
		case CR_OP_MUL:
			sem_chain(s, k);
			return;
		case CR_OP_SUB:
		case CR_OP_DIV:
		case CR_OP_MOD:
			if ((in->op == CR_OP_DIV || in->op == CR_OP_MOD) && !nonzero_number(r, KID(r, k, 1)))
			{
				rev_fail(r, "division by something other than a non-zero number");
				return;
			}
			put(r, "{\"");
			put(r, cr_op_symbol(in));
			put(r, "\": [");
			sem_val(s, KID(r, k, 0));
			put(r, ", ");
			sem_val(s, KID(r, k, 1));
			put(r, "]}");
			return;
		case CR_OP_NEG:
			put(r, "{\"-\": [");
			sem_val(s, KID(r, k, 0));
			put(r, "]}");
			return;
		case CR_OP_FUNC:
			if (in->fn == CR_FN_COALESCE && in->n == 2 && OP(r, KID(r, k, 0)) == CR_OP_FEATURE)
			{
				rev_coalesce(r, k);
				return;
			}
			rev_fail(r, "JsonLogic has no such function, or no NULL-skipping least and greatest");
			return;
		default:
			rev_fail(r, "a condition used as a value, or NULL");
			return;
	}
}

/* sem_val_node with the nesting bounded: a chain of - in a binary condition is as long as 4 MB allow */
static void
sem_val(Sem *s, int k)
{
	Rev		   *r = s->r;

	if (r->failed)
		return;
	if (++r->depth > 2 * CR_RULE_MAX_DEPTH)
		rev_fail(r, CR_JL_TOO_DEEP);
	else
		sem_val_node(s, k);
	r->depth--;
}

/*
 * An operand whose features get null checks: guard_begin sets its body
 * aside (in a buffer of its own, the features it reads marked in guard),
 * and guard_end writes {"and": [{"!=": [f, null]}, ..., body]}, true where
 * the body is and no feature is null, or negated {"or": [{"==": [f, null]},
 * ..., body]}.
 */
static void
guard_begin(Sem *s, CrBuf *saved)
{
	Rev		   *r = s->r;

	*saved = r->out;
	memset(s->guard, 0, (size_t) r->prog->nnames);
	memset(&r->out, 0, sizeof(r->out));
	r->out.mem = saved->mem;
}

static void
guard_end(Sem *s, CrBuf *saved, int negated)
{
	Rev		   *r = s->r;
	CrBuf		body = r->out;

	r->out = *saved;
	put(r, negated ? "{\"or\": [" : "{\"and\": [");
	for (int f = 0; f < r->prog->nnames; f++)
		if (s->guard[f])
		{
			put(r, negated ? "{\"==\": [{\"var\": " : "{\"!=\": [{\"var\": ");
			put_json_string(r, r->prog->names[f], r->prog->name_lens[f]);
			put(r, "}, null]}, ");
		}
	cr_buf_bytes(&r->out, body.data, body.len);
	put(r, "]}");
	if (body.oom)
		r->out.oom = 1;
	cr_mem_free(r->out.mem, body.data);
}

static const char *const cmp_sym[] = {"===", "!==", "<", "<=", ">", ">="};
static const int cmp_neg[] = {1, 0, 5, 4, 3, 2};	/* index of the negation */

/*
 * One strict comparison, guarded: {"and": [{"!=": [f, null]} ..., {op: [a, b]}]}
 * where list >= 0 makes it [NOT] IN: a against the literals of node list.
 */
static void
sem_compare(Sem *s, int a, int b, int sym, int list, int negated_in)
{
	Rev		   *r = s->r;
	CrBuf		saved;

	guard_begin(s, &saved);
	if (list < 0 && sym >= 2 && OP(r, a) == CR_OP_FEATURE && OP(r, b) == CR_OP_FEATURE)
	{
		/* JsonLogic -> condition reads such a comparison as numbers */
		r->out = saved;
		rev_fail(r, "< or > between two features, which JsonLogic reads as numbers (text features would not bind)");
		return;
	}
	if (list < 0)
	{
		put(r, "{\"");
		put(r, cmp_sym[sym]);
		put(r, "\": [");
		sem_val(s, a);
		put(r, ", ");
		sem_val(s, b);
		put(r, "]}");
	}
	else
	{
		put(r, negated_in ? "{\"!\": {\"in\": [" : "{\"in\": [");
		sem_val(s, a);
		put_items(r, list);
		put(r, negated_in ? "]}}" : "]}");
	}
	/* the guards first: JsonLogic reads null as 0 or "", SQL as unknown */
	guard_end(s, &saved, 0);
}

/* x [NOT] BETWEEN lo AND hi: x >= lo AND x <= hi, each comparison on its own. */
static void
sem_between(Sem *s, int k, int pos)
{
	Rev		   *r = s->r;

	if (OP(r, k) == CR_OP_NOTBETWEEN)
		pos = !pos;
	put(r, pos ? "{\"and\": [" : "{\"or\": [");
	sem_compare(s, KID(r, k, 0), KID(r, k, 1), pos ? 5 : cmp_neg[5], -1, 0);
	put(r, ", ");
	sem_compare(s, KID(r, k, 0), KID(r, k, 2), pos ? 3 : cmp_neg[3], -1, 0);
	put(r, "]}");
}

/* A literal or a feature: its JsonLogic is JavaScript's value of it, NULL as null. */
static int
sem_plain(Rev *r, int k)
{
	int			op = OP(r, k);

	return op == CR_OP_FEATURE || op == CR_OP_NULL || op == CR_OP_TEXT || op == CR_OP_NUM ||
		op == CR_OP_TRUE || op == CR_OP_FALSE ||
		(op == CR_OP_NEG && OP(r, KID(r, k, 0)) == CR_OP_NUM);
}

/*
 * The boolean functions as conditions: truthy(v), never NULL, is false
 * where v is NULL, so {"!!": v} once the features v reads are not null
 * (where JavaScript computes what SQL does), and {"!": v} or one of them
 * null; truthy(feature) is JsonLogic's own {"var": "x"}.
 * coalesce(b, true or false) is b where b is not null, else the literal.
 */
static void
sem_func(Sem *s, int k, int pos)
{
	Rev		   *r = s->r;
	const CrInstr *in = &r->prog->code[k];
	int			a = KID(r, k, 0);

	if (in->fn == CR_FN_TRUTHY && OP(r, a) == CR_OP_FEATURE)
	{
		put(r, pos ? "" : "{\"!\": ");
		rev(r, a, 0);
		put(r, pos ? "" : "}");
	}
	else if (in->fn == CR_FN_TRUTHY)
	{
		CrBuf		saved;

		guard_begin(s, &saved);
		put(r, pos ? "{\"!!\": [" : "{\"!\": [");
		sem_val(s, a);
		put(r, "]}");
		guard_end(s, &saved, !pos);
	}
	else if (in->fn == CR_FN_COALESCE && in->n == 2 && OP(r, a) == CR_OP_FEATURE &&
			 (OP(r, KID(r, k, 1)) == CR_OP_TRUE || OP(r, KID(r, k, 1)) == CR_OP_FALSE))
	{
		int			d = OP(r, KID(r, k, 1)) == CR_OP_TRUE;

		/* true where b is pos, or null and the literal is pos */
		put(r, d == (pos != 0) ? "{\"or\": [{\"===\": [" : "{\"===\": [");
		rev(r, a, 0);
		put(r, pos ? ", true]}" : ", false]}");
		if (d == (pos != 0))
		{
			put(r, ", {\"==\": [");
			rev(r, a, 0);
			put(r, ", null]}]}");
		}
	}
	else if (in->fn == CR_FN_CONTAINS && (OP(r, a) == CR_OP_FEATURE || OP(r, a) == CR_OP_TEXT) &&
			 sem_plain(r, KID(r, k, 1)))
	{
		/*
		 * contains(h, x) is JsonLogic's own "in" where h is not null (x may
		 * be: contains reads NULL as null), and neither true nor false where
		 * h is null, which "in" reads as false.
		 */
		put(r, pos ? "" : "{\"and\": [{\"!=\": [");
		if (!pos)
		{
			rev(r, a, 0);
			put(r, ", null]}, {\"!\": [");
		}
		rev(r, k, 1);
		put(r, pos ? "" : "]}]}");
	}
	else
		rev_fail(r, "JsonLogic has no equivalent of this condition");
}

static void
sem(Sem *s, int k, int pos)
{
	Rev		   *r = s->r;
	const CrInstr *in = &r->prog->code[k];

	if (r->failed)
		return;
	if (++r->depth > 2 * CR_RULE_MAX_DEPTH)
	{
		rev_fail(r, CR_JL_TOO_DEEP);
		return;
	}
	switch (in->op)
	{
		case CR_OP_TRUE:
		case CR_OP_FALSE:
			put(r, (in->op == CR_OP_TRUE) == (pos != 0) ? "true" : "false");
			break;
		case CR_OP_NULL:
			put(r, "false");
			break;
		case CR_OP_FEATURE:
			put(r, "{\"===\": [");
			rev(r, k, 0);
			put(r, pos ? ", true]}" : ", false]}");
			break;
		case CR_OP_NOT:
			sem(s, KID(r, k, 0), !pos);
			break;
		case CR_OP_AND:
		case CR_OP_OR:
			put(r, (in->op == CR_OP_AND) == (pos != 0) ? "{\"and\": [" : "{\"or\": [");
			for (uint32_t i = 0; i < in->n; i++)
			{
				if (i > 0)
					put(r, ", ");
				sem(s, KID(r, k, i), pos);
			}
			put(r, "]}");
			break;
		case CR_OP_ISNULL:
		case CR_OP_ISNOTNULL:
			if (OP(r, KID(r, k, 0)) != CR_OP_FEATURE)
			{
				rev_fail(r, "IS NULL of an expression");
				break;
			}
			put(r, ((in->op == CR_OP_ISNULL) == (pos != 0)) ? "{\"==\": [" : "{\"!=\": [");
			rev(r, KID(r, k, 0), 0);
			put(r, ", null]}");
			break;
		case CR_OP_EQ:
		case CR_OP_NE:
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
			sem_compare(s, KID(r, k, 0), KID(r, k, 1),
						pos ? in->op - CR_OP_EQ : cmp_neg[in->op - CR_OP_EQ], -1, 0);
			break;
		case CR_OP_BETWEEN:
		case CR_OP_NOTBETWEEN:
			sem_between(s, k, pos);
			break;
		case CR_OP_FUNC:
			sem_func(s, k, pos);
			break;
		case CR_OP_IN:
		case CR_OP_NOTIN:
			sem_compare(s, KID(r, k, 0), -1, 0, k, (in->op == CR_OP_IN) != (pos != 0));
			break;
		default:
			rev_fail(r, "JsonLogic has no equivalent of this condition");
			break;
	}
	r->depth--;
}

/*
 * The JsonLogic of the whole program into r->out (NUL-terminated), at most
 * CR_RULE_MAX_BYTES of it.
 */
static int
rev_program(Rev *r)
{
	rev(r, r->prog->ninstr - 1, 1);
	cr_buf_u8(&r->out, '\0');
	if (r->out.oom)
		return cr_set_error(r->err, CR_ERR_NOMEM, -1, "out of memory");
	if (r->failed)
		return r->err->code;
	return CR_OK;
}

/* The JsonLogic in r->out compiles back to these very bytes. */
static int
compiles_back(Rev *r, const uint8_t *bytes, size_t len)
{
	uint8_t    *back = NULL;
	size_t		backlen = 0;
	CrRuleError e2;
	int			rc;

	rc = cr_rule_from_jsonlogic((const char *) r->out.data, r->out.len - 1, r->out.mem, &back, &backlen, &e2);
	if (rc != CR_OK || backlen != len || memcmp(back, bytes, len) != 0)
		rc = cr_set_error(r->err, CR_ERR_UNSUPPORTED, -1, "not made from JsonLogic");
	cr_mem_free(r->out.mem, back);
	return rc;
}

/*
 * The exact reverse of the JsonLogic front end: the result compiles back to
 * these very bytes.
 */
static int
to_json_exact(Rev *r, const uint8_t *bytes, size_t len)
{
	int			rc = rev_program(r);

	return rc == CR_OK ? compiles_back(r, bytes, len) : rc;
}

/* SQL's meaning, with explicit null checks (see sem); it must compile. */
static int
to_json_sem(Rev *r)
{
	Sem			s;
	uint8_t    *back = NULL;
	size_t		backlen = 0;
	CrRuleError e2;
	int			rc;
	const CrRuleMem *mem = r->out.mem;

	cr_mem_free(mem, r->out.data);
	memset(&r->out, 0, sizeof(r->out));
	r->out.mem = mem;
	r->failed = 0;
	r->depth = 0;
	s.r = r;
	s.guard = cr_mem_alloc(r->out.mem, (size_t) r->prog->nnames + 1);
	if (s.guard == NULL)
		return cr_set_error(r->err, CR_ERR_NOMEM, -1, "out of memory");
	sem(&s, r->prog->ninstr - 1, 1);
	cr_mem_free(r->out.mem, s.guard);
	cr_buf_u8(&r->out, '\0');
	if (r->out.oom)
		rc = cr_set_error(r->err, CR_ERR_NOMEM, -1, "out of memory");
	else if (r->failed)
		rc = r->err->code;
	else
	{
		rc = cr_rule_from_jsonlogic((const char *) r->out.data, r->out.len - 1, r->out.mem, &back, &backlen, &e2);
		if (rc != CR_OK)
		{
			rc = cr_set_error(r->err, CR_ERR_UNSUPPORTED, -1,
							  "incentive condition has no JsonLogic form: %s", e2.message);
			/* the JSON is well-formed: only a nesting limit refuses it */
			if (e2.code == CR_ERR_TOO_DEEP || strstr(e2.message, CR_JL_TOO_DEEP) != NULL)
				snprintf(r->err->found, sizeof(r->err->found), "%s", CR_JL_TOO_DEEP);
		}
		cr_mem_free(r->out.mem, back);
	}
	if (rc != CR_OK)
	{
		cr_mem_free(r->out.mem, r->out.data);
		r->out.data = NULL;
	}
	return rc;
}

/*
 * Set r up to write the JsonLogic of prog: the operands of every node
 * (r->first, one allocation the caller frees).
 */
static int
rev_begin(Rev *r, const CrRuleProg *prog, const CrRuleMem *mem, CrRuleError *err)
{
	int		   *first;
	int		   *stack;
	int			sp = 0;
	int			nk = 0;

	memset(r, 0, sizeof(*r));
	first = cr_mem_alloc(mem, sizeof(int) * 3 * ((size_t) prog->ninstr + 1));
	if (first == NULL)
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	r->prog = prog;
	r->first = first;
	r->kids = first + prog->ninstr + 1;
	stack = first + 2 * ((size_t) prog->ninstr + 1);
	for (int k = 0; k < prog->ninstr; k++)
	{
		int			ar = cr_op_arity(&prog->code[k]);

		first[k] = nk;
		for (int i = 0; i < ar; i++)
			((int *) r->kids)[nk++] = stack[sp - ar + i];
		sp -= ar;
		stack[sp++] = k;
	}
	r->out.mem = mem;
	r->err = err;
	return CR_OK;
}

int
cr_rule_to_jsonlogic(const CrRuleProg *prog, const uint8_t *bytes, size_t len,
					 const CrRuleMem *mem, char **out, size_t *outlen, CrRuleError *err)
{
	Rev			r;
	int			rc;

	*out = NULL;
	*outlen = 0;
	if ((rc = rev_begin(&r, prog, mem, err)) != CR_OK)
		return rc;
	rc = to_json_exact(&r, bytes, len);
	if (rc != CR_OK && rc != CR_ERR_NOMEM)
	{
		/*
		 * The exact form came out over 4 MB (an "if" repeats its conditions,
		 * so nested ones made from 400 kB of JsonLogic print as megabytes):
		 * unless the null-checked form can say it, that is the reason, not
		 * the sem form's lack of the front end's coalesce forms.
		 */
		CrRuleError exact_err = *err;

		rc = to_json_sem(&r);
		if (rc == CR_ERR_UNSUPPORTED && exact_err.code == CR_ERR_TOO_MANY)
		{
			*err = exact_err;
			rc = err->code;
		}
	}
	cr_mem_free(mem, (void *) r.first);
	if (rc != CR_OK)
	{
		cr_mem_free(mem, r.out.data);
		return rc;
	}
	*out = (char *) r.out.data;
	*outlen = r.out.len - 1;
	return CR_OK;
}

/*
 * For messages (cr_rule_jlerror.c): when prog is exactly what the JsonLogic
 * front end makes of some rule, a reader of the JsonLogic of its nodes
 * (cr_rule_jsonlogic_at), else NULL.  The program is made canonical by
 * printing and parsing it, as it is stored.
 */
struct CrJsonLogicNodes
{
	Rev			r;
};

CrJsonLogicNodes *
cr_rule_jsonlogic_open(const CrRuleProg *prog, const CrRuleMem *mem)
{
	CrRuleError e;
	CrJsonLogicNodes *jn = cr_mem_alloc(mem, sizeof(CrJsonLogicNodes));
	char	   *text = NULL;
	size_t		textlen;
	uint8_t    *bytes = NULL;
	size_t		len;
	int			exact = 0;

	if (jn == NULL || rev_begin(&jn->r, prog, mem, &e) != CR_OK)
	{
		cr_mem_free(mem, jn);
		return NULL;
	}

	/*
	 * The JsonLogic first: it stops at 4 MB, and a program without it (a
	 * condition written as text) is not printed, whose text can be hundreds
	 * of MB (a feature name of 255 bytes is 3 bytes of program), only to
	 * raise a type error found in a small part of it.
	 */
	if (rev_program(&jn->r) == CR_OK &&
		cr_rule_print(prog, -1, mem, &text, &textlen, &e) == CR_OK &&
		cr_rule_parse(text, textlen, mem, &bytes, &len, &e) == CR_OK)
		exact = compiles_back(&jn->r, bytes, len) == CR_OK;
	cr_mem_free(mem, jn->r.out.data);
	jn->r.err = NULL;
	cr_mem_free(mem, bytes);
	cr_mem_free(mem, text);
	if (!exact)
	{
		cr_mem_free(mem, (void *) jn->r.first);
		cr_mem_free(mem, jn);
		return NULL;
	}
	return jn;
}

/*
 * The JsonLogic of the sub-expression that ends at node, a var that an
 * operation reads as 0 where null written without its default 0 (the rule a
 * user wrote, {"<": [{"var": "s"}, 5]}, not {"<": [{"var": ["s", 0]}, 5]},
 * which compiles to the same); NULL when out of memory.
 */
char *
cr_rule_jsonlogic_at(CrJsonLogicNodes *jn, int node)
{
	Rev		   *r = &jn->r;
	const CrRuleMem *mem = r->out.mem;

	if (node < 0 || node >= r->prog->ninstr)
		return NULL;
	memset(&r->out, 0, sizeof(r->out));
	r->out.mem = mem;
	r->failed = 0;
	r->depth = 0;
	r->bare_zero = 1;
	rev(r, node, 1);
	cr_buf_u8(&r->out, '\0');
	if (r->failed || r->out.oom)
	{
		cr_mem_free(mem, r->out.data);
		return NULL;
	}
	return (char *) r->out.data;
}

void
cr_rule_jsonlogic_close(CrJsonLogicNodes *jn)
{
	const CrRuleMem *mem;

	if (jn == NULL)
		return;
	mem = jn->r.out.mem;
	cr_mem_free(mem, (void *) jn->r.first);
	cr_mem_free(mem, jn);
}
