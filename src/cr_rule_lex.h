/*
 * cr_rule_lex.h
 *	  The tokenizer's state, shared by the tokenizer (cr_rule_lex.c) and the
 *	  parser (cr_rule_parse.c).  Plain C.
 */
#ifndef CR_RULE_LEX_H
#define CR_RULE_LEX_H

#include "cr_rule_int.h"

typedef enum Tok
{
	T_EOF,
	T_NUM,
	T_STR,
	T_IDENT,
	T_QIDENT,
	T_AND,
	T_OR,
	T_NOT,
	T_IS,
	T_NULL,
	T_TRUE,
	T_FALSE,
	T_BETWEEN,
	T_IN,
	T_LP,
	T_RP,
	T_COMMA,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_PCT,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE
} Tok;

/* slots of the parser's name table: a power of two, over twice CR_RULE_MAX_NAMES */
#define CR_NAME_SLOTS 4096

typedef struct Parser
{
	const char *src;
	size_t		srclen;
	size_t		pos;			/* scan position */
	Tok			tok;			/* current token */
	size_t		tpos;			/* its start */
	size_t		tlen;			/* its raw length */
	int			depth;
	const CrRuleMem *mem;
	CrRuleError *err;
	int			failed;
	size_t		next_tick;		/* scan position at which to tick next */
	CrBuf			code;
	CrBuf			names;			/* u16 len + bytes, as in the format */
	int			nnames;
	size_t		name_off[CR_RULE_MAX_NAMES];
	uint32_t	name_len[CR_RULE_MAX_NAMES];
	/* the names by hash (open addressing): index + 1, 0 where none */
	uint16_t	name_slot[CR_NAME_SLOTS];
	char		scratch[CR_RULE_MAX_NAME + 1];
	char		numbuf[512];
} Parser;

/* ASCII-only case folding: the same on every server, whatever the locale. */
static inline int
ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline int
is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static inline int
is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static inline int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Scan the next token into p->tok. */
extern void cr_lex_next(Parser *p);
/* Record the first error (later ones are ignored). */
extern void cr_syntax_error(Parser *p, const char *expected);
extern void cr_lex_error(Parser *p, int code, size_t pos, const char *msg);

#endif							/* CR_RULE_LEX_H */
