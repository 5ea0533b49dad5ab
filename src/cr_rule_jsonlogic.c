/*
 * cr_rule_jsonlogic.c
 *	  JsonLogic (jsonlogic.com) to incentive condition: a second front end.
 *
 * The rule is read with cr_rule_json.c and translated into condition text
 * that cr_rule_parse compiles, so a JsonLogic rule becomes exactly the
 * program some text would; every check of the text form applies.
 *
 * The translation reproduces json-logic-js's result (the rule matches when
 * the result is truthy) on rows whose NULLs are absent keys, or rejects the
 * rule (CR_ERR_UNSUPPORTED, 0A000) where it cannot.  Each sub-expression is
 * compiled for one of two contexts:
 *   - a condition (and, or, !, !!, comparisons, in, if, a boolean var):
 *     never NULL, true exactly when JavaScript's value is truthy;
 *   - a value (literals, var, + - * / %, min, max), with a static "kind"
 *     saying what SQL NULL stands for: nothing (SAFE: never NULL), JavaScript
 *     null (NUL: a var), or NaN (NAN: + and * of a null, as parseFloat(null)).
 * JavaScript converts null to 0 in < <= > >= - / % min max: those operands
 * are coalesce(x, 0).  == and === treat null as equal only to null.  The
 * README's semantics table lists every operator.
 *
 * Plain C, no PostgreSQL headers.  Recursion follows the JSON nesting,
 * which cr_json_read bounds.
 */
#include "cr_rule_int.h"
#include "cr_rule_json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum
{
	K_SAFE, K_NUL, K_NAN			/* what SQL NULL means in a value */
};
enum
{
	TY_ANY, TY_NUM, TY_STR, TY_BOOL, TY_NULL	/* static type of a value */
};

typedef struct Expr
{
	CrBuf		b;				/* condition text */
	int			kind;
	int			type;
	int			by_default;		/* type is a var's default's: the var may hold another */

	/*
	 * Bytes of compiled program its literals and features alone will take
	 * (a lower bound of the program's size): an "if" repeats its conditions,
	 * so nested ones double the text at every level, and this stops them at
	 * the program's limit rather than after a gigabyte of text.
	 */
	size_t		prog;
} Expr;

typedef struct JL
{
	const CjDoc *doc;
	const CrRuleMem *mem;
	CrRuleError *err;
	int			failed;
	char		path[200];
	size_t		pathlen;
} JL;

static int	jl_cond(JL *j, int node, Expr *out);

static int	jl_val(JL *j, int node, Expr *out);

/* ------------------------------------------------------------------ errors, paths */

#if defined(__GNUC__)
static int	jl_fail(JL *j, int code, const char *fmt,...) __attribute__((format(printf, 3, 4)));
#endif
static int
jl_fail(JL *j, int code, const char *fmt,...)
{
	char		msg[200];
	va_list		ap;

	if (j->failed)
		return 0;
	j->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cr_set_error(j->err, code, -1, "%s at %s", msg, j->path);
	snprintf(j->err->found, sizeof(j->err->found), "%s", j->path);
	return 0;
}

/* Append .key, ["key"] or [i] to the path; returns the length to restore. */
static size_t
path_push(JL *j, const char *key, size_t keylen, int index)
{
	size_t		old = j->pathlen;
	size_t		room = sizeof(j->path) - old;
	int			simple = key != NULL && keylen > 0;
	int			w;

	for (size_t i = 0; simple && i < keylen; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') || key[i] == '_' ||
			  (i > 0 && key[i] >= '0' && key[i] <= '9')))
			simple = 0;
	if (key == NULL)
		w = snprintf(j->path + old, room, "[%d]", index);
	else if (simple)
		w = snprintf(j->path + old, room, ".%.*s", (int) keylen, key);
	else
		w = snprintf(j->path + old, room, "[\"%.*s\"]", (int) cr_quote_len(j->mem, key, keylen, 40), key);
	if (w < 0 || (size_t) w >= room)
	{
		j->path[old] = '\0';
		if (room > 4)
			snprintf(j->path + old, room, "...");
	}
	j->pathlen = strlen(j->path);
	return old;
}

static void
path_pop(JL *j, size_t old)
{
	j->pathlen = old;
	j->path[old] = '\0';
}

/* ------------------------------------------------------------------ text output */

static void
expr_init(JL *j, Expr *e)
{
	memset(e, 0, sizeof(*e));
	e->b.mem = j->mem;
}

static void
expr_free(JL *j, Expr *e)
{
	cr_mem_free(j->mem, e->b.data);
	e->b.data = NULL;
}

static void
put(Expr *e, const char *s)
{
	cr_buf_str(&e->b, s);
}

static void
put_expr(Expr *e, const Expr *x)
{
	cr_buf_bytes(&e->b, x->b.data, x->b.len);
	e->prog += x->prog;
}

static void
put_number(Expr *e, double d)
{
	char		tmp[64];

	snprintf(tmp, sizeof(tmp), signbit(d) ? "(-%.17g)" : "%.17g", fabs(d));
	put(e, tmp);
}

/* truthy(v): JavaScript's truthiness of a value of any type, never NULL */
static void
put_truthy(Expr *e, const Expr *v)
{
	put(e, "truthy(");
	put_expr(e, v);
	put(e, ")");
	e->prog += 4;				/* the function call */
}

/* ------------------------------------------------------------------ operations */

/* The operation of an object node: its one key, and its arguments. */
typedef struct Op
{
	const char *name;
	size_t		len;
	int			arg0;			/* first argument node */
	int			nargs;
	int			is_list;		/* the arguments were a JSON array */
	int			value;			/* the node holding the arguments */
	int			cursor[2];		/* arg()'s last (index, node): a walk is linear */
	int		   *cur;			/* = cursor (writable through a const Op *) */
} Op;

static int	is_condition_op(const Op *op);
static int	is_value_op(const Op *op);

static int
get_op(JL *j, int node, Op *op)
{
	const CjNode *nd = &j->doc->nodes[node];
	const CjNode *v;

	if (nd->n != 1)
		return jl_fail(j, CR_ERR_INVALID,
					   "a JsonLogic operation is an object with exactly one key (the operator), not %d keys", nd->n);
	v = &j->doc->nodes[nd->first];
	op->name = v->key;
	op->len = v->keylen;
	op->value = nd->first;
	op->is_list = v->type == CJ_ARR;
	op->arg0 = op->is_list ? v->first : nd->first;
	op->nargs = op->is_list ? v->n : 1;
	op->cursor[0] = 0;
	op->cursor[1] = op->arg0;
	op->cur = op->cursor;
	return 1;
}

static int
op_is(const Op *op, const char *name)
{
	return strlen(name) == op->len && memcmp(op->name, name, op->len) == 0;
}

/* The i-th argument's node. */
static int
arg(JL *j, const Op *op, int i)
{
	int			at = 0;
	int			k = op->arg0;

	if (!op->is_list)
		return k;
	/* arguments are read in order: go on from the last one, not the first */
	if (i >= op->cur[0])
	{
		at = op->cur[0];
		k = op->cur[1];
	}
	for (; at < i; at++)
		k = j->doc->nodes[k].next;
	op->cur[0] = i;
	op->cur[1] = k;
	return k;
}

static int
want_args(JL *j, const Op *op, int lo, int hi)
{
	if (op->nargs >= lo && op->nargs <= hi)
		return 1;
	if (lo == hi)
		return jl_fail(j, CR_ERR_INVALID, "operator \"%.*s\" takes %d argument%s, not %d",
					   (int) op->len, op->name, lo, lo == 1 ? "" : "s", op->nargs);
	if (hi > 1000 && op->nargs > hi)
		return jl_fail(j, CR_ERR_TOO_MANY, "operator \"%.*s\" takes at most %d arguments, not %d",
					   (int) op->len, op->name, hi, op->nargs);
	if (hi > 1000)
		return jl_fail(j, CR_ERR_INVALID, "operator \"%.*s\" takes at least %d argument%s, not %d",
					   (int) op->len, op->name, lo, lo == 1 ? "" : "s", op->nargs);
	return jl_fail(j, CR_ERR_INVALID, "operator \"%.*s\" takes %d to %d arguments, not %d",
				   (int) op->len, op->name, lo, hi, op->nargs);
}

/* The compiled program would be over its limit (Expr.prog): 54000, as from the text. */
static int
program_too_long(JL *j)
{
	return jl_fail(j, CR_ERR_TOO_LONG, "compiled incentive condition is too long");
}

/* Translate argument i of op (for a condition or a value), with its path. */
static int
arg_expr(JL *j, const Op *op, int i, Expr *out, int cond)
{
	size_t		p1 = path_push(j, op->name, op->len, 0);
	size_t		p2;
	int			ok;

	if (op->is_list)
		p2 = path_push(j, NULL, 0, i);
	else
		p2 = j->pathlen;
	expr_init(j, out);
	ok = cond ? jl_cond(j, arg(j, op, i), out) : jl_val(j, arg(j, op, i), out);
	if (ok && out->prog > CR_RULE_MAX_BYTES)
		ok = program_too_long(j);
	path_pop(j, p2);
	path_pop(j, p1);
	if (!ok)
		expr_free(j, out);
	return ok;
}

static const char *const unsupported_ops[] = {
	"map", "reduce", "filter", "all", "some", "none", "merge", "substr", "cat",
	"log", "missing", "missing_some", "method"
};

static int
unsupported(JL *j, const Op *op)
{
	for (size_t i = 0; i < sizeof(unsupported_ops) / sizeof(unsupported_ops[0]); i++)
		if (op_is(op, unsupported_ops[i]))
			return jl_fail(j, CR_ERR_UNSUPPORTED,
						   "JsonLogic operation \"%s\" is not supported in incentive conditions",
						   unsupported_ops[i]);
	/* at most 60 bytes, never half a character of the text's encoding */
	return jl_fail(j, CR_ERR_UNSUPPORTED, "unknown JsonLogic operation \"%.*s\"",
				   (int) cr_quote_len(j->mem, op->name, op->len, 60), op->name);
}

/* ------------------------------------------------------------------ var */

/* A literal as a value: number, string, true, false (null: TY_NULL). */
static int
literal(JL *j, int node, Expr *out)
{
	const CjNode *nd = &j->doc->nodes[node];

	out->kind = K_SAFE;
	switch (nd->type)
	{
		case CJ_NULL:
			/* a null operand may compile to nothing (x IS NULL): 0 bytes */
			out->type = TY_NULL;
			put(out, "NULL");
			return 1;
		case CJ_TRUE:
		case CJ_FALSE:
			out->type = TY_BOOL;
			out->prog = 1;
			put(out, nd->type == CJ_TRUE ? "true" : "false");
			return 1;
		case CJ_NUM:
			out->type = TY_NUM;
			out->prog = 9;		/* opcode and double */
			put_number(out, nd->num);
			return 1;
		case CJ_STR:
			out->type = TY_STR;
			out->prog = 5 + nd->len;	/* opcode, length and bytes */
			cr_print_quoted(&out->b, nd->str, nd->len, '\'');
			return 1;
		default:
			return jl_fail(j, CR_ERR_UNSUPPORTED, "an array or object is not a supported value here");
	}
}

/*
 * A property every JavaScript object, number or boolean inherits
 * (Object.prototype, Number.prototype, Boolean.prototype).  json-logic-js
 * reads data[name] and finds it where the key is absent: {"var":
 * "constructor"} is a function (truthy, != null) on {}, and "x.toFixed" is
 * one for {"x": 5}, where a feature reads NULL.  The segment of the var's
 * path that names one, or NULL.
 */
static const char *
inherited_property(const char *name, size_t len)
{
	static const char *const props[] = {
		"constructor", "__proto__", "__defineGetter__", "__defineSetter__",
		"__lookupGetter__", "__lookupSetter__", "hasOwnProperty", "isPrototypeOf",
		"propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
		"toExponential", "toFixed", "toPrecision"
	};
	size_t		start = 0;

	for (size_t i = 0; i <= len; i++)
	{
		if (i < len && name[i] != '.')
			continue;
		for (size_t k = 0; k < sizeof(props) / sizeof(props[0]); k++)
			if (strlen(props[k]) == i - start && memcmp(props[k], name + start, i - start) == 0)
				return props[k];
		start = i + 1;
	}
	return NULL;
}

/*
 * {"var": "name"} or {"var": ["name", default]}: the feature named by the
 * whole string (a dotted path "a.b" is the feature "a.b").  A NULL feature is
 * an absent key, so the default applies to it.
 */
static int
jl_var(JL *j, const Op *op, Expr *out)
{
	const CjNode *nd;
	size_t		p = path_push(j, "var", 3, 0);
	char		numname[32];
	const char *name;
	size_t		namelen;

	if (op->nargs > 2)
		return want_args(j, op, 1, 2);
	/* only now is there a name: {"var": []} has no node to point at */
	nd = op->nargs == 0 ? NULL : &j->doc->nodes[arg(j, op, 0)];
	if (nd == NULL || nd->type == CJ_NULL || (nd->type == CJ_STR && nd->len == 0))
		return jl_fail(j, CR_ERR_UNSUPPORTED,
					   "\"var\" of %s reads the whole data object, which is not supported (name a feature)",
					   nd == NULL ? "no name" : nd->type == CJ_NULL ? "null" : "\"\"");
	if (nd->type == CJ_NUM)
	{
		/*
		 * json-logic-js reads String(n): the key "1" for 1 (and "0" for -0).
		 * Only integers, whose String() is their digits: String(1.5) is a
		 * path "1.5" and String(1e21) is "1e+21".
		 */
		if (nd->num != floor(nd->num) || fabs(nd->num) >= 1e21)
			return jl_fail(j, CR_ERR_INVALID,
						   "\"var\" of a number must be an integer (a key such as \"1\"); name other keys with a string");
		namelen = cr_js_number_text(nd->num, numname);
		name = numname;
	}
	else if (nd->type != CJ_STR)
		return jl_fail(j, CR_ERR_INVALID, "\"var\" needs a string naming a feature");
	else
	{
		name = nd->str;
		namelen = nd->len;
	}
	if (namelen > CR_RULE_MAX_NAME)
		return jl_fail(j, CR_ERR_NAME_TOO_LONG, "feature name is too long (%zu bytes, the limit is %d)",
					   namelen, CR_RULE_MAX_NAME);
	{
		const char *prop = inherited_property(name, namelen);

		if (prop != NULL)
			return jl_fail(j, CR_ERR_UNSUPPORTED,
						   "\"var\" of \"%s\", a property JavaScript objects inherit (json-logic-js reads it where the key is absent, a feature reads NULL)",
						   prop);
	}
	out->prog = 3;				/* opcode and name index */
	if (op->nargs == 2 && j->doc->nodes[arg(j, op, 1)].type != CJ_NULL)
	{
		Expr		d;

		expr_init(j, &d);
		path_push(j, NULL, 0, 1);
		if (!literal(j, arg(j, op, 1), &d) || d.type == TY_NULL)
		{
			expr_free(j, &d);
			return 0;
		}
		put(out, "coalesce(");
		cr_print_quoted(&out->b, name, namelen, '"');
		put(out, ", ");
		put_expr(out, &d);
		put(out, ")");
		out->kind = K_SAFE;
		out->type = d.type;
		out->by_default = 1;
		expr_free(j, &d);
	}
	else
	{
		cr_print_quoted(&out->b, name, namelen, '"');
		out->kind = K_NUL;
		out->type = TY_ANY;
	}
	path_pop(j, p);
	return 1;
}

/* ------------------------------------------------------------------ arithmetic */

/* A numeric operand; null_as_zero: JavaScript reads null as 0 here. */
static int
num_operand(JL *j, const Op *op, int i, Expr *out, int null_as_zero)
{
	Expr		x;

	if (!arg_expr(j, op, i, &x, 0))
		return 0;
	if (x.type != TY_ANY && x.type != TY_NUM)
	{
		expr_free(j, &x);
		return jl_fail(j, CR_ERR_UNSUPPORTED,
					   "operator \"%.*s\" on a %s: JavaScript converts it to a number, SQL does not",
					   (int) op->len, op->name, x.type == TY_STR ? "string" : x.type == TY_BOOL ? "boolean" : "null");
	}
	expr_init(j, out);
	if (null_as_zero && x.kind == K_NUL)
	{
		put(out, "coalesce(");
		put_expr(out, &x);
		put(out, ", 0)");
		out->kind = K_SAFE;
	}
	else
	{
		put_expr(out, &x);
		out->kind = x.kind;
	}
	out->type = TY_NUM;
	expr_free(j, &x);
	return 1;
}

/* + and * (n-ary, parseFloat: null is NaN); - / % (binary or unary -, null is 0). */
static int
jl_arith(JL *j, const Op *op, Expr *out)
{
	int			nary = op_is(op, "+") || op_is(op, "*");
	int			div = op_is(op, "/") || op_is(op, "%");
	char		sym[4] = {' ', op->name[0], ' ', '\0'};
	int			nan = 0;

	if (!want_args(j, op, nary ? 1 : div ? 2 : 1, nary ? CR_RULE_MAX_ITEMS : 2))
		return 0;
	if (div)
	{
		const CjNode *d = &j->doc->nodes[arg(j, op, 1)];

		if (d->type != CJ_NUM || d->num == 0)
			return jl_fail(j, CR_ERR_UNSUPPORTED,
						   "\"%c\" by something other than a non-zero number: JavaScript gives Infinity or NaN where SQL raises division by zero",
						   op->name[0]);
	}
	if (op->nargs == 1)
	{
		Expr		x;

		if (!num_operand(j, op, 0, &x, !nary))
			return 0;
		/*
		 * one operand: + is 0 + parseFloat(x), so x + 0 (null is NaN); * is
		 * x itself (reduce without a start value); - negates (null is -0)
		 */
		if (op->name[0] == '*')
		{
			put_expr(out, &x);
			out->kind = x.kind;
			out->type = TY_NUM;
			expr_free(j, &x);
			return 1;
		}
		nan = x.kind != K_SAFE;
		put(out, nary ? "(" : "(-");
		put_expr(out, &x);
		put(out, nary ? " + 0)" : ")");
		expr_free(j, &x);
	}
	else
	{
		/* a + b + c is a flat chain (left-associative): no nesting */
		put(out, "(");
		for (int i = 0; i < op->nargs; i++)
		{
			Expr		x;

			if (!num_operand(j, op, i, &x, !nary))
				return 0;
			nan |= x.kind != K_SAFE;
			if (i > 0)
				put(out, sym);
			put_expr(out, &x);
			expr_free(j, &x);
		}
		put(out, ")");
	}
	out->kind = nan ? K_NAN : K_SAFE;
	out->type = TY_NUM;
	return 1;
}

/* min, max: Math.min/max read null as 0; NaN operands are rejected. */
static int
jl_minmax(JL *j, const Op *op, Expr *out)
{
	if (!want_args(j, op, 1, CR_RULE_MAX_ITEMS))
		return 0;
	put(out, op_is(op, "min") ? "least(" : "greatest(");
	for (int i = 0; i < op->nargs; i++)
	{
		Expr		x;

		if (!num_operand(j, op, i, &x, 1))
			return 0;
		if (x.kind == K_NAN)
		{
			expr_free(j, &x);
			return jl_fail(j, CR_ERR_UNSUPPORTED,
						   "\"%.*s\" of a sum or product that may be NaN (SQL's least and greatest skip NULL)",
						   (int) op->len, op->name);
		}
		if (i > 0)
			put(out, ", ");
		put_expr(out, &x);
		expr_free(j, &x);
	}
	put(out, ")");
	out->kind = K_SAFE;
	out->type = TY_NUM;
	return 1;
}

/* ------------------------------------------------------------------ comparisons */

/* The JavaScript result of null OP literal string (null reads as 0). */
static int
null_vs_string(JL *j, const Expr *lit_side_is_left, int node, const char *sym, int null_left, int *result)
{
	const CjNode *nd = &j->doc->nodes[node];
	const char *s;
	size_t		len;
	double		v;
	int			nan;

	(void) lit_side_is_left;
	if (nd->type != CJ_STR)
		return jl_fail(j, CR_ERR_UNSUPPORTED,
					   "comparing a possibly null feature with a text expression (JavaScript reads null as 0)");
	/* Number() is JavaScript's: its white space is Unicode's, read as UTF-8 */
	s = nd->str;
	len = nd->len;
	if (j->mem && j->mem->text_to_utf8)
		s = j->mem->text_to_utf8(nd->str, nd->len, &len);
	if (!cr_js_number(s, len, &v, &nan))
		return jl_fail(j, CR_ERR_UNSUPPORTED,
					   "comparing a possibly null feature with the string '%.*s', which JavaScript may read as a number",
					   (int) cr_quote_len(j->mem, nd->str, nd->len, 40), nd->str);
	if (nan)
		*result = 0;
	else
	{
		double		a = null_left ? 0 : v;
		double		b = null_left ? v : 0;

		*result = sym[0] == '<' ? (sym[1] == '=' ? a <= b : a < b) : (sym[1] == '=' ? a >= b : a > b);
	}
	return 1;
}

/* a OP b for < <= > >=, where a and b are arguments ia and ib of op. */
static int
relation(JL *j, const Op *op, int ia, int ib, Expr *out)
{
	Expr		a,
				b;
	const char *sym = op_is(op, "<") ? " < " : op_is(op, "<=") ? " <= " : op_is(op, ">") ? " > " : " >= ";
	int			ok = 0;

	if (!arg_expr(j, op, ia, &a, 0))
		return 0;
	if (!arg_expr(j, op, ib, &b, 0))
	{
		expr_free(j, &a);
		return 0;
	}
	if (a.type == TY_BOOL || b.type == TY_BOOL || a.type == TY_NULL || b.type == TY_NULL)
		jl_fail(j, CR_ERR_UNSUPPORTED, "operator \"%.*s\" on a boolean or null: JavaScript converts it to a number",
				(int) op->len, op->name);
	else if ((a.type == TY_STR && b.type == TY_NUM) || (a.type == TY_NUM && b.type == TY_STR))
		jl_fail(j, CR_ERR_UNSUPPORTED, "operator \"%.*s\" between a number and a string: JavaScript converts, SQL does not",
				(int) op->len, op->name);
	else if (a.type == TY_STR || b.type == TY_STR)
	{
		/* text: a NULL feature compares as JavaScript compares 0 with the string */
		int			f = 0;

		if (a.kind == K_NUL || b.kind == K_NUL)
		{
			if (null_vs_string(j, NULL, arg(j, op, a.kind == K_NUL ? ib : ia), sym + 1, a.kind == K_NUL, &f))
			{
				put(out, "coalesce(");
				put_expr(out, &a);
				put(out, sym);
				put_expr(out, &b);
				put(out, f ? ", true)" : ", false)");
				ok = 1;
			}
		}
		else
		{
			put(out, "(");
			put_expr(out, &a);
			put(out, sym);
			put_expr(out, &b);
			put(out, ")");
			ok = 1;
		}
	}
	else
	{
		/* numbers: null reads as 0; NaN compares false */
		int			nan = a.kind == K_NAN || b.kind == K_NAN;

		put(out, nan ? "coalesce(" : "(");
		if (a.kind == K_NUL)
			put(out, "coalesce(");
		put_expr(out, &a);
		if (a.kind == K_NUL)
			put(out, ", 0)");
		put(out, sym);
		if (b.kind == K_NUL)
			put(out, "coalesce(");
		put_expr(out, &b);
		if (b.kind == K_NUL)
			put(out, ", 0)");
		put(out, nan ? ", false)" : ")");
		ok = 1;
	}
	expr_free(j, &a);
	expr_free(j, &b);
	return ok;
}

/* < and <= with two or three arguments (a < b < c), > and >= with two. */
static int
jl_relation(JL *j, const Op *op, Expr *out)
{
	int			between = op_is(op, "<") || op_is(op, "<=");

	if (!want_args(j, op, 2, between ? 3 : 2))
		return 0;
	if (op->nargs == 2)
		return relation(j, op, 0, 1, out);
	put(out, "(");
	if (!relation(j, op, 0, 1, out))
		return 0;
	put(out, " AND ");
	if (!relation(j, op, 1, 2, out))
		return 0;
	put(out, ")");
	return 1;
}

/* The word for a known static type other than null. */
static const char *
type_word(int type)
{
	return type == TY_NUM ? "number" : type == TY_STR ? "string" : "boolean";
}

/*
 * == and === (!= and !== negated): null equals only null.  === of two
 * known types is false, as in JavaScript, but not where a type is that of
 * a var's default: {"===": [{"var": ["x", 5]}, "a"]} is true where x is "a".
 */
static int
jl_equal(JL *j, const Op *op, Expr *out)
{
	Expr		a,
				b;
	int			neg = op->name[0] == '!';
	int			ok = 1;

	if (!want_args(j, op, 2, 2) || !arg_expr(j, op, 0, &a, 0))
		return 0;
	if (!arg_expr(j, op, 1, &b, 0))
	{
		expr_free(j, &a);
		return 0;
	}
	put(out, neg ? "(NOT " : "(");
	if (a.type == TY_NULL || b.type == TY_NULL)
	{
		Expr	   *x = a.type == TY_NULL ? &b : &a;

		if (x->type == TY_NULL)
			put(out, "true");
		else if (x->kind == K_NUL)
		{
			put_expr(out, x);
			put(out, " IS NULL");
		}
		else
			put(out, "false");
	}
	else if (a.type != TY_ANY && b.type != TY_ANY && a.type != b.type && op->len == 3 &&
			 (a.by_default || b.by_default))
		ok = jl_fail(j, CR_ERR_UNSUPPORTED,
					 "operator \"%.*s\" between a %s and a %s, one of them the default of a var, which may hold the other type",
					 (int) op->len, op->name, type_word(a.type), type_word(b.type));
	else if (a.type != TY_ANY && b.type != TY_ANY && a.type != b.type && op->len == 3)
		put(out, "false");		/* === and !== do not convert: never equal */
	else if (a.type != TY_ANY && b.type != TY_ANY && a.type != b.type)
		ok = jl_fail(j, CR_ERR_UNSUPPORTED,
					 "operator \"%.*s\" between a %s and a %s: JavaScript's == converts, SQL does not",
					 (int) op->len, op->name, type_word(a.type), type_word(b.type));
	else
	{
		int			both_null = a.kind == K_NUL && b.kind == K_NUL;
		int			safe = a.kind == K_SAFE && b.kind == K_SAFE;

		if (!safe)
			put(out, "coalesce(");
		put_expr(out, &a);
		put(out, " = ");
		put_expr(out, &b);
		if (both_null)
		{
			put(out, ", ");
			put_expr(out, &a);
			put(out, " IS NULL AND ");
			put_expr(out, &b);
			put(out, " IS NULL)");
		}
		else if (!safe)
			put(out, ", false)");
	}
	put(out, ")");
	expr_free(j, &a);
	expr_free(j, &b);
	return ok;
}

/*
 * {"in": [x, {"var": "tags"}]} or {"in": [x, "a string"]}: contains(h, x),
 * which is json-logic-js's b.indexOf(a) !== -1 (an element of an array of
 * the facts strictly equal to x, or String(x) in a string that is not
 * empty); false where h is null or absent, as there.
 */
static int
jl_in_contains(JL *j, const Op *op, Expr *out)
{
	Expr		a,
				h;

	if (!arg_expr(j, op, 1, &h, 0))
		return 0;
	if (h.type == TY_NUM || h.type == TY_BOOL)
	{
		expr_free(j, &h);
		return jl_fail(j, CR_ERR_UNSUPPORTED,
					   "\"in\" on a var whose default is a number or boolean (JavaScript finds nothing in it)");
	}
	if (!arg_expr(j, op, 0, &a, 0))
	{
		expr_free(j, &h);
		return 0;
	}
	if (a.kind == K_NAN)
	{
		expr_free(j, &a);
		expr_free(j, &h);
		return jl_fail(j, CR_ERR_UNSUPPORTED,
					   "\"in\" of a sum or product that may be NaN (SQL's NULL there is not JavaScript's NaN)");
	}
	put(out, "coalesce(contains(");
	put_expr(out, &h);
	put(out, ", ");
	put_expr(out, &a);
	put(out, "), false)");
	expr_free(j, &a);
	expr_free(j, &h);
	return 1;
}

/* {"in": [x, [literals]]}: strict equality with one of the literals. */
static int
jl_in(JL *j, const Op *op, Expr *out)
{
	int			list;
	const CjNode *ln;
	Expr		a;
	Op			inner;
	int			type = -1;

	if (!want_args(j, op, 2, 2))
		return 0;
	list = arg(j, op, 1);
	ln = &j->doc->nodes[list];
	if (ln->type == CJ_OBJ && get_op(j, list, &inner) && !op_is(&inner, "var"))
	{
		size_t		p = path_push(j, "in", 2, 0);

		path_push(j, NULL, 0, 1);
		if (is_condition_op(&inner) || is_value_op(&inner))
			jl_fail(j, CR_ERR_UNSUPPORTED, "\"in\" needs a literal array, not operator \"%.*s\"",
					(int) inner.len, inner.name);
		else
			unsupported(j, &inner);
		path_pop(j, p);
		return 0;
	}
	if (j->failed)
		return 0;
	if (ln->type == CJ_OBJ || ln->type == CJ_STR)
		return jl_in_contains(j, op, out);
	if (ln->type != CJ_ARR)
		return jl_fail(j, CR_ERR_UNSUPPORTED, "the second argument of \"in\" must be an array of literals");
	for (int k = ln->first; k >= 0; k = j->doc->nodes[k].next)
	{
		int			t = j->doc->nodes[k].type;

		t = (t == CJ_TRUE || t == CJ_FALSE) ? CJ_TRUE : t;
		if (t != CJ_NUM && t != CJ_STR && t != CJ_TRUE)
			return jl_fail(j, CR_ERR_UNSUPPORTED, "the list of \"in\" may hold only numbers, strings or booleans");
		if (type >= 0 && t != type)
			return jl_fail(j, CR_ERR_UNSUPPORTED, "the list of \"in\" mixes types (JavaScript compares strictly)");
		type = t;
	}
	/* the value is translated even for an empty list: an operation it uses must be one we support */
	if (!arg_expr(j, op, 0, &a, 0))
		return 0;
	if (ln->n == 0)
	{
		expr_free(j, &a);
		put(out, "false");
		return 1;
	}
	if (a.type == TY_NULL || (a.type != TY_ANY && a.type != (type == CJ_NUM ? TY_NUM : type == CJ_STR ? TY_STR : TY_BOOL)))
	{
		expr_free(j, &a);
		return jl_fail(j, CR_ERR_UNSUPPORTED, "\"in\" of a value whose type differs from the list's");
	}
	put(out, a.kind == K_SAFE ? "(" : "coalesce(");
	put_expr(out, &a);
	put(out, " IN (");
	for (int k = ln->first; k >= 0; k = j->doc->nodes[k].next)
	{
		Expr		x;

		expr_init(j, &x);
		literal(j, k, &x);
		put_expr(out, &x);
		expr_free(j, &x);
		if (j->doc->nodes[k].next >= 0)
			put(out, ", ");
	}
	put(out, a.kind == K_SAFE ? "))" : "), false)");
	expr_free(j, &a);
	return 1;
}

#define JL_IF_MAX_BRANCHES ((CR_RULE_MAX_DEPTH - 4) / 2)

/* if / ?: as a condition: c1 ? a1 : c2 ? a2 : ... : else (missing: null, falsy). */
static int
jl_if(JL *j, const Op *op, Expr *out)
{
	int			n = op->nargs;
	int			opened = 0;

	if (n == 0)
	{
		put(out, "false");
		return 1;
	}

	/*
	 * Each branch is an OR of two ANDs around the rest: two levels of the
	 * compiled program's nesting, whose limit is CR_RULE_MAX_DEPTH.
	 */
	if (n / 2 > JL_IF_MAX_BRANCHES)
		return jl_fail(j, CR_ERR_TOO_DEEP,
					   "\"if\" with %d conditions: at most %d are supported (each one is two levels of nesting, and a condition has at most %d)",
					   n / 2, JL_IF_MAX_BRANCHES, CR_RULE_MAX_DEPTH);
	for (int i = 0; i + 1 < n; i += 2)
	{
		Expr		c,
					a;

		if (!arg_expr(j, op, i, &c, 1))
			return 0;
		if (!arg_expr(j, op, i + 1, &a, 1))
		{
			expr_free(j, &c);
			return 0;
		}
		/* one parenthesis a branch: (c AND a OR NOT c AND (...)) */
		put(out, "(");
		put_expr(out, &c);
		put(out, " AND ");
		put_expr(out, &a);
		put(out, " OR NOT ");
		put_expr(out, &c);
		put(out, " AND ");
		opened++;
		out->prog += 10;		/* the two ANDs and the OR (3 bytes each), the NOT */
		expr_free(j, &c);
		expr_free(j, &a);
		if (out->prog > CR_RULE_MAX_BYTES)
			return program_too_long(j);
	}
	if (n % 2 == 1)
	{
		Expr		e;

		if (!arg_expr(j, op, n - 1, &e, 1))
			return 0;
		put_expr(out, &e);
		expr_free(j, &e);
	}
	else
		put(out, "false");
	while (opened-- > 0)
		put(out, ")");
	return 1;
}

/* ------------------------------------------------------------------ contexts */

static int
is_condition_op(const Op *op)
{
	static const char *const ops[] = {"and", "or", "!", "!!", "==", "===", "!=", "!==",
	"<", "<=", ">", ">=", "in", "if", "?:"};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (op_is(op, ops[i]))
			return 1;
	return 0;
}

static int
is_value_op(const Op *op)
{
	static const char *const ops[] = {"var", "+", "-", "*", "/", "%", "min", "max"};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (op_is(op, ops[i]))
			return 1;
	return 0;
}

/* and / or: truthiness of the first falsy / truthy operand. */
static int
jl_andor(JL *j, const Op *op, Expr *out)
{
	if (!want_args(j, op, 1, CR_RULE_MAX_ITEMS))
		return 0;
	put(out, "(");
	for (int i = 0; i < op->nargs; i++)
	{
		Expr		x;

		if (!arg_expr(j, op, i, &x, 1))
			return 0;
		if (i > 0)
			put(out, op_is(op, "and") ? " AND " : " OR ");
		put_expr(out, &x);
		expr_free(j, &x);
	}
	put(out, ")");
	return 1;
}

/*
 * {"var": ...} as a condition: JavaScript's truthiness of the feature,
 * whatever its type, truthy(name).  With a default d (a literal), the
 * value is d where the key is absent: a falsy d adds nothing (truthy of
 * NULL is false), a truthy one makes it (name IS NULL OR truthy(name)).
 * Neither form gives the feature a type, as json-logic-js does not.
 */
static int
jl_var_cond(JL *j, const Op *op, Expr *out)
{
	Expr		v;
	int			dflt = 0;

	expr_init(j, &v);
	if (op->is_list && op->nargs == 2)
	{
		const CjNode *d = &j->doc->nodes[arg(j, op, 1)];

		if (d->type == CJ_ARR || d->type == CJ_OBJ)
		{
			size_t		p = path_push(j, "var", 3, 0);

			path_push(j, NULL, 0, 1);
			jl_fail(j, CR_ERR_UNSUPPORTED, "an array or object is not a supported value here");
			path_pop(j, p);
			return 0;
		}
		dflt = d->type == CJ_TRUE || (d->type == CJ_NUM && d->num != 0 && !isnan(d->num)) ||
			(d->type == CJ_STR && d->len > 0);
	}
	{
		/* the feature alone: its name, checked as a value's */
		Op			bare = *op;
		int			cur[2];

		bare.nargs = op->nargs == 2 ? 1 : op->nargs;
		bare.cur = cur;
		cur[0] = 0;
		cur[1] = op->arg0;
		if (!jl_var(j, &bare, &v))
		{
			expr_free(j, &v);
			return 0;
		}
	}
	/* a truthy default: true where the feature is absent */
	if (dflt)
	{
		put(out, "(");
		put_expr(out, &v);
		put(out, " IS NULL OR ");
		out->prog += 4;			/* IS NULL (1 byte), the OR (3) */
	}
	put_truthy(out, &v);
	if (dflt)
		put(out, ")");
	expr_free(j, &v);
	return 1;
}

/* A condition: never NULL, true exactly when JavaScript's value is truthy. */
static int
jl_cond(JL *j, int node, Expr *out)
{
	const CjNode *nd = &j->doc->nodes[node];
	Op			op;

	out->kind = K_SAFE;
	out->type = TY_BOOL;
	switch (nd->type)
	{
		case CJ_NULL:
		case CJ_FALSE:
			put(out, "false");
			return 1;
		case CJ_TRUE:
			put(out, "true");
			return 1;
		case CJ_NUM:
			put(out, nd->num != 0 ? "true" : "false");
			return 1;
		case CJ_STR:
			put(out, nd->len > 0 ? "true" : "false");
			return 1;
		case CJ_ARR:
			/* json-logic-js's truthy(): [] is false, any other array true */
			for (int k = nd->first; k >= 0; k = j->doc->nodes[k].next)
				if (j->doc->nodes[k].type == CJ_ARR || j->doc->nodes[k].type == CJ_OBJ)
					return jl_fail(j, CR_ERR_UNSUPPORTED,
								   "an array of operations or arrays where a condition is expected");
			put(out, nd->n > 0 ? "true" : "false");
			return 1;
		default:
			break;
	}
	if (!get_op(j, node, &op))
		return 0;
	if (op_is(&op, "and") || op_is(&op, "or"))
		return jl_andor(j, &op, out);
	if (op_is(&op, "!") || op_is(&op, "!!"))
	{
		Expr		x;

		if (!want_args(j, &op, 1, 1) || !arg_expr(j, &op, 0, &x, 1))
			return 0;
		put(out, op.len == 1 ? "(NOT " : "(");
		put_expr(out, &x);
		put(out, ")");
		expr_free(j, &x);
		return 1;
	}
	if (op_is(&op, "==") || op_is(&op, "===") || op_is(&op, "!=") || op_is(&op, "!=="))
		return jl_equal(j, &op, out);
	if (op.name[0] == '<' || op.name[0] == '>')
	{
		if (op_is(&op, "<") || op_is(&op, "<=") || op_is(&op, ">") || op_is(&op, ">="))
			return jl_relation(j, &op, out);
	}
	if (op_is(&op, "in"))
		return jl_in(j, &op, out);
	if (op_is(&op, "if") || op_is(&op, "?:"))
		return jl_if(j, &op, out);
	if (op_is(&op, "var"))
		return jl_var_cond(j, &op, out);
	if (is_value_op(&op))
	{
		/* a number as a condition: truthy (0, NaN and null are false) */
		Expr		v;

		expr_init(j, &v);
		if (!jl_val(j, node, &v))
		{
			expr_free(j, &v);
			return 0;
		}
		put_truthy(out, &v);
		expr_free(j, &v);
		return 1;
	}
	return unsupported(j, &op);
}

/* A value (number, string, boolean, or JavaScript null). */
static int
jl_val(JL *j, int node, Expr *out)
{
	const CjNode *nd = &j->doc->nodes[node];
	Op			op;

	if (nd->type != CJ_OBJ)
		return literal(j, node, out);
	if (!get_op(j, node, &op))
		return 0;
	if (op_is(&op, "var"))
		return jl_var(j, &op, out);
	if (op_is(&op, "min") || op_is(&op, "max"))
		return jl_minmax(j, &op, out);
	if (is_value_op(&op))
		return jl_arith(j, &op, out);
	if (is_condition_op(&op))
		return jl_fail(j, CR_ERR_UNSUPPORTED,
					   "a condition (operator \"%.*s\") where a value is expected", (int) op.len, op.name);
	return unsupported(j, &op);
}

/* ------------------------------------------------------------------ entry point */

int
cr_rule_jsonlogic_text(const char *json, size_t len, const CrRuleMem *mem,
					   char **text, size_t *textlen, CrRuleError *err)
{
	CjDoc		doc;
	JL			j;
	Expr		out;
	int			rc;

	*text = NULL;
	*textlen = 0;
	memset(err, 0, sizeof(*err));
	err->position = -1;
	err->node = -1;
	if ((rc = cr_json_read(json, len, mem, &doc, err)) != CR_OK)
		return rc;
	memset(&j, 0, sizeof(j));
	j.doc = &doc;
	j.mem = mem;
	j.err = err;
	strcpy(j.path, "$");
	j.pathlen = 1;
	expr_init(&j, &out);
	if (!jl_cond(&j, 0, &out) || (out.prog > CR_RULE_MAX_BYTES && !program_too_long(&j)))
	{
		expr_free(&j, &out);
		cr_json_free(&doc, mem);
		return err->code;
	}
	cr_json_free(&doc, mem);
	cr_buf_u8(&out.b, '\0');
	if (out.b.oom)
	{
		expr_free(&j, &out);
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	}
	*text = (char *) out.b.data;
	*textlen = out.b.len - 1;
	return CR_OK;
}

int
cr_rule_from_jsonlogic(const char *json, size_t len, const CrRuleMem *mem,
					   uint8_t **out, size_t *outlen, CrRuleError *err)
{
	char	   *text;
	size_t		textlen;
	int			rc;

	*out = NULL;
	*outlen = 0;
	if ((rc = cr_rule_jsonlogic_text(json, len, mem, &text, &textlen, err)) != CR_OK)
		return rc;
	rc = cr_rule_parse(text, textlen, mem, out, outlen, err);
	if (rc != CR_OK)
		err->position = -1;		/* a position in generated text means nothing */
	cr_mem_free(mem, text);
	return rc;
}
