/*
 * test_jsonlogic.c: unit tests of the JSON reader and the JsonLogic front
 * end and its reverse (plain C).  Agreement with json-logic-js itself is the
 * differential test (test/jsonlogic, ONLY=jsonlogic).
 * link: src/cr_rule_util.c src/cr_rule_lex.c src/cr_rule_parse.c src/cr_rule_binary.c src/cr_rule_check.c src/cr_rule_print.c src/cr_rule_round.c src/cr_rule_interp.c src/cr_rule_json.c src/cr_rule_jsonlogic.c src/cr_rule_tojson.c
 */
#include "cr_rule.h"
#include "rule_text.h"
#include "tap.h"
#include "../fuzz/text_encodings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JsonLogic -> canonical condition text, or NULL (error in *e). */
static char *
compile(const char *json, CrRuleError *e)
{
	return rule_render(cr_rule_from_jsonlogic, rule_back_text, json, e);
}

/* condition text -> JsonLogic text, or NULL */
static char *
to_json(const char *text, CrRuleError *e)
{
	return rule_render(cr_rule_parse, rule_back_jsonlogic, text, e);
}

/* ok(what) when got is want, else print what came (got NULL: the error e); frees got */
static void
expect_text(char *got, const CrRuleError *e, const char *want, const char *what)
{
	ok(got != NULL && strcmp(got, want) == 0, what);
	if (got == NULL)
		printf("# error %d: %s\n", e->code, e->message);
	else if (strcmp(got, want) != 0)
		printf("# got [%s]\n", got);
	free(got);
}

static void
check(const char *json, const char *want)
{
	CrRuleError e;
	char		msg[400];

	snprintf(msg, sizeof(msg), "%s compiles to [%s]", json, want);
	expect_text(compile(json, &e), &e, want, msg);
}

static void
check_error(const char *json, int code, const char *want_msg)
{
	CrRuleError e;
	char	   *s = compile(json, &e);
	char		msg[400];

	snprintf(msg, sizeof(msg), "%.200s fails with %d: %s", json, code, want_msg);
	ok(s == NULL && e.code == code && strstr(e.message, want_msg) != NULL, msg);
	if (s != NULL || e.code != code || strstr(e.message, want_msg) == NULL)
		printf("# got %s / %d: %s\n", s ? s : "(error)", e.code, e.message);
	free(s);
}

static void
check_reverse(const char *text, const char *want)
{
	CrRuleError e;
	char		msg[400];

	snprintf(msg, sizeof(msg), "[%s] converts to %s", text, want);
	expect_text(to_json(text, &e), &e, want, msg);
}

static void
deep_inputs(void)
{
	/* 100,000 levels: an error, not a stack overflow */
	size_t		n = 100000;
	char	   *deep = malloc(2 * n + 1);

	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	check_error(deep, CR_ERR_INVALID, "nested too deeply");
	free(deep);
	deep = malloc(2000);
	deep[0] = '\0';
	for (int i = 0; i < 150; i++)
		strcat(deep, "{\"!\":");
	strcat(deep, "true");
	for (int i = 0; i < 150; i++)
		strcat(deep, "}");
	check_error(deep, CR_ERR_TOO_DEEP, "nested too deeply");
	free(deep);
}

/*
 * Long chains of arithmetic are no nesting (cr_arith_level), so a binary
 * condition can hold a million-term x - x - ... within its 4 MB: the reverse
 * says it is too deep instead of recursing a million levels (it crashed).
 * A text sum converts as one flat {"+": [...]}, and a 65535-operand + goes
 * both ways (reading the i-th operand walked the list from the start: 37 s).
 */
static void
long_chains(void)
{
	size_t		n = 1000000;
	size_t		bl = 8 + 3 + 3 + 4 * (n - 1) + 9 + 1;
	uint8_t    *b = malloc(bl);
	uint8_t    *c = b + 11;
	double		one = 1.0;
	CrRuleProg *p = NULL;
	CrRuleError e;
	char	   *js = NULL;
	size_t		jl;
	size_t		codelen = bl - 11;
	char	   *text;
	char	   *json;

	b[0] = 1;
	b[1] = 0;
	b[2] = 1;
	b[3] = 0;
	for (int i = 0; i < 4; i++)
		b[4 + i] = (uint8_t) (codelen >> (8 * i));
	memcpy(b + 8, "\1\0x", 3);
	memcpy(c, "\6\0\0", 3);
	c += 3;
	for (size_t i = 1; i < n; i++, c += 4)
		memcpy(c, "\6\0\0\21", 4);
	*c++ = 1;
	memcpy(c, &one, 8);			/* the format's doubles are little-endian */
	c[8] = 14;
	ok(cr_rule_decode(b, bl, NULL, &p, &e) == CR_OK, "a binary x - x - ... (a million terms) > 1 decodes");
	if (p != NULL)
	{
		ok(cr_rule_to_jsonlogic(p, b, bl, NULL, &js, &jl, &e) == CR_ERR_UNSUPPORTED &&
		   strstr(e.message, "nested too deeply") != NULL,
		   "its JsonLogic form: nested too deeply, no stack overflow");
		free(js);
		free(p);
	}
	free(b);

	text = malloc(4 * 100 + 8);
	text[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(text, i ? " + x" : "x");
	strcat(text, " > 1");
	js = to_json(text, &e);
	ok(js != NULL && strncmp(js, "{\"and\": [{\"!=\": [{\"var\": \"x\"}, null]}, {\">\": [{\"+\": [{\"var\": \"x\"}, {\"var\": \"x\"}, ", 79) == 0,
	   "a text sum of 100 terms converts to one flat + (not nested too deeply)");
	free(js);
	free(text);

	json = malloc(16 * 65535 + 32);
	c = (uint8_t *) json;
	c += sprintf(json, "{\"<\": [{\"+\": [");
	for (int i = 0; i < 65535; i++)
		c += sprintf((char *) c, i ? ", {\"var\": \"x\"}" : "{\"var\": \"x\"}");
	strcpy((char *) c, "]}, 2]}");
	{
		uint8_t    *b2 = NULL;
		size_t		bl2;

		p = NULL;
		js = NULL;
		ok(cr_rule_from_jsonlogic(json, strlen(json), NULL, &b2, &bl2, &e) == CR_OK &&
		   cr_rule_decode(b2, bl2, NULL, &p, &e) == CR_OK &&
		   cr_rule_to_jsonlogic(p, b2, bl2, NULL, &js, &jl, &e) == CR_OK &&
		   strcmp(js, json) == 0,
		   "a 65535-operand + compiles and converts back to itself");
		free(js);
		free(p);
		free(b2);
	}
	free(json);
}

/*
 * null < "000...01" is 0 < 1 in JavaScript however long the numeral; one of
 * 128 characters or more was read as NaN (false where json-logic-js says true).
 */
static void
long_numerals(void)
{
	char		json[400];
	char		want[400];
	char		zeros[200];

	memset(zeros, '0', 126);
	zeros[126] = '\0';
	snprintf(json, sizeof(json), "{\"<\": [{\"var\": \"s\"}, \"%s1\"]}", zeros);
	snprintf(want, sizeof(want), "coalesce(s < '%s1', true)", zeros);
	check(json, want);
	memset(zeros, '0', 130);
	zeros[130] = '\0';
	snprintf(json, sizeof(json), "{\"<\": [{\"var\": \"s\"}, \"%s1\"]}", zeros);
	check_error(json, CR_ERR_UNSUPPORTED, "may read as a number");
}

/*
 * A null feature against a non-ASCII string: Number() trims JavaScript's
 * white space (Unicode's too) and reads anything else non-ASCII as NaN
 * (values from node: json-logic-js 2.0.5 on {} ).
 */
static void
non_ascii_strings(void)
{
	check("{\"<\": [{\"var\": \"s\"}, \"\u00e9\"]}", "coalesce(s < '\xC3\xA9', false)");
	check("{\">=\": [{\"var\": \"s\"}, \"\xE6\x97\xA5\xE6\x9C\xAC\"]}", "coalesce(s >= '\xE6\x97\xA5\xE6\x9C\xAC', false)");
	check("{\"<=\": [{\"var\": \"s\"}, \"\\u00a05 \\u3000\"]}", "coalesce(s <= '\xC2\xA0" "5 \xE3\x80\x80', true)");
	check("{\">\": [{\"var\": \"s\"}, \"\\u00a0-5\\ufeff\"]}", "coalesce(s > '\xC2\xA0-5\xEF\xBB\xBF', true)");
	check("{\"<\": [{\"var\": \"s\"}, \"\\u200b5\"]}", "coalesce(s < '\xE2\x80\x8B" "5', false)");
	check("{\"<=\": [{\"var\": \"s\"}, \"\\u2001\"]}", "coalesce(s <= '\xE2\x80\x81', true)");
}

/* JsonLogic -> condition text, with \u escapes through the converter to_text */
static char *
text_in(const char *json, CrUnicodeToText to_text, CrRuleError *e)
{
	CrRuleMem	mem = {.unicode_to_text = to_text};
	char	   *text;
	size_t		len;

	if (cr_rule_jsonlogic_text(json, strlen(json), &mem, &text, &len, e) != CR_OK)
		return NULL;
	return text;
}

/*
 * The message of json's error, read as text whose characters have the
 * lengths char_len, is want: JsonLogic quotes at most 60 bytes of an
 * unknown operation and 40 of a string, never half a character.
 */
static void
check_message(const char *json, CrCharLen char_len, const char *want, const char *what)
{
	CrRuleMem	mem = {.char_len = char_len};
	CrRuleError e;
	char	   *text;
	size_t		len;
	int			rc = cr_rule_jsonlogic_text(json, strlen(json), &mem, &text, &len, &e);

	ok(rc == CR_ERR_UNSUPPORTED && strcmp(e.message, want) == 0, "%s", what);
	if (rc != CR_ERR_UNSUPPORTED || strcmp(e.message, want) != 0)
		printf("# got code %d, message [%s]\n", rc, rc == CR_OK ? "" : e.message);
	if (rc == CR_OK)
		free(text);
}

static void
quoted_cuts(void)
{
	char		json[400];
	char		want[400];
	char		part[400];

	/* 1 + 19 x 3 bytes fit in 60; a byte cut would keep the 8F AB of the 20th */
	check_message(repeated(json, sizeof(json), "{\"x", "\x8F\xAB\xB1", 30, "\": 1}"), euc_jp_char_len,
				  repeated(want, sizeof(want), "unknown JsonLogic operation \"x", "\x8F\xAB\xB1", 19, "\" at $"),
				  "EUC_JP: an unknown operation is quoted to 60 bytes of whole characters");
	/* a string Number() may read: "Ix" + 12 x 3 = 38 of 40 bytes */
	repeated(part, sizeof(part), "comparing a possibly null feature with the string 'Ix", "\x8F\xAB\xB1", 12,
		   "', which JavaScript may read as a number at $");
	check_message(repeated(json, sizeof(json), "{\"<\": [{\"var\": \"s\"}, \"Ix", "\x8F\xAB\xB1", 20, "\"]}"),
				  euc_jp_char_len, part,
				  "EUC_JP: a string JavaScript may read as a number is quoted to 40 bytes of whole characters");
}

/*
 * JSON text in an encoding other than UTF-8 (the database's, in the
 * server): a \u escape is that encoding's character, or 22P05's error at
 * the escape when it has none.
 */
static void
other_encodings(void)
{
	const char *json = "{\"==\": [{\"var\": \"\\u00e9t\\u00e9\"}, \"caf\\u00e9 \\u0041\"]}";
	const char *cjk = "{\"==\": [{\"var\": \"x\"}, \"\\u4e2d\"]}";
	CrRuleError e;
	char	   *s;
	char		big[64 + 6 * 200];
	char		want[64 + CR_UNICODE_MAX_BYTES * 200];
	int			k;

	expect_text(text_in(json, to_latin1, &e), &e, "(coalesce(\"\351t\351\" = 'caf\351 A', false))",
				"Latin-1: \\u00e9 is the byte E9, in a name and in a string");
	expect_text(text_in(json, NULL, &e), &e, "(coalesce(\"\303\251t\303\251\" = 'caf\303\251 A', false))",
				"without a converter, UTF-8");
	{
		CrRuleMem	mem = {.unicode_to_text = to_latin1};
		uint8_t    *b = NULL;
		size_t		bl;
		CrRuleProg *p = NULL;

		ok(cr_rule_from_jsonlogic(json, strlen(json), &mem, &b, &bl, &e) == CR_OK &&
		   cr_rule_decode(b, bl, &mem, &p, &e) == CR_OK && p->nnames == 1 &&
		   strcmp(p->names[0], "\351t\351") == 0,
		   "Latin-1: the compiled condition names the feature E9 74 E9");
		free(p);
		free(b);
	}
	s = text_in(cjk, to_latin1, &e);
	ok(s == NULL && e.code == CR_ERR_UNTRANSLATABLE && e.position == (long) (strstr(cjk, "\\u4e2d") - cjk) &&
	   strstr(e.message, "U+4E2D") != NULL,
	   "Latin-1: \\u4e2d is CR_ERR_UNTRANSLATABLE at the escape");
	if (s != NULL || e.code != CR_ERR_UNTRANSLATABLE)
		printf("# got %s / %d: %s\n", s ? s : "(error)", e.code, e.message);
	free(s);
	expect_text(text_in("{\"var\": \"\\u0061\\u0062\"}", to_ascii, &e), &e, "truthy(\"ab\")",
				"ASCII escapes never reach the converter");

	/* 200 characters of the most bytes one may take: the string block grows for them */
	k = snprintf(big, sizeof(big), "{\"==\": [{\"var\": \"x\"}, \"");
	for (int i = 0; i < 200; i++)
		k += snprintf(big + k, sizeof(big) - (size_t) k, "\\u00e9");
	snprintf(big + k, sizeof(big) - (size_t) k, "\"]}");
	k = snprintf(want, sizeof(want), "(coalesce(\"x\" = '");
	memset(want + k, 'z', CR_UNICODE_MAX_BYTES * 200);
	snprintf(want + k + CR_UNICODE_MAX_BYTES * 200, sizeof(want) - (size_t) k - CR_UNICODE_MAX_BYTES * 200,
			 "', false))");
	expect_text(text_in(big, to_widest, &e), &e, want, "200 escapes of CR_UNICODE_MAX_BYTES bytes each");
}

/*
 * {"if": [c0, a0, c1, a1, ..., false]} of k branches, inside prefix and
 * suffix; branch i is the printf format branch with i (twice).
 */
static void
if_json(char *json, size_t size, const char *prefix, int k, const char *branch, const char *suffix)
{
	size_t		n = (size_t) snprintf(json, size, "%s{\"if\": [", prefix);

	for (int i = 0; i < k; i++)
		n += (size_t) snprintf(json + n, size - n, branch, i, i);
	snprintf(json + n, size - n, "false]}%s", suffix);
}

/* "if" with many branches: two levels of nesting a branch, 48 at most */
static void
long_if(void)
{
	char		json[8000];
	CrRuleError e;
	char	   *s;

	if_json(json, sizeof(json), "", 48, "{\"==\": [{\"var\": \"x\"}, %d]}, {\">\": [{\"var\": \"y\"}, %d]}, ", "");
	s = compile(json, &e);
	ok(s != NULL, "an \"if\" of 48 branches compiles");
	if (s == NULL)
		printf("# error %d: %s\n", e.code, e.message);
	free(s);
	if_json(json, sizeof(json), "", 49, "{\"var\": \"b%d\"}, {\"var\": \"c%d\"}, ", "");
	check_error(json, CR_ERR_TOO_DEEP, "\"if\" with 49 conditions: at most 48 are supported");
	/* inside other operators, the whole condition's limit applies */
	if_json(json, sizeof(json), "{\"!\": {\"!\": {\"and\": [true, ", 48, "{\"var\": \"b%d\"}, {\"var\": \"c%d\"}, ", "]}}}");
	check_error(json, CR_ERR_TOO_DEEP, "nested too deeply");
}

/*
 * JavaScript's Number() of a string in a Latin-1 text: its white space is
 * Unicode's, so the byte A0 (U+00A0) is trimmed and the bytes C2 A0 (U+00C2
 * U+00A0, "Â" and a space) are not a number, as in a UTF-8 text; read as
 * UTF-8 those bytes would be U+00A0, and the byte A0 nothing.
 */
static void
latin1_numbers(void)
{
	const char *nbsp = "{\"<\": [{\"var\": \"s\"}, \"\\u00a05\"]}";
	const char *a_nbsp = "{\"<\": [{\"var\": \"s\"}, \"\\u00c2\\u00a05\"]}";
	CrRuleMem	mem = {.unicode_to_text = to_latin1, .text_to_utf8 = latin1_to_utf8};
	CrRuleMem	bytes = {.unicode_to_text = to_latin1};
	CrRuleError e;
	char	   *text;
	size_t		len;

	text = NULL;
	ok(cr_rule_jsonlogic_text(nbsp, strlen(nbsp), &mem, &text, &len, &e) == CR_OK &&
	   strcmp(text, "coalesce(\"s\" < '\240" "5', true)") == 0,
	   "Latin-1: null < \"\\u00a05\" is true (Number() trims U+00A0, the byte A0)");
	free(text);
	text = NULL;
	ok(cr_rule_jsonlogic_text(a_nbsp, strlen(a_nbsp), &mem, &text, &len, &e) == CR_OK &&
	   strcmp(text, "coalesce(\"s\" < '\302\240" "5', false)") == 0,
	   "Latin-1: null < \"\\u00c2\\u00a05\" is false (U+00C2 is no white space)");
	free(text);
	text = NULL;
	ok(cr_rule_jsonlogic_text(a_nbsp, strlen(a_nbsp), &bytes, &text, &len, &e) == CR_OK &&
	   strcmp(text, "coalesce(\"s\" < '\302\240" "5', true)") == 0,
	   "the same bytes read as UTF-8 are U+00A0: true (why the server converts)");
	free(text);
}

/*
 * Nested "if" in condition positions: each "if" repeats its condition
 * ((c AND a) OR (NOT c AND e)), so the text doubled at every level and 24
 * levels of a 500-byte rule made 1.2 GB of text (11 s) before the program's
 * 4 MB limit refused it; a deeper one, several GB.  The translation now
 * counts the program its features and literals will take and stops at the
 * limit: 54000 at a small fraction of that, whatever the depth.
 * big_refused: no single allocation of 64 MB or more (the old text reached
 * a gigabyte, and the refusal made it an out-of-memory error instead).
 */
static int	big_refused;
static size_t alloc_cap = (size_t) 64 << 20;	/* the size refused */

static void *
capped_alloc(size_t size, void *ctx)
{
	(void) ctx;
	if (size >= alloc_cap)
	{
		big_refused = 1;
		return NULL;
	}
	return malloc(size);
}

static void *
capped_realloc(void *ptr, size_t size, void *ctx)
{
	(void) ctx;
	if (size >= alloc_cap)
	{
		big_refused = 1;
		return NULL;
	}
	return realloc(ptr, size);
}

static void
capped_free(void *ptr, void *ctx)
{
	(void) ctx;
	free(ptr);
}

static void
nested_if(void)
{
	CrRuleMem	mem = {.alloc = capped_alloc, .realloc = capped_realloc, .free = capped_free};
	int			depths[] = {12, 40, 120};

	for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++)
	{
		size_t		cap = 40 * (size_t) depths[d] + 64;
		char	   *json = malloc(cap);
		char		what[160];
		uint8_t    *b = NULL;
		size_t		bl;
		CrRuleError e;
		int			rc;

		json[0] = '\0';
		for (int i = 0; i < depths[d]; i++)
			strcat(json, "{\"if\": [");
		strcat(json, "{\"var\": \"b\"}");
		for (int i = 0; i < depths[d]; i++)
			strcat(json, ", true, false]}");
		big_refused = 0;
		rc = cr_rule_from_jsonlogic(json, strlen(json), &mem, &b, &bl, &e);
		if (depths[d] == 12)
			snprintf(what, sizeof(what), "%d nested \"if\" compile (%d repeated conditions)", depths[d], 1 << 12);
		else
			snprintf(what, sizeof(what), "%d nested \"if\": 54000, the program's limit, without a 64 MB text", depths[d]);
		ok(depths[d] == 12 ? rc == CR_OK && !big_refused
		   : rc == CR_ERR_TOO_LONG && !big_refused && strstr(e.message, "too long at $.if[0]") != NULL, what);
		if (rc != CR_OK)
			printf("# %d %s (64 MB refused: %d)\n", rc, e.message, big_refused);
		free(b);
		free(json);
	}
}

/*
 * D(i): {"var": ["x", 1]} at i = 0, else {"if": [D(i - 1), V, V]} with V
 * that var: the conditions repeat, and every var with a truthy default is
 * (x IS NULL OR truthy(x)), 14 bytes of program.
 */
static void
put_doubling_if(char *json, int i)
{
	if (i == 0)
	{
		strcat(json, "{\"var\":[\"x\",1]}");
		return;
	}
	strcat(json, "{\"if\":[");
	put_doubling_if(json, i - 1);
	strcat(json, ",{\"var\":[\"x\",1]},{\"var\":[\"x\",1]}]}");
}

/*
 * A program just under the limit compiles: the early count of its size
 * (Expr.prog) is never more than the bytes it compiles to, here 4,046,748 of
 * 4,194,304; counting 5 bytes for IS NULL and the OR of a truthy default
 * (they are 4) counted 4,280,203 and refused it with 54000.  One level more
 * is past the limit.
 */
static void
truthy_default_at_limit(void)
{
	char		json[4096];
	uint8_t    *b = NULL;
	size_t		bl = 0;
	CrRuleError e;
	int			rc;

	strcpy(json, "{\"or\":[");
	put_doubling_if(json, 16);
	strcat(json, ",");
	put_doubling_if(json, 13);
	strcat(json, ",");
	put_doubling_if(json, 12);
	strcat(json, "]}");
	rc = cr_rule_from_jsonlogic(json, strlen(json), NULL, &b, &bl, &e);
	ok(rc == CR_OK && bl == 4046748, "truthy defaults in nested \"if\": 4,046,748 bytes of program compile");
	if (rc != CR_OK)
		printf("# %d %s\n", rc, e.message);
	free(b);
	b = NULL;
	strcpy(json, "{\"or\":[");
	put_doubling_if(json, 16);
	strcat(json, ",");
	put_doubling_if(json, 14);
	strcat(json, "]}");
	rc = cr_rule_from_jsonlogic(json, strlen(json), NULL, &b, &bl, &e);
	ok(rc == CR_ERR_TOO_LONG, "truthy defaults in nested \"if\" past 4 MB of program: 54000");
	free(b);
}

/*
 * The JsonLogic of a program's nodes for a type error's message
 * (cr_rule_jsonlogic_open) is written first, and stops at 4 MB; only a
 * program that has it is printed as text and parsed to check it.  A
 * condition written as text with 80,000 uses of a feature name of 255
 * bytes is 320 kB of program and 21 MB of text: its type error printed all
 * of it (and parsed it back), where the JsonLogic, over 4 MB, says it is
 * none at 8 MB of buffer.  No allocation of 16 MB; a rule made from
 * JsonLogic opens.
 */
static void
jsonlogic_open_bounded(void)
{
	CrRuleMem	mem = {.alloc = capped_alloc, .realloc = capped_realloc, .free = capped_free};
	const int	uses = 80000;
	size_t		cap = (size_t) uses * 262 + 64;
	char	   *text = malloc(cap);
	char	   *p = text;
	char		name[258];
	uint8_t    *b = NULL;
	size_t		bl;
	CrRuleProg *prog = NULL;
	CrRuleError e;
	CrJsonLogicNodes *jn = NULL;
	const char *rule = "{\"<\": [{\"var\": \"s\"}, 5]}";

	name[0] = '"';
	memset(name + 1, 'x', 255);
	name[256] = '"';
	name[257] = '\0';
	p += sprintf(p, "coalesce(s, 0) < 1 OR ");
	for (int i = 0; i < uses; i++)
		p += sprintf(p, "%s + ", name);
	sprintf(p, "1 > 0");
	alloc_cap = (size_t) 16 << 20;
	big_refused = 0;
	if (cr_rule_parse(text, strlen(text), NULL, &b, &bl, &e) == CR_OK &&
		cr_rule_decode(b, bl, NULL, &prog, &e) == CR_OK)
		jn = cr_rule_jsonlogic_open(prog, &mem);
	ok(prog != NULL && jn == NULL && !big_refused,
	   "a text condition of 21 MB has no JsonLogic for messages, found without printing it");
	if (prog == NULL)
		printf("# %d %s\n", e.code, e.message);
	cr_rule_jsonlogic_close(jn);
	free(prog);
	free(b);
	free(text);

	prog = NULL;
	b = NULL;
	jn = NULL;
	big_refused = 0;
	if (cr_rule_from_jsonlogic(rule, strlen(rule), NULL, &b, &bl, &e) == CR_OK &&
		cr_rule_decode(b, bl, NULL, &prog, &e) == CR_OK)
		jn = cr_rule_jsonlogic_open(prog, &mem);
	ok(jn != NULL && !big_refused, "a rule made from JsonLogic has it");
	cr_rule_jsonlogic_close(jn);
	free(prog);
	free(b);
	alloc_cap = (size_t) 64 << 20;
}

int
main(void)
{
	CrRuleError e;
	char	   *js;

	/* what rule builders emit */
	check("{\"and\":[{\"==\":[{\"var\":\"plan\"},\"gold\"]},{\">\":[{\"var\":\"days\"},30]}]}",
		  "coalesce(plan = 'gold', false) AND coalesce(days, 0) > 30");
	check("{\"<\":[1,{\"var\":\"x\"},10]}", "1 < coalesce(x, 0) AND coalesce(x, 0) < 10");
	check("{\"<=\":[1,{\"var\":[\"x\",5]},10]}", "1 <= coalesce(x, 5) AND coalesce(x, 5) <= 10");
	check("{\"!=\":[{\"var\":\"a\"},{\"var\":\"b\"}]}", "NOT coalesce(a = b, a IS NULL AND b IS NULL)");
	check("{\"===\":[{\"var\":\"a\"},null]}", "a IS NULL");
	check("{\"in\":[{\"var\":\"plan\"},[\"a\",\"b\"]]}", "coalesce(plan IN ('a', 'b'), false)");
	check("{\"in\":[{\"var\":\"plan\"},[]]}", "false");
	check("{\"<\":[{\"var\":\"d\"},\"2024-01-01\"]}", "coalesce(d < '2024-01-01', false)");
	check("{\"<\":[{\"var\":\"d\"},\"5\"]}", "coalesce(d < '5', true)");	/* null < "5": 0 < 5 */
	check("{\">\":[{\"+\":[{\"var\":\"x\"},1]},{\"-\":[{\"var\":\"z\"}]}]}",
		  "coalesce(x + 1 > -coalesce(z, 0), false)");
	check("{\"==\":[{\"*\":[{\"var\":\"x\"}]},{\"/\":[{\"var\":\"y\"},-2]}]}",
		  "coalesce(x = coalesce(y, 0) / -2, false)");
	check("{\"!\":{\"var\":\"active\"}}", "NOT truthy(active)");
	check("{\"!!\":[{\"var\":[\"active\",true]}]}", "active IS NULL OR truthy(active)");
	check("{\"if\":[{\"var\":\"a\"},true,false]}", "truthy(a) AND true OR NOT truthy(a) AND false");
	check("{\"if\":[{\"var\":\"a\"},true]}", "truthy(a) AND true OR NOT truthy(a) AND false");
	check("{\"var\":\"a.b\"}", "truthy(\"a.b\")");
	/* truthiness of any value (react-awesome-query-builder's "is not empty") */
	check("{\"!!\":{\"var\":\"plan\"}}", "truthy(plan)");
	check("{\"!\":[{\"var\":[\"plan\",null]}]}", "NOT truthy(plan)");
	check("{\"!!\":{\"var\":[\"plan\",\"\"]}}", "truthy(plan)");
	check("{\"!!\":{\"var\":[\"n\",-0]}}", "truthy(n)");
	check("{\"!!\":{\"var\":[\"n\",\"0\"]}}", "n IS NULL OR truthy(n)");	/* "0" is truthy */
	check("{\"or\":[{\"var\":\"s\"},{\"-\":[{\"var\":\"x\"},1]}]}", "truthy(s) OR truthy(coalesce(x, 0) - 1)");
	check("{\"!\":{\"+\":[{\"var\":\"x\"}]}}", "NOT truthy(x + 0)");
	check("{\"!!\":{\"max\":[{\"var\":\"x\"},1]}}", "truthy(greatest(coalesce(x, 0), 1))");
	check("{\"!!\":[[]]}", "false");
	check("{\"!\":[[0]]}", "NOT true");
	check("[1,2]", "true");
	check("[]", "false");
	/* a numeric var is the key String(n) */
	check("{\"==\":[{\"var\":1},5]}", "coalesce(\"1\" = 5, false)");
	check("{\"var\":[-0]}", "truthy(\"0\")");
	/* String(n) past 2^53 is the shortest digits that read back, not n's exact value */
	check("{\"var\":1152921504606846976}", "truthy(\"1152921504606847000\")");
	check("{\"var\":123456789012345678901}", "truthy(\"123456789012345680000\")");
	check("{\"var\":-9007199254740993}", "truthy(\"-9007199254740992\")");
	check_error("{\"var\":999999999999999999999}", CR_ERR_INVALID, "\"var\" of a number must be an integer");
	check("{\"var\":1e20}", "truthy(\"100000000000000000000\")");
	check("{\"var\":4503599627370497}", "truthy(\"4503599627370497\")");
	check("{\"!!\":{\"var\":[12,\"a\"]}}", "\"12\" IS NULL OR truthy(\"12\")");
	check("{\"and\":[0,\"\",\"x\",1,null]}", "false AND false AND true AND true AND false");
	check("{\"==\":[{\"var\":\"x\"},1e-310]}", "coalesce(x = 1e-310, false)");

	/* rejections and malformed rules: the operation and the JSON path */
	check_error("{\"map\":[{\"var\":\"a\"},1]}", CR_ERR_UNSUPPORTED, "\"map\" is not supported in incentive conditions at $");
	check_error("{\"and\":[true,{\"or\":[{\"cat\":[\"a\"]}]}]}", CR_ERR_UNSUPPORTED, "\"cat\" is not supported in incentive conditions at $.and[1].or[0]");
	check_error("{\"and\":[{\"my_op\":[1]}]}", CR_ERR_UNSUPPORTED, "unknown JsonLogic operation \"my_op\" at $.and[0]");
	check("{\"in\":[\"a\",\"abc\"]}", "coalesce(contains('abc', 'a'), false)");
	check_error("{\"==\":[{\"var\":\"x\"},\"1\",3]}", CR_ERR_INVALID, "takes 2 arguments, not 3");
	check_error("{\"==\":[1,\"1\"]}", CR_ERR_UNSUPPORTED, "between a number and a string");
	check_error("{\"!=\":[true,1]}", CR_ERR_UNSUPPORTED, "between a boolean and a number");
	/* === and !== do not convert: two types are never equal */
	check("{\"===\":[1,\"1\"]}", "false");
	check("{\"!==\":[1,\"1\"]}", "NOT false");
	check("{\"===\":[{\"+\":[{\"var\":\"x\"}]},true]}", "false");
	check("{\"===\":[{\"var\":\"x\"},\"1\"]}", "coalesce(x = '1', false)");
	/* but a var's default is not the var's type: true in JavaScript where x is "a" */
	check_error("{\"===\":[{\"var\":[\"x\",5]},\"a\"]}", CR_ERR_UNSUPPORTED,
				"operator \"===\" between a number and a string, one of them the default of a var");
	check_error("{\"!==\":[true,{\"var\":[\"x\",\"a\"]}]}", CR_ERR_UNSUPPORTED,
				"operator \"!==\" between a boolean and a string, one of them the default of a var");
	check("{\"===\":[{\"var\":[\"x\",5]},5]}", "coalesce(x, 5) = 5");
	/* "in" with a var or a string as its list: contains (an array of the facts, or a substring) */
	check("{\"in\":[\"gold\",{\"var\":\"tags\"}]}", "coalesce(contains(tags, 'gold'), false)");
	check("{\"in\":[{\"var\":\"x\"},{\"var\":\"p.tags\"}]}", "coalesce(contains(\"p.tags\", x), false)");
	check("{\"in\":[null,\"a null\"]}", "coalesce(contains('a null', NULL), false)");
	check("{\"in\":[\"a\",{\"var\":[\"s\",\"abc\"]}]}", "coalesce(contains(coalesce(s, 'abc'), 'a'), false)");
	check_error("{\"in\":[\"a\",{\"var\":[\"s\",true]}]}", CR_ERR_UNSUPPORTED, "default is a number or boolean");
	check_error("{\"in\":[{\"+\":[{\"var\":\"x\"}]},{\"var\":\"tags\"}]}", CR_ERR_UNSUPPORTED, "may be NaN");
	check_error("{\"in\":[\"gold\",3]}", CR_ERR_UNSUPPORTED, "the second argument of \"in\" must be an array of literals at $");
	check_error("{\"<\":[{\"var\":\"x\"},true]}", CR_ERR_UNSUPPORTED, "boolean or null");
	check_error("{\"/\":[1,{\"var\":\"y\"}]}", CR_ERR_UNSUPPORTED, "non-zero number");
	check_error("{\"!!\":{\"var\":[\"x\",[1]]}}", CR_ERR_UNSUPPORTED, "array or object is not a supported value here at $[\"!!\"].var[1]");
	check_error("{\"var\":[\"x\",1,2]}", CR_ERR_INVALID, "takes 1 to 2 arguments, not 3");
	check_error("[{\"var\":\"x\"}]", CR_ERR_UNSUPPORTED, "an array of operations or arrays");
	check_error("{\">\":[{\"/\":[1,{\"var\":\"y\"}]},0]}", CR_ERR_UNSUPPORTED, "division by zero at $[\">\"][0]");
	check_error("{\"a\":1,\"b\":2}", CR_ERR_INVALID, "exactly one key");
	check_error("{}", CR_ERR_INVALID, "exactly one key");
	check_error("{\"var\":1.5}", CR_ERR_INVALID, "\"var\" of a number must be an integer");
	check_error("{\"var\":1e21}", CR_ERR_INVALID, "\"var\" of a number must be an integer");
	check_error("{\"var\":true}", CR_ERR_INVALID, "\"var\" needs a string");
	/* an empty argument list has no name node to read (ASan/UBSan: no nodes[-1]) */
	check_error("{\"var\":[]}", CR_ERR_UNSUPPORTED, "\"var\" of no name reads the whole data object, which is not supported (name a feature) at $.var");
	check_error("{\"==\":[{\"var\":[]},1]}", CR_ERR_UNSUPPORTED, "whole data object, which is not supported (name a feature) at $[\"==\"][0].var");
	check_error("{\"var\":\"\"}", CR_ERR_UNSUPPORTED, "\"var\" of \"\" reads the whole data object");
	check_error("{\"!!\":{\"var\":null}}", CR_ERR_UNSUPPORTED, "\"var\" of null reads the whole data object");
	check_error("{\"var\":[null,1]}", CR_ERR_UNSUPPORTED, "whole data object");
	check_error("{\"and\":[]}", CR_ERR_INVALID, "at least 1 argument");
	check_error("{\"and\":[true,", CR_ERR_JSON, "invalid JSON");
	check_error("{\"==\":[{\"var\":\"x\"},1e400]}", CR_ERR_NUMBER_RANGE, "out of range");
	check_error("{\"==\":[{\"var\":\"x\"},1e-400]}", CR_ERR_NUMBER_RANGE, "out of range");
	check_error("{\"==\":[{\"var\":\"x\"},\"a\\u0000b\"]}", CR_ERR_INVALID, "\\u0000");
	deep_inputs();
	long_chains();
	long_numerals();
	non_ascii_strings();
	other_encodings();
	latin1_numbers();
	quoted_cuts();
	long_if();
	nested_if();
	truthy_default_at_limit();
	{
		/* a 1000-operand + is a flat chain, not 1000 levels of nesting */
		char	   *big = malloc(20000);
		CrRuleError e2;
		char	   *s;

		strcpy(big, "{\">\":[{\"+\":[");
		for (int i = 0; i < 1000; i++)
			strcat(big, i ? ",{\"var\":\"x\"}" : "{\"var\":\"x\"}");
		strcat(big, "]},1]}");
		s = compile(big, &e2);
		ok(s != NULL, "{\"+\": [1000 operands]} compiles (a chain is not nesting)");
		if (s == NULL)
			printf("# %s\n", e2.message);
		free(s);
		free(big);
	}
/* the reverse, and conditions that have no exact JsonLogic form */
	check_reverse("coalesce(plan = 'gold', false) AND coalesce(days, 0) > 30",
				  "{\"and\": [{\"==\": [{\"var\": \"plan\"}, \"gold\"]}, {\">\": [{\"var\": [\"days\", 0]}, 30]}]}");
	check_reverse("NOT x IS NULL AND -0 < 1 AND coalesce(x + y + z * 2 - 3 > 0, false)",
				  "{\"and\": [{\"!=\": [{\"var\": \"x\"}, null]}, {\"<\": [{\"-\": [0]}, 1]}, "
				  "{\">\": [{\"-\": [{\"+\": [{\"var\": \"x\"}, {\"var\": \"y\"}, {\"*\": [{\"var\": \"z\"}, 2]}]}, 3]}, 0]}]}");
	/* typed as text: SQL's NULL made explicit with null checks */
	check_reverse("x < 5", "{\"and\": [{\"!=\": [{\"var\": \"x\"}, null]}, {\"<\": [{\"var\": \"x\"}, 5]}]}");
	/* contains as text: "in" where h is not null; NOT contains also needs h not null */
	check_reverse("contains(x, 'a')", "{\"in\": [\"a\", {\"var\": \"x\"}]}");
	check_reverse("NOT contains(x, y)",
				  "{\"and\": [{\"!=\": [{\"var\": \"x\"}, null]}, {\"!\": [{\"in\": [{\"var\": \"y\"}, {\"var\": \"x\"}]}]}]}");
	check_reverse("coalesce(contains(x, -1), false)", "{\"in\": [-1, {\"var\": \"x\"}]}");
	check_reverse("NOT (x BETWEEN 1 AND 2) OR s IS NULL",
				  "{\"or\": [{\"or\": [{\"and\": [{\"!=\": [{\"var\": \"x\"}, null]}, {\"<\": [{\"var\": \"x\"}, 1]}]}, "
				  "{\"and\": [{\"!=\": [{\"var\": \"x\"}, null]}, {\">\": [{\"var\": \"x\"}, 2]}]}]}, {\"==\": [{\"var\": \"s\"}, null]}]}");
	js = to_json("x < y", &e);
	ok(js == NULL && e.code == CR_ERR_UNSUPPORTED && strstr(e.message, "between two features"),
	   "x < y: JsonLogic would read two features as numbers");
	free(js);
	/* truthy: JsonLogic's own, exactly or with the null checks of its features */
	check_reverse("truthy(plan)", "{\"var\": \"plan\"}");
	check_reverse("NOT truthy(plan) AND truthy(x * 2)",
				  "{\"and\": [{\"!\": [{\"var\": \"plan\"}]}, {\"!!\": [{\"*\": [{\"var\": \"x\"}, 2]}]}]}");
	check_reverse("truthy(-12) OR truthy(coalesce(y, 1e21)) OR truthy(x + 0)",
				  "{\"or\": [{\"!!\": [{\"*\": [-12]}]}, {\"!!\": [{\"*\": [{\"var\": [\"y\", 1e21]}]}]}, "
				  "{\"!!\": [{\"+\": [{\"var\": \"x\"}, 0]}]}]}");
	check_reverse("truthy(x - 1)", "{\"and\": [{\"!=\": [{\"var\": \"x\"}, null]}, {\"!!\": [{\"-\": [{\"var\": \"x\"}, 1]}]}]}");
	check_reverse("NOT truthy(x - 1)", "{\"or\": [{\"==\": [{\"var\": \"x\"}, null]}, {\"!\": [{\"-\": [{\"var\": \"x\"}, 1]}]}]}");
	check_reverse("coalesce(b, false)", "{\"===\": [{\"var\": \"b\"}, true]}");
	check_reverse("NOT coalesce(b, false)", "{\"or\": [{\"===\": [{\"var\": \"b\"}, false]}, {\"==\": [{\"var\": \"b\"}, null]}]}");
	check_reverse("coalesce(b, true)", "{\"or\": [{\"===\": [{\"var\": \"b\"}, true]}, {\"==\": [{\"var\": \"b\"}, null]}]}");
	js = to_json("abs(x) > 1", &e);
	ok(js == NULL && e.code == CR_ERR_UNSUPPORTED && strstr(e.message, "no such function"),
	   "abs has no JsonLogic form");
	free(js);

	/*
	 * coalesce of one argument: the reverse read a second argument it does
	 * not have (memory past the node's operands: a crash of the server)
	 */
	{
		static const char *const one_arg[] = {
			"coalesce(p)", "coalesce(x) > 1", "NOT coalesce(x = 1)", "coalesce(x + 1) > 1 AND p",
			"coalesce(coalesce(p))", "coalesce(s) = 'a'"
		};

		for (size_t i = 0; i < sizeof(one_arg) / sizeof(one_arg[0]); i++)
		{
			char		what[100];

			js = to_json(one_arg[i], &e);
			snprintf(what, sizeof(what), "%s: no JsonLogic form (0A000), read within its operands", one_arg[i]);
			ok(js == NULL && e.code == CR_ERR_UNSUPPORTED, what);
			if (js != NULL)
				printf("# got %s\n", js);
			free(js);
		}
	}
	jsonlogic_open_bounded();

	return tap_done();
}
