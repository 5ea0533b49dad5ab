/*
 * test_rule_fused.c: the evaluator's fused steps (CrFast, cr_rule_check.c and
 * cr_rule_interp.c) give exactly what the instructions give one by one.
 * link: src/cr_rule_util.c src/cr_rule_lex.c src/cr_rule_parse.c src/cr_rule_binary.c src/cr_rule_check.c src/cr_rule_print.c src/cr_rule_round.c src/cr_rule_interp.c
 *
 * Every condition (a fixed list of the shapes JsonLogic and hand-written
 * rules compile to, then random ones from a small grammar built around the
 * fused shapes) is evaluated over many feature values, NULL, NaN, signed
 * zeros, values equal to the constants, huge numbers, char(n) text, and
 * values of the wrong kind (as jsonb facts give), once with the fused steps
 * and once without (prog->fast = NULL); return code, result, error code,
 * message and node must agree.  A few programs also check which steps were
 * found, so a matcher that silently stops matching is noticed.
 */
#include "cr_rule_int.h"
#include "cr_random.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#define NFEAT 4					/* features x, y, s, b */

/* The palette of feature values. */
static CrValue
palette(int i)
{
	static const double nums[] = {0.0, -0.0, 1.0, 2.5, -1.0, -0.5, 3.0, 0.1, 14.0,
	1e308, -1e308, 0.3};
	static const char *const texts[] = {"a", "b", "a  ", "", "annual", "b "};
	int			nn = (int) (sizeof(nums) / sizeof(nums[0]));
	int			nt = (int) (sizeof(texts) / sizeof(texts[0]));
	CrValue		v;

	memset(&v, 0, sizeof(v));
	if (i == 0)
		return v;				/* NULL */
	i--;
	if (i == 0)
	{
		v.kind = CR_VAL_NUM;
		v.num = NAN;
		return v;
	}
	i--;
	if (i < nn)
	{
		v.kind = CR_VAL_NUM;
		v.num = nums[i];
		return v;
	}
	i -= nn;
	if (i < nt * 2)
	{
		v.kind = CR_VAL_TEXT;
		v.str = texts[i % nt];
		v.len = strlen(v.str);
		v.boolean = i >= nt ? CR_TEXT_PADDED : 0;
		return v;
	}
	i -= nt * 2;
	v.kind = CR_VAL_BOOL;
	v.boolean = i & 1;
	return v;
}

#define NPALETTE (2 + 12 + 12 + 2)

static int	fused_programs = 0;

/* A palette value of the given kind (NULL now and then). */
static CrValue
palette_of_kind(int kind, uint64_t *seed)
{
	for (;;)
	{
		CrValue		v = palette((int) (cr_splitmix64(seed) % NPALETTE));

		if (v.kind == kind || (v.kind == CR_VAL_NULL && cr_splitmix64(seed) % 3 == 0))
			return v;
	}
}

static int	typed_programs = 0;

/* Do two evaluations agree (return code, result, error)?  Prints when not. */
static int
same_eval(const char *src, const CrRuleProg *p, const CrValue *feats, const char *how,
		  int rc1, int r1, const CrRuleError *e1, int rc2, int r2, const CrRuleError *e2)
{
	if (rc1 == rc2 && (rc1 != CR_OK || r1 == r2) &&
		(rc1 == CR_OK || (e1->code == e2->code && e1->node == e2->node &&
						  strcmp(e1->message, e2->message) == 0)))
		return 1;
	printf("# [%s] %s rc %d result %d (%s), plain rc %d result %d (%s)\n", src, how,
		   rc1, r1, rc1 ? e1->message : "", rc2, r2, rc2 ? e2->message : "");
	for (int i = 0; i < p->nnames; i++)
		printf("#   %s: kind %d num %g text [%.*s] flags %d\n", p->names[i], feats[i].kind,
			   feats[i].num, feats[i].kind == CR_VAL_TEXT ? (int) feats[i].len : 0,
			   feats[i].kind == CR_VAL_TEXT ? feats[i].str : "", feats[i].boolean);
	return 0;
}

/*
 * Evaluate src over feature values drawn by seed: fused against plain
 * (prog->fast = NULL) over values of any kind, and, for every assignment of
 * kinds to the features that the type check accepts, cr_rule_eval_typed
 * (which skips decided AND / OR operands) against plain over values of
 * those kinds.  1 when all agree, -1 when src does not compile.
 */
static int
agree(const char *src, uint64_t seed, int rounds)
{
	uint8_t    *b;
	size_t		bl;
	CrRuleProg *p;
	CrRuleProg	plain;
	CrRuleError e1,
				e2;
	CrValue		feats[NFEAT + 1];
	CrValue    *st1,
			   *st2;
	uint8_t		kinds[81][NFEAT + 1];
	int			nkinds = 0;
	int			good = 1;

	if (cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e1) != CR_OK)
		return -1;
	if (cr_rule_decode(b, bl, NULL, &p, &e1) != CR_OK)
	{
		free(b);
		return -1;
	}
	plain = *p;
	plain.fast = NULL;
	for (int k = 0; p->fast && k < p->ninstr; k++)
		if (CR_FAST_AT(p, k)->kind != CR_FAST_NONE)
		{
			fused_programs++;
			break;
		}
	/* the kinds of the features that pass the type check (number, text, boolean each) */
	{
		int			combos = 1;

		for (int i = 0; i < p->nnames && i < NFEAT; i++)
			combos *= 3;
		for (int c = 0; c < combos && p->nnames <= NFEAT; c++)
		{
			int			cc = c;

			for (int i = 0; i < NFEAT; i++, cc /= 3)
				kinds[nkinds][i] = (uint8_t) (CR_VAL_NUM + cc % 3);
			if (cr_rule_typecheck(p, kinds[nkinds], NULL, &e1) == CR_OK)
				nkinds++;
		}
	}
	if (nkinds > 0)
		typed_programs++;
	/* fused, the stack has cr_rule_stack_slots (AddressSanitizer checks it is enough) */
	st1 = calloc((size_t) cr_rule_stack_slots(p), sizeof(CrValue));
	st2 = calloc((size_t) p->max_stack + 1, sizeof(CrValue));
	for (int r = 0; r < rounds && good; r++)
	{
		int			r1 = -9,
					r2 = -9,
					rc1,
					rc2;

		for (int i = 0; i < p->nnames; i++)
			feats[i] = palette((int) (cr_splitmix64(&seed) % NPALETTE));
		memset(&e1, 0, sizeof(e1));
		memset(&e2, 0, sizeof(e2));
		rc1 = cr_rule_eval(p, feats, st1, &r1, &e1);
		rc2 = cr_rule_eval(&plain, feats, st2, &r2, &e2);
		good = same_eval(src, p, feats, "fused", rc1, r1, &e1, rc2, r2, &e2);
		if (!good || nkinds == 0)
			continue;
		{
			const uint8_t *kd = kinds[cr_splitmix64(&seed) % (uint64_t) nkinds];

			for (int i = 0; i < p->nnames; i++)
				feats[i] = palette_of_kind(kd[i], &seed);
		}
		r1 = r2 = -9;
		memset(&e1, 0, sizeof(e1));
		memset(&e2, 0, sizeof(e2));
		rc1 = cr_rule_eval_typed(p, feats, st1, &r1, &e1);
		rc2 = cr_rule_eval(&plain, feats, st2, &r2, &e2);
		good = same_eval(src, p, feats, "typed", rc1, r1, &e1, rc2, r2, &e2);
	}
	free(st1);
	free(st2);
	free(p);
	free(b);
	return good;
}

/* ------------------------------------------------------------------ random conditions */

typedef struct Gen
{
	uint64_t	seed;
	char		buf[4096];
	size_t		len;
} Gen;

static unsigned
pick(Gen *g, unsigned n)
{
	return (unsigned) (cr_splitmix64(&g->seed) % n);
}

static void
put(Gen *g, const char *s)
{
	size_t		n = strlen(s);

	if (g->len + n < sizeof(g->buf))
	{
		memcpy(g->buf + g->len, s, n);
		g->len += n;
		g->buf[g->len] = '\0';
	}
}

static void
gen_const(Gen *g)
{
	static const char *const c[] = {"0", "1", "2.5", "-1", "-0.5", "3", "0.1", "14", "-0",
	"1e308", "- -2", "0.3"};

	put(g, c[pick(g, sizeof(c) / sizeof(c[0]))]);
}

static void
gen_feature(Gen *g)
{
	static const char *const f[] = {"x", "y", "s", "b"};

	put(g, f[pick(g, NFEAT)]);
}

static void gen_bool(Gen *g, int depth);

static void
gen_num(Gen *g, int depth)
{
	static const char *const ops[] = {" + ", " - ", " * ", " / ", " % "};

	switch (depth > 3 ? pick(g, 3) : pick(g, 7))
	{
		case 0:
			gen_feature(g);
			break;
		case 1:
			gen_const(g);
			break;
		case 2:
			put(g, "coalesce(");
			gen_feature(g);
			put(g, ", ");
			gen_const(g);
			put(g, ")");
			break;
		case 3:
			put(g, "(");
			gen_num(g, depth + 1);
			put(g, ops[pick(g, 5)]);
			if (pick(g, 2))
				gen_const(g);
			else
				gen_num(g, depth + 1);
			put(g, ")");
			break;
		case 4:
			if (pick(g, 2))
			{
				put(g, "abs(");
				gen_num(g, depth + 1);
			}
			else
			{
				put(g, "greatest(");
				gen_num(g, depth + 1);
				put(g, ", ");
				gen_num(g, depth + 1);
			}
			put(g, ")");
			break;
		case 5:
			put(g, "coalesce(");
			gen_num(g, depth + 1);
			put(g, ", ");
			gen_const(g);
			put(g, ")");
			break;
		default:
			put(g, "-");
			gen_num(g, depth + 1);
			break;
	}
}

static void
gen_compare(Gen *g, int depth)
{
	static const char *const cmp[] = {" = ", " <> ", " < ", " <= ", " > ", " >= "};
	static const char *const txt[] = {"'a'", "'b'", "'a  '", "''", "'annual'"};

	switch (pick(g, 8))
	{
		case 0:
		case 1:
			gen_num(g, depth + 1);
			put(g, cmp[pick(g, 6)]);
			gen_const(g);
			break;
		case 2:
			gen_const(g);
			put(g, cmp[pick(g, 6)]);
			gen_num(g, depth + 1);
			break;
		case 3:
			if (pick(g, 2))
			{
				gen_feature(g);
				put(g, cmp[pick(g, 6)]);
				put(g, txt[pick(g, 5)]);
			}
			else
			{
				put(g, txt[pick(g, 5)]);
				put(g, cmp[pick(g, 6)]);
				gen_feature(g);
			}
			break;
		case 4:
			gen_feature(g);
			put(g, pick(g, 2) ? " BETWEEN " : " NOT BETWEEN ");
			gen_const(g);
			put(g, " AND ");
			gen_const(g);
			break;
		case 5:
			{
				/* lists of 1 to 12 items, sorted for the search when fused */
				static const char *const more[] = {"'a '", "'b  '", "'annual'", "'c'", "'a'"};
				int			text = pick(g, 2);
				int			n = 1 + (int) pick(g, pick(g, 2) ? 2 : 12);

				if (pick(g, 3) == 0)
				{
					/* top IN (...): a computed value, or coalesce(s, 'text') */
					if (text)
						put(g, pick(g, 2) ? "coalesce(s, 'a')" : "coalesce(s, 'b ')");
					else
						gen_num(g, depth + 1);
				}
				else
					gen_feature(g);
				put(g, pick(g, 2) ? " IN (" : " NOT IN (");
				for (int i = 0; i < n; i++)
				{
					if (i > 0)
						put(g, ", ");
					if (!text)
						gen_const(g);
					else if (pick(g, 2))
						put(g, txt[pick(g, 5)]);
					else
						put(g, more[pick(g, 5)]);
				}
				put(g, ")");
			}
			break;
		case 6:
			gen_feature(g);
			put(g, pick(g, 2) ? " IS NULL" : " IS NOT NULL");
			break;
		default:
			gen_feature(g);
			break;
	}
}

static void
gen_bool(Gen *g, int depth)
{
	switch (depth > 3 ? 0 : pick(g, 6))
	{
		case 0:
		case 1:
			gen_compare(g, depth);
			break;
		case 2:
			put(g, "coalesce(");
			gen_bool(g, depth + 1);
			put(g, pick(g, 2) ? ", false)" : ", true)");
			break;
		case 3:
			put(g, "NOT (");
			gen_bool(g, depth + 1);
			put(g, ")");
			break;
		default:
			put(g, "(");
			gen_bool(g, depth + 1);
			put(g, pick(g, 2) ? " AND " : " OR ");
			gen_bool(g, depth + 1);
			put(g, ")");
			break;
	}
}


/*
 * Deeper and wider conditions than gen_bool's, for the stack the evaluator
 * needs with fused steps (cr_rule_stack_slots): AND and OR of up to 6
 * operands, least, greatest and coalesce of up to 8 arguments, chains of
 * + and -, nesting until the node budget runs out, and IN lists that mix
 * runs of constants with expressions and NULL (a run that ends in a feature
 * or an expression is no fused IN, the items after it may be).
 */
typedef struct Deep
{
	Gen			g;
	int			nodes;			/* left to spend */
} Deep;

static void deep_bool(Deep *d, int depth);

/*
 * open, n items of item() separated by sep1 or sep2 (drawn), and ")"; n = 1
 * with no separators wraps one item.
 */
static void
deep_join(Deep *d, int depth, const char *open, int n, const char *sep1, const char *sep2,
		  void (*item) (Deep *d, int depth))
{
	put(&d->g, open);
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			put(&d->g, pick(&d->g, 2) ? sep1 : sep2);
		item(d, depth + 1);
	}
	put(&d->g, ")");
}

static void
deep_num(Deep *d, int depth)
{
	Gen		   *g = &d->g;
	static const char *const fns[] = {"least(", "greatest(", "coalesce("};

	if (--d->nodes <= 0 || depth > 14 || pick(g, 5) == 0)
	{
		if (pick(g, 2))
			gen_feature(g);
		else
			gen_const(g);
		return;
	}
	switch (pick(g, 6))
	{
		case 0:
			deep_join(d, depth, "(", 2, " * ", " - ", deep_num);
			break;
		case 1:
			deep_join(d, depth, fns[pick(g, 3)], 1 + (int) pick(g, 8), ", ", ", ", deep_num);
			break;
		case 2:
			/* a chain of one level */
			deep_join(d, depth, "(", 2 + (int) pick(g, 10), " + ", " - ", deep_num);
			break;
		case 3:
			deep_join(d, depth, pick(g, 2) ? "-(" : "abs(", 1, "", "", deep_num);
			break;
		default:
			gen_num(g, 3);
			break;
	}
}

static void
deep_list(Deep *d, int depth)
{
	Gen		   *g = &d->g;
	static const char *const txt[] = {"'a'", "'b'", "'a  '", "''", "'annual'", "'b '"};
	int			text = pick(g, 3) == 0;
	int			n = 1 + (int) pick(g, 16);

	if (text)
		put(g, pick(g, 2) ? "s" : "coalesce(s, 'a')");
	else if (pick(g, 2))
		gen_feature(g);
	else
		deep_num(d, depth + 1);
	put(g, pick(g, 2) ? " IN (" : " NOT IN (");
	for (int i = 0; i < n; i++)
	{
		unsigned	r = pick(g, 10);

		if (i > 0)
			put(g, ", ");
		if (r < 6)
		{
			if (text)
				put(g, txt[pick(g, 6)]);
			else
				gen_const(g);
		}
		else if (r == 6)
			put(g, "NULL");
		else if (text)
			put(g, pick(g, 2) ? "s" : "least(s, 'b')");
		else
			deep_num(d, depth + 1);
	}
	put(g, ")");
}

static void
deep_bool(Deep *d, int depth)
{
	Gen		   *g = &d->g;
	int			n;

	if (--d->nodes <= 0 || depth > 14)
	{
		gen_compare(g, 4);
		return;
	}
	switch (pick(g, 7))
	{
		case 0:
		case 1:
			deep_join(d, depth, "(", 2 + (int) pick(g, 5), " AND ", " OR ", deep_bool);
			break;
		case 2:
			deep_join(d, depth, "NOT (", 1, "", "", deep_bool);
			break;
		case 3:
			put(g, "coalesce(");
			n = 1 + (int) pick(g, 4);
			for (int i = 0; i < n; i++)
			{
				deep_bool(d, depth + 1);
				put(g, ", ");
			}
			put(g, pick(g, 2) ? "true)" : "false)");
			break;
		case 4:
			deep_list(d, depth);
			break;
		case 5:
			deep_join(d, depth, "(", 2, " < ", " = ", deep_num);
			break;
		default:
			gen_compare(g, depth);
			break;
	}
}

/* ------------------------------------------------------------------ tests */

static const char *const fixed[] = {
	"x > 14", "x < -0.5", "14 < x", "-0.5 >= x", "x = 0", "x <> 0",
	"coalesce(x, 0) > 14", "coalesce(x, 0) < 0.3", "20 <= coalesce(x, 0)",
	"coalesce(x, -1) = -1", "coalesce(x, - -2) >= 2",
	"coalesce(x, 0) > 14 AND coalesce(y, 0) < 0.3",
	"coalesce(s = 'annual', false) AND (20 <= coalesce(x, 0) AND coalesce(x, 0) <= 60)",
	"coalesce(x = 0, false)", "NOT coalesce(b, false)", "coalesce(b, true)",
	"coalesce(coalesce(x, 0) - 30 * (y + 1) > 0, false)",
	"greatest(coalesce(x, 0), coalesce(y, 0)) >= 14",
	"s = 'annual'", "'annual' = s", "s < 'b'", "'b' > s", "s <> 'a  '",
	"x BETWEEN 20 AND 60", "x NOT BETWEEN -1 AND 1", "x BETWEEN 3 AND 1",
	"s IN ('annual', 'lifetime')", "s NOT IN ('a')", "x IN (1, 2.5, 3)", "x NOT IN (0)",
	"x / (y + 1) > 30", "x + 1 > 2", "x * 1e308 > 1", "x % 0 = 1", "x / 0 > 1 OR x > 0",
	"coalesce(x / 0, 1) > 0", "coalesce(x, 0) / 0 > 0", "ln(x + 1) < 2",
	"round(x, 1) = 0.5", "abs(x) < 0.05 AND y > 10", "x IS NULL AND y > 20",
	"coalesce(x, 0) = coalesce(y, 0)", "coalesce(x, 0) + 1 > 0",
	"x IN (14, 3, -1, 0.1, 2.5, 1e308, -0.5, 0.3, 1, -0, 7, 8, 9)",
	"x NOT IN (14, 3, -1, 0.1, 2.5, 1e308, -0.5, 0.3, 1, 0, 7, 8, 9)",
	"s IN ('b ', 'annual', 'a', 'c', 'a  ', '', 'z', 'y', 'x', 'w')",
	"s NOT IN ('b  ', 'annual', 'a ', 'c', 'd', 'e', 'f', 'g', 'h', 'i')",
	"coalesce(x, 0) IN (14, 3, -1, 0.1, 2.5, 1e308, -0.5, 0.3, 5, 6, 7, 8, 9)",
	"coalesce(s, 'b  ') IN ('b', 'annual', 'a ', '', 'e', 'f', 'g', 'h', 'i')",
	"x / 0 IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) OR x > 0",
	"1 IN (1, 2)", "'a ' IN ('a', 'b', 'a  ', 'c', 'd', 'e', 'f', 'g', 'h')",
};

/* The fused steps found in src, as kind letters ("C" = CMP ...), into out. */
static void
steps_of(const char *src, char *out, size_t outlen)
{
	uint8_t    *b;
	size_t		bl;
	CrRuleProg *p;
	CrRuleError e;
	size_t		n = 0;

	out[0] = '\0';
	if (cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e) != CR_OK)
		return;
	if (cr_rule_decode(b, bl, NULL, &p, &e) == CR_OK)
	{
		for (int k = 0; p->fast && k < p->ninstr && n + 1 < outlen; k++)
			if (CR_FAST_AT(p, k)->kind != CR_FAST_NONE)
				out[n++] = "-CTBINAci"[CR_FAST_AT(p, k)->kind];
		out[n] = '\0';
		free(p);
	}
	free(b);
}

static void
check_steps(const char *src, const char *want)
{
	char		got[64];
	char		msg[300];

	steps_of(src, got, sizeof(got));
	snprintf(msg, sizeof(msg), "fused steps of [%s] are %s", src, want);
	ok(strcmp(got, want) == 0, msg);
	if (strcmp(got, want) != 0)
		printf("# got %s\n", got);
}

/*
 * A program of more than CR_FUSE_MAX_INSTR instructions (built as bytes: the
 * text form cannot be that long) has no fused steps and evaluates as the
 * instructions say: (x > 1 AND true AND ... AND true) AND (true AND ... AND
 * true), each AND of CR_RULE_MAX_ITEMS operands.
 */
static void
check_long_program(void)
{
	int			ntrue = CR_RULE_MAX_ITEMS - 1;
	size_t		len = 8 + 3 + 1 + 2 + 9 + 1 + (size_t) ntrue + 3 + (size_t) ntrue + 1 + 3 + 3;
	uint8_t    *b = calloc(len, 1);
	size_t		pos = 0;
	size_t		codelen = len - 8 - 3;
	CrRuleProg *p;
	CrRuleError e;
	double		one = 1.0;
	uint8_t		onebytes[8];
	int			ok_all = 1;

	memcpy(onebytes, &one, 8);	/* little-endian hosts, as the format is */
	b[pos++] = CR_RULE_VERSION;
	b[pos++] = 0;
	b[pos++] = 1;				/* one name */
	b[pos++] = 0;
	for (int i = 0; i < 4; i++)
		b[pos++] = (uint8_t) (codelen >> (8 * i));
	b[pos++] = 1;				/* "x" */
	b[pos++] = 0;
	b[pos++] = 'x';
	b[pos++] = CR_OP_FEATURE;
	b[pos++] = 0;
	b[pos++] = 0;
	b[pos++] = CR_OP_NUM;
	memcpy(b + pos, onebytes, 8);
	pos += 8;
	b[pos++] = CR_OP_GT;
	for (int i = 0; i < ntrue; i++)
		b[pos++] = CR_OP_TRUE;
	b[pos++] = CR_OP_AND;
	b[pos++] = (uint8_t) ((ntrue + 1) & 0xff);
	b[pos++] = (uint8_t) ((ntrue + 1) >> 8);
	for (int i = 0; i < ntrue + 1; i++)
		b[pos++] = CR_OP_TRUE;
	b[pos++] = CR_OP_AND;
	b[pos++] = (uint8_t) ((ntrue + 1) & 0xff);
	b[pos++] = (uint8_t) ((ntrue + 1) >> 8);
	b[pos++] = CR_OP_AND;
	b[pos++] = 2;
	b[pos++] = 0;
	if (pos != len || cr_rule_decode(b, len, NULL, &p, &e) != CR_OK)
	{
		ok(0, "a program of 131,075 instructions decodes");
		free(b);
		return;
	}
	ok(p->ninstr > CR_FUSE_MAX_INSTR && p->fast == NULL,
	   "a program longer than CR_FUSE_MAX_INSTR has no fused steps");
	for (int t = 0; t < 3; t++)
	{
		CrValue		x;
		CrValue    *st = calloc((size_t) p->max_stack + 1, sizeof(CrValue));
		int			r = -9,
					r2 = -9;
		int			want = t == 0 ? 1 : t == 1 ? 0 : -1;

		memset(&x, 0, sizeof(x));
		x.kind = t == 2 ? CR_VAL_NULL : CR_VAL_NUM;
		x.num = t == 0 ? 2.0 : 0.0;
		if (cr_rule_eval(p, &x, st, &r, &e) != CR_OK || r != want ||
			cr_rule_eval_typed(p, &x, st, &r2, &e) != CR_OK || r2 != want)
			ok_all = 0;
		free(st);
	}
	ok(ok_all, "... and evaluates to true, false and NULL for x = 2, 0 and NULL");
	free(p);
	free(b);
}

/*
 * A long constant list: the fused IN searches it where it is, so the
 * evaluator needs a stack of 2, not of every item; a tested value of the
 * wrong kind gives the error of the instructions one by one (code,
 * message, node) without pushing them.  A list that ends in a feature is
 * no fused IN, and agrees with the plain evaluation too.
 */
static void
check_long_lists(void)
{
	static const char *const tails[] = {"", ", y", ", 'k'"};
	char	   *src = malloc(65535 * 12 + 64);

	for (int t = 0; t < 3; t++)
	{
		size_t		n = (size_t) sprintf(src, "x IN (");
		uint8_t    *b;
		size_t		bl;
		CrRuleProg *p;
		CrRuleProg	plain;
		CrRuleError e1,
					e2;
		char		msg[700];

		for (int i = 0; i < 65534; i++)
			n += (size_t) sprintf(src + n, "%s%d", i ? ", " : "", (i * 7) % 65534 - 30000);
		sprintf(src + n, "%s)", tails[t]);
		if (cr_rule_parse(src, strlen(src), NULL, &b, &bl, &e1) != CR_OK ||
			cr_rule_decode(b, bl, NULL, &p, &e1) != CR_OK)
		{
			/* 'k' among numbers: a type error of the list */
			ok(t == 2 && e1.code == CR_ERR_TYPE, "a list of numbers and text does not compile");
			continue;
		}
		plain = *p;
		plain.fast = NULL;
		snprintf(msg, sizeof(msg), "x IN (65,534 numbers%s): %s, stack of %d for %d items", tails[t],
				 t == 0 ? "one fused IN" : "no fused IN", cr_rule_stack_slots(p), p->max_stack);
		ok(t == 0 ? (p->fast && CR_FAST_AT(p, 0)->kind == CR_FAST_IN && cr_rule_stack_slots(p) <= 2 &&
					 p->max_stack > 65534)
		   : (p->fast && CR_FAST_AT(p, 0)->kind == CR_FAST_NONE), msg);
		for (int v = 0; v < 6; v++)
		{
			CrValue		f[2];
			CrValue    *s1 = calloc((size_t) cr_rule_stack_slots(p), sizeof(CrValue));
			CrValue    *s2 = calloc((size_t) p->max_stack + 1, sizeof(CrValue));
			int			r1 = -9,
						r2 = -9,
						rc1,
						rc2;

			memset(f, 0, sizeof(f));
			memset(&e1, 0, sizeof(e1));
			memset(&e2, 0, sizeof(e2));
			f[0].kind = v == 3 ? CR_VAL_TEXT : v == 4 ? CR_VAL_BOOL : v == 5 ? CR_VAL_NULL : CR_VAL_NUM;
			f[0].num = v == 0 ? -29993 : v == 1 ? 12.5 : NAN;
			f[0].str = "k";
			f[0].len = 1;
			f[1].kind = CR_VAL_NUM;
			f[1].num = 12.5;
			rc1 = cr_rule_eval(p, f, s1, &r1, &e1);
			rc2 = cr_rule_eval(&plain, f, s2, &r2, &e2);
			snprintf(msg, sizeof(msg), "... value %d: fused %d/%d [%s], plain %d/%d [%s]", v, rc1, r1,
					 e1.message, rc2, r2, e2.message);
			ok(rc1 == rc2 && r1 == r2 && (rc1 == CR_OK || (e1.code == e2.code && e1.node == e2.node &&
														  strcmp(e1.message, e2.message) == 0)) &&
			   ((v != 3 && v != 4) || rc1 == CR_ERR_TYPE), msg);
			free(s1);
			free(s2);
		}
		free(p);
		free(b);
	}
	free(src);
}

int
main(void)
{
	char		msg[300];
	int			bad = 0;
	int			tried = 0;
	int			compiled = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
	{
		int			r = agree(fixed[i], 1000 + i, 4000);

		snprintf(msg, sizeof(msg), "fused and plain evaluation agree on [%s]", fixed[i]);
		ok(r == 1, msg);
	}

	check_steps("x > 14", "C");
	check_steps("-0.5 >= x", "C");
	check_steps("coalesce(x, 0) > 14 AND coalesce(y, 0) < 0.3", "CC");
	check_steps("20 <= coalesce(x, -1)", "C");
	check_steps("coalesce(s = 'annual', false)", "TN");
	check_steps("'annual' <> s", "T");
	check_steps("x BETWEEN -1 AND 1", "B");
	check_steps("s IN ('a', 'b')", "I");
	check_steps("x NOT IN (1, 2)", "I");
	check_steps("NOT coalesce(b, false)", "N");
	check_steps("x / (y + 1) > 30", "Ac");
	check_steps("x IN (1, -2)", "I");
	check_steps("coalesce(x, 0) IN (3, 1, -2)", "Ni");
	check_steps("x + 1 NOT IN (3)", "Ai");
	check_steps("1 IN (1, 2)", "i");
	check_steps("-1 IN (-1)", "i");
	check_steps("coalesce(s, 'a') IN ('b', 'a  ')", "i");
	check_steps("ln(x + 1) < 2", "Ac");
	check_steps("round(x, 1) = 0.5", "c");
	/* a constant run that ends in a feature or an expression: the IN after it is still found */
	check_steps("x IN (1, 2, y) OR y IN (3, 4)", "I");
	check_steps("x IN (1, 2, 3, y + 1) AND 2 IN (1, 2)", "Ai");
	check_steps("s IN ('a', 'b', s, 'c') OR s NOT IN ('d')", "I");

	check_long_program();
	check_long_lists();

	/* random conditions around the fused shapes, with values of every kind */
	for (uint64_t s = 1; tried < 20000; s++)
	{
		Gen			g;
		int			r;

		memset(&g, 0, sizeof(g));
		g.seed = s * UINT64_C(0x9E3779B97F4A7C15);
		gen_bool(&g, 0);
		tried++;
		r = agree(g.buf, s, 200);
		if (r < 0)
			continue;
		compiled++;
		if (r == 0 && ++bad > 5)
			break;
	}
	snprintf(msg, sizeof(msg), "fused and plain evaluation agree on %d random conditions", compiled);
	ok(bad == 0, msg);
	snprintf(msg, sizeof(msg), "most random conditions compile (%d of %d), most have fused steps (%d) "
			 "and most type-check with some kinds of features (%d)",
			 compiled, tried, fused_programs, typed_programs);
	ok(compiled > tried / 2 && fused_programs > compiled / 2 && typed_programs > compiled / 2, msg);

	/* deeper and wider ones: the fused evaluation's stack is still enough */
	{
		int			deep_tried = 0,
					deep_compiled = 0,
					deep_bad = 0,
					deepest = 0;

		for (uint64_t s = 1; deep_tried < 2000; s++)
		{
			Deep		d;
			int			r;
			uint8_t    *b;
			size_t		bl;
			CrRuleProg *p;
			CrRuleError e;

			memset(&d, 0, sizeof(d));
			d.g.seed = s * UINT64_C(0xD1B54A32D192ED03);
			d.nodes = 40 + (int) pick(&d.g, 200);
			deep_bool(&d, 0);
			deep_tried++;
			r = agree(d.g.buf, s, 60);
			if (r < 0)
				continue;
			deep_compiled++;
			if (cr_rule_parse(d.g.buf, d.g.len, NULL, &b, &bl, &e) == CR_OK)
			{
				if (cr_rule_decode(b, bl, NULL, &p, &e) == CR_OK)
				{
					if (p->max_stack > deepest)
						deepest = p->max_stack;
					free(p);
				}
				free(b);
			}
			if (r == 0 && ++deep_bad > 5)
				break;
		}
		snprintf(msg, sizeof(msg), "fused and plain evaluation agree on %d deep conditions of %d "
				 "(stacks up to %d values)", deep_compiled, deep_tried, deepest);
		ok(deep_bad == 0 && deep_compiled > deep_tried / 2 && deepest >= 30, msg);
	}

	return tap_done();
}
