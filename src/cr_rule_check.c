/*
 * cr_rule_check.c
 *	  Stack balance, nesting depth and the static type check of a compiled
 *	  incentive condition.
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


typedef struct Slot
{
	uint8_t		type;
	uint8_t		depth;
	uint8_t		op;				/* the opcode that produced the value */
} Slot;


static int	typecheck(const CrRuleProg *prog, const uint8_t *kinds,
					  const CrRuleMem *mem, CrRuleError *err, int types);

int
cr_rule_typecheck(const CrRuleProg *prog, const uint8_t *kinds,
				  const CrRuleMem *mem, CrRuleError *err)
{
	return typecheck(prog, kinds, mem, err, 1);
}

/* Stack balance and depth only (the parser checks types after). */
int
cr_rule_check_shape(const CrRuleProg *prog, const CrRuleMem *mem, CrRuleError *err)
{
	return typecheck(prog, NULL, mem, err, 0);
}

/*
 * The static typing rule of an instruction: *want is the type every operand
 * must have (-1: all the same type, -2: anything); *res the result's type
 * (-1: the operands' unified type).
 */
static void
op_types(const CrInstr *in, const uint8_t *kinds, int *want, int *res)
{
	switch (in->op)
	{
		case CR_OP_NUM:
			*res = CR_VAL_NUM;
			break;
		case CR_OP_TEXT:
			*res = CR_VAL_TEXT;
			break;
		case CR_OP_TRUE:
		case CR_OP_FALSE:
			*res = CR_VAL_BOOL;
			break;
		case CR_OP_NULL:
			*res = CR_VAL_NULL;
			break;
		case CR_OP_FEATURE:
			*res = kinds ? kinds[in->n] : CR_VAL_NULL;
			break;
		case CR_OP_AND:
		case CR_OP_OR:
		case CR_OP_NOT:
			*want = CR_VAL_BOOL;
			*res = CR_VAL_BOOL;
			break;
		case CR_OP_ADD:
		case CR_OP_SUB:
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
		case CR_OP_NEG:
			*want = CR_VAL_NUM;
			*res = CR_VAL_NUM;
			break;
		case CR_OP_ISNULL:
		case CR_OP_ISNOTNULL:
			*want = -2;		/* anything */
			*res = CR_VAL_BOOL;
			break;
		case CR_OP_FUNC:
			if (in->fn == CR_FN_LEAST || in->fn == CR_FN_GREATEST || in->fn == CR_FN_COALESCE)
			{
				*want = -1;
				*res = -1;	/* the unified type */
			}
			else if (in->fn == CR_FN_TRUTHY || in->fn == CR_FN_CONTAINS)
			{
				*want = -2;		/* anything; contains: see typecheck */
				*res = CR_VAL_BOOL;
			}
			else
			{
				*want = CR_VAL_NUM;
				*res = CR_VAL_NUM;
			}
			break;
		default:			/* comparisons, BETWEEN, IN */
			*want = -1;
			*res = CR_VAL_BOOL;
			break;
	}
}

static int
typecheck(const CrRuleProg *prog, const uint8_t *kinds,
		  const CrRuleMem *mem, CrRuleError *err, int types)
{
	Slot	   *st;
	int			sp = 0;
	int			maxsp = 0;
	int			rc = CR_OK;

	st = cr_mem_alloc(mem, sizeof(Slot) * ((size_t) prog->ninstr + 1));
	if (st == NULL)
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	for (int k = 0; k < prog->ninstr && rc == CR_OK; k++)
	{
		const CrInstr *in = &prog->code[k];
		int			ar = cr_op_arity(in);
		Slot	   *a;
		int			t = CR_VAL_NULL;
		int			d = 0;
		int			want = -1;	/* required operand type, -1 = all equal */
		int			res;

		if (ar > sp)
		{
			rc = cr_bad_binary(err, "stack underflow");
			break;
		}
		a = &st[sp - ar];
		for (int i = 0; i < ar; i++)
			if (a[i].depth + 1 > d)
				d = a[i].depth + 1;
		/* the left operand continuing a chain adds no level */
		if (ar == 2 && cr_arith_level(in->op) && cr_arith_level(a[0].op) == cr_arith_level(in->op))
			d = a[0].depth > a[1].depth + 1 ? a[0].depth : a[1].depth + 1;
		op_types(in, kinds, &want, &res);
		if (!types)
			want = -2;
		if (want >= 0)
		{
			for (int i = 0; i < ar; i++)
				if (a[i].type != CR_VAL_NULL && a[i].type != want)
				{
					rc = cr_rule_type_error(err, in, i, want, want, a[i].type);
					err->node = k;
					break;
				}
		}
		else if (want == -1)
		{
			for (int i = 0; i < ar; i++)
				if (!unify(t, a[i].type, &t))
				{
					rc = cr_rule_type_error(err, in, i, -1, t, a[i].type);
					err->node = k;
					break;
				}
			if (res == -1)
				res = t;
		}
		/* contains: a JSON array (no static type) or text, then anything */
		if (types && rc == CR_OK && in->op == CR_OP_FUNC && in->fn == CR_FN_CONTAINS &&
			(a[0].type == CR_VAL_NUM || a[0].type == CR_VAL_BOOL))
		{
			rc = cr_rule_type_error(err, in, 0, CR_VAL_TEXT, CR_VAL_TEXT, a[0].type);
			err->node = k;
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
			rc = cr_set_error(err, CR_ERR_TOO_DEEP, -1, "incentive condition is nested too deeply");
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
		rc = cr_bad_binary(err, "unbalanced stack");
	if (rc == CR_OK && types && st[0].type != CR_VAL_BOOL && st[0].type != CR_VAL_NULL)
	{
		rc = cr_set_error(err, CR_ERR_TYPE, -1, "incentive condition must be boolean, not %s",
					   cr_rule_kind_name(st[0].type));
		err->node = prog->ninstr - 1;
	}
	if (rc == CR_OK)
	{
		((CrRuleProg *) prog)->max_stack = maxsp;
		((CrRuleProg *) prog)->depth = st[0].depth;
	}
	cr_mem_free(mem, st);
	return rc;
}

/* ------------------------------------------------------------------ text types */

/*
 * PostgreSQL's select_common_type over the string types of the arguments
 * of least, greatest or coalesce: literals (unknown) are skipped; the first
 * other type is kept unless a later one is implicitly castable from it but
 * not to it, and text, the preferred type, is always kept.  Among text,
 * varchar, char(n) and name every cast is implicit except name to varchar
 * and name to char(n): so a later name replaces varchar or char(n), and
 * nothing else changes the first type.
 */
static uint8_t
common_str_type(const uint8_t *args, int n)
{
	uint8_t		t = CR_STR_UNKNOWN;

	for (int i = 0; i < n; i++)
	{
		if (args[i] == CR_STR_UNKNOWN)
			continue;
		if (t == CR_STR_UNKNOWN)
			t = args[i];
		else if (args[i] == CR_STR_NAME && (t == CR_STR_VARCHAR || t == CR_STR_BPCHAR))
			t = CR_STR_NAME;
	}
	/* all unknown: PostgreSQL resolves them as text */
	return t == CR_STR_UNKNOWN ? CR_STR_TEXT : t;
}

/* A value on cr_rule_text_types' stack. */
typedef struct TextSlot
{
	uint8_t		type;			/* CrStrType */
	uint8_t		has_feature;	/* a feature occurs in it: SQL's Var */
	int			top;			/* the instruction that pushed it */
} TextSlot;

/*
 * x [NOT] IN (items) as PostgreSQL's transformAExprIn types it: the items
 * without a feature (SQL's Vars), when there are at least two, form an
 * array of the type select_common_type gives x and them together, and x is
 * compared with that array; each other item is compared with x on its own.
 * Items without a feature are literals, NULL, or least, greatest and
 * coalesce of those (text); when the common type is char(n) (x is char(n))
 * such a function's text value is cast to char(n), and its trailing blanks
 * no longer count (CR_TEXT_TO_BPCHAR on it).  Literals compare with x as
 * its type either way.
 */
static void
type_in_list(CrInstr *code, const TextSlot *a, int ar, uint8_t *types)
{
	int			n = 0;

	types[n++] = a[0].type;
	for (int i = 1; i < ar; i++)
		if (!a[i].has_feature)
			types[n++] = a[i].type;
	if (n - 1 < 2 || common_str_type(types, n) != CR_STR_BPCHAR)
		return;
	for (int i = 1; i < ar; i++)
		if (!a[i].has_feature && code[a[i].top].op == CR_OP_FUNC)
			code[a[i].top].tflags |= CR_TEXT_TO_BPCHAR;
}

int
cr_rule_text_types(CrRuleProg *prog, const uint8_t *ftypes, const CrRuleMem *mem, CrRuleError *err)
{
	TextSlot   *st = cr_mem_alloc(mem, sizeof(TextSlot) * ((size_t) prog->ninstr + 1));
	uint8_t    *args = cr_mem_alloc(mem, (size_t) prog->ninstr + 1);
	CrInstr    *code = (CrInstr *) prog->code;
	int			sp = 0;

	if (st == NULL || args == NULL)
	{
		cr_mem_free(mem, st);
		cr_mem_free(mem, args);
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	}
	for (int k = 0; k < prog->ninstr; k++)
	{
		CrInstr    *in = &code[k];
		int			ar = cr_op_arity(in);
		uint8_t		t = CR_STR_TEXT;	/* no string: the type does not matter */
		uint8_t		has_feature = in->op == CR_OP_FEATURE;

		/* the program is validated: the stack holds ar operands */
		for (int i = sp - ar; i < sp; i++)
			has_feature |= st[i].has_feature;
		if (in->op == CR_OP_TEXT || in->op == CR_OP_NULL)
			t = CR_STR_UNKNOWN;
		else if (in->op == CR_OP_FEATURE)
			t = ftypes ? ftypes[in->n] : CR_STR_TEXT;
		else if (in->op == CR_OP_FUNC &&
				 (in->fn == CR_FN_LEAST || in->fn == CR_FN_GREATEST || in->fn == CR_FN_COALESCE))
		{
			for (int i = 0; i < ar; i++)
				args[i] = st[sp - ar + i].type;
			t = common_str_type(args, ar);
			in->tflags = t == CR_STR_BPCHAR ? CR_TEXT_PADDED : t == CR_STR_VARCHAR ? CR_TEXT_VARCHAR : 0;
		}
		else if (in->op == CR_OP_IN || in->op == CR_OP_NOTIN)
			type_in_list(code, st + sp - ar, ar, args);
		sp -= ar;
		st[sp].type = t;
		st[sp].has_feature = has_feature;
		st[sp].top = k;
		sp++;
	}
	cr_mem_free(mem, st);
	cr_mem_free(mem, args);
	return CR_OK;
}

/* ------------------------------------------------------------------ fused steps */

static int
is_compare(int op)
{
	return op >= CR_OP_EQ && op <= CR_OP_GE;
}

static int
is_arith(int op)
{
	return op >= CR_OP_ADD && op <= CR_OP_MOD;
}

/* a <op> b as b <op'> a */
static int
flip_compare(int op)
{
	switch (op)
	{
		case CR_OP_LT:
			return CR_OP_GT;
		case CR_OP_LE:
			return CR_OP_GE;
		case CR_OP_GT:
			return CR_OP_LT;
		case CR_OP_GE:
			return CR_OP_LE;
		default:
			return op;			/* = and <> */
	}
}

/* A number literal, negated any number of times, at code[k]: its length, or 0. */
static int
match_const(const CrRuleProg *prog, int k, double *v)
{
	int			len = 1;

	if (k >= prog->ninstr || prog->code[k].op != CR_OP_NUM)
		return 0;
	*v = prog->code[k].num;
	while (k + len < prog->ninstr && prog->code[k + len].op == CR_OP_NEG)
	{
		*v = -*v;
		len++;
	}
	return len;
}

static int
is_coalesce2(const CrRuleProg *prog, int k)
{
	return k < prog->ninstr && prog->code[k].op == CR_OP_FUNC &&
		prog->code[k].fn == CR_FN_COALESCE && prog->code[k].n == 2;
}

/* A feature, or coalesce(feature, constant), at code[k]: its length, or 0. */
static int
match_feature(const CrRuleProg *prog, int k, CrFast *f)
{
	int			lk;

	if (k >= prog->ninstr || prog->code[k].op != CR_OP_FEATURE)
		return 0;
	f->feature = prog->code[k].n;
	f->has_default = 0;
	lk = match_const(prog, k + 1, &f->k2);
	if (lk > 0 && is_coalesce2(prog, k + 1 + lk))
	{
		f->has_default = 1;
		return 2 + lk;
	}
	return 1;
}

/* feature <op> constant or constant <op> feature (CR_FAST_CMP). */
static int
match_cmp(const CrRuleProg *prog, int k, CrFast *f)
{
	int			lf,
				lk;

	if ((lf = match_feature(prog, k, f)) > 0 &&
		(lk = match_const(prog, k + lf, &f->k)) > 0 &&
		k + lf + lk < prog->ninstr && is_compare(prog->code[k + lf + lk].op))
	{
		f->op = prog->code[k + lf + lk].op;
		return lf + lk + 1;
	}
	if ((lk = match_const(prog, k, &f->k)) > 0 &&
		(lf = match_feature(prog, k + lk, f)) > 0 &&
		k + lk + lf < prog->ninstr && is_compare(prog->code[k + lk + lf].op))
	{
		f->op = flip_compare(prog->code[k + lk + lf].op);
		return lf + lk + 1;
	}
	return 0;
}

/* feature <op> 'text' or 'text' <op> feature (CR_FAST_TEXT). */
static int
match_text(const CrRuleProg *prog, int k, CrFast *f)
{
	const CrInstr *c = &prog->code[k];
	int			flip;

	if (k + 2 >= prog->ninstr || !is_compare(c[2].op))
		return 0;
	if (c[0].op == CR_OP_FEATURE && c[1].op == CR_OP_TEXT)
		flip = 0;
	else if (c[0].op == CR_OP_TEXT && c[1].op == CR_OP_FEATURE)
		flip = 1;
	else
		return 0;
	f->feature = c[flip].n;
	f->str = c[1 - flip].str;
	f->n = c[1 - flip].n;
	f->op = flip ? flip_compare(c[2].op) : c[2].op;
	return 3;
}

/* feature [NOT] BETWEEN constant AND constant (CR_FAST_BETWEEN). */
static int
match_between(const CrRuleProg *prog, int k, CrFast *f)
{
	int			l1,
				l2;

	if (prog->code[k].op != CR_OP_FEATURE ||
		(l1 = match_const(prog, k + 1, &f->k)) == 0 ||
		(l2 = match_const(prog, k + 1 + l1, &f->k2)) == 0 ||
		k + 1 + l1 + l2 >= prog->ninstr)
		return 0;
	f->op = prog->code[k + 1 + l1 + l2].op;
	if (f->op != CR_OP_BETWEEN && f->op != CR_OP_NOTBETWEEN)
		return 0;
	f->feature = prog->code[k].n;
	return l1 + l2 + 2;
}

/*
 * The list of an IN from code[k] on: constants (numbers, possibly negated)
 * or text literals, and the [NOT] IN of exactly that many items; the length
 * through the IN, or 0.
 */
/*
 * The run of list items from code[k] on (constants, or text literals): its
 * end, and in *n their number.
 */
static int
list_run(const CrRuleProg *prog, int k, int *n)
{
	const CrInstr *c = prog->code;
	int			text = k < prog->ninstr && c[k].op == CR_OP_TEXT;
	int			j = k;

	*n = 0;
	for (;;)
	{
		double		v;
		int			len = text ? (j < prog->ninstr && c[j].op == CR_OP_TEXT) : match_const(prog, j, &v);

		if (len == 0)
			return j;
		j += len;
		(*n)++;
	}
}

static int
match_list(const CrRuleProg *prog, int k, CrFast *f)
{
	const CrInstr *c = prog->code;
	int			text = k < prog->ninstr && c[k].op == CR_OP_TEXT;
	int			n;
	int			j = list_run(prog, k, &n);

	if (n == 0 || j >= prog->ninstr || (c[j].op != CR_OP_IN && c[j].op != CR_OP_NOTIN) ||
		(int) c[j].n != n)
		return 0;
	f->op = c[j].op;
	f->vkind = text ? CR_VAL_TEXT : CR_VAL_NUM;
	f->n = (uint32_t) n;
	return j + 1 - k;
}

/* feature [NOT] IN (constants, or text literals) (CR_FAST_IN). */
static int
match_in(const CrRuleProg *prog, int k, CrFast *f)
{
	int			len;

	if (prog->code[k].op != CR_OP_FEATURE || (len = match_list(prog, k + 1, f)) == 0)
		return 0;
	f->feature = prog->code[k].n;
	return len + 1;
}

/*
 * top [NOT] IN (constants, or text literals) (CR_FAST_IN_TOP): the step
 * starts at the first item; the value tested is the one on the stack.
 */
static int
match_in_top(const CrRuleProg *prog, int k, CrFast *f)
{
	return match_list(prog, k, f);
}

/* Bytes of s[0..n) without its trailing blanks. */
static size_t
unpadded_len(const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n;
}

static int
cmp_item_num(const void *a, const void *b)
{
	double		x = ((const CrInItem *) a)->num;
	double		y = ((const CrInItem *) b)->num;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* Text items: by their bytes without trailing blanks, then by length. */
static int
cmp_item_text(const void *a, const void *b)
{
	const CrInstr *x = ((const CrInItem *) a)->text;
	const CrInstr *y = ((const CrInItem *) b)->text;
	size_t		xl = unpadded_len(x->str, x->n);
	size_t		yl = unpadded_len(y->str, y->n);
	int			c = memcmp(x->str, y->str, xl < yl ? xl : yl);

	if (c != 0)
		return c < 0 ? -1 : 1;
	if (xl != yl)
		return xl < yl ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n ? 1 : 0;
}

/*
 * The sorted list of the fused IN f, whose items start at code[k]: written
 * to items (room for f->n).
 */
static void
fill_list(const CrRuleProg *prog, int k, CrFast *f, CrInItem *items)
{
	for (uint32_t i = 0; i < f->n; i++)
	{
		if (f->vkind == CR_VAL_TEXT)
			items[i].text = &prog->code[k++];
		else
			k += match_const(prog, k, &items[i].num);
	}
	qsort(items, f->n, sizeof(CrInItem), f->vkind == CR_VAL_TEXT ? cmp_item_text : cmp_item_num);
	f->list = items;
}

/*
 * coalesce(top, constant) (CR_FAST_NVL), top <arith> constant
 * (CR_FAST_ARITH) or top <op> constant (CR_FAST_CMP_TOP).
 */
static int
match_top(const CrRuleProg *prog, int k, CrFast *f)
{
	const CrInstr *c = &prog->code[k];
	int			lk;

	if (c->op == CR_OP_TRUE || c->op == CR_OP_FALSE)
	{
		if (!is_coalesce2(prog, k + 1))
			return 0;
		f->kind = CR_FAST_NVL;
		f->vkind = CR_VAL_BOOL;
		f->k = c->op == CR_OP_TRUE;
		return 2;
	}
	if ((lk = match_const(prog, k, &f->k)) == 0 || k + lk >= prog->ninstr)
		return 0;
	if (is_coalesce2(prog, k + lk))
	{
		f->kind = CR_FAST_NVL;
		f->vkind = CR_VAL_NUM;
		return lk + 1;
	}
	if (is_arith(prog->code[k + lk].op))
	{
		f->kind = CR_FAST_ARITH;
		f->op = prog->code[k + lk].op;
		return lk + 1;
	}
	if (is_compare(prog->code[k + lk].op))
	{
		f->kind = CR_FAST_CMP_TOP;
		f->op = prog->code[k + lk].op;
		return lk + 1;
	}
	return 0;
}

/*
 * After match_in_top failed at code[k]: the first position where it may
 * match.  A run of list items from k that ends at j short of an IN of
 * exactly its length, and not at an IN of fewer items, ends so from every
 * later item too, with fewer items: no IN takes them (without this a long
 * constant list that ends in a feature was scanned from each of its items).
 */
static int
list_retry_at(const CrRuleProg *prog, int k)
{
	const CrInstr *c = prog->code;
	int			n;
	int			j = list_run(prog, k, &n);

	if (n == 0 || (j < prog->ninstr && (c[j].op == CR_OP_IN || c[j].op == CR_OP_NOTIN) &&
				   (int) c[j].n < n))
		return k + 1;
	return j;
}

/*
 * Find the fused steps of a decoded program (see CrFast), left to right, the
 * first pattern that matches at each position, and mark the ends of the
 * operands of every AND and OR (CrFast.sc_to, sc_i); see cr_rule_int.h.
 * Only the structure matters (a postfix instruction's operands are the
 * values pushed just before it), not the types: the evaluator checks those.
 */
int
cr_rule_fuse(CrRuleProg *prog, CrFast *fast, size_t nrec, CrInItem *lists, size_t nitems,
			 uint32_t *at, const CrRuleMem *mem)
{
	static const struct
	{
		int			(*match) (const CrRuleProg *prog, int k, CrFast *f);
		int			kind;		/* CR_FAST_NONE: the matcher sets it */
	}			patterns[] =
	{
		{match_cmp, CR_FAST_CMP},
		{match_text, CR_FAST_TEXT},
		{match_between, CR_FAST_BETWEEN},
		{match_in, CR_FAST_IN},
		{match_top, CR_FAST_NONE},
		{match_in_top, CR_FAST_IN_TOP},
	};
	int			n = prog->ninstr;
	uint32_t   *start;
	uint32_t   *st;
	size_t		rec = 0;
	size_t		used = 0;
	int			list_from = 0;	/* match_in_top cannot match before this */
	int			sp = 0;
	int			maxsp = 0;

	prog->fast = NULL;
	prog->fast_at = NULL;
	memset(fast, 0, sizeof(CrFast) * (nrec + 1));
	memset(at, 0, sizeof(uint32_t) * (size_t) n);
	for (int k = 0; k < n;)
	{
		int			len = 0;

		for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]) && len == 0; p++)
		{
			CrFast		f;

			if (patterns[p].match == match_in_top && k < list_from)
				continue;
			memset(&f, 0, sizeof(f));
			if ((len = patterns[p].match(prog, k, &f)) > 0)
			{
				if (patterns[p].kind != CR_FAST_NONE)
					f.kind = (uint8_t) patterns[p].kind;
				f.len = (uint32_t) len;
				if (f.kind == CR_FAST_IN || f.kind == CR_FAST_IN_TOP)
				{
					if (f.n > nitems - used)
						return -1;	/* not as counted: no fused steps */
					fill_list(prog, k + (f.kind == CR_FAST_IN), &f, lists + used);
					used += f.n;
				}
				if (rec == nrec)
					return -1;
				fast[++rec] = f;
				at[k] = (uint32_t) rec;
			}
			else if (patterns[p].match == match_in_top)
				list_from = list_retry_at(prog, k);
		}
		k += len > 0 ? len : 1;
	}

	/* where each sub-expression starts (a forward pass with a stack of them) */
	start = cr_mem_alloc(mem, sizeof(uint32_t) * 2 * (size_t) n);
	if (start == NULL)
		return -1;
	st = start + n;
	for (int k = 0, depth = 0; k < n; k++)
	{
		int			ar = cr_op_arity(&prog->code[k]);
		uint32_t	s = (uint32_t) k;

		/* the program is validated: the stack holds ar operands */
		if (ar > 0)
		{
			s = st[depth - ar];
			depth -= ar;
		}
		start[k] = s;
		st[depth++] = s;
	}
	for (int j = 0; j < n; j++)
	{
		const CrInstr *in = &prog->code[j];
		int			e = j - 1;	/* the end of the last operand */

		if (in->op != CR_OP_AND && in->op != CR_OP_OR)
			continue;
		for (int i = (int) in->n - 1; i > 0; i--)
		{
			e = (int) start[e] - 1;
			if (at[e] == 0)
			{
				if (rec == nrec)
				{
					cr_mem_free(mem, start);
					return -1;
				}
				at[e] = (uint32_t) ++rec;
			}
			fast[at[e]].sc_to = (uint32_t) j + 1;
			fast[at[e]].sc_i = (uint32_t) i - 1;
		}
	}
	cr_mem_free(mem, start);

	/* a fused step ends where its last instruction does */
	for (int k = 0; k < n; k++)
	{
		CrFast	   *f = &fast[at[k]];

		if (f->kind != CR_FAST_NONE)
		{
			const CrFast *last = &fast[at[k + f->len - 1]];

			f->sc_to = last->sc_to;
			f->sc_i = last->sc_i;
		}
	}

	/*
	 * The stack the evaluator needs: as the instructions one by one, except
	 * that a fused IN pushes its result only, and falls back to none of its
	 * instructions (the items are constants: only a type error can stop it).
	 */
	for (int k = 0; k < n;)
	{
		const CrFast *f = &fast[at[k]];

		if (f->kind == CR_FAST_IN || f->kind == CR_FAST_IN_TOP)
		{
			sp += f->kind == CR_FAST_IN;
			k += (int) f->len;
		}
		else
			sp += 1 - cr_op_arity(&prog->code[k++]);
		if (sp > maxsp)
			maxsp = sp;
	}
	prog->fast = fast;
	prog->fast_at = at;
	prog->fast_stack = maxsp;
	return 0;
}
