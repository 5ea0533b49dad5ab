/*
 * rule_text.h: compile a condition with a front end, decode it and render it
 * with a back end, for the unit tests of the condition language
 * (test_rule.c, test_jsonlogic.c; header only).
 *
 *   rule_render(cr_rule_parse, rule_back_text, "x > 1", &e)
 *       the canonical text of a condition;
 *   rule_render(cr_rule_from_jsonlogic, rule_back_text, json, &e)
 *       the canonical text of a JsonLogic rule;
 *   rule_render(cr_rule_parse, rule_back_jsonlogic, "x > 1", &e)
 *       the JsonLogic form of a condition (link src/cr_rule_tojson.c).
 *
 * The result is malloc'd, or NULL with the error in *e.
 *
 *   repeated(buf, sizeof(buf), "a", "\xA4\xA2", 30, "")
 *       test text: a prefix, a string n times, a suffix.
 */
#ifndef CR_TEST_RULE_TEXT_H
#define CR_TEST_RULE_TEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_rule.h"

/* cr_rule_parse or cr_rule_from_jsonlogic */
typedef int (*RuleFrontEnd) (const char *src, size_t len, const CrRuleMem *mem,
							 uint8_t **out, size_t *outlen, CrRuleError *err);

/* a decoded program (and its bytes) to malloc'd text */
typedef int (*RuleBackEnd) (const CrRuleProg *prog, const uint8_t *bytes, size_t len,
							char **out, CrRuleError *err);

static inline int
rule_back_text(const CrRuleProg *prog, const uint8_t *bytes, size_t len,
			   char **out, CrRuleError *err)
{
	size_t		outlen;

	(void) bytes;
	(void) len;
	return cr_rule_print(prog, -1, NULL, out, &outlen, err);
}

static inline int
rule_back_jsonlogic(const CrRuleProg *prog, const uint8_t *bytes, size_t len,
					char **out, CrRuleError *err)
{
	size_t		outlen;

	return cr_rule_to_jsonlogic(prog, bytes, len, NULL, out, &outlen, err);
}

static inline char *
rule_render(RuleFrontEnd front, RuleBackEnd back, const char *src, CrRuleError *err)
{
	uint8_t    *b;
	size_t		bl;
	CrRuleProg *p;
	char	   *s = NULL;

	if (front(src, strlen(src), NULL, &b, &bl, err) != CR_OK)
		return NULL;
	if (cr_rule_decode(b, bl, NULL, &p, err) == CR_OK)
	{
		if (back(p, b, bl, &s, err) != CR_OK)
			s = NULL;
		free(p);
	}
	free(b);
	return s;
}

/* s repeated n times after prefix, then suffix, into buf */
static inline const char *
repeated(char *buf, size_t size, const char *prefix, const char *s, int n, const char *suffix)
{
	size_t		k = (size_t) snprintf(buf, size, "%s", prefix);

	for (int i = 0; i < n; i++)
		k += (size_t) snprintf(buf + k, size - k, "%s", s);
	snprintf(buf + k, size - k, "%s", suffix);
	return buf;
}

#endif							/* CR_TEST_RULE_TEXT_H */
