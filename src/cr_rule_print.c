/*
 * cr_rule_print.c
 *	  The canonical printer of compiled incentive conditions: text that parses
 *	  back to the same program, with only the parentheses needed.
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

/* ------------------------------------------------------------------ printer */

typedef struct Printer
{
	const CrRuleProg *prog;
	const int  *first;			/* index into kids of node's first child */
	const int  *kids;
	int		   *spine;			/* chains being printed (print_chain) */
	int			nspine;
	CrBuf			out;
} Printer;

/* Binding strength of a node, as in the grammar (higher binds tighter). */
static int
prec(const CrInstr *in)
{
	switch (in->op)
	{
		case CR_OP_OR:
			return 1;
		case CR_OP_AND:
			return 2;
		case CR_OP_NOT:
			return 3;
		case CR_OP_EQ:
		case CR_OP_NE:
		case CR_OP_LT:
		case CR_OP_LE:
		case CR_OP_GT:
		case CR_OP_GE:
		case CR_OP_ISNULL:
		case CR_OP_ISNOTNULL:
		case CR_OP_BETWEEN:
		case CR_OP_NOTBETWEEN:
		case CR_OP_IN:
		case CR_OP_NOTIN:
			return 4;
		case CR_OP_ADD:
		case CR_OP_SUB:
			return 5;
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
			return 6;
		case CR_OP_NEG:
			return 7;
		default:
			return 8;
	}
}

/* Shortest text that reads back exactly; plain notation for integers below 1e16. */
void
cr_print_number(CrBuf *b, double d)
{
	char		tmp[64];

	int			digits;

	for (digits = 1; digits < 17; digits++)
	{
		snprintf(tmp, sizeof(tmp), "%.*e", digits - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* plain notation for integers up to 16 digits: 1200, not 1.2e3 */
	{
		int			e10 = atoi(strchr(tmp, 'e') + 1);

		if (e10 >= digits && e10 < 16)
			digits = e10 + 1;
	}
	snprintf(tmp, sizeof(tmp), "%.*g", digits, d);
	/* 1e+20 -> 1e20, 1.5e-07 -> 1.5e-7 */
	{
		char	   *e = strchr(tmp, 'e');

		if (e)
		{
			char	   *w = e + 1;
			char	   *r = e + 1;

			if (*r == '+')
				r++;
			else if (*r == '-')
				*w++ = *r++;
			while (*r == '0' && r[1] != '\0')
				r++;
			memmove(w, r, strlen(r) + 1);
		}
	}
	cr_buf_str(b, tmp);
}

void
cr_print_quoted(CrBuf *b, const char *s, size_t len, char q)
{
	cr_buf_u8(b, (unsigned char) q);
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] == q)
			cr_buf_u8(b, (unsigned char) q);
		cr_buf_u8(b, (unsigned char) s[i]);
	}
	cr_buf_u8(b, (unsigned char) q);
}

static void
print_name(CrBuf *b, const char *s, size_t len)
{
	int			simple = len > 0 && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');

	for (size_t i = 1; simple && i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			simple = 0;
	for (size_t k = 0; simple && k < CR_NKEYWORDS; k++)
		if (strlen(cr_keywords[k]) == len && memcmp(cr_keywords[k], s, len) == 0)
			simple = 0;
	if (simple)
		cr_buf_bytes(b, s, len);
	else
		cr_print_quoted(b, s, len, '"');
}

static void print_node(Printer *pr, int k, int minprec);

/*
 * A left-associative chain a + b - c ... without recursing along it: walk
 * down the left operands of the same level, print the innermost operand,
 * then each operator and right operand on the way back up.
 */
static void
print_chain(Printer *pr, int k)
{
	const CrInstr *code = pr->prog->code;
	int			level = cr_arith_level(code[k].op);
	int			base = pr->nspine;
	int			j = k;

	while (cr_arith_level(code[j].op) == level)
	{
		pr->spine[pr->nspine++] = j;
		j = pr->kids[pr->first[j]];
	}
	print_node(pr, j, prec(&code[k]));
	while (pr->nspine > base)
	{
		int			n = pr->spine[--pr->nspine];

		cr_buf_u8(&pr->out, ' ');
		cr_buf_str(&pr->out, cr_op_symbol(&code[n]));
		cr_buf_u8(&pr->out, ' ');
		print_node(pr, pr->kids[pr->first[n] + 1], prec(&code[n]) + 1);
	}
}

static void
print_list(Printer *pr, int k, int from)
{
	int			ar = cr_op_arity(&pr->prog->code[k]);

	cr_buf_u8(&pr->out, '(');
	for (int i = from; i < ar; i++)
	{
		if (i > from)
			cr_buf_str(&pr->out, ", ");
		print_node(pr, pr->kids[pr->first[k] + i], 1);
	}
	cr_buf_u8(&pr->out, ')');
}

static void
print_node(Printer *pr, int k, int minprec)
{
	const CrInstr *in = &pr->prog->code[k];
	const int  *c = pr->kids + pr->first[k];
	int			pr_self = prec(in);
	int			paren = pr_self < minprec;
	CrBuf		   *b = &pr->out;

	if (paren)
		cr_buf_u8(b, '(');
	switch (in->op)
	{
		case CR_OP_NUM:
			cr_print_number(b, in->num);
			break;
		case CR_OP_TEXT:
			cr_print_quoted(b, in->str, in->n, '\'');
			break;
		case CR_OP_TRUE:
			cr_buf_str(b, "true");
			break;
		case CR_OP_FALSE:
			cr_buf_str(b, "false");
			break;
		case CR_OP_NULL:
			cr_buf_str(b, "NULL");
			break;
		case CR_OP_FEATURE:
			print_name(b, pr->prog->names[in->n], pr->prog->name_lens[in->n]);
			break;
		case CR_OP_AND:
		case CR_OP_OR:
			for (uint32_t i = 0; i < in->n; i++)
			{
				if (i > 0)
					cr_buf_str(b, in->op == CR_OP_AND ? " AND " : " OR ");
				print_node(pr, c[i], pr_self + 1);
			}
			break;
		case CR_OP_NOT:
			cr_buf_str(b, "NOT ");
			print_node(pr, c[0], 3);
			break;
		case CR_OP_NEG:
			cr_buf_u8(b, '-');
			/* "- -x" would read as a comment in SQL; keep it unambiguous */
			print_node(pr, c[0], pr->prog->code[c[0]].op == CR_OP_NEG ? 8 : 7);
			break;
		case CR_OP_ISNULL:
		case CR_OP_ISNOTNULL:
			print_node(pr, c[0], 5);
			cr_buf_str(b, in->op == CR_OP_ISNULL ? " IS NULL" : " IS NOT NULL");
			break;
		case CR_OP_BETWEEN:
		case CR_OP_NOTBETWEEN:
			print_node(pr, c[0], 5);
			cr_buf_str(b, in->op == CR_OP_BETWEEN ? " BETWEEN " : " NOT BETWEEN ");
			print_node(pr, c[1], 5);
			cr_buf_str(b, " AND ");
			print_node(pr, c[2], 5);
			break;
		case CR_OP_IN:
		case CR_OP_NOTIN:
			print_node(pr, c[0], 5);
			cr_buf_str(b, in->op == CR_OP_IN ? " IN " : " NOT IN ");
			print_list(pr, k, 1);
			break;
		case CR_OP_FUNC:
			cr_buf_str(b, cr_rule_func_name(in->fn));
			print_list(pr, k, 0);
			break;
		case CR_OP_ADD:
		case CR_OP_SUB:
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
			print_chain(pr, k);
			break;
		default:
			/* comparisons (non-associative) */
			print_node(pr, c[0], pr_self == 4 ? 5 : pr_self);
			cr_buf_u8(b, ' ');
			cr_buf_str(b, cr_op_symbol(in));
			cr_buf_u8(b, ' ');
			print_node(pr, c[1], pr_self + 1);
			break;
	}
	if (paren)
		cr_buf_u8(b, ')');
}

int
cr_rule_print(const CrRuleProg *prog, int node, const CrRuleMem *mem,
			  char **out, size_t *outlen, CrRuleError *err)
{
	int		   *first;
	int		   *kids;
	int		   *stack;
	int			sp = 0;
	int			nk = 0;
	Printer		pr;

	*out = NULL;
	*outlen = 0;
	if (node < 0 || node >= prog->ninstr)
		node = prog->ninstr - 1;
	first = cr_mem_alloc(mem, sizeof(int) * 4 * ((size_t) prog->ninstr + 1));
	if (first == NULL)
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	kids = first + prog->ninstr + 1;
	stack = kids + prog->ninstr + 1;
	/* rebuild the tree from the postfix code (validated: never underflows) */
	for (int k = 0; k < prog->ninstr; k++)
	{
		int			ar = cr_op_arity(&prog->code[k]);

		first[k] = nk;
		for (int i = 0; i < ar; i++)
			kids[nk++] = stack[sp - ar + i];
		sp -= ar;
		stack[sp++] = k;
	}
	memset(&pr, 0, sizeof(pr));
	pr.prog = prog;
	pr.first = first;
	pr.kids = kids;
	pr.spine = stack + prog->ninstr + 1;
	pr.out.mem = mem;
	print_node(&pr, node, 1);
	cr_buf_u8(&pr.out, '\0');
	cr_mem_free(mem, first);
	if (pr.out.oom)
	{
		cr_mem_free(mem, pr.out.data);
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	}
	*out = (char *) pr.out.data;
	*outlen = pr.out.len - 1;
	return CR_OK;
}
