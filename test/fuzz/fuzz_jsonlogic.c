/*
 * fuzz_jsonlogic.c: libFuzzer harness for the JsonLogic front end.
 * link: src/cr_rule_util.c src/cr_rule_lex.c src/cr_rule_parse.c src/cr_rule_binary.c src/cr_rule_check.c src/cr_rule_print.c src/cr_rule_round.c src/cr_rule_interp.c src/cr_rule_json.c src/cr_rule_jsonlogic.c src/cr_rule_tojson.c src/cr_rule_jlerror.c
 *
 * Each input is read as JSON text and compiled as a JsonLogic rule: it must
 * be rejected with a clean error, or give a program that decodes, converts
 * back to JsonLogic (or says it cannot) and, when it converts, compiles back
 * to the same bytes.  Deep nesting must fail with an error, never overflow
 * the stack.  \u escapes above U+007F are read as UTF-8 or through one of
 * the converters of text_encodings.h, and the strings JavaScript's Number()
 * reads are taken as UTF-8 or converted to it as the server converts them
 * (Latin-1, or up to 4 times as long and with bytes that do not convert),
 * each chosen by the input's size.  The program is then type-checked with
 * its features bound to types chosen by the input's size: a type error must
 * be rewritten in JsonLogic's terms (cr_rule_jsonlogic_type_error), not
 * left naming the coalesce the front end wrote, and one of "==" or "!="
 * names "===" or "!==" too, which compile to the same program.
 */
#include "cr_rule.h"
#include "text_encodings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bind the features to kinds chosen by size; a type error speaks JsonLogic. */
static void
check_type_error(const CrRuleProg *p, const CrRuleMem *mem, size_t size)
{
	uint8_t    *kinds = malloc((size_t) p->nnames + 1);
	CrRuleError e;
	char	   *json;

	for (int i = 0; i < p->nnames; i++)
		kinds[i] = (uint8_t) ((size / 3 + (size_t) i * (size % 7 + 1)) % 4);
	if (cr_rule_typecheck(p, kinds, mem, &e) == CR_ERR_TYPE)
	{
		json = cr_rule_jsonlogic_type_error(p, mem, &e);
		/* rewritten: it names the operation or the var, as JsonLogic writes them */
		if (json == NULL || e.code != CR_ERR_TYPE ||
			(strncmp(e.message, "JsonLogic \"", 11) != 0 && strncmp(e.message, "{\"var\": ", 8) != 0 &&
			 strncmp(e.message, "a var is ", 9) != 0))
		{
			fprintf(stderr, "type error not in JsonLogic's terms: %s (%s)\n", e.message,
					json ? json : "no JsonLogic");
			abort();
		}
		/* == and === are one program: the message names both */
		if ((strncmp(e.message, "JsonLogic \"==\" ", 15) == 0 &&
			 strncmp(e.message + 15, "(or \"===\")", 10) != 0) ||
			(strncmp(e.message, "JsonLogic \"!=\" ", 15) == 0 &&
			 strncmp(e.message + 15, "(or \"!==\")", 10) != 0))
		{
			fprintf(stderr, "type error of == or != that does not name === or !==: %s\n", e.message);
			abort();
		}
		free(json);
	}
	free(kinds);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t    *b;
	size_t		bl;
	CrRuleError e;
	CrRuleProg *p;
	char	   *js;
	size_t		jsl;
	CrRuleMem	mem = {.unicode_to_text = fuzz_converter(size), .text_to_utf8 = fuzz_to_utf8(size)};

	if (cr_rule_from_jsonlogic((const char *) data, size, &mem, &b, &bl, &e) != CR_OK)
	{
		if (e.code == CR_OK || e.message[0] == '\0')
		{
			fprintf(stderr, "rejected without an error\n");
			abort();
		}
		return 0;
	}
	if (cr_rule_decode(b, bl, &mem, &p, &e) != CR_OK)
	{
		fprintf(stderr, "compiled JsonLogic does not decode: %s\n", e.message);
		abort();
	}
	if (cr_rule_to_jsonlogic(p, b, bl, &mem, &js, &jsl, &e) == CR_OK)
	{
		uint8_t    *b2;
		size_t		bl2;

		/* cr_rule_to_jsonlogic checks the bytes itself; check again here */
		if (cr_rule_from_jsonlogic(js, jsl, &mem, &b2, &bl2, &e) != CR_OK ||
			bl2 != bl || memcmp(b2, b, bl) != 0)
		{
			fprintf(stderr, "JsonLogic round trip changed the program: %s\n", js);
			abort();
		}
		free(b2);
		free(js);
	}
	else if (e.code != CR_ERR_UNSUPPORTED)
	{
		/* the program converts back, whatever the JSON text said */
		fprintf(stderr, "a compiled JsonLogic rule does not convert back: %s\n", e.message);
		abort();
	}
	check_type_error(p, &mem, size);
	free(p);
	free(b);
	return 0;
}
