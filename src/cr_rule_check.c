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
					rc = cr_set_error(err, CR_ERR_TYPE, -1, "%s%s expects %s operands, but one is %s",
								   in->op == CR_OP_FUNC ? "function " : "operator ",
								   cr_op_symbol(in), cr_rule_kind_name(want),
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
					rc = cr_set_error(err, CR_ERR_TYPE, -1, "%s%s cannot compare %s with %s",
								   in->op == CR_OP_FUNC ? "function " : "operator ",
								   cr_op_symbol(in), cr_rule_kind_name(t),
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
