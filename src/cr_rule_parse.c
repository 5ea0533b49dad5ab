/*
 * cr_rule_parse.c
 *	  The recursive-descent parser of the incentive condition language,
 *	  compiling text to postfix code (the tokenizer is cr_rule_lex.c).
 *
 * Grammar (keywords and function names are case-insensitive; unquoted
 * identifiers fold to lower case, "quoted" ones keep their case):
 *
 *	 expr    := and_x { OR and_x }
 *	 and_x   := not_x { AND not_x }
 *	 not_x   := NOT not_x | pred
 *	 pred    := sum [ cmp sum | IS [NOT] NULL | [NOT] BETWEEN sum AND sum
 *	                | [NOT] IN '(' expr { ',' expr } ')' ]
 *	 cmp     := '=' | '<>' | '!=' | '<' | '<=' | '>' | '>='
 *	 sum     := prod { ('+' | '-') prod }
 *	 prod    := unary { ('*' | '/' | '%') unary }
 *	 unary   := ('-' | '+') unary | primary
 *	 primary := number | 'string' | TRUE | FALSE | NULL | name
 *	          | func '(' expr { ',' expr } ')' | '(' expr ')'
 */
#include "cr_rule_lex.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ parser */

/*
 * The program so far is over its limit: stop at once rather than compile a
 * long text into a program that is refused at the end.
 */
static int
code_too_long(Parser *p)
{
	if (p->code.len <= CR_RULE_MAX_BYTES)
		return 0;
	if (!p->failed)
		cr_lex_error(p, CR_ERR_TOO_LONG, -1, "compiled incentive condition is too long");
	return 1;
}

static void
emit_op(Parser *p, int op)
{
	if (!code_too_long(p))
		cr_buf_u8(&p->code, (unsigned) op);
}

static void
emit_op_n(Parser *p, int op, unsigned n)
{
	if (code_too_long(p))
		return;
	cr_buf_u8(&p->code, (unsigned) op);
	cr_buf_u16(&p->code, n);
}

/*
 * Unescape the current quoted token (string or identifier) into a new buffer
 * appended at the end of b; returns its length.
 */
static size_t
unquote_into(Parser *p, CrBuf *b, size_t limit)
{
	const char *s = p->src + p->tpos;
	char		q = s[0];
	size_t		n = p->tlen - 1;	/* without the closing quote */
	size_t		out = 0;

	/* past limit the token is refused anyway: do not copy the rest */
	for (size_t i = 1; i < n && out <= limit; i++)
	{
		cr_buf_u8(b, (unsigned char) s[i]);
		out++;
		if (s[i] == q)
			i++;				/* doubled quote */
	}
	return out;
}

static void
add_feature(Parser *p)
{
	const char *name;
	size_t		len;
	int			idx;
	uint32_t	slot;

	if (p->tok == T_QIDENT)
	{
		CrBuf		tmp = {.mem = p->mem};

		len = unquote_into(p, &tmp, CR_RULE_MAX_NAME);
		if (tmp.oom)
		{
			cr_mem_free(p->mem, tmp.data);
			cr_lex_error(p, CR_ERR_NOMEM, p->tpos, "out of memory");
			return;
		}
		if (len == 0)
		{
			cr_mem_free(p->mem, tmp.data);
			cr_lex_error(p, CR_ERR_SYNTAX, p->tpos, "zero-length quoted identifier");
			return;
		}
		if (len > CR_RULE_MAX_NAME)
		{
			cr_mem_free(p->mem, tmp.data);
			cr_lex_error(p, CR_ERR_NAME_TOO_LONG, p->tpos, "feature name is too long");
			return;
		}
		memcpy(p->scratch, tmp.data, len);
		cr_mem_free(p->mem, tmp.data);
	}
	else
	{
		len = p->tlen;
		if (len > CR_RULE_MAX_NAME)
		{
			cr_lex_error(p, CR_ERR_NAME_TOO_LONG, p->tpos, "feature name is too long");
			return;
		}
		for (size_t i = 0; i < len; i++)
			p->scratch[i] = (char) ascii_lower((unsigned char) p->src[p->tpos + i]);
	}
	name = p->scratch;
	/* the name's index: looked up by hash, not compared with every name */
	slot = cr_name_hash(name, len) & (CR_NAME_SLOTS - 1);
	for (;; slot = (slot + 1) & (CR_NAME_SLOTS - 1))
	{
		idx = (int) p->name_slot[slot] - 1;
		if (idx < 0 || (p->name_len[idx] == len &&
						 memcmp(p->names.data + p->name_off[idx], name, len) == 0))
			break;
	}
	if (idx < 0)
	{
		if (p->nnames >= CR_RULE_MAX_NAMES)
		{
			cr_lex_error(p, CR_ERR_TOO_MANY, p->tpos, "too many distinct feature names");
			return;
		}
		idx = p->nnames;
		cr_buf_u16(&p->names, (unsigned) len);
		p->name_off[idx] = p->names.len;
		p->name_len[idx] = (uint32_t) len;
		cr_buf_bytes(&p->names, name, len);
		/* the lookups read the names back: none may be missing */
		if (p->names.oom)
		{
			cr_lex_error(p, CR_ERR_NOMEM, p->tpos, "out of memory");
			return;
		}
		p->name_slot[slot] = (uint16_t) (idx + 1);
		p->nnames++;
	}
	emit_op_n(p, CR_OP_FEATURE, (unsigned) idx);
}

static void parse_expr(Parser *p);
static void parse_sum(Parser *p);

static int
enter(Parser *p)
{
	/*
	 * Parentheses and the printer's own parentheses count too: a program of
	 * depth CR_RULE_MAX_DEPTH prints with at most two levels per node.
	 */
	if (++p->depth > 2 * CR_RULE_MAX_DEPTH + 8)
	{
		cr_lex_error(p, CR_ERR_TOO_DEEP, p->tpos, "incentive condition is nested too deeply");
		return 0;
	}
	return 1;
}

/* '(' expr { ',' expr } ')' with the '(' already consumed; returns the count. */
static unsigned
parse_list(Parser *p, const char *what)
{
	unsigned	count = 0;

	for (;;)
	{
		parse_expr(p);
		if (p->failed)
			return 0;
		count++;
		if (count > CR_RULE_MAX_ITEMS)
		{
			cr_lex_error(p, CR_ERR_TOO_MANY, p->tpos, "too many items in a list");
			return 0;
		}
		if (p->tok == T_COMMA)
		{
			cr_lex_next(p);
			continue;
		}
		if (p->tok == T_RP)
		{
			cr_lex_next(p);
			return count;
		}
		cr_syntax_error(p, what);
		return 0;
	}
}

/* A feature name, or a function call when followed by '('. */
static void
parse_ident(Parser *p)
{
	size_t		j = p->pos;

	while (j < p->srclen && is_space((unsigned char) p->src[j]))
		j++;
	if (j < p->srclen && p->src[j] == '(')
	{
		int			fn;
		size_t		fpos = p->tpos;
		unsigned	nargs;

		for (fn = 0; fn < CR_FN_LAST_; fn++)
		{
			size_t		fl = strlen(cr_func_table[fn].name);
			size_t		m;

			if (fl != p->tlen)
				continue;
			for (m = 0; m < fl; m++)
				if (ascii_lower((unsigned char) p->src[p->tpos + m]) != cr_func_table[fn].name[m])
					break;
			if (m == fl)
				break;
		}
		if (fn == CR_FN_LAST_)
		{
			cr_lex_error(p, CR_ERR_UNKNOWN_FUNCTION, p->tpos, "unknown function");
			/* at most 63 bytes, never half a character of the text's encoding */
			snprintf(p->err->found, sizeof(p->err->found), "%.*s",
					 (int) cr_quote_len(p->mem, p->src + p->tpos, p->tlen, 63), p->src + p->tpos);
			return;
		}
		if (!enter(p))
			return;
		cr_lex_next(p);	/* the name */
		cr_lex_next(p);	/* '(' */
		nargs = parse_list(p, "\",\" or \")\"");
		if (p->failed)
			return;
		if ((int) nargs < cr_func_table[fn].min_args || (int) nargs > cr_func_table[fn].max_args)
		{
			const CrFuncInfo *f = &cr_func_table[fn];
			int			n = f->max_args > f->min_args && f->max_args != CR_RULE_MAX_ITEMS
				? f->max_args : f->min_args;

			cr_lex_error(p, CR_ERR_WRONG_ARGS, fpos, "wrong number of arguments");
			snprintf(p->err->message, sizeof(p->err->message),
					 "function %s takes %s%d argument%s, not %u", f->name,
					 f->max_args > f->min_args
					 ? (f->max_args == CR_RULE_MAX_ITEMS ? "at least " : "1 or ")
					 : "",
					 n, n == 1 ? "" : "s", nargs);
			return;
		}
		p->depth--;
		cr_buf_u8(&p->code, CR_OP_FUNC);
		cr_buf_u8(&p->code, (unsigned) fn);
		cr_buf_u16(&p->code, nargs);
		return;
	}
	add_feature(p);
	cr_lex_next(p);
	return;
}

static void
parse_primary(Parser *p)
{
	if (p->failed)
		return;
	switch (p->tok)
	{
		case T_NUM:
			{
				char	   *tmp = p->numbuf;
				double		d;

				/* float8in reads a numeral of any length (1.000...0, 0.333...) */
				if (p->tlen >= sizeof(p->numbuf) &&
					(tmp = cr_mem_alloc(p->mem, p->tlen + 1)) == NULL)
				{
					cr_lex_error(p, CR_ERR_NOMEM, p->tpos, "out of memory");
					return;
				}
				memcpy(tmp, p->src + p->tpos, p->tlen);
				tmp[p->tlen] = '\0';
				errno = 0;
				d = strtod(tmp, NULL);
				if (tmp != p->numbuf)
					cr_mem_free(p->mem, tmp);
				/* as float8in: ERANGE is an error unless the result is subnormal */
				if (!isfinite(d) || (errno == ERANGE && d == 0.0))
				{
					cr_lex_error(p, CR_ERR_NUMBER_RANGE, p->tpos, "numeric literal is out of range");
					return;
				}
				emit_op(p, CR_OP_NUM);
				cr_buf_f64(&p->code, d);
				cr_lex_next(p);
				return;
			}
		case T_STR:
			{
				size_t		lenpos;
				size_t		len;

				emit_op(p, CR_OP_TEXT);
				lenpos = p->code.len;
				cr_buf_u32(&p->code, 0);
				len = unquote_into(p, &p->code, CR_RULE_MAX_BYTES);
				if (code_too_long(p))
					return;
				if (!p->code.oom)
				{
					for (int i = 0; i < 4; i++)
						p->code.data[lenpos + i] = (uint8_t) ((len >> (8 * i)) & 0xff);
				}
				cr_lex_next(p);
				return;
			}
		case T_TRUE:
			emit_op(p, CR_OP_TRUE);
			cr_lex_next(p);
			return;
		case T_FALSE:
			emit_op(p, CR_OP_FALSE);
			cr_lex_next(p);
			return;
		case T_NULL:
			emit_op(p, CR_OP_NULL);
			cr_lex_next(p);
			return;
		case T_QIDENT:
			add_feature(p);
			cr_lex_next(p);
			return;
		case T_IDENT:
			parse_ident(p);
			return;
		case T_LP:
			if (!enter(p))
				return;
			cr_lex_next(p);
			parse_expr(p);
			if (p->failed)
				return;
			if (p->tok != T_RP)
			{
				cr_syntax_error(p, "\")\"");
				return;
			}
			p->depth--;
			cr_lex_next(p);
			return;
		default:
			cr_syntax_error(p, "an operand (a number, 'text', true, false, NULL, a feature name, a function call or \"(\")");
			return;
	}
}

static void
parse_unary(Parser *p)
{
	/*
	 * Unary + is dropped, so it is no level of the compiled condition: a run
	 * of them is read in a loop, not counted against the reader's depth.
	 */
	while (p->tok == T_PLUS)
		cr_lex_next(p);
	if (p->tok == T_MINUS)
	{
		if (!enter(p))
			return;
		cr_lex_next(p);
		parse_unary(p);
		if (p->failed)
			return;
		emit_op(p, CR_OP_NEG);
		p->depth--;
		return;
	}
	parse_primary(p);
}

static void
parse_prod(Parser *p)
{
	parse_unary(p);
	while (!p->failed && (p->tok == T_STAR || p->tok == T_SLASH || p->tok == T_PCT))
	{
		int			op = p->tok == T_STAR ? CR_OP_MUL : p->tok == T_SLASH ? CR_OP_DIV : CR_OP_MOD;

		cr_lex_next(p);
		parse_unary(p);
		emit_op(p, op);
	}
}

static void
parse_sum(Parser *p)
{
	parse_prod(p);
	while (!p->failed && (p->tok == T_PLUS || p->tok == T_MINUS))
	{
		int			op = p->tok == T_PLUS ? CR_OP_ADD : CR_OP_SUB;

		cr_lex_next(p);
		parse_prod(p);
		emit_op(p, op);
	}
}

static void
parse_pred(Parser *p)
{
	int			negate = 0;

	parse_sum(p);
	if (p->failed)
		return;
	switch (p->tok)
	{
		case T_EQ:
		case T_NE:
		case T_LT:
		case T_LE:
		case T_GT:
		case T_GE:
			{
				Tok			t = p->tok;
				int			op = t == T_EQ ? CR_OP_EQ : t == T_NE ? CR_OP_NE : t == T_LT ? CR_OP_LT :
					t == T_LE ? CR_OP_LE : t == T_GT ? CR_OP_GT : CR_OP_GE;

				cr_lex_next(p);
				parse_sum(p);
				emit_op(p, op);
				return;
			}
		case T_IS:
			cr_lex_next(p);
			if (p->tok == T_NOT)
			{
				negate = 1;
				cr_lex_next(p);
			}
			if (p->tok != T_NULL)
			{
				cr_syntax_error(p, negate ? "NULL" : "NULL or NOT NULL");
				return;
			}
			cr_lex_next(p);
			emit_op(p, negate ? CR_OP_ISNOTNULL : CR_OP_ISNULL);
			return;
		case T_NOT:
			cr_lex_next(p);
			if (p->tok != T_BETWEEN && p->tok != T_IN)
			{
				cr_syntax_error(p, "BETWEEN or IN after NOT");
				return;
			}
			negate = 1;
			/* FALLTHROUGH */
		case T_BETWEEN:
		case T_IN:
			if (p->tok == T_BETWEEN)
			{
				cr_lex_next(p);
				parse_sum(p);
				if (p->failed)
					return;
				if (p->tok != T_AND)
				{
					cr_syntax_error(p, "AND");
					return;
				}
				cr_lex_next(p);
				parse_sum(p);
				emit_op(p, negate ? CR_OP_NOTBETWEEN : CR_OP_BETWEEN);
			}
			else
			{
				unsigned	n;

				cr_lex_next(p);
				if (p->tok != T_LP)
				{
					cr_syntax_error(p, "\"(\" after IN");
					return;
				}
				if (!enter(p))
					return;
				cr_lex_next(p);
				n = parse_list(p, "\",\" or \")\"");
				if (p->failed)
					return;
				p->depth--;
				emit_op_n(p, negate ? CR_OP_NOTIN : CR_OP_IN, n);
			}
			return;
		default:
			return;
	}
}

static void
parse_not(Parser *p)
{
	if (p->tok == T_NOT)
	{
		if (!enter(p))
			return;
		cr_lex_next(p);
		parse_not(p);
		if (p->failed)
			return;
		emit_op(p, CR_OP_NOT);
		p->depth--;
		return;
	}
	parse_pred(p);
}

/*
 * operand { keyword operand } compiled to one n-ary op: the shared shape of
 * AND (over NOT terms) and OR (over AND terms).
 */
static void
parse_nary(Parser *p, void (*operand) (Parser *), Tok keyword, int op, const char *too_many)
{
	unsigned	n = 1;

	operand(p);
	while (!p->failed && p->tok == keyword)
	{
		cr_lex_next(p);
		operand(p);
		if (++n > CR_RULE_MAX_ITEMS)
		{
			cr_lex_error(p, CR_ERR_TOO_MANY, p->tpos, too_many);
			return;
		}
	}
	if (n > 1)
		emit_op_n(p, op, n);
}

static void
parse_and(Parser *p)
{
	parse_nary(p, parse_not, T_AND, CR_OP_AND, "too many operands of AND");
}

static void
parse_expr(Parser *p)
{
	parse_nary(p, parse_and, T_OR, CR_OP_OR, "too many operands of OR");
}

int
cr_rule_parse(const char *text, size_t len, const CrRuleMem *mem,
			  uint8_t **out, size_t *outlen, CrRuleError *err)
{
	Parser	   *p;
	CrBuf			res;
	int			rc;
	CrRuleProg *prog = NULL;

	*out = NULL;
	*outlen = 0;
	if (len > CR_RULE_MAX_TEXT)
		return cr_set_error(err, CR_ERR_TOO_LONG, -1, "incentive condition is too long");
	p = cr_mem_alloc(mem, sizeof(Parser));
	if (p == NULL)
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	memset(p, 0, sizeof(Parser));
	p->src = text;
	p->srclen = len;
	p->mem = mem;
	p->err = err;
	p->code.mem = mem;
	p->names.mem = mem;
	cr_lex_next(p);
	if (!p->failed && p->tok == T_EOF)
		cr_syntax_error(p, "a condition");
	if (!p->failed)
		parse_expr(p);
	if (!p->failed && p->tok != T_EOF)
		cr_syntax_error(p, "AND, OR, an operator or the end of the condition");
	if (!p->failed && (p->code.oom || p->names.oom))
		cr_lex_error(p, CR_ERR_NOMEM, -1, "out of memory");
	if (!p->failed && p->code.len > CR_RULE_MAX_BYTES)
		cr_lex_error(p, CR_ERR_TOO_LONG, -1, "compiled incentive condition is too long");
	if (p->failed)
	{
		rc = err->code;
		cr_mem_free(mem, p->code.data);
		cr_mem_free(mem, p->names.data);
		cr_mem_free(mem, p);
		return rc;
	}

	memset(&res, 0, sizeof(res));
	res.mem = mem;
	cr_buf_reserve(&res, 8 + p->names.len + p->code.len);
	cr_buf_u8(&res, CR_RULE_VERSION);
	cr_buf_u8(&res, 0);
	cr_buf_u16(&res, (unsigned) p->nnames);
	cr_buf_u32(&res, (uint32_t) p->code.len);
	cr_buf_bytes(&res, p->names.data, p->names.len);
	cr_buf_bytes(&res, p->code.data, p->code.len);
	cr_mem_free(mem, p->code.data);
	cr_mem_free(mem, p->names.data);
	cr_mem_free(mem, p);
	if (res.oom)
	{
		cr_mem_free(mem, res.data);
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	}

	/* the same checks as for binary input: depth and static types */
	rc = cr_rule_decode_unchecked(res.data, res.len, mem, &prog, err);
	if (rc == CR_OK)
	{
		rc = cr_rule_typecheck(prog, NULL, mem, err);
		if (rc == CR_ERR_TYPE && err->node >= 0)
		{
			/* name the offending sub-expression */
			char	   *sub;
			size_t		sublen;
			CrRuleError e2;

			if (cr_rule_print(prog, err->node, mem, &sub, &sublen, &e2) == CR_OK)
			{
				if (sublen >= sizeof(err->found) - 4)
				{
					/* never half a character of the text's encoding */
					size_t		n = cr_quote_len(mem, sub, sublen, sizeof(err->found) - 8);

					snprintf(err->found, sizeof(err->found), "%.*s ...", (int) n, sub);
				}
				else
					snprintf(err->found, sizeof(err->found), "%s", sub);
				cr_mem_free(mem, sub);
			}
		}
		cr_mem_free(mem, prog);
	}
	if (rc != CR_OK)
	{
		cr_mem_free(mem, res.data);
		return rc;
	}
	*out = res.data;
	*outlen = res.len;
	return CR_OK;
}

