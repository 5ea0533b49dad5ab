/*
 * fuzz_rule_fused.c: libFuzzer harness for the evaluator's fused steps and
 * the early stop of AND / OR (cr_rule_eval_typed).
 * link: src/cr_rule_util.c src/cr_rule_lex.c src/cr_rule_parse.c src/cr_rule_binary.c src/cr_rule_check.c src/cr_rule_print.c src/cr_rule_round.c src/cr_rule_interp.c
 *
 * The input is condition text, or a compiled program (what binary input
 * receives).  Whatever decodes is evaluated over feature values of every
 * kind (NULL, NaN, signed zeros, char(n) text, values of the wrong kind)
 * with its fused steps and without them (prog->fast = NULL): return code,
 * result and error must agree.  For kinds of the features that the type
 * check accepts, cr_rule_eval_typed must agree with the plain evaluation
 * over values of those kinds.
 */
#include "cr_rule_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Feature value number v (of 16), of kind k when k >= 0 (NULL otherwise). */
static CrValue
value(unsigned v, int k)
{
	static const double nums[] = {0.0, -0.0, 1.0, 2.5, -1.0, 14.0, 1e308, NAN};
	static const char *const texts[] = {"a", "annual", "a  ", ""};
	CrValue		x;

	memset(&x, 0, sizeof(x));
	if (k < 0)
		k = (int) (v % 4);		/* 0: NULL */
	switch (k)
	{
		case CR_VAL_NUM:
			x.kind = CR_VAL_NUM;
			x.num = nums[v % 8];
			break;
		case CR_VAL_TEXT:
			x.kind = CR_VAL_TEXT;
			x.str = texts[v % 4];
			x.len = strlen(x.str);
			x.boolean = (v / 4) % 2 ? CR_TEXT_PADDED : 0;
			break;
		case CR_VAL_BOOL:
			x.kind = CR_VAL_BOOL;
			x.boolean = (int) (v % 2);
			break;
		default:
			break;
	}
	if (v % 7 == 3)
		x.kind = CR_VAL_NULL;
	return x;
}

static void
compare(const CrRuleProg *p, const CrRuleProg *plain, const CrValue *fv, int typed)
{
	/* fused, the stack has cr_rule_stack_slots (AddressSanitizer checks it is enough) */
	CrValue    *s1 = calloc((size_t) cr_rule_stack_slots(p), sizeof(CrValue));
	CrValue    *s2 = calloc((size_t) p->max_stack + 1, sizeof(CrValue));
	CrRuleError e1,
				e2;
	int			r1 = -9,
				r2 = -9;
	int			rc1,
				rc2;

	memset(&e1, 0, sizeof(e1));
	memset(&e2, 0, sizeof(e2));
	rc1 = typed ? cr_rule_eval_typed(p, fv, s1, &r1, &e1) : cr_rule_eval(p, fv, s1, &r1, &e1);
	rc2 = cr_rule_eval(plain, fv, s2, &r2, &e2);
	if (rc1 != rc2 || (rc1 == CR_OK && r1 != r2) ||
		(rc1 != CR_OK && (e1.code != e2.code || e1.node != e2.node || strcmp(e1.message, e2.message) != 0)))
	{
		fprintf(stderr, "%s evaluation differs: rc %d/%d result %d/%d (%s / %s)\n",
				typed ? "typed" : "fused", rc1, rc2, r1, r2, e1.message, e2.message);
		abort();
	}
	free(s1);
	free(s2);
}

static void
exercise(const CrRuleProg *p, const uint8_t *data, size_t size)
{
	CrRuleProg	plain = *p;
	CrValue    *fv = calloc((size_t) p->nnames + 1, sizeof(CrValue));
	uint8_t    *kinds = calloc((size_t) p->nnames + 1, 1);
	CrRuleError e;

	plain.fast = NULL;
	for (unsigned round = 0; round < 24; round++)
	{
		for (int i = 0; i < p->nnames; i++)
			fv[i] = value(round * 5 + (unsigned) i * 3 + (size ? data[(size_t) i % size] : 0u), -1);
		compare(p, &plain, fv, 0);
	}
	for (unsigned t = 0; t < 6; t++)
	{
		for (int i = 0; i < p->nnames; i++)
			kinds[i] = (uint8_t) (CR_VAL_NUM + (t < 3 ? t : (t + (unsigned) i) % 3));
		if (cr_rule_typecheck(p, kinds, NULL, &e) != CR_OK)
			continue;
		for (unsigned round = 0; round < 16; round++)
		{
			for (int i = 0; i < p->nnames; i++)
				fv[i] = value(round * 3 + (unsigned) i, kinds[i]);
			compare(p, &plain, fv, 1);
		}
	}
	free(kinds);
	free(fv);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t    *b;
	size_t		bl;
	CrRuleError e;
	CrRuleProg *p;

	if (cr_rule_parse((const char *) data, size, NULL, &b, &bl, &e) == CR_OK)
	{
		if (cr_rule_decode(b, bl, NULL, &p, &e) == CR_OK)
		{
			exercise(p, data, size);
			free(p);
		}
		free(b);
	}
	if (cr_rule_decode(data, size, NULL, &p, &e) == CR_OK)
	{
		exercise(p, data, size);
		free(p);
	}
	return 0;
}
