/*
 * cr_rule_lex.c
 *	  The tokenizer of the incentive condition language's text form.
 *
 * Plain C, no PostgreSQL headers (see cr_rule.h).
 */
#include "cr_rule_lex.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ lexer */

/* Describe the current token for "but found ...". */
static void
describe_token(Parser *p, char *out, size_t outsz)
{
	size_t		n;

	if (p->tok == T_EOF)
	{
		snprintf(out, outsz, "end of input");
		return;
	}
	/* at most 40 bytes, never half a character of the text's encoding */
	n = cr_quote_len(p->mem, p->src + p->tpos, p->tlen, 40);
	if (n < p->tlen)
		snprintf(out, outsz, "\"%.*s...\"", (int) n, p->src + p->tpos);
	else
		snprintf(out, outsz, "\"%.*s\"", (int) n, p->src + p->tpos);
}

void
cr_syntax_error(Parser *p, const char *expected)
{
	if (p->failed)
		return;
	p->failed = 1;
	cr_set_error(p->err, CR_ERR_SYNTAX, (long) p->tpos, "syntax error");
	snprintf(p->err->expected, sizeof(p->err->expected), "%s", expected);
	describe_token(p, p->err->found, sizeof(p->err->found));
}

void
cr_lex_error(Parser *p, int code, size_t pos, const char *msg)
{
	if (p->failed)
		return;
	p->failed = 1;
	cr_set_error(p->err, code, (long) pos, "%s", msg);
}

/* End of the number that starts at s[i]: digits [. digits] [e [+-] digits]. */
static size_t
lex_number(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < n && s[i] == '.')
	{
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E'))
	{
		size_t		j = i + 1;

		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < n && s[j] >= '0' && s[j] <= '9')
		{
			while (j < n && s[j] >= '0' && s[j] <= '9')
				j++;
			i = j;
		}
	}
	return i;
}

/* A 'string' or "identifier" from s[*ip] (the quote); 0 on error. */
static int
lex_quoted(Parser *p, size_t *ip)
{
	const char *s = p->src;
	size_t		n = p->srclen;
	size_t		i = *ip;
	char		q = s[i];

	i++;
	for (;;)
	{
		if (i >= n)
		{
			cr_lex_error(p, CR_ERR_SYNTAX, p->tpos,
						 q == '\'' ? "unterminated quoted string" : "unterminated quoted identifier");
			return 0;
		}
		if (s[i] == '\0')
		{
			cr_lex_error(p, CR_ERR_SYNTAX, i, "NUL byte in condition text");
			return 0;
		}
		if (s[i] == q)
		{
			if (i + 1 < n && s[i + 1] == q)
			{
				i += 2;
				continue;
			}
			i++;
			break;
		}
		i++;
	}
	p->tok = (q == '\'') ? T_STR : T_QIDENT;
	*ip = i;
	return 1;
}

/* A keyword's token, or T_IDENT. */
static Tok
lex_word(const char *w, size_t len)
{
	static const Tok kt[] = {T_AND, T_OR, T_NOT, T_IS, T_NULL, T_TRUE, T_FALSE, T_BETWEEN, T_IN};

	for (size_t k = 0; k < CR_NKEYWORDS; k++)
	{
		size_t		kl = strlen(cr_keywords[k]);
		size_t		m;

		if (kl != len)
			continue;
		for (m = 0; m < len; m++)
			if (ascii_lower((unsigned char) w[m]) != cr_keywords[k][m])
				break;
		if (m == len)
			return kt[k];
	}
	return T_IDENT;
}

/*
 * An unexpected character at p->tpos, reported whole: its own bytes in the
 * text's encoding, not the bytes after it that would continue a UTF-8
 * character (in EUC_JP they are the next character).
 */
static void
lex_unexpected(Parser *p)
{
	unsigned char c = (unsigned char) p->src[p->tpos];
	int			first = !p->failed;

	p->tlen = cr_char_len(p->mem, p->src + p->tpos, p->srclen - p->tpos);
	p->pos = p->tpos + p->tlen;
	cr_syntax_error(p, "an operand or an operator");
	if (first)
	{
		/* the character itself, not the previous token (none at the start) */
		if (c < 0x20 || c == 0x7f)
			snprintf(p->err->found, sizeof(p->err->found), "character 0x%02X", c);
		else
			snprintf(p->err->found, sizeof(p->err->found), "\"%.*s\"",
					 (int) p->tlen, p->src + p->tpos);
	}
	snprintf(p->err->message, sizeof(p->err->message), "unexpected character");
	p->tok = T_EOF;
}

/* An operator or punctuation from s[*ip]; 0 (and T_EOF) on an unexpected character. */
static int
lex_punct(Parser *p, size_t *ip)
{
	const char *s = p->src;
	size_t		n = p->srclen;
	size_t		i = *ip;
	unsigned char c = (unsigned char) s[i++];
	int			two = i < n ? s[i] : 0;	/* the next character */

	switch (c)
	{
		case '(':
			p->tok = T_LP;
			break;
		case ')':
			p->tok = T_RP;
			break;
		case ',':
			p->tok = T_COMMA;
			break;
		case '+':
			p->tok = T_PLUS;
			break;
		case '-':
			p->tok = T_MINUS;
			break;
		case '*':
			p->tok = T_STAR;
			break;
		case '/':
			p->tok = T_SLASH;
			break;
		case '%':
			p->tok = T_PCT;
			break;
		case '=':
			p->tok = T_EQ;
			break;
		case '<':
			p->tok = two == '=' ? T_LE : two == '>' ? T_NE : T_LT;
			i += (two == '=' || two == '>');
			break;
		case '>':
			p->tok = two == '=' ? T_GE : T_GT;
			i += (two == '=');
			break;
		case '!':
			if (two == '=')
			{
				p->tok = T_NE;
				i++;
				break;
			}
			/* FALLTHROUGH */
		default:
			lex_unexpected(p);
			return 0;
	}
	*ip = i;
	return 1;
}

/* Scan the next token into p->tok. */
void
cr_lex_next(Parser *p)
{
	const char *s = p->src;
	size_t		n = p->srclen;
	size_t		i = p->pos;
	unsigned char c;

	if (p->failed)
	{
		p->tok = T_EOF;
		return;
	}
	while (i < n && is_space((unsigned char) s[i]))
		i++;
	if (i >= p->next_tick)
	{
		cr_mem_tick(p->mem);
		p->next_tick = i + CR_TICK_BYTES;
	}
	p->tpos = i;
	if (i >= n)
	{
		p->tok = T_EOF;
		p->tlen = 0;
		p->pos = i;
		return;
	}
	c = (unsigned char) s[i];
	if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9'))
	{
		i = lex_number(s, n, i);
		p->tok = T_NUM;
	}
	else if (c == '\'' || c == '"')
	{
		if (!lex_quoted(p, &i))
		{
			p->tok = T_EOF;
			return;
		}
	}
	else if (is_ident_start(c))
	{
		while (i < n && is_ident_char((unsigned char) s[i]))
			i++;
		p->tok = lex_word(s + p->tpos, i - p->tpos);
	}
	else if (!lex_punct(p, &i))
		return;
	p->tlen = i - p->tpos;
	p->pos = i;
}
