/*
 * fuzz_rule.c: libFuzzer harness for the incentive condition language.
 * link: src/cr_rule_util.c src/cr_rule_lex.c src/cr_rule_parse.c src/cr_rule_binary.c src/cr_rule_check.c src/cr_rule_print.c src/cr_rule_round.c src/cr_rule_interp.c src/cr_rule_json.c src/cr_rule_jsonlogic.c src/cr_rule_tojson.c
 *
 * Each input is used twice:
 *   1. as condition text: parse -> decode -> print -> parse again, and the
 *      second compiled program must be byte-identical to the first (the
 *      canonical text is a fixed point); a parsed condition is also
 *      evaluated with a few feature values;
 *   2. as a compiled program (what binary input receives): decode must
 *      either reject it cleanly or accept a program that prints, re-parses
 *      to the same bytes and evaluates without crashing.
 * Every program accepted is also converted to JsonLogic (condition::jsonb):
 * it has a form that compiles, or it says why not.
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
	/*
	 * the JsonLogic form (condition::jsonb) of any program, or the error
	 * that it has none; one it gives compiles back (it reads only the
	 * operands each node has: coalesce(x) has one)
	 */
	if (cr_rule_to_jsonlogic(p, bytes, len, NULL, &s, &sl, &e) == CR_OK)
	{
		if (cr_rule_from_jsonlogic(s, sl, NULL, &b2, &bl2, &e) != CR_OK)
		{
			fprintf(stderr, "JsonLogic form does not compile: [%s]: %s\n", s, e.message);
			abort();
		}
		free(b2);
		free(s);
	}
	else if (e.message[0] == '\0')
	{
		fprintf(stderr, "no JsonLogic form, without an error\n");
		abort();
	}
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

/*
 * Stand-ins for the wire's encoding conversion (cr_rule_transcode): every
 * byte twice, as a conversion that lengthens, and every other byte, back.
 */
static char conv_buf[2 * 0x10000];
static char *conv_big;

static const char *
conv_double(void *arg, int is_name, const char *s, size_t n, const char **out, size_t *outn)
{
	char	   *d = 2 * n <= sizeof(conv_buf) ? conv_buf : (conv_big = realloc(conv_big, 2 * n + 1));

	for (size_t i = 0; i < n; i++)
		d[2 * i] = d[2 * i + 1] = s[i];
	*out = d;
	*outn = 2 * n;
	return NULL;
}

static const char *
conv_halve(void *arg, int is_name, const char *s, size_t n, const char **out, size_t *outn)
{
	char	   *d = n <= sizeof(conv_buf) ? conv_buf : (conv_big = realloc(conv_big, n + 1));

	for (size_t i = 0; i < n / 2; i++)
		d[i] = s[2 * i];
	*out = d;
	*outn = n / 2;
	return NULL;
}

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
		/* the wire's encoding conversion: longer names and strings, and back */
		if (cr_rule_transcode(data, size, NULL, conv_double, NULL, &b, &bl, &e) != CR_OK)
		{
			fprintf(stderr, "a valid program does not transcode: %s\n", e.message);
			abort();
		}
		{
			uint8_t    *back;
			size_t		backl;

			if (cr_rule_transcode(b, bl, NULL, conv_halve, NULL, &back, &backl, &e) != CR_OK ||
				backl != size || memcmp(back, data, size) != 0)
			{
				fprintf(stderr, "transcoding there and back changed the program\n");
				abort();
			}
			free(back);
		}
		free(b);
	}
	else if (cr_rule_transcode(data, size, NULL, conv_double, NULL, &b, &bl, &e) == CR_OK)
		free(b);				/* any bytes: no overrun, whatever the result */
	return 0;
}
