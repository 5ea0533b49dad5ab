/*
 * cr_rule_interp.c
 *	  The evaluator of compiled incentive conditions: a postfix stack machine
 *	  with SQL's three-valued logic, evaluation errors as values.
 *
 * Plain C, no PostgreSQL headers (see cr_rule.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE				/* memmem, as PostgreSQL's build has it */
#endif
#include "cr_rule_int.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	EV_INT_RANGE
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
};

#define CR_VAL_ERROR 4			/* internal to the evaluator */

/* The evaluator's loop and what it runs per step: inlined into it. */
#if defined(__GNUC__)
#define CR_HOT inline __attribute__((always_inline))
#else
#define CR_HOT inline
#endif

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

/*
 * Compare two texts with their CR_TEXT_* flags: char(n) against char(n), a
 * literal or varchar ignores trailing blanks.
 */
static inline int
cmp_text(const char *as, size_t al, int af, const char *bs, size_t bl, int bf)
{
	size_t		m;
	int			c;

	if (((af | bf) & CR_TEXT_PADDED) && af && bf)
	{
		while (al > 0 && as[al - 1] == ' ')
			al--;
		while (bl > 0 && bs[bl - 1] == ' ')
			bl--;
	}
	m = al < bl ? al : bl;
	c = m ? memcmp(as, bs, m) : 0;
	if (c != 0)
		return c < 0 ? -1 : 1;
	return al < bl ? -1 : al > bl ? 1 : 0;
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
			return cmp_text(a->str, a->len, a->boolean, b->str, b->len, b->boolean);
	}
}

/*
 * The type error of instruction k (see cr_rule_type_error), the one the
 * static check gives when it knows the operands' kinds.
 */
static int
type_error(CrRuleError *err, int k, const CrInstr *in, int operand, int want, int first,
		   const CrValue *b)
{
	cr_rule_type_error(err, in, operand, want, first, b->kind);
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
			return type_error(err, k, in, i, want, want, &v[i]);
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
			return type_error(err, k, in, i, -1, *kind, &v[i]);
	}
	return CR_OK;
}

/* Does c (-1, 0, 1, as cmp_values gives) satisfy the comparison op? */
static inline int
cmp_holds(int op, int c)
{
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

/* Three-valued comparison of two values: 1, 0, -1 (NULL) or -2 (error). */
static int
compare3(const CrValue *a, const CrValue *b, int op)
{
	if (a->kind == CR_VAL_ERROR || b->kind == CR_VAL_ERROR)
		return -2;
	if (a->kind == CR_VAL_NULL || b->kind == CR_VAL_NULL)
		return -1;
	return cmp_holds(op, cmp_values(a, b));
}

static double
apply_round(const CrValue *args, uint32_t nargs, int *errid)
{
	double		nd = nargs > 1 ? args[1].num : 0.0;
	double		r;

	/*
	 * n as n::int reads it: to the nearest integer, half to even (2.5 is 2),
	 * as 1.0 did, so that rules stored under 1.0 keep their meaning; and, as
	 * float8's dtoi4, the range is checked after rounding (2147483647.4 and
	 * -2147483648.5 are int, 2147483647.5 is not)
	 */
	nd = rint(nd);
	if (isnan(nd) || nd >= 2147483648.0 || nd < -2147483648.0)
	{
		*errid = EV_INT_RANGE;
		return 0;
	}
	if (nd > 400)
		nd = 400;
	if (nd < -400)
		nd = -400;
	r = cr_rule_round(args[0].num, (int) nd);

	/*
	 * rounding up past the largest double (round(1.7976931348623157e308)
	 * is 1.79769313486232e308 as numeric): numeric to float8 raises 22003
	 */
	if (isinf(r) && !isinf(args[0].num))
		*errid = EV_OVERFLOW;
	return r;
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
			/* as float8_div: NaN / 0 is NaN, not an error */
			if (y == 0.0 && !isnan(x))
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

/* AND / OR over n operands, three-valued; errors yield to a deciding operand. */
static inline int
eval_logic(CrRuleError *err, int k, const CrInstr *in, CrValue *a, int ar)
{
	int			isand = in->op == CR_OP_AND;
	int			anynull = 0;
	int			decided = 0;
	int			i;
	int			rc;
	const CrValue *e;

	/* the common case: all operands known booleans */
	for (i = 0; i < ar && a[i].kind == CR_VAL_BOOL; i++)
		if ((a[i].boolean != 0) != isand)
			decided = 1;
	if (i == ar)
	{
		SET_BOOL(a, decided ? !isand : isand);
		return CR_OK;
	}
	decided = 0;
	if ((rc = check_kinds(err, k, in, a, ar, CR_VAL_BOOL)) != CR_OK)
		return rc;
	for (i = 0; i < ar; i++)
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
	return CR_OK;
}

/* x op y for = <> < <= > >= of two numbers, neither NaN. */
static inline int
compare_num(int op, double x, double y)
{
	switch (op)
	{
		case CR_OP_EQ:
			return x == y;
		case CR_OP_NE:
			return x != y;
		case CR_OP_LT:
			return x < y;
		case CR_OP_LE:
			return x <= y;
		case CR_OP_GT:
			return x > y;
		default:
			return x >= y;
	}
}

/* = <> < <= > >= of two values. */
static inline int
eval_compare(CrRuleError *err, int k, const CrInstr *in, CrValue *a)
{
	int			r;
	int			rc;
	int			kind;

	if (a[0].kind == CR_VAL_NUM && a[1].kind == CR_VAL_NUM &&
		!isnan(a[0].num) && !isnan(a[1].num))
	{
		/* the common case, without the generic checks */
		SET_BOOL(a, compare_num(in->op, a[0].num, a[1].num));
		return CR_OK;
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
	return CR_OK;
}

/* x [NOT] BETWEEN lo AND hi: x >= lo AND x <= hi, three-valued. */
static int
eval_between(CrRuleError *err, int k, const CrInstr *in, CrValue *a)
{
	int			r1,
				r2,
				r;
	int			rc;
	int			kind;

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
	return CR_OK;
}

/* x [NOT] IN (list): a[0] against a[1 .. ar - 1]. */
static int
eval_in(CrRuleError *err, int k, const CrInstr *in, CrValue *a, int ar)
{
	int			found = 0;
	int			anynull = 0;
	int			anyerr = 0;
	int			rc;
	int			kind;

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
	return CR_OK;
}

/*
 * The operands of arithmetic and numeric functions: 1 when a[0] already
 * holds the result (*rc set: a type error, or an error or NULL operand
 * propagated), 0 when all n are numbers.
 */
static inline int
numeric_operands(CrRuleError *err, int k, const CrInstr *in, CrValue *a, int n, int *rc)
{
	const CrValue *e;

	if ((*rc = check_kinds(err, k, in, a, n, CR_VAL_NUM)) != CR_OK)
		return 1;
	if ((e = first_error(a, n)) != NULL)
	{
		*a = *e;
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (a[i].kind == CR_VAL_NULL)
		{
			SET_NULL(a);
			return 1;
		}
	return 0;
}

/* + - * / % of two numbers. */
static inline int
eval_arith(CrRuleError *err, int k, const CrInstr *in, CrValue *a)
{
	int			errid = -1;
	double		r;
	int			rc;

	if (numeric_operands(err, k, in, a, 2, &rc))
		return rc;
	r = apply_arith(in->op, a[0].num, a[1].num, &errid);
	if (errid >= 0)
		SET_ERROR(a, errid);
	else
		a->num = r;
	return CR_OK;
}

/*
 * Compare two arguments of least or greatest: text in the type SQL gives
 * the call (in->tflags: char(n) ignores trailing blanks, text and varchar
 * do not), whatever their own.
 */
static int
cmp_picked(const CrInstr *in, const CrValue *a, const CrValue *b)
{
	int			f = in->tflags & ~CR_TEXT_TO_BPCHAR;

	if (a->kind == CR_VAL_TEXT)
		return cmp_text(a->str, a->len, f, b->str, b->len, f);
	return cmp_values(a, b);
}

/*
 * least, greatest, coalesce: pick one argument (of any one kind).  A text
 * result takes the flags of the type SQL gives the call (in->tflags, see
 * cr_rule_text_types), as its value is cast to that type there, or those
 * of char(n) when it is then cast to char(n) (CR_TEXT_TO_BPCHAR); as
 * char(n), without its trailing blanks.
 */
static int
eval_pick(CrRuleError *err, int k, const CrInstr *in, CrValue *a, int ar)
{
	int			best = -1;
	int			rc;
	int			kind;

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
		else if (in->fn == CR_FN_LEAST && cmp_picked(in, &a[i], &a[best]) < 0)
			best = i;
		else if (in->fn == CR_FN_GREATEST && cmp_picked(in, &a[i], &a[best]) > 0)
			best = i;
	}
	if (best < 0)
		SET_NULL(a);
	else
	{
		if (best > 0)
			*a = a[best];
		if (kind == CR_VAL_TEXT && a->kind == CR_VAL_TEXT)
		{
			/*
			 * a char(n) value has no trailing blanks to compare with text
			 * (SQL casts it to text without them), as a char(n) column's
			 */
			a->boolean = (in->tflags & CR_TEXT_TO_BPCHAR) ? CR_TEXT_PADDED : in->tflags;
			if (a->boolean & CR_TEXT_PADDED)
				while (a->len > 0 && a->str[a->len - 1] == ' ')
					a->len--;
		}
	}
	return CR_OK;
}

/* The numeric functions: abs, ln, exp, sqrt, floor, ceil, round. */
static int
eval_numfunc(CrRuleError *err, int k, const CrInstr *in, CrValue *a, int ar)
{
	int			errid = -1;
	double		r;
	int			rc;

	if (numeric_operands(err, k, in, a, ar, &rc))
		return rc;
	r = apply_func(in->fn, a, (uint32_t) ar, &errid);
	if (errid >= 0)
		SET_ERROR(a, errid);
	else
		SET_NUM(a, r);
	return CR_OK;
}

/* Strict equality (JavaScript's ===) of an array's element e and x; NULL is null. */
static inline int
strict_equal(const CrValue *e, const CrValue *x)
{
	if (e->kind != x->kind)
		return 0;
	switch (e->kind)
	{
		case CR_VAL_NULL:
			return 1;
		case CR_VAL_NUM:
			return e->num == x->num;
		case CR_VAL_BOOL:
			return (e->boolean != 0) == (x->boolean != 0);
		case CR_VAL_TEXT:
			return e->len == x->len && memcmp(e->str, x->str, e->len) == 0;
		default:				/* an array or object is no scalar */
			return 0;
	}
}

/* A text value's bytes as SQL compares them: a char(n) value without its trailing blanks. */
static inline size_t
text_len(const CrValue *v)
{
	size_t		n = v->len;

	if (v->boolean & CR_TEXT_PADDED)
		while (n > 0 && v->str[n - 1] == ' ')
			n--;
	return n;
}

/*
 * Whether the n bytes at s are in the hl bytes at h starting at a character
 * of h (char_len, the encoding's character length; NULL: every byte that
 * matches starts one, as in UTF-8, whose characters cannot match halfway).
 */
static int
find_substring(const char *h, size_t hl, const char *s, size_t n, CrCharLen char_len)
{
	size_t		from = 0,
				at = 0;			/* a character's start in h */
	const char *m;

	while (from < hl && (m = memmem(h + from, hl - from, s, n)) != NULL)
	{
		size_t		pos = (size_t) (m - h);

		if (char_len == NULL)
			return 1;
		while (at < pos)
		{
			int			c = char_len(h + at);

			at += c < 1 ? 1 : (size_t) c;
		}
		if (at == pos)
			return 1;
		from = pos + 1;
	}
	return 0;
}

/*
 * contains(h, x): JsonLogic's {"in": [x, h]} as json-logic-js computes it.
 * An array h has an element strictly equal to x (a NULL x is JSON's null);
 * a text h, not empty, has String(x) in it (JavaScript's String: null,
 * true, false and numbers as JavaScript writes them).  NULL when h is NULL;
 * a number or boolean h is a type error (JavaScript's false).
 */
static int
eval_contains(CrRuleError *err, int k, const CrInstr *in, CrValue *a, CrCharLen char_len)
{
	const CrValue *h = &a[0];
	const CrValue *x = &a[1];
	const CrValue *e = first_error(a, 2);
	int			found = 0;

	if (e != NULL)
	{
		*a = *e;
		return CR_OK;
	}
	if (h->kind == CR_VAL_ARRAY)
	{
		for (size_t i = 0; i < h->len && !found; i++)
			found = strict_equal(&h->items[i], x);
	}
	else if (h->kind == CR_VAL_TEXT)
	{
		char		num[32];
		const char *s = num;
		size_t		n;
		size_t		hl = text_len(h);

		if (x->kind == CR_VAL_TEXT)
		{
			s = x->str;
			n = text_len(x);
		}
		else if (x->kind == CR_VAL_NUM)
			n = cr_js_number_text(x->num, num);
		else
		{
			s = x->kind == CR_VAL_NULL ? "null" : x->boolean ? "true" : "false";
			n = strlen(s);
		}
		/* json-logic-js: an empty string is falsy, so false whatever x is */
		found = hl > 0 && (n == 0 || find_substring(h->str, hl, s, n, char_len));
	}
	else if (h->kind != CR_VAL_NULL)
		return type_error(err, k, in, 0, CR_VAL_TEXT, CR_VAL_TEXT, h);
	if (h->kind == CR_VAL_NULL)
		SET_NULL(a);
	else
		SET_BOOL(a, found);
	return CR_OK;
}

/* The value on the stack after the last instruction, as the result. */
static int
eval_result(const CrRuleProg *prog, const CrValue *top, int *result, CrRuleError *err)
{
	switch (top->kind)
	{
		case CR_VAL_NULL:
			*result = -1;
			return CR_OK;
		case CR_VAL_BOOL:
			*result = top->boolean != 0;
			return CR_OK;
		case CR_VAL_ERROR:
			return cr_set_error(err, eval_errors[top->len].code, -1, "%s",
								eval_errors[top->len].msg);
		default:
			cr_set_error(err, CR_ERR_TYPE, -1, "incentive condition must be boolean, not %s",
						 cr_rule_kind_name(top->kind));
			err->node = prog->ninstr - 1;
			return CR_ERR_TYPE;
	}
}

/*
 * CR_FAST_IN, CR_FAST_IN_TOP: is v (of the items' kind) among the items?
 * As eval_in, by binary search in the sorted list (see CrInItem): a number
 * equal to one of them (NaN never is); a text equal as cmp_text compares it
 * with a literal, its trailing blanks ignored only when it is char(n).
 */
static int
fast_in(const CrFast *fs, const CrValue *v)
{
	const CrInItem *l = fs->list;
	size_t		lo = 0;
	size_t		hi = fs->n;
	size_t		vl;

	if (fs->vkind == CR_VAL_NUM)
	{
		if (isnan(v->num))
			return 0;
		while (lo < hi)
		{
			size_t		mid = lo + (hi - lo) / 2;

			if (l[mid].num < v->num)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < fs->n && l[lo].num == v->num;
	}
	vl = v->len;
	while (vl > 0 && v->str[vl - 1] == ' ')
		vl--;
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (cmp_text(l[mid].text->str, l[mid].text->n, CR_TEXT_PADDED, v->str, vl, CR_TEXT_PADDED) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the items equal to v without trailing blanks; one of v's length is v */
	for (; lo < fs->n; lo++)
	{
		const CrInstr *it = l[lo].text;

		if (cmp_text(it->str, it->n, CR_TEXT_PADDED, v->str, vl, CR_TEXT_PADDED) != 0)
			break;
		if ((v->boolean & CR_TEXT_PADDED) || it->n == v->len)
			return 1;
	}
	return 0;
}

/*
 * Run the fused step fs on the stack (top at stack[*sp - 1]): 1 when done,
 * 0 when its operands are not the expected kinds and the instructions must
 * run one by one (nothing has been changed then).
 */
static CR_HOT int
fused_step(const CrFast *fs, const CrValue *features, CrValue *stack, int *sp)
{
	const CrValue *f = &features[fs->feature];
	CrValue    *out = &stack[*sp];
	CrValue    *top;
	int			errid = -1;
	double		r;

	switch (fs->kind)
	{
		case CR_FAST_CMP:
			if (f->kind == CR_VAL_NUM && !isnan(f->num))
				SET_BOOL(out, compare_num(fs->op, f->num, fs->k));
			else if (f->kind != CR_VAL_NULL)
				return 0;
			else if (fs->has_default)
				SET_BOOL(out, compare_num(fs->op, fs->k2, fs->k));
			else
				SET_NULL(out);
			break;
		case CR_FAST_TEXT:
			if (f->kind == CR_VAL_TEXT)
				SET_BOOL(out, cmp_holds(fs->op, cmp_text(f->str, f->len, f->boolean,
														 fs->str, fs->n, CR_TEXT_LITERAL)));
			else if (f->kind == CR_VAL_NULL)
				SET_NULL(out);
			else
				return 0;
			break;
		case CR_FAST_BETWEEN:
			if (f->kind == CR_VAL_NUM && !isnan(f->num))
				SET_BOOL(out, (f->num >= fs->k && f->num <= fs->k2) == (fs->op == CR_OP_BETWEEN));
			else if (f->kind == CR_VAL_NULL)
				SET_NULL(out);
			else
				return 0;
			break;
		case CR_FAST_IN:
			if (f->kind == fs->vkind)
				SET_BOOL(out, fast_in(fs, f) == (fs->op == CR_OP_IN));
			else if (f->kind == CR_VAL_NULL)
				SET_NULL(out);
			else
				return 0;
			break;
		case CR_FAST_NVL:
			/* coalesce(top, k): an error stops coalesce as a value does */
			top = out - 1;
			if (top->kind == CR_VAL_NULL)
			{
				if (fs->vkind == CR_VAL_BOOL)
					SET_BOOL(top, fs->k != 0);
				else
					SET_NUM(top, fs->k);
			}
			else if (top->kind != fs->vkind && top->kind != CR_VAL_ERROR)
				return 0;
			return 1;
		case CR_FAST_ARITH:
			top = out - 1;
			if (top->kind == CR_VAL_NUM)
			{
				r = apply_arith(fs->op, top->num, fs->k, &errid);
				if (errid >= 0)
					SET_ERROR(top, errid);
				else
					top->num = r;
			}
			else if (top->kind != CR_VAL_NULL && top->kind != CR_VAL_ERROR)
				return 0;
			return 1;
		case CR_FAST_IN_TOP:
			/* a NULL or an error operand is the result, as in eval_in */
			top = out - 1;
			if (top->kind == fs->vkind)
				SET_BOOL(top, fast_in(fs, top) == (fs->op == CR_OP_IN));
			else if (top->kind != CR_VAL_NULL && top->kind != CR_VAL_ERROR)
				return 0;
			return 1;
		case CR_FAST_CMP_TOP:
			/* a NULL or an error operand is the result, as in eval_compare */
			top = out - 1;
			if (top->kind == CR_VAL_NUM && !isnan(top->num))
				SET_BOOL(top, compare_num(fs->op, top->num, fs->k));
			else if (top->kind != CR_VAL_NULL && top->kind != CR_VAL_ERROR)
				return 0;
			return 1;
		default:
			return 0;
	}
	(*sp)++;
	return 1;
}

/*
 * A fused IN (or IN_TOP) starting at instruction k whose tested value v is
 * of another kind than its items (fused_step refused it): the error its
 * instructions one by one would give, without pushing the items.  They are
 * constants of one kind, so eval_in's check_same stops at the first item.
 */
static int
fast_in_error(const CrRuleProg *prog, const CrFast *fs, int k, const CrValue *v, CrRuleError *err)
{
	CrValue		item;
	int			kin = k + (int) fs->len - 1;

	memset(&item, 0, sizeof(item));
	item.kind = fs->vkind;
	return type_error(err, kin, &prog->code[kin], 1, -1, v->kind, &item);
}

/*
 * truthy(x): JavaScript's truthiness, as JsonLogic reads a value as a
 * condition: NULL, false, 0, NaN and '' are false, everything else true
 * (a char(n) value without its trailing blanks, as SQL compares it with
 * '').  Never NULL; an error operand stays the error.
 */
static inline void
eval_truthy(CrValue *a)
{
	switch (a->kind)
	{
		case CR_VAL_NULL:
			SET_BOOL(a, 0);
			break;
		case CR_VAL_NUM:
			SET_BOOL(a, a->num != 0 && !isnan(a->num));
			break;
		case CR_VAL_TEXT:
			SET_BOOL(a, a->len > 0);
			break;
		case CR_VAL_ARRAY:		/* [] is false, as JsonLogic's truthy says */
			SET_BOOL(a, a->len > 0);
			break;
		default:				/* a boolean is itself; an error propagates */
			break;
	}
}

/* Run the single instruction in (index k) on the stack. */
static CR_HOT int
eval_instr(const CrInstr *in, int k, const CrValue *features, CrValue *stack, int *sp,
		   CrRuleError *err, CrCharLen char_len)
{
	int			ar;
	CrValue    *a;
	int			rc = CR_OK;

	switch (in->op)
	{
		case CR_OP_NUM:
			SET_NUM(&stack[*sp], in->num);
			(*sp)++;
			return CR_OK;
		case CR_OP_TEXT:
			stack[*sp].kind = CR_VAL_TEXT;
			stack[*sp].boolean = CR_TEXT_LITERAL;
			stack[*sp].str = in->str;
			stack[*sp].len = in->n;
			(*sp)++;
			return CR_OK;
		case CR_OP_TRUE:
		case CR_OP_FALSE:
			SET_BOOL(&stack[*sp], in->op == CR_OP_TRUE);
			(*sp)++;
			return CR_OK;
		case CR_OP_NULL:
			SET_NULL(&stack[*sp]);
			(*sp)++;
			return CR_OK;
		case CR_OP_FEATURE:
			stack[(*sp)++] = features[in->n];
			return CR_OK;
		default:
			break;
	}

	ar = cr_op_arity(in);
	a = &stack[*sp - ar];
	*sp -= ar - 1;				/* the result replaces a[0] */
	switch (in->op)
	{
		case CR_OP_AND:
		case CR_OP_OR:
			rc = eval_logic(err, k, in, a, ar);
			break;
		case CR_OP_NOT:
			if ((rc = check_kinds(err, k, in, a, 1, CR_VAL_BOOL)) == CR_OK && a->kind == CR_VAL_BOOL)
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
			rc = eval_compare(err, k, in, a);
			break;
		case CR_OP_BETWEEN:
		case CR_OP_NOTBETWEEN:
			rc = eval_between(err, k, in, a);
			break;
		case CR_OP_IN:
		case CR_OP_NOTIN:
			rc = eval_in(err, k, in, a, ar);
			break;
		case CR_OP_NEG:
			if ((rc = check_kinds(err, k, in, a, 1, CR_VAL_NUM)) == CR_OK && a->kind == CR_VAL_NUM)
				a->num = -a->num;
			break;
		case CR_OP_ADD:
		case CR_OP_SUB:
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
			rc = eval_arith(err, k, in, a);
			break;
		case CR_OP_FUNC:
			if (in->fn == CR_FN_LEAST || in->fn == CR_FN_GREATEST || in->fn == CR_FN_COALESCE)
				rc = eval_pick(err, k, in, a, ar);
			else if (in->fn == CR_FN_TRUTHY)
				eval_truthy(a);
			else if (in->fn == CR_FN_CONTAINS)
				rc = eval_contains(err, k, in, a, char_len);
			else
				rc = eval_numfunc(err, k, in, a, ar);
			break;
		default:
			return cr_bad_binary(err, "unknown opcode");
	}
	return rc;
}

/* The instructions one by one (a program too long for fused steps). */
static int
eval_plain(const CrRuleProg *prog, const CrValue *features, CrValue *stack,
		   int *result, CrRuleError *err)
{
	int			sp = 0;
	int			rc;

	for (int k = 0; k < prog->ninstr; k++)
		if ((rc = eval_instr(&prog->code[k], k, features, stack, &sp, err, prog->char_len)) != CR_OK)
			return rc;
	return eval_result(prog, &stack[0], result, err);
}

/*
 * The evaluator's loop: fused steps (see CrFast), else instructions alone.
 * typed (cr_rule_eval_typed): after a step that ends an operand of AND or
 * OR, skip the rest of that AND or OR when the operand decides it, as its
 * result would be the same (the other operands can only be values, NULL
 * or errors, which a deciding operand overrides).
 */
static CR_HOT int
eval_loop(const CrRuleProg *prog, const CrValue *features, CrValue *stack,
		  int *result, CrRuleError *err, int typed)
{
	const CrFast *fast = prog->fast;
	const uint32_t *at = prog->fast_at;
	int			sp = 0;
	int			rc;

	if (fast == NULL)
		return eval_plain(prog, features, stack, result, err);
	for (int k = 0; k < prog->ninstr;)
	{
		const CrFast *fs = &fast[at[k]];

		if (fs->kind == CR_FAST_NONE || !fused_step(fs, features, stack, &sp))
		{
			/* the stack has no room for the items of a fused IN (see fast_in_error) */
			if (fs->kind == CR_FAST_IN || fs->kind == CR_FAST_IN_TOP)
				return fast_in_error(prog, fs, k, fs->kind == CR_FAST_IN ? &features[fs->feature] : &stack[sp - 1],
									 err);
			if ((rc = eval_instr(&prog->code[k], k, features, stack, &sp, err, prog->char_len)) != CR_OK)
				return rc;
			k++;
			/* an instruction that starts a fused step is not the end of an operand */
			if (fs->kind != CR_FAST_NONE)
				continue;
		}
		else
			k += (int) fs->len;
		while (typed && fs->sc_to != 0 && stack[sp - 1].kind == CR_VAL_BOOL)
		{
			int			j = (int) fs->sc_to - 1;
			int			isand = prog->code[j].op == CR_OP_AND;
			int			base = sp - 1 - (int) fs->sc_i;

			if ((stack[sp - 1].boolean != 0) == isand)
				break;
			/* decided: the AND or OR at j gives this operand's value */
			SET_BOOL(&stack[base], !isand);
			sp = base + 1;
			k = j + 1;
			fs = &fast[at[j]];
		}
	}
	return eval_result(prog, &stack[0], result, err);
}

int
cr_rule_eval(const CrRuleProg *prog, const CrValue *features,
			 CrValue *stack, int *result, CrRuleError *err)
{
	return eval_loop(prog, features, stack, result, err, 0);
}

int
cr_rule_eval_typed(const CrRuleProg *prog, const CrValue *features,
				   CrValue *stack, int *result, CrRuleError *err)
{
	return eval_loop(prog, features, stack, result, err, 1);
}
