/*
 * cr_rule_jlerror.c
 *	  Type errors of conditions made from JsonLogic, in JsonLogic's terms.
 *
 * The JsonLogic front end (cr_rule_jsonlogic.c) compiles a rule into the
 * program some condition text would give: {"<": [{"var": "s"}, 5]} is
 * coalesce(s, 0) < 5, because JavaScript reads a null var as 0 there.  A
 * type error found when the features are bound (s is a text column) or read
 * (a JSON string) names an instruction of that program, and its message in
 * the condition language ("function coalesce cannot mix text and number
 * arguments", in the expression coalesce(s, 0)) speaks of what the user
 * never wrote.  When the program is exactly what the front end makes of
 * some rule, this rewrites the error: the JsonLogic operation the user
 * wrote, the var and its type, what the operation needs, and the JsonLogic
 * of the operation for the detail.
 *
 * Plain C, no PostgreSQL headers.
 */
#include "cr_rule_int.h"

#include <stdio.h>
#include <string.h>

/* Longest JsonLogic of an operand quoted in a message (else it is described by its type). */
#define JL_QUOTE_MAX 80

typedef struct Tree
{
	const CrRuleProg *prog;
	int		   *first;			/* first[k]: index in kids of node k's operands */
	int		   *kids;
	int		   *parent;			/* -1 for the root */
	int		   *opno;			/* which operand of its parent node k is */
	CrJsonLogicNodes *jn;		/* the JsonLogic of nodes */
	const CrRuleMem *mem;
} Tree;

#define KID(t, k, i) ((t)->kids[(t)->first[k] + (i)])
#define OP(t, k) ((t)->prog->code[k].op)

static int
tree_build(Tree *t, const CrRuleProg *prog, const CrRuleMem *mem)
{
	size_t		n = (size_t) prog->ninstr + 1;
	int		   *stack;
	int			sp = 0;
	int			nk = 0;

	t->prog = prog;
	t->first = cr_mem_alloc(mem, sizeof(int) * 5 * n);
	if (t->first == NULL)
		return 0;
	t->kids = t->first + n;
	t->parent = t->first + 2 * n;
	t->opno = t->first + 3 * n;
	stack = t->first + 4 * n;
	for (int k = 0; k < prog->ninstr; k++)
	{
		int			ar = cr_op_arity(&prog->code[k]);

		if (ar > sp)
			return 0;			/* decoded programs are balanced; never here */
		t->first[k] = nk;
		t->parent[k] = -1;
		for (int i = 0; i < ar; i++)
		{
			int			c = stack[sp - ar + i];

			t->kids[nk++] = c;
			t->parent[c] = k;
			t->opno[c] = i;
		}
		sp -= ar;
		stack[sp++] = k;
	}
	return 1;
}

static int
is_func(const Tree *t, int k, int fn)
{
	return OP(t, k) == CR_OP_FUNC && t->prog->code[k].fn == fn;
}

/* A number literal, possibly negated. */
static int
is_number_literal(const Tree *t, int k)
{
	return OP(t, k) == CR_OP_NUM || (OP(t, k) == CR_OP_NEG && OP(t, KID(t, k, 0)) == CR_OP_NUM);
}

static int
is_literal(const Tree *t, int k)
{
	return is_number_literal(t, k) || OP(t, k) == CR_OP_TEXT || OP(t, k) == CR_OP_TRUE ||
		OP(t, k) == CR_OP_FALSE;
}

/*
 * The JsonLogic operation node k is part of: coalesce(x < 5, false) is the
 * "<" the user wrote, NOT(coalesce(x = 1, false)) a "!=", and a chain
 * a + b + c one "+".
 */
static int
jl_operation(const Tree *t, int k)
{
	int			p = t->parent[k];

	switch (OP(t, k))
	{
		case CR_OP_ADD:
		case CR_OP_MUL:
			while (p >= 0 && OP(t, p) == OP(t, k) && t->opno[k] == 0)
			{
				k = p;
				p = t->parent[k];
			}
			return k;
		case CR_OP_EQ:
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
		case CR_OP_IN:
			if (p >= 0 && is_func(t, p, CR_FN_COALESCE) && t->opno[k] == 0)
			{
				k = p;
				p = t->parent[k];
			}
			if (p >= 0 && OP(t, p) == CR_OP_NOT && OP(t, KID(t, k, 0)) != CR_OP_NOT)
			{
				int			e = is_func(t, k, CR_FN_COALESCE) ? KID(t, k, 0) : k;

				if (OP(t, e) == CR_OP_EQ)
					return p;
			}
			return k;
		default:
			return k;
	}
}

/* JsonLogic's name of the operation at node k (see jl_operation). */
static const char *
jl_name(const Tree *t, int k)
{
	const CrInstr *in = &t->prog->code[k];

	switch (in->op)
	{
		case CR_OP_EQ:
			return "==";
		case CR_OP_NOT:
			return "!=";
		case CR_OP_IN:
			return "in";
		case CR_OP_NEG:
			return "-";
		case CR_OP_FUNC:
			if (in->fn == CR_FN_COALESCE)
				return jl_name(t, KID(t, k, 0));
			if (in->fn == CR_FN_LEAST)
				return "min";
			if (in->fn == CR_FN_GREATEST)
				return "max";
			return NULL;
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
		case CR_OP_ADD:
		case CR_OP_SUB:
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
			return cr_op_symbol(in);
		default:
			return NULL;
	}
}

static const char *
kind_phrase(int kind)
{
	switch (kind)
	{
		case CR_VAL_NUM:
			return "a number";
		case CR_VAL_TEXT:
			return "a string";
		case CR_VAL_BOOL:
			return "a boolean";
		default:
			return "null";
	}
}

static int
is_comparison(int op)
{
	return op == CR_OP_LT || op == CR_OP_LE || op == CR_OP_GT || op == CR_OP_GE;
}

/*
 * An operand and its type: "X is a string" (IS), "X, a string," (LEFT) or
 * "X, a string" (RIGHT), with X the operand's JsonLogic when it is short;
 * else "a var is a string" (or "an operand is ...") or "a string".
 */
enum
{
	IS, LEFT, RIGHT
};

static void
describe(char *buf, size_t size, const char *json, int kind, int form)
{
	int			quote = json != NULL && strlen(json) <= JL_QUOTE_MAX;

	if (form == IS)
		snprintf(buf, size, "%s is %s",
				 quote ? json : json && strncmp(json, "{\"var\": ", 8) == 0 ? "a var" : "an operand",
				 kind_phrase(kind));
	else if (quote)
		snprintf(buf, size, "%s, %s%s", json, kind_phrase(kind), form == LEFT ? "," : "");
	else
		snprintf(buf, size, "%s", kind_phrase(kind));
}

/*
 * A var (coalesce(feature, literal)) whose feature has another type than
 * the literal: the default 0 of an operation that reads null as 0, or the
 * default the rule gives.
 */
static int
var_error(const Tree *t, CrRuleError *err, int k, int *show)
{
	int			p = t->parent[k];
	int			lit = KID(t, k, 1);
	int			zero_op = p >= 0 && is_number_literal(t, lit) &&
		(is_comparison(OP(t, p)) || OP(t, p) == CR_OP_SUB || OP(t, p) == CR_OP_DIV ||
		 OP(t, p) == CR_OP_MOD || OP(t, p) == CR_OP_NEG || is_func(t, p, CR_FN_LEAST) ||
		 is_func(t, p, CR_FN_GREATEST));
	int			bare = zero_op && OP(t, lit) == CR_OP_NUM && t->prog->code[lit].num == 0;
	char	   *var;
	char	   *dflt;
	const char *op;
	char		v[JL_QUOTE_MAX + 40];
	int			e_first = err->kind_first;

	if (OP(t, KID(t, k, 0)) != CR_OP_FEATURE || !is_literal(t, lit) || err->operand != 1)
		return 0;
	var = cr_rule_jsonlogic_at(t->jn, bare ? KID(t, k, 0) : k);
	if (var == NULL)
		return 0;
	*show = p >= 0 ? jl_operation(t, p) : k;
	op = p >= 0 ? jl_name(t, *show) : NULL;
	if (zero_op && op != NULL)
	{
		describe(v, sizeof(v), var, err->kind_first, IS);
		cr_set_error(err, CR_ERR_TYPE, -1, "JsonLogic \"%s\" needs a number, but %s", op, v);
		snprintf(err->expected, sizeof(err->expected),
				 "\"%s\" reads %s (a missing var as 0): name a number feature%s.", op,
				 is_comparison(OP(t, p)) ? "a var compared with a number as a number" : "its operands as numbers",
				 is_comparison(OP(t, p)) && e_first == CR_VAL_TEXT
				 ? ", or compare the text feature with a string literal" : "");
	}
	else
	{
		char	   *plain = cr_rule_jsonlogic_at(t->jn, KID(t, k, 0));

		dflt = cr_rule_jsonlogic_at(t->jn, lit);
		describe(v, sizeof(v), plain, err->kind_first, IS);
		cr_mem_free(t->mem, plain);
		cr_set_error(err, CR_ERR_TYPE, -1, "%s, but its default %s is %s", v,
					 dflt && strlen(dflt) <= JL_QUOTE_MAX ? dflt : "value", kind_phrase(err->kind_got));
		snprintf(err->expected, sizeof(err->expected),
				 "A var's default must have the type of the feature it names.");
		cr_mem_free(t->mem, dflt);
	}
	cr_mem_free(t->mem, var);
	return 1;
}

/*
 * The strict form that compiles to the program of op: {"===": [a, b]} is
 * {"==": [a, b]} in the condition language (and "!==" is "!="), so a type
 * error of either program names both, since the program cannot tell which
 * one the rule wrote.
 */
static const char *
strict_too(const char *op)
{
	return strcmp(op, "==") == 0 ? " (or \"===\")" : strcmp(op, "!=") == 0 ? " (or \"!==\")" : "";
}

/* Operands of different types: comparisons, ==, in, min and max. */
static int
compare_error(const Tree *t, CrRuleError *err, int k, int *show)
{
	const CrInstr *in = &t->prog->code[k];
	int			two = cr_op_arity(in) == 2 || in->op == CR_OP_IN;
	int			i = err->operand;
	const char *op;
	char		a[JL_QUOTE_MAX + 40];
	char		b[JL_QUOTE_MAX + 40];

	*show = jl_operation(t, k);
	op = jl_name(t, *show);
	if (op == NULL || i < 1)
		return 0;
	if (two)
	{
		char	   *ja = cr_rule_jsonlogic_at(t->jn, KID(t, k, 0));
		char	   *jb = cr_rule_jsonlogic_at(t->jn, KID(t, k, i));

		describe(a, sizeof(a), ja, err->kind_first, LEFT);
		describe(b, sizeof(b), jb, err->kind_got, RIGHT);
		cr_mem_free(t->mem, ja);
		cr_mem_free(t->mem, jb);
		cr_set_error(err, CR_ERR_TYPE, -1, "JsonLogic \"%s\"%s cannot compare %s with %s", op,
					 strict_too(op), a, b);
	}
	else
		cr_set_error(err, CR_ERR_TYPE, -1, "JsonLogic \"%s\" cannot compare %s with %s", op,
					 kind_phrase(err->kind_first), kind_phrase(err->kind_got));
	if (*strict_too(op))
		snprintf(err->expected, sizeof(err->expected),
				 "Both sides must have one type: the rule is compiled without JavaScript's conversions between types; \"%s=\" compiles as \"%s\" does, so two types are an error here, not %s as in JavaScript.",
				 op, op, op[0] == '!' ? "true" : "false");
	else
		snprintf(err->expected, sizeof(err->expected), "%s",
				 in->op == CR_OP_IN
				 ? "The value and the items of the list must have one type: the rule is compiled without JavaScript's conversions between types."
				 : "Both sides must have one type: the rule is compiled without JavaScript's conversions between types.");
	return 1;
}

/* An operand of arithmetic that is no number. */
static int
number_error(const Tree *t, CrRuleError *err, int k, int *show)
{
	const CrInstr *in = &t->prog->code[k];
	const char *op;
	char	   *jo;
	char		o[JL_QUOTE_MAX + 40];

	if (cr_arith_level(in->op) == 0 && in->op != CR_OP_NEG)
		return 0;
	*show = jl_operation(t, k);
	op = jl_name(t, *show);
	if (op == NULL || err->operand < 0)
		return 0;
	jo = cr_rule_jsonlogic_at(t->jn, KID(t, k, err->operand));
	describe(o, sizeof(o), jo, err->kind_got, IS);
	cr_set_error(err, CR_ERR_TYPE, -1, "JsonLogic \"%s\" needs numbers, but %s", op, o);
	cr_mem_free(t->mem, jo);
	snprintf(err->expected, sizeof(err->expected),
			 "\"%s\" reads its operands as numbers: name a number feature.", op);
	return 1;
}

/* "in" whose list (contains's first argument) is a number or boolean. */
static int
contains_error(const Tree *t, CrRuleError *err, int k, int *show)
{
	int			p = t->parent[k];
	char	   *jo;
	char		o[JL_QUOTE_MAX + 40];

	if (err->operand != 0)
		return 0;
	*show = p >= 0 && is_func(t, p, CR_FN_COALESCE) ? p : k;
	jo = cr_rule_jsonlogic_at(t->jn, KID(t, k, 0));
	describe(o, sizeof(o), jo, err->kind_got, IS);
	cr_set_error(err, CR_ERR_TYPE, -1, "JsonLogic \"in\" searches an array or a string, but %s", o);
	cr_mem_free(t->mem, jo);
	snprintf(err->expected, sizeof(err->expected),
			 "\"in\" finds an element of an array or a substring of a string: name an array or string feature as its second argument.");
	return 1;
}

/*
 * {"<": [a, b, c]} compiles to a < b AND b < c: the JsonLogic of the AND
 * whose operand is the comparison at node k, as one operation, when it has
 * that form; else NULL.
 */
static char *
between_json(const Tree *t, int k)
{
	int			p = t->parent[k];
	int			c[2];
	char	   *j[2] = {NULL, NULL};
	char	   *mid = NULL;
	char	   *out = NULL;
	const char *op;
	char		head[16];
	size_t		hl,
				ml;
	int			m;

	if (p < 0 || OP(t, p) != CR_OP_AND || t->prog->code[p].n != 2)
		return NULL;
	for (int i = 0; i < 2; i++)
	{
		c[i] = KID(t, p, i);
		if (is_func(t, c[i], CR_FN_COALESCE))
			c[i] = KID(t, c[i], 0);
	}
	op = jl_name(t, c[0]);
	if ((OP(t, c[0]) != CR_OP_LT && OP(t, c[0]) != CR_OP_LE) || OP(t, c[1]) != OP(t, c[0]))
		return NULL;
	snprintf(head, sizeof(head), "{\"%s\": [", op);
	hl = strlen(head);
	j[0] = cr_rule_jsonlogic_at(t->jn, KID(t, p, 0));
	j[1] = cr_rule_jsonlogic_at(t->jn, KID(t, p, 1));
	/* b as {"<": [a, b]} shows it: a var without the default 0 "<" gives it */
	m = KID(t, c[0], 1);
	if (is_func(t, m, CR_FN_COALESCE) && t->prog->code[m].n == 2 &&
		OP(t, KID(t, m, 0)) == CR_OP_FEATURE && OP(t, KID(t, m, 1)) == CR_OP_NUM &&
		t->prog->code[KID(t, m, 1)].num == 0)
		m = KID(t, m, 0);
	mid = cr_rule_jsonlogic_at(t->jn, m);
	if (j[0] && j[1] && mid && (ml = strlen(mid)) > 0)
	{
		size_t		l0 = strlen(j[0]);
		size_t		l1 = strlen(j[1]);

		/* j[0] is {"<": [a, b]}, j[1] {"<": [b, c]}: {"<": [a, b, c]} */
		if (l0 > hl + ml + 4 && l1 > hl + ml + 4 &&
			strncmp(j[0], head, hl) == 0 && strncmp(j[1], head, hl) == 0 &&
			strncmp(j[0] + l0 - ml - 4, ", ", 2) == 0 &&
			strncmp(j[0] + l0 - ml - 2, mid, ml) == 0 && strcmp(j[0] + l0 - 2, "]}") == 0 &&
			strncmp(j[1] + hl, mid, ml) == 0 && strncmp(j[1] + hl + ml, ", ", 2) == 0 &&
			(out = cr_mem_alloc(t->mem, l0 + l1)) != NULL)
			snprintf(out, l0 + l1, "%.*s, %s", (int) (l0 - 2), j[0], j[1] + hl + ml + 2);
	}
	cr_mem_free(t->mem, j[0]);
	cr_mem_free(t->mem, j[1]);
	cr_mem_free(t->mem, mid);
	return out;
}

char *
cr_rule_jsonlogic_type_error(const CrRuleProg *prog, const CrRuleMem *mem, CrRuleError *err)
{
	Tree		t;
	CrRuleError e = *err;
	int			k = err->node;
	int			show = -1;
	int			ok = 0;
	char	   *json = NULL;

	if (err->code != CR_ERR_TYPE || k < 0 || k >= prog->ninstr || err->operand < 0)
		return NULL;
	memset(&t, 0, sizeof(t));
	t.mem = mem;
	if (tree_build(&t, prog, mem) && (t.jn = cr_rule_jsonlogic_open(prog, mem)) != NULL)
	{
		if (is_func(&t, k, CR_FN_CONTAINS))
			ok = contains_error(&t, &e, k, &show);
		else if (is_func(&t, k, CR_FN_COALESCE) && prog->code[k].n == 2)
			ok = var_error(&t, &e, k, &show);
		else if (OP(&t, k) == CR_OP_EQ || is_comparison(OP(&t, k)) || OP(&t, k) == CR_OP_IN ||
				 is_func(&t, k, CR_FN_LEAST) || is_func(&t, k, CR_FN_GREATEST))
			ok = compare_error(&t, &e, k, &show);
		else
			ok = number_error(&t, &e, k, &show);
		if (ok && show >= 0 && (json = between_json(&t, show)) == NULL)
			json = cr_rule_jsonlogic_at(t.jn, show);
		cr_rule_jsonlogic_close(t.jn);
	}
	if (json != NULL)
	{
		e.node = k;
		*err = e;
	}
	cr_mem_free(mem, t.first);
	return json;
}
