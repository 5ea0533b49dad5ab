/*
 * cr_rule_json.h
 *	  A small JSON reader for the JsonLogic front end: the text is read into
 *	  an array of nodes (children linked as siblings), strings unescaped into
 *	  one block.  Plain C; iterative nesting check, so any depth fails
 *	  cleanly.
 */
#ifndef CR_RULE_JSON_H
#define CR_RULE_JSON_H

#include "cr_rule_int.h"

#define CJ_MAX_DEPTH 256		/* nesting of arrays and objects */

typedef enum CjType
{
	CJ_NULL,
	CJ_FALSE,
	CJ_TRUE,
	CJ_NUM,
	CJ_STR,
	CJ_ARR,
	CJ_OBJ
} CjType;

typedef struct CjNode
{
	int			type;			/* CjType */
	int			first;			/* arrays and objects: first child, or -1 */
	int			next;			/* next sibling, or -1 */
	int			n;				/* arrays and objects: number of children */
	const char *key;			/* member of an object: its key */
	size_t		keylen;
	const char *str;			/* strings: unescaped UTF-8; numbers: the raw text */
	size_t		len;
	double		num;
} CjNode;

typedef struct CjDoc
{
	CjNode	   *nodes;			/* nodes[0] is the root */
	int			nnodes;
	char	   *strings;		/* unescaped strings and keys */
} CjDoc;

/* Read JSON text; on failure err names the byte offset (CR_ERR_JSON) or the limit. */
extern int	cr_json_read(const char *text, size_t len, const CrRuleMem *mem,
						 CjDoc *doc, CrRuleError *err);
extern void cr_json_free(CjDoc *doc, const CrRuleMem *mem);

/*
 * JavaScript's Number(s) of a string: *out, or *nan; returns 0 for forms it
 * does not decide (0x prefixes, Infinity, non-ASCII blanks).
 */
extern int	cr_js_number(const char *s, size_t n, double *out, int *nan);

#endif							/* CR_RULE_JSON_H */
