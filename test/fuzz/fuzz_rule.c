/*
 * fuzz_rule.c: libFuzzer harness for the incentive condition language.
 * link: src/cr_rule_util.c src/cr_rule_lex.c src/cr_rule_parse.c src/cr_rule_binary.c src/cr_rule_check.c src/cr_rule_print.c src/cr_rule_round.c src/cr_rule_interp.c
 *
 * Each input is used twice:
 *   1. as condition text: parse -> decode -> print -> parse again, and the
 *      second compiled program must be byte-identical to the first (the
 *      canonical text is a fixed point); a parsed condition is also
 *      evaluated with a few feature values;
 *   2. as a compiled program (what binary input receives): decode must
 *      either reject it cleanly or accept a program that prints, re-parses
 *      to the same bytes and evaluates without crashing.
 * The text is read as UTF-8 or, for the errors that quote a cut of it, as
 * EUC_JP (text_encodings.h), chosen by the input's size.
 */
#include "cr_rule.h"
#include "text_encodings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
exercise(const CrRuleProg *p, const uint8_t *bytes, size_t len)
{
	char	   *s;
	size_t		sl;
	uint8_t    *b2;
	size_t		bl2;
	CrRuleError e;
	CrValue    *feats;
	CrValue    *stack;
	int			r;

	if (cr_rule_print(p, -1, NULL, &s, &sl, &e) != CR_OK)
		abort();
	if (cr_rule_parse(s, sl, NULL, &b2, &bl2, &e) != CR_OK)
	{
		fprintf(stderr, "canonical text does not re-parse: [%s]: %s\n", s, e.message);
		abort();
	}
	if (bl2 != len || memcmp(b2, bytes, len) != 0)
	{
		fprintf(stderr, "canonical text re-parses differently: [%s]\n", s);
		abort();
	}
	free(b2);
	free(s);
	/* every sub-expression prints too */
	for (int k = 0; k < p->ninstr; k++)
	{
		if (cr_rule_print(p, k, NULL, &s, &sl, &e) != CR_OK)
			abort();
		free(s);
	}

	/* binding-time type checks with every feature typed alike, then mixed */
	{
		uint8_t    *kinds = calloc((size_t) p->nnames + 1, 1);

		for (int t = 0; t < 5; t++)
		{
			for (int i = 0; i < p->nnames; i++)
				kinds[i] = (uint8_t) (t < 4 ? t : (i % 4));
			if (cr_rule_typecheck(p, kinds, NULL, &e) == CR_OK)
			{
				/*
				 * Accepted at binding: evaluation over values of those kinds
				 * (or NULL) must never meet a type error.
				 */
				CrValue    *fv = calloc((size_t) p->nnames + 1, sizeof(CrValue));
				CrValue    *st = calloc((size_t) p->max_stack + 1, sizeof(CrValue));
				int			r;

				for (int i = 0; i < p->nnames; i++)
				{
					fv[i].kind = (i + t) % 3 == 0 ? CR_VAL_NULL : kinds[i];
					fv[i].num = 1.5;
					fv[i].boolean = 1;
					fv[i].str = "b";
					fv[i].len = 1;
				}
				if (cr_rule_eval(p, fv, st, &r, &e) == CR_ERR_TYPE)
				{
					fprintf(stderr, "type error at evaluation after a clean binding: %s\n", e.message);
					abort();
				}
				free(st);
				free(fv);
			}
		}
		free(kinds);
	}

	feats = calloc((size_t) p->nnames + 1, sizeof(CrValue));
	stack = calloc((size_t) p->max_stack + 1, sizeof(CrValue));
	for (int round = 0; round < 4; round++)
	{
		for (int i = 0; i < p->nnames; i++)
		{
			CrValue    *v = &feats[i];

			memset(v, 0, sizeof(*v));
			switch ((i + round) % 4)
			{
				case 0:
					v->kind = CR_VAL_NUM;
					v->num = round == 3 ? NAN : (double) (i * 7 % 5) - 2;
					break;
				case 1:
					v->kind = CR_VAL_TEXT;
					v->str = "abc";
					v->len = 3;
					break;
				case 2:
					v->kind = CR_VAL_BOOL;
					v->boolean = i & 1;
					break;
				default:
					break;
			}
		}
		(void) cr_rule_eval(p, feats, stack, &r, &e);
	}
	free(stack);
	free(feats);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t    *b;
	size_t		bl;
	CrRuleError e;
	CrRuleProg *p;
	CrRuleMem	mem = {.char_len = fuzz_char_len(size)};

	/* 1. text */
	if (cr_rule_parse((const char *) data, size, &mem, &b, &bl, &e) == CR_OK)
	{
		if (cr_rule_decode(b, bl, NULL, &p, &e) != CR_OK)
		{
			fprintf(stderr, "parser output does not decode: %s\n", e.message);
			abort();
		}
		exercise(p, b, bl);
		free(p);
		free(b);
	}

	/* 2. bytes */
	if (cr_rule_decode(data, size, NULL, &p, &e) == CR_OK)
	{
		/* what binary input accepts prints and re-parses */
		exercise(p, data, size);
		free(p);
	}
	return 0;
}
