/*
 * test_rule.c: unit tests of the incentive condition language (plain C).
 * link: src/cr_rule_util.c src/cr_rule_lex.c src/cr_rule_parse.c src/cr_rule_binary.c src/cr_rule_check.c src/cr_rule_print.c src/cr_rule_round.c src/cr_rule_interp.c
 */
#include "cr_rule.h"
#include "cr_rule_int.h"
#include "cr_random.h"
#include "rule_text.h"
#include "tap.h"
#include "../fuzz/text_encodings.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse, decode and print; returns the canonical text (malloc'd) or NULL. */
static char *
canon(const char *src, CrRuleError *err)
{
	return rule_render(cr_rule_parse, rule_back_text, src, err);
}

static void
check_canon(const char *src, const char *want)
{
	CrRuleError e;
	char	   *s = canon(src, &e);
	char	   *s2 = s ? canon(s, &e) : NULL;
	char		msg[300];

	snprintf(msg, sizeof(msg), "canonical text of [%s] is [%s] and stable", src, want);
	ok(s && s2 && strcmp(s, want) == 0 && strcmp(s, s2) == 0, msg);
	if (s && strcmp(s, want) != 0)
		printf("# got [%s]\n", s);
	free(s);
	free(s2);
}

static void
check_error(const char *src, int code, long pos)
{
	CrRuleError e;
	char	   *s = canon(src, &e);
	char		msg[300];

	snprintf(msg, sizeof(msg), "[%s] fails with code %d at %ld", src, code, pos);
	ok(s == NULL && e.code == code && e.position == pos, msg);
	if (s == NULL && (e.code != code || e.position != pos))
		printf("# got code %d at %ld: %s\n", e.code, e.position, e.message);
	free(s);
}

/*
 * The "found" of src's error, parsed as text of an encoding with the
 * character lengths char_len (NULL: UTF-8), is want: what an error message
 * quotes of a token or a sub-expression.
 */
static void
check_found(const char *src, CrCharLen char_len, int code, const char *want, const char *what)
{
	CrRuleMem	mem = {.char_len = char_len};
	uint8_t    *b = NULL;
	size_t		bl;
	CrRuleError e;
	int			rc = cr_rule_parse(src, strlen(src), &mem, &b, &bl, &e);

	ok(rc == code && strcmp(e.found, want) == 0, "%s", what);
	if (rc != code || strcmp(e.found, want) != 0)
		printf("# got code %d, found [%s]\n", rc, rc == CR_OK ? "" : e.found);
	if (rc == CR_OK)
		free(b);
}

/* the token word (ch n times after lead) is quoted as lead and kept of the ch */
static void
check_token_cut(const char *lead, const char *ch, int n, CrCharLen char_len, int kept, const char *what)
{
	char		src[300];
	char		want[300];
	char		tail[300];

	repeated(src, sizeof(src), "x > 1 ", lead, 1, repeated(tail, sizeof(tail), "", ch, n, ""));
	repeated(want, sizeof(want), "\"", lead, 1, repeated(tail, sizeof(tail), "", ch, kept, kept < n ? "...\"" : "\""));
	check_found(src, char_len, CR_ERR_SYNTAX, want, what);
}

/*
 * Messages quote at most 40 bytes of a token and 192 of a sub-expression,
 * cut after a whole character of the text's encoding and no sooner.  In
 * EUC_JP a byte from 0x80 to 0xBF may start a character (あ is A4 A2, é 8F
 * AB B1): read as UTF-8's continuation bytes, the cut moved back over every
 * such character, down to an empty quote.
 */
static void
quoted_cuts(void)
{
	char		src[300];
	char		want[300];

	check_token_cut("a", "\xA4\xA2", 30, euc_jp_char_len, 19,
					"EUC_JP: a token of a and 30 x A4 A2 is quoted as a and 19 of them (39 bytes)");
	check_token_cut("ab", "\x8F\xAB\xB1", 20, euc_jp_char_len, 12,
					"EUC_JP: a token of ab and 20 x 8F AB B1 is quoted as ab and 12 of them (38 bytes)");
	check_token_cut("a", "\xE3\x81\x82", 30, NULL, 13,
					"UTF-8: a token of a and 30 x E3 81 82 is quoted as a and 13 of them (40 bytes)");
	check_token_cut("a", "\xA4\xA2", 19, euc_jp_char_len, 19,
					"EUC_JP: a token of 39 bytes is quoted whole");

	/*
	 * Text read as UTF-8 that is not (a SQL_ASCII database's): a lead byte
	 * followed by ASCII is one byte, so the cut still falls at 40 bytes
	 */
	repeated(want, sizeof(want), "\"a", "\xC3" "a", 19, "\xC3...\"");
	check_found(repeated(src, sizeof(src), "x > 1 a", "\xC3" "a", 30, ""), NULL, CR_ERR_SYNTAX, want,
				"invalid UTF-8: a token of a and 30 x C3 61 is quoted to 40 bytes");

	/* an unexpected character is itself, not the character after it too */
	check_found("x > 1 @\xA4\xA2", euc_jp_char_len, CR_ERR_SYNTAX, "\"@\"",
				"EUC_JP: an unexpected @ before A4 A2 is quoted alone");
	check_found("x > 1 @\xE3\x81\x82", NULL, CR_ERR_SYNTAX, "\"@\"",
				"UTF-8: an unexpected @ before E3 81 82 is quoted alone");

	/* an unknown function's name: 63 bytes, whole characters */
	check_found(repeated(src, sizeof(src), "ab", "\xA4\xA2", 40, "(1) > 0"), euc_jp_char_len,
				CR_ERR_UNKNOWN_FUNCTION, repeated(want, sizeof(want), "ab", "\xA4\xA2", 30, ""),
				"EUC_JP: an unknown function ab and 40 x A4 A2 is quoted as ab and 30 of them (62 bytes)");
	check_found(repeated(src, sizeof(src), "a", "\x8F\xAB\xB1", 30, "(1) > 0"), euc_jp_char_len,
				CR_ERR_UNKNOWN_FUNCTION, repeated(want, sizeof(want), "a", "\x8F\xAB\xB1", 20, ""),
				"EUC_JP: an unknown function a and 30 x 8F AB B1 is quoted as a and 20 of them (61 bytes)");

	/* the sub-expression of a type error: 192 bytes, then " ..." */
	check_found(repeated(src, sizeof(src), "'", "\xA4\xA2", 100, "' + 1 > 0"), euc_jp_char_len, CR_ERR_TYPE,
				repeated(want, sizeof(want), "'", "\xA4\xA2", 95, " ..."),
				"EUC_JP: a type error quotes ' and 95 x A4 A2 (191 bytes) of its sub-expression");
}

/* Evaluate src with features x (number or NULL when isnan(xnull)) etc. */
static int
eval_with(const char *src, const CrValue *vals, int nvals, int *result)
{
	uint8_t    *b;
	size_t		bl;
	CrRuleProg *p;
	CrRuleError e;
	int			rc;
	CrValue    *stack;
	CrValue		feats[8];
	uint8_t		strtypes[8];

	if (cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e) != CR_OK)
		return -100;
	cr_rule_decode(b, bl, NULL, &p, &e);
	/* features are bound by order of first appearance: the test names a, b, c */
	for (int i = 0; i < p->nnames; i++)
	{
		int			k = p->names[i][0] - 'a';

		feats[i] = (k >= 0 && k < nvals) ? vals[k] : (CrValue) {0};
		/* the SQL type of a text column, as binding to a row type finds it */
		strtypes[i] = feats[i].kind != CR_VAL_TEXT ? CR_STR_TEXT :
			feats[i].boolean == CR_TEXT_PADDED ? CR_STR_BPCHAR :
			feats[i].boolean == CR_TEXT_VARCHAR ? CR_STR_VARCHAR : CR_STR_TEXT;
	}
	cr_rule_text_types(p, strtypes, NULL, &e);
	stack = calloc((size_t) p->max_stack + 1, sizeof(CrValue));
	rc = cr_rule_eval(p, feats, stack, result, &e);
	free(stack);
	free(p);
	free(b);
	return rc;
}

static CrValue
num(double d)
{
	CrValue		v = {0};

	v.kind = CR_VAL_NUM;
	v.num = d;
	return v;
}

static CrValue
txt(const char *s)
{
	CrValue		v = {0};

	v.kind = CR_VAL_TEXT;
	v.str = s;
	v.len = strlen(s);
	return v;
}

static CrValue
bol(int b)
{
	CrValue		v = {0};

	v.kind = CR_VAL_BOOL;
	v.boolean = b;
	return v;
}

static void
check_eval(const char *src, const CrValue *vals, int nvals, int want_rc, int want)
{
	int			r = -7;
	int			rc = eval_with(src, vals, nvals, &r);
	char		msg[300];

	snprintf(msg, sizeof(msg), "eval [%s] -> rc %d result %d", src, want_rc, want);
	ok(rc == want_rc && (rc != CR_OK || r == want), msg);
	if (!(rc == want_rc && (rc != CR_OK || r == want)))
		printf("# got rc %d result %d\n", rc, r);
}

/* canonical printing, and errors with their byte positions */
static void
test_print_and_errors(void)
{
	/* canonical printing */
	check_canon("recency_days > 14 and retention_score < 0.3", "recency_days > 14 AND retention_score < 0.3");
	check_canon("a != 1", "a <> 1");
	check_canon("- -x > 1", "-(-x) > 1");
	check_canon("TRUTHY(x) and not truthy((y)) or truthy(s = 'a')", "truthy(x) AND NOT truthy(y) OR truthy(s = 'a')");
	check_canon("(a and b) and c", "(a AND b) AND c");
	check_canon("a and (b or c)", "a AND (b OR c)");
	check_canon("not (a = 1)", "NOT a = 1");
	check_canon("a - (b - c) > 0", "a - (b - c) > 0");
	check_canon("a / (b * c) > 0", "a / (b * c) > 0");
	check_canon("x BETWEEN 1 AND 2", "x BETWEEN 1 AND 2");
	check_canon("\"X y\" In ('a''b', 'c')", "\"X y\" IN ('a''b', 'c')");
	check_canon("\"null\" is not null", "\"null\" IS NOT NULL");
	check_canon("ROUND(x, 2) > 1E3", "round(x, 2) > 1000");
	check_canon("x > 0.1", "x > 0.1");
	check_canon("x > 1e-7", "x > 1e-7");
	check_canon("x > 1e100", "x > 1e100");
	/* unary + is dropped at input, whatever its operand (README) */
	check_canon("+p", "p");
	check_canon("+'a' = 'a'", "'a' = 'a'");
	check_canon("x - +1 > +-x", "x - 1 > -x");

	/* errors and positions (byte offsets) */
	check_error("x >", CR_ERR_SYNTAX, 3);
	check_error("x > 1 y", CR_ERR_SYNTAX, 6);
	check_error("(x > 1", CR_ERR_SYNTAX, 6);
	check_error("'abc", CR_ERR_SYNTAX, 0);
	check_error("", CR_ERR_SYNTAX, 0);
	check_error("foo(1) > 0", CR_ERR_UNKNOWN_FUNCTION, 0);
	check_error("abs(1, 2) > 0", CR_ERR_WRONG_ARGS, 0);
	check_error("'a' < 1", CR_ERR_TYPE, -1);
	check_error("x + 1", CR_ERR_TYPE, -1);
	check_error("x > 1e999", CR_ERR_NUMBER_RANGE, 4);
	quoted_cuts();
}

/* the review's findings 6-9 (each failed before its fix), round's n, char(n) */
static void
test_review_findings(void)
{
	/* review findings 6-9: each failed before its fix */
	check_error("1e-400 < x", CR_ERR_NUMBER_RANGE, 0);
	check_error("x > 1e-400", CR_ERR_NUMBER_RANGE, 4);
	check_canon("x > 1e-310", "x > 1e-310");	/* subnormal: accepted, as float8in does */
	/* round's n reads as float8 n::int does, half to even, as 1.0 read it */
	check_canon("round(x, 2.5) > 1", "round(x, 2.5) > 1");
	check_canon("round(1.26, 0.9) = 1.3", "round(1.26, 0.9) = 1.3");
	check_canon("round(x, -2) > 1", "round(x, -2) > 1");
	{
		CrValue		v[2] = {num(1.26), num(2.5)};

		check_eval("round(a, b) = 1.26", v, 2, CR_OK, 1);
		v[1] = num(0.5);
		check_eval("round(a, b) = 1", v, 2, CR_OK, 1);
		v[1] = num(1.5);
		check_eval("round(a, b) = 1.26", v, 2, CR_OK, 1);
		v[1] = num(1);
		check_eval("round(a, b) = 1.3", v, 2, CR_OK, 1);
		v[1] = num(3e9);
		check_eval("round(a, b) = 1.26", v, 2, CR_ERR_OVERFLOW, 0);
		/* rounding up past the largest double: numeric to float8 overflows */
		v[0] = num(DBL_MAX);
		v[1] = num(0);
		check_eval("round(a, b) > 1", v, 2, CR_ERR_OVERFLOW, 0);
		check_eval("round(a) > 1", v, 1, CR_ERR_OVERFLOW, 0);
		v[1] = num(-308);
		check_eval("round(a, b) > 1", v, 2, CR_ERR_OVERFLOW, 0);
		v[0] = num(-DBL_MAX);
		check_eval("round(a, b) < 1", v, 2, CR_ERR_OVERFLOW, 0);
		check_eval("round(a, b) < 1 and false", v, 2, CR_OK, 0);
		v[0] = num(1.7e308);
		check_eval("round(a, b) > 1", v, 2, CR_ERR_OVERFLOW, 0);
		v[1] = num(-307);
		check_eval("round(a, b) = 1.7e308", v, 2, CR_OK, 1);
		v[0] = num(INFINITY);
		check_eval("round(a, b) > 1", v, 2, CR_OK, 1);
	}
	{
		CrValue		v[2] = {txt("ab"), txt("ab  ")};

		v[0].boolean = CR_TEXT_PADDED;	/* a char(n) column, already trimmed */
		check_eval("a = 'ab  '", v, 1, CR_OK, 1);
		check_eval("a IN ('x', 'ab ')", v, 1, CR_OK, 1);
		check_eval("a BETWEEN 'ab ' AND 'ab  '", v, 1, CR_OK, 1);
		check_eval("a < 'ab '", v, 1, CR_OK, 0);
		check_eval("a = b", v, 2, CR_OK, 0);	/* char(n) = text compares as text */
		check_eval("coalesce(a, 'z') = 'ab '", v, 1, CR_OK, 1);
		check_eval("'ab ' = 'ab'", v, 0, CR_OK, 0);	/* two literals: text */
		/* least, greatest and coalesce have the type SQL gives them */
		check_eval("coalesce(a, b) = 'ab'", v, 2, CR_OK, 1);	/* char(n): b's blanks ignored */
		check_eval("coalesce(b, a) = 'ab'", v, 2, CR_OK, 0);	/* text */
		check_eval("greatest(a, b) = 'ab'", v, 2, CR_OK, 1);	/* char(n): equal, a picked */
		check_eval("greatest(b, a) = b", v, 2, CR_OK, 1);	/* text: 'ab  ' is greater */
		check_eval("coalesce('ab ', 'z') = a", v, 1, CR_OK, 0);	/* literals: text */
		check_eval("least('ab ') = a", v, 1, CR_OK, 0);
		/*
		 * IN: two or more items without features are one array of the type
		 * PostgreSQL gives a and them together, char(n); the others are
		 * compared one by one
		 */
		check_eval("a IN (coalesce('ab ', 'z'), 'x')", v, 1, CR_OK, 1);
		check_eval("a NOT IN (coalesce('ab ', 'z'), 'x')", v, 1, CR_OK, 0);
		check_eval("a IN (least('ab ', 'ab\t'), NULL)", v, 1, CR_OK, -1);	/* least as text: 'ab\t' */
		check_eval("a IN (greatest('ab\t', 'ab '), NULL)", v, 1, CR_OK, 1);
		check_eval("a IN (coalesce('ab ', 'z'), b)", v, 2, CR_OK, 0);	/* one such item: text */
		check_eval("a IN (coalesce('ab ', 'z'), b, 'x')", v, 2, CR_OK, 1);
		check_eval("coalesce(a, b) IN (coalesce('ab ', 'z'), 'x')", v, 2, CR_OK, 1);
		check_eval("coalesce(b, a) IN (coalesce('ab ', 'z'), 'x')", v, 2, CR_OK, 0);	/* text */
		check_eval("'ab' IN (coalesce('ab ', 'z'), 'x')", v, 0, CR_OK, 0);
		v[1].boolean = CR_TEXT_VARCHAR; /* varchar: cast to char(n) against a char(n) value */
		check_eval("a = b", v, 2, CR_OK, 1);
		check_eval("b IN ('ab', a)", v, 2, CR_OK, 1);
		check_eval("b = 'ab'", v, 2, CR_OK, 0);	/* against a literal: varchar */
		check_eval("coalesce(b, a) = 'ab'", v, 2, CR_OK, 0);	/* varchar */
		check_eval("coalesce(b, a) = a", v, 2, CR_OK, 1);	/* varchar = char(n): as char(n) */
		check_eval("b IN (coalesce('ab', 'z'), 'x')", v, 2, CR_OK, 0);	/* varchar[] */
		v[0].boolean = 0;			/* a text column: blanks count */
		check_eval("a = 'ab  '", v, 1, CR_OK, 0);
	}
}

/* size limits: flat chains, nesting, program and text lengths */
static void
test_limits(void)
{
	{
		/* a long flat chain is not nesting; parentheses and unary minus are */
		char	   *src = malloc(100000);
		CrRuleError e;
		char	   *s;

		strcpy(src, "x");
		for (int i = 1; i < 5000; i++)
			strcat(src, i % 3 ? " + x" : " * x");
		strcat(src, " > 1");
		s = canon(src, &e);
		ok(s != NULL && strcmp(s, src) == 0, "a flat chain of 5000 terms is accepted and prints back");
		free(s);
		strcpy(src, "x + x");
		for (int i = 0; i < 120; i++)
			strcat(src, " + (x");
		for (int i = 0; i < 120; i++)
			strcat(src, ")");
		strcat(src, " > 1");
		s = canon(src, &e);
		ok(s == NULL && e.code == CR_ERR_TOO_DEEP, "120 right-nested sums are still too deep");
		free(s);
		free(src);
	}
	{
		/*
		 * Unary + is dropped at input, so it adds no level: 209 of them in a
		 * row were "nested too deeply" (the reader's guard of 208 levels).
		 */
		char	   *src = malloc(200100);
		CrRuleError e;
		char	   *s;

		memset(src, '+', 200000);
		strcpy(src + 200000, "x > +-+1");
		s = canon(src, &e);
		ok(s != NULL && strcmp(s, "x > -1") == 0, "200000 unary plus signs in a row are no nesting");
		free(s);
		src[0] = '\0';
		for (int i = 0; i < 150; i++)
			strcat(src, "+(");
		strcat(src, "x");
		for (int i = 0; i < 150; i++)
			strcat(src, ")");
		strcat(src, " > 1");
		s = canon(src, &e);
		ok(s != NULL && strcmp(s, "x > 1") == 0, "150 of +( around a feature are redundant parentheses");
		free(s);
		src[0] = '\0';
		for (int i = 0; i < 98; i++)
			strcat(src, "+-+");
		strcat(src, "x > 1");
		s = canon(src, &e);
		ok(s != NULL, "98 unary minus signs between plus signs: 100 levels");
		free(s);
		memmove(src + 3, src, strlen(src) + 1);
		memcpy(src, "+-+", 3);
		s = canon(src, &e);
		ok(s == NULL && e.code == CR_ERR_TOO_DEEP, "99 unary minus signs between plus signs are too deep");
		free(s);
		free(src);
	}
	{
		char	   *deep = malloc(1000);

		strcpy(deep, "");
		for (int i = 0; i < 300; i++)
			strcat(deep, "(");
		strcat(deep, "x");
		for (int i = 0; i < 300; i++)
			strcat(deep, ")");
		{
			CrRuleError e;
			char	   *s = canon(deep, &e);

			ok(s == NULL && e.code == CR_ERR_TOO_DEEP, "300 parentheses: too deep, no stack overflow");
			free(s);
		}
		free(deep);
	}
	{
		/* 23 greatest() of 65535 arguments: 4.5 MB of program, over the limit */
		size_t		n = 23 * (9 + 65535 * 3 + 8);
		char	   *big = malloc(n + 1);
		char	   *p = big;
		CrRuleError e;
		uint8_t    *b;
		size_t		bl;

		for (int k = 0; k < 23; k++)
		{
			p += sprintf(p, "%sgreatest(x", k ? " OR " : "");
			for (int i = 1; i < 65535; i++)
				p += sprintf(p, ", x");
			p += sprintf(p, ") > 1");
		}
		ok(cr_rule_parse(big, (size_t) (p - big), NULL, &b, &bl, &e) == CR_ERR_TOO_LONG,
		   "a program over 4 MB: too long");
		free(big);
	}
	{
		/*
		 * Canonical text longer than 64 kB reads back (it did not, when the
		 * text had a limit of its own): an IN list printed with spaces, and
		 * long quoted names.
		 */
		char	   *src = malloc(200000);
		char	   *p = src;
		CrRuleError e;
		char	   *s,
				   *s2;

		p += sprintf(p, "x IN (0");
		for (int i = 1; i < 32000; i++)
			p += sprintf(p, ",%d", i % 10);
		p += sprintf(p, ")");
		for (int k = 0; k < 200; k++)
			p += sprintf(p, " OR \"%0250d\" > 1", k);
		s = canon(src, &e);
		s2 = s ? canon(s, &e) : NULL;
		ok(s && strlen(s) > 140000 && s2 && strcmp(s, s2) == 0,
		   "canonical text of 140 kB reads back to the same text");
		free(s);
		free(s2);
		free(src);
	}
}

/* three-valued logic, errors in operands that do not decide, types */
static void
test_evaluation(void)
{
	CrValue		v[3];

	/* three-valued logic */
	v[0] = bol(1);
	v[1] = (CrValue) {0};
	check_eval("a and b", v, 2, CR_OK, -1);
	check_eval("a or b", v, 2, CR_OK, 1);
	check_eval("not b", v, 2, CR_OK, -1);
	check_eval("b is null", v, 2, CR_OK, 1);
	check_eval("b is not null", v, 2, CR_OK, 0);
	v[0] = bol(0);
	check_eval("a and b", v, 2, CR_OK, 0);
	check_eval("a or b", v, 2, CR_OK, -1);
	v[0] = num(2);
	v[1] = (CrValue) {0};
	check_eval("a in (1, b)", v, 2, CR_OK, -1);
	check_eval("a in (2, b)", v, 2, CR_OK, 1);
	check_eval("a not in (1, b)", v, 2, CR_OK, -1);
	check_eval("a between 1 and b", v, 2, CR_OK, -1);
	check_eval("a between 3 and b", v, 2, CR_OK, 0);
	check_eval("a not between 3 and b", v, 2, CR_OK, 1);
	check_eval("coalesce(b, a) = 2", v, 2, CR_OK, 1);
	check_eval("least(b, a, 5) = 2", v, 2, CR_OK, 1);
	check_eval("greatest(b, a, 5) = 5", v, 2, CR_OK, 1);
	check_eval("a / 0 > 1", v, 2, CR_ERR_DIV_ZERO, 0);
	check_eval("a % 0 > 1", v, 2, CR_ERR_DIV_ZERO, 0);
	check_eval("ln(a - 2) > 1", v, 2, CR_ERR_LOG_DOMAIN, 0);
	check_eval("sqrt(-a) > 1", v, 2, CR_ERR_SQRT_DOMAIN, 0);
	check_eval("exp(a * 1000) > 1", v, 2, CR_ERR_OVERFLOW, 0);
	check_eval("a * 2 + 1 = 5 and a % 3 = 2 and -a = -2", v, 2, CR_OK, 1);
	/* an error in an operand that does not decide the result is ignored */
	v[0] = num(0);
	check_eval("a <> 0 and 10 / a > 1", v, 1, CR_OK, 0);
	check_eval("a = 0 or 10 / a > 1", v, 1, CR_OK, 1);
	check_eval("10 / a > 1 or a = 0", v, 1, CR_OK, 1);
	check_eval("coalesce(1, 1 / a) = 1", v, 1, CR_OK, 1);
	check_eval("coalesce(1 / a, 1) = 1", v, 1, CR_ERR_DIV_ZERO, 0);
	check_eval("a in (0, 1 / a)", v, 1, CR_OK, 1);
	check_eval("a in (1, 1 / a)", v, 1, CR_ERR_DIV_ZERO, 0);
	check_eval("a between 1 and 1 / a", v, 1, CR_OK, 0);
	check_eval("(1 / a) is null", v, 1, CR_ERR_DIV_ZERO, 0);
	check_eval("not (ln(a) > 1 and false)", v, 1, CR_OK, 1);
	check_eval("least(1, ln(a)) < 0", v, 1, CR_ERR_LOG_DOMAIN, 0);
	v[0] = num(NAN);
	check_eval("a = a and a > 1e308", v, 1, CR_OK, 1);
	v[0] = txt("annual");
	v[1] = txt("monthly");
	check_eval("a < b and a in ('x', 'annual')", v, 2, CR_OK, 1);
	check_eval("a > 1", v, 2, CR_ERR_TYPE, 0);
	v[0] = txt("ab");
	v[1] = txt("abc");
	check_eval("a < b", v, 2, CR_OK, 1);
	v[0] = bol(1);
	check_eval("a + 1 > 1", v, 1, CR_ERR_TYPE, 0);

	/* truthy(x): JavaScript's truthiness of any type, never NULL */
	{
		static const struct
		{
			CrValue		v;
			int			want;
		}			cases[] = {
			{{0}, 0}, {{CR_VAL_BOOL, 1, 0, {NULL}, 0}, 1}, {{CR_VAL_BOOL, 0, 0, {NULL}, 0}, 0},
			{{CR_VAL_NUM, 0, 0.0, {NULL}, 0}, 0}, {{CR_VAL_NUM, 0, -0.0, {NULL}, 0}, 0},
			{{CR_VAL_NUM, 0, NAN, {NULL}, 0}, 0}, {{CR_VAL_NUM, 0, 0.5, {NULL}, 0}, 1},
			{{CR_VAL_NUM, 0, -INFINITY, {NULL}, 0}, 1}, {{CR_VAL_TEXT, 0, 0, {""}, 0}, 0},
			{{CR_VAL_TEXT, 0, 0, {"0"}, 1}, 1}, {{CR_VAL_TEXT, CR_TEXT_PADDED, 0, {" "}, 1}, 1}
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		{
			v[0] = cases[i].v;
			check_eval("truthy(a)", v, 1, CR_OK, cases[i].want);
			check_eval("NOT truthy(a)", v, 1, CR_OK, !cases[i].want);
		}
	}
	{
		/* on a = 3; -100: refused when compiled (42804, 42883) */
		static const struct
		{
			const char *src;
			int			rc;
			int			want;
		}			more[] = {
			{"truthy(a - 3) OR truthy(a * 2) AND truthy('x') AND NOT truthy(NULL)", CR_OK, 1},
			{"truthy(a / 0)", CR_ERR_DIV_ZERO, 0},
			{"a = 0 OR truthy(1 / (a - 3))", CR_ERR_DIV_ZERO, 0},
			{"a = 3 OR truthy(1 / (a - 3))", CR_OK, 1},
			{"truthy(a) = true", CR_OK, 1},
			/* a feature read only by truthy has no type: any column binds */
			{"truthy(a) AND a > 1", CR_OK, 1},
			{"truthy(a) AND a = 'x'", CR_ERR_TYPE, 0},
			{"truthy(a) + 1 > 0", -100, 0},
			{"truthy()", -100, 0},
		};

		v[0] = num(3);
		for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
			check_eval(more[i].src, v, 1, more[i].rc, more[i].want);
	}
	check_eval("truthy(a, a)", v, 1, -100, 0);
}

/* round(x, n) as round(x::numeric, n), and the fast path against the slow one */
static void
test_round(void)
{
	/* round(x, n) is round(x::numeric, n) */
	ok(cr_rule_round(2.5, 0) == 3 && cr_rule_round(-2.5, 0) == -3, "round half away from zero");
	ok(cr_rule_round(1.005, 2) == 1.01, "round(1.005, 2) = 1.01 (15 significant digits first)");
	ok(cr_rule_round(1234.5, -2) == 1200 && cr_rule_round(99.96, 1) == 100, "round with negative and carrying digits");
	ok(cr_rule_round(0.4, -3) == 0 && !signbit(cr_rule_round(-0.4, 0)), "round to zero gives +0");

	/* the fast round path agrees bit for bit with the snprintf/strtod one */
	{
		CrRng		rng;
		long		diff = 0;
		long		n_cmp = 0;

		cr_rng_seed(&rng, 61);
		for (int it = 0; it < 400000; it++)
		{
			double		x;
			int			n = (int) (cr_rng_next(&rng) % 27) - 8;
			int			kind = it % 4;

			if (kind == 0)		/* any magnitude */
				x = (cr_rng_uniform(&rng) - 0.5) * pow(10.0, (double) (cr_rng_next(&rng) % 30) - 10);
			else if (kind == 1)	/* short decimals: ties in decimal */
				x = (double) ((int64_t) (cr_rng_next(&rng) % 2000001) - 1000000) / pow(10.0, (double) (cr_rng_next(&rng) % 6));
			else if (kind == 2)	/* binary fractions: exact ties */
				x = (double) ((int64_t) (cr_rng_next(&rng) % 20001) - 10000) / (double) (1 << (cr_rng_next(&rng) % 12));
			else				/* near the ends of the fast range */
				x = (cr_rng_next(&rng) & 1 ? 1e15 : 1e-7) * (0.999 + 0.002 * cr_rng_uniform(&rng));
			{
				double		a = cr_rule_round(x, n);
				double		b = cr_rule_round_slow(x, n);

				n_cmp++;
				if (!(a == b && signbit(a) == signbit(b)))
				{
					if (diff < 5)
						printf("# round(%.17g, %d): fast %.17g, slow %.17g\n", x, n, a, b);
					diff++;
				}
			}
		}
		printf("# %ld round comparisons\n", n_cmp);
		ok(diff == 0, "fast round agrees with the reference path on 400000 values");
	}
}

/* random and mutated bytes through the validator */
static void
test_random_bytes(void)
{
	/* random bytes never crash the validator; valid programs survive a round trip */
	{
		CrRng		rng;
		int			accepted = 0;
		int			bad = 0;
		uint8_t    *good;
		size_t		goodlen;
		CrRuleError e;

		cr_rng_seed(&rng, 6);
		const char *src = "a > 1 and b in ('x', 'y') or not c and round(d, 2) between 1 and 2";

		cr_rule_parse(src, strlen(src), NULL, &good, &goodlen, &e);
		for (int it = 0; it < 20000; it++)
		{
			uint8_t		buf[256];
			size_t		len;
			CrRuleProg *p;

			if (it % 2 == 0)
			{
				/* mutate the good program */
				len = goodlen;
				memcpy(buf, good, len);
				for (int m = 0; m < 1 + (int) (cr_rng_next(&rng) % 3); m++)
					buf[cr_rng_next(&rng) % len] = (uint8_t) cr_rng_next(&rng);
				if (cr_rng_next(&rng) % 4 == 0)
					len = cr_rng_next(&rng) % (len + 1);
			}
			else
			{
				len = cr_rng_next(&rng) % sizeof(buf);
				for (size_t i = 0; i < len; i++)
					buf[i] = (uint8_t) cr_rng_next(&rng);
			}
			int			rc = cr_rule_decode(buf, len, NULL, &p, &e);

			if (rc == CR_OK)
			{
				char	   *s;
				size_t		sl;
				uint8_t    *b2;
				size_t		bl2;

				accepted++;
				if (cr_rule_print(p, -1, NULL, &s, &sl, &e) != CR_OK ||
					cr_rule_parse(s, sl, NULL, &b2, &bl2, &e) != CR_OK)
					bad++;
				else
				{
					if (bl2 != len || memcmp(b2, buf, len) != 0)
						bad++;
					free(b2);
				}
				free(s);
				free(p);
			}
			else if (e.code != CR_ERR_BINARY && e.code != CR_ERR_TYPE && e.code != CR_ERR_TOO_DEEP &&
					 e.code != CR_ERR_NUMBER_RANGE)
				bad++;
		}
		free(good);
		printf("# %d of 20000 random byte strings were valid programs\n", accepted);
		ok(bad == 0, "random and mutated bytes: clean errors; valid ones print, re-parse to the same bytes");
	}
}

/*
 * Many distinct feature names (the parser finds a name's index by hash):
 * 8,192 references to 1,024 names in scrambled order compile to a program
 * whose every FEATURE names what the text said, numbered in order of first
 * use; a 1,025th name is too many.
 */
static void
test_many_names(void)
{
	char	   *src = malloc(8192 * 12 + 64);
	int		   *ref = malloc(sizeof(int) * 8193);
	int			first[1025];
	uint8_t    *b = NULL;
	size_t		bl;
	CrRuleProg *p = NULL;
	CrRuleError e;
	int			good = 1;
	int			nfeat = 0;
	int			seen = 0;

	for (int extra = 0; extra < 2; extra++)
	{
		size_t		n = 0;
		int			nref = 8192 + extra;

		for (int i = 0; i < 1025; i++)
			first[i] = -1;
		for (int i = 0; i < nref; i++)
		{
			ref[i] = i < 8192 ? (int) (((unsigned) i * 2654435761u) >> 7) % 1024 : 1024;
			n += (size_t) sprintf(src + n, "%sF_%d", i ? " + " : "", ref[i]);
		}
		sprintf(src + n, " > 0");
		if (extra)
		{
			ok(cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e) == CR_ERR_TOO_MANY,
			   "a 1,025th distinct feature name is too many");
			break;
		}
		if (cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e) != CR_OK ||
			cr_rule_decode(b, bl, NULL, &p, &e) != CR_OK)
		{
			ok(0, "8,192 references to 1,024 feature names compile");
			break;
		}
		for (int k = 0; k < p->ninstr; k++)
		{
			char		want[16];
			int			r;

			if (p->code[k].op != CR_OP_FEATURE)
				continue;
			r = ref[nfeat++];
			snprintf(want, sizeof(want), "f_%d", r);
			if (first[r] < 0)
				first[r] = seen++;
			if (strcmp(p->names[p->code[k].n], want) != 0 || (int) p->code[k].n != first[r])
				good = 0;
		}
		ok(good && nfeat == 8192 && p->nnames == 1024 && seen == 1024,
		   "8,192 references to 1,024 feature names: each FEATURE names its own, numbered by first use");
		free(p);
		free(b);
	}
	free(src);
	free(ref);
}

/*
 * The decoder refuses a name table with a name twice (it finds names in a
 * hash, not by comparing each with every one before it): 1,024 distinct
 * names decode; a name made a copy of another, at either end of the table
 * or in between, is "duplicate name"; and a few names rewritten at random
 * over two letters (so that often two become equal) are refused exactly
 * when two are equal, as comparing every pair finds.
 */
static void
test_duplicate_names(void)
{
	char	   *src = malloc(1024 * 12 + 64);
	size_t		n = 0;
	uint8_t    *b = NULL;
	size_t		bl;
	size_t		off[1024];		/* where each name's bytes are */
	uint32_t	len[1024];
	CrRuleProg *p = NULL;
	CrRuleError e;
	CrRng		rng;
	int			pairs_ok = 1;
	int			random_ok = 1;
	int			refused = 0;

	for (int i = 0; i < 1024; i++)
		n += (size_t) sprintf(src + n, "%sF_%d", i ? " + " : "", i);
	sprintf(src + n, " > 0");
	if (cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e) != CR_OK ||
		cr_rule_decode(b, bl, NULL, &p, &e) != CR_OK || p->nnames != 1024)
	{
		ok(0, "1,024 distinct feature names decode");
		free(src);
		return;
	}
	ok(1, "1,024 distinct feature names decode");
	free(p);
	for (size_t pos = 8, i = 0; i < 1024; i++)
	{
		len[i] = (uint32_t) b[pos] | ((uint32_t) b[pos + 1] << 8);
		off[i] = pos + 2;
		pos += 2 + len[i];
	}

	/* f_<i> copied over f_<j> of the same length: refused */
	{
		static const int cases[][2] = {{0, 9}, {9, 0}, {1000, 1023}, {1023, 1000}, {100, 101}, {500, 999}};

		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		{
			uint8_t    *m = malloc(bl);
			int			from = cases[c][0], to = cases[c][1];

			memcpy(m, b, bl);
			if (len[from] != len[to])
				pairs_ok = 0;
			memcpy(m + off[to], b + off[from], len[from]);
			if (cr_rule_decode(m, bl, NULL, &p, &e) != CR_ERR_BINARY ||
				strcmp(e.message, "invalid incentive condition: duplicate name") != 0)
				pairs_ok = 0;
			free(m);
		}
	}
	ok(pairs_ok, "a name copied over another (first, last, adjacent, apart): \"duplicate name\"");

	cr_rng_seed(&rng, 20261207);
	for (int it = 0; it < 300; it++)
	{
		uint8_t    *m = malloc(bl);
		int			dup = 0;
		int			rc;

		memcpy(m, b, bl);
		/* 1 to 12 names (3 to 6 bytes) rewritten over the letters a and b */
		for (int c = (int) (cr_rng_next(&rng) % 12); c >= 0; c--)
		{
			int			i = (int) (cr_rng_next(&rng) % 1024);

			for (uint32_t k = 0; k < len[i]; k++)
				m[off[i] + k] = (uint8_t) ('a' + cr_rng_next(&rng) % 2);
		}
		for (int i = 0; i < 1024 && !dup; i++)
			for (int j = 0; j < i && !dup; j++)
				dup = len[i] == len[j] && memcmp(m + off[i], m + off[j], len[i]) == 0;
		rc = cr_rule_decode(m, bl, NULL, &p, &e);
		if (dup ? (rc != CR_ERR_BINARY || strcmp(e.message, "invalid incentive condition: duplicate name") != 0)
			: rc != CR_OK)
			random_ok = 0;
		if (rc == CR_OK)
			free(p);
		refused += dup;
		free(m);
	}
	printf("# %d of 300 changed name tables had a name twice\n", refused);
	ok(random_ok && refused > 0 && refused < 300,
	   "names changed at random: refused exactly when two are equal");
	free(b);
	free(src);
}

/*
 * Names whose cr_name_hash is equal (all 32 bits, so the same slot of any
 * table) are still told apart by their bytes, in the parser's table and
 * the decoder's: 4 such pairs (found by hashing 2,000,000 names f_<hex>)
 * decode as 8 names, and a table in which the second of a pair is made a
 * copy of the first is "duplicate name".  1,024 names that all fall in one
 * slot of the decoder's 2,048 (the worst its probing can do) decode too.
 */
static void
test_name_hash_collisions(void)
{
	static const char *const pairs[][2] = {
		{"f_a02416cf", "f_cae22255"}, {"f_8f8389b1", "f_596f5d77"},
		{"f_bb8fec48", "f_c302f530"}, {"f_1069c361", "f_7fc5899d"}};
	char	   *src = malloc(1024 * 16 + 64);
	size_t		n = 0;
	uint8_t    *b = NULL;
	size_t		bl;
	CrRuleProg *p = NULL;
	CrRuleError e;
	int			collide = 1;
	int			decoded;
	int			refused = 0;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
	{
		collide &= cr_name_hash(pairs[i][0], strlen(pairs[i][0])) ==
			cr_name_hash(pairs[i][1], strlen(pairs[i][1]));
		n += (size_t) sprintf(src + n, "%s%s + %s", i ? " + " : "", pairs[i][0], pairs[i][1]);
	}
	sprintf(src + n, " > 0");
	ok(collide, "the pairs of names have equal cr_name_hash");
	decoded = cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e) == CR_OK &&
		cr_rule_decode(b, bl, NULL, &p, &e) == CR_OK && p->nnames == 8;
	ok(decoded, "names of equal hash are distinct names: [%s]", src);
	if (decoded)
	{
		free(p);
		/* the names are in the table in order of first use: 2k, 2k + 1 */
		for (int k = 0; k < 4; k++)
		{
			uint8_t    *m = malloc(bl);
			size_t		pos = 8;
			size_t		first = 0;

			memcpy(m, b, bl);
			for (int i = 0; i <= 2 * k + 1; i++)
			{
				uint32_t	nl = (uint32_t) m[pos] | ((uint32_t) m[pos + 1] << 8);

				if (i == 2 * k)
					first = pos;
				/* the names of a pair have the same length: the first over the second */
				if (i == 2 * k + 1 && nl == strlen(pairs[k][0]))
					memcpy(m + pos + 2, m + first + 2, nl);
				pos += 2 + nl;
			}
			refused += cr_rule_decode(m, bl, NULL, &p, &e) == CR_ERR_BINARY &&
				strcmp(e.message, "invalid incentive condition: duplicate name") == 0;
			free(m);
		}
		free(b);
	}
	ok(refused == 4, "a name copied over its hash twin: \"duplicate name\" (%d of 4)", refused);

	/* 1,024 names in one slot of the decoder's table */
	n = 0;
	for (int i = 0, cnt = 0; cnt < 1024; i++)
	{
		char		nm[16];
		int			l = sprintf(nm, "g%d", i);

		if ((cr_name_hash(nm, (size_t) l) & 2047) == 5)
			n += (size_t) sprintf(src + n, "%s%s", cnt++ ? " + " : "", nm);
	}
	sprintf(src + n, " > 0");
	decoded = cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e) == CR_OK &&
		cr_rule_decode(b, bl, NULL, &p, &e) == CR_OK && p->nnames == 1024;
	ok(decoded, "1,024 names in one slot of the decoder's table decode");
	if (decoded)
	{
		free(p);
		free(b);
	}
	free(src);
}

/*
 * contains(h, x), JsonLogic's {"in": [x, h]}: the results json-logic-js
 * 2.0.5 gives ([...].indexOf(x) !== -1, or String(x) in a string that is
 * not empty; checked with node).
 */
static void
test_contains(void)
{
	CrValue		items[6] = {txt("gold"), num(-0.0), bol(1), {0}, num(1e21), {0}};
	CrValue		arr = {0};
	CrValue		v[2];

	items[5].kind = CR_VAL_ARRAY;	/* a nested array: equal to no scalar */
	arr.kind = CR_VAL_ARRAY;
	arr.items = items;
	arr.len = 6;
	v[0] = arr;
	v[1] = txt("gold");
	check_eval("contains(a, b)", v, 2, CR_OK, 1);
	v[1] = txt("gol");
	check_eval("contains(a, b)", v, 2, CR_OK, 0);
	v[1] = num(0);				/* -0 === 0 */
	check_eval("contains(a, b)", v, 2, CR_OK, 1);
	v[1] = num(NAN);			/* NaN === nothing */
	check_eval("contains(a, b)", v, 2, CR_OK, 0);
	v[1] = (CrValue) {0};		/* NULL is JSON's null: the array has one */
	check_eval("contains(a, b)", v, 2, CR_OK, 1);
	v[1] = txt("1");			/* strict: no conversion */
	check_eval("contains(a, b)", v, 2, CR_OK, 0);
	check_eval("contains(a, true) AND contains(a, 1e21) AND NOT contains(a, false)", v, 1, CR_OK, 1);
	check_eval("truthy(a)", v, 1, CR_OK, 1);
	arr.len = 0;
	v[0] = arr;
	check_eval("truthy(a) OR contains(a, 'gold')", v, 1, CR_OK, 0);
	/* a string: String(x) is in it; "" finds nothing (it is falsy) */
	v[0] = txt("x null true 1e+21 1.5e-7 0.000001 -3 NaN");
	check_eval("contains(a, NULL) AND contains(a, true) AND contains(a, 1e21) AND contains(a, 1.5e-7)", v, 1, CR_OK, 1);
	check_eval("contains(a, 0.000001) AND contains(a, -3) AND contains(a, '') AND NOT contains(a, false)", v, 1, CR_OK, 1);
	check_eval("contains(a, 0 - 0) AND NOT contains(a, 2.5)", v, 1, CR_OK, 1);
	check_eval("contains(a, 1e-7)", v, 1, CR_OK, 0);
	v[0] = txt("");
	check_eval("contains(a, '')", v, 1, CR_OK, 0);
	v[0] = txt("a1e-7 123456789012345680000 0.1 1.7976931348623157e+308");
	check_eval("contains(a, 1e-7) AND contains(a, 123456789012345678901) AND contains(a, 0.1) AND contains(a, 1.7976931348623157e308)",
			   v, 1, CR_OK, 1);
	/* NULL where h is NULL; an error propagates; a number is a type error */
	check_eval("contains(a, 'x') IS NULL", NULL, 0, CR_OK, 1);
	check_eval("contains(a, 1 / 0)", v, 1, CR_ERR_DIV_ZERO, 0);
	v[0] = num(3);
	check_eval("contains(a, 'x')", v, 1, CR_ERR_TYPE, 0);
	check_eval("contains(3, 'x')", NULL, 0, -100, 0);	/* refused when compiled */
}

int
main(void)
{
	test_contains();
	test_many_names();
	test_duplicate_names();
	test_name_hash_collisions();
	test_print_and_errors();
	test_review_findings();
	test_limits();
	test_evaluation();
	test_round();
	test_random_bytes();
	return tap_done();
}
