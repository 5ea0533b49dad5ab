/*
 * cr_rule.h
 *	  The incentive condition language: tokenizer, recursive-descent parser,
 *	  compiled program format, validator, canonical printer and evaluator
 *	  (cr_rule_lex.c, cr_rule_parse.c, cr_rule_binary.c, cr_rule_check.c,
 *	  cr_rule_print.c, cr_rule_interp.c, cr_rule_round.c; internals shared
 *	  between them in cr_rule_int.h).
 *
 * Plain C (no PostgreSQL headers), so the unit tests and the fuzz harness
 * build it outside the server.  Nothing here longjmps: every function
 * reports failure through a CrRuleError and a non-zero return code.
 *
 * A condition is compiled into a self-contained byte string (the on-disk
 * and the binary wire format of the SQL type incentive_condition):
 *
 *	 u8  version (CR_RULE_VERSION)      u8  flags (0)
 *	 u16 number of feature names        u32 length of the code in bytes
 *	 names: for each, u16 length and the bytes (no NUL, distinct, in order
 *	        of first use by the code)
 *	 code:  postfix instructions, each an opcode byte and its operands
 *
 * All integers are little-endian; numbers are IEEE-754 doubles, also
 * little-endian.  cr_rule_decode validates every byte of it (opcodes, operand
 * bounds, stack balance, name indices, nesting depth, static types) and
 * expands it into an aligned CrRuleProg that the printer and the evaluator use.
 */
#ifndef CR_RULE_H
#define CR_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "cr_unicode.h"

#define CR_RULE_VERSION		1
/*
 * Bytes of condition text: PostgreSQL's own limit for a value (MaxAllocSize).
 * The text has no smaller limit, so that the canonical text of any valid
 * program (which may be many times its size: a feature name of 255 bytes is
 * 3 bytes of program) reads back; the compiled program's limit bounds the
 * work.
 */
#define CR_RULE_MAX_TEXT	((size_t) 0x3fffffff)
#define CR_RULE_MAX_DEPTH	100 /* nesting depth of the expression */
#define CR_RULE_MAX_NAME	255 /* bytes of one feature name */
#define CR_RULE_MAX_NAMES	1024	/* distinct feature names */
#define CR_RULE_MAX_ITEMS	65535	/* operands of one AND/OR/IN/function */
#define CR_RULE_MAX_BYTES	(4 * 1024 * 1024)	/* compiled program */

/* Error codes; the backend maps each to a SQLSTATE. */
typedef enum CrRuleErrCode
{
	CR_OK = 0,
	CR_ERR_SYNTAX,				/* 42601 */
	CR_ERR_TOO_LONG,			/* 54000 */
	CR_ERR_TOO_DEEP,			/* 54000 */
	CR_ERR_TOO_MANY,			/* 54000 */
	CR_ERR_NAME_TOO_LONG,		/* 42622 */
	CR_ERR_UNKNOWN_FUNCTION,	/* 42883 */
	CR_ERR_WRONG_ARGS,			/* 42883 */
	CR_ERR_NUMBER_RANGE,		/* 22003 */
	CR_ERR_TYPE,				/* 42804 */
	CR_ERR_BINARY,				/* 22P03 */
	CR_ERR_NOMEM,				/* 53200 */
	CR_ERR_DIV_ZERO,			/* 22012 */
	CR_ERR_LOG_DOMAIN,			/* 2201E */
	CR_ERR_SQRT_DOMAIN,			/* 2201F */
	CR_ERR_OVERFLOW,			/* 22003 */
	CR_ERR_UNDERFLOW,			/* 22003 */
	CR_ERR_UNSUPPORTED,			/* 0A000: JsonLogic without an exact equivalent */
	CR_ERR_INVALID,				/* 22023: malformed JsonLogic */
	CR_ERR_JSON,				/* 22P02: malformed JSON text */
	CR_ERR_UNTRANSLATABLE		/* 22P05: a \u escape the text's encoding has no character for */
} CrRuleErrCode;

typedef struct CrRuleError
{
	int			code;			/* CrRuleErrCode */
	long		position;		/* byte offset in the text, or -1 */
	int			node;			/* instruction index for type errors, or -1 */
	char		message[256];
	char		expected[200];	/* syntax errors: what the parser wanted */
	char		found[200];		/* syntax errors: what it found; type errors: where */
	int			operand;		/* type errors: the offending operand of node, or -1 */
	uint8_t		kind_first;		/* type errors: CR_VAL_* of the operands before it */
	uint8_t		kind_got;		/* type errors: CR_VAL_* of the offending operand */
} CrRuleError;

/*
 * Bytes of the character that starts with the byte *s in the text's
 * encoding (PostgreSQL's pg_mblen): decided by that byte alone, so it may
 * count bytes the text does not have.
 */
typedef int (*CrCharLen) (const char *s);

/* Memory callbacks; NULL means malloc/realloc/free. */
typedef struct CrRuleMem
{
	void	   *(*alloc) (size_t size, void *ctx);
	void	   *(*realloc) (void *ptr, size_t size, void *ctx);
	void		(*free) (void *ptr, void *ctx);
	void	   *ctx;
	/* called about every megabyte of text read or written; NULL: none */
	void		(*tick) (void);
	/* JSON \u escapes above U+007F in the text's encoding; NULL: UTF-8 */
	CrUnicodeToText unicode_to_text;

	/*
	 * A string of the text's encoding as UTF-8, for JavaScript's Number() of
	 * a JsonLogic string (it trims Unicode white space such as U+00A0): a
	 * NUL-terminated copy (or s itself) with its length in *outlen.  NULL:
	 * the text is UTF-8.
	 */
	const char *(*text_to_utf8) (const char *s, size_t n, size_t *outlen);

	/* for messages that quote a cut of the text (CrCharLen); NULL: UTF-8 */
	CrCharLen	char_len;
} CrRuleMem;

/* Value kinds (also used as static types, where CR_VAL_NULL = unknown). */
typedef enum CrValKind
{
	CR_VAL_NULL = 0,
	CR_VAL_NUM,
	CR_VAL_TEXT,
	CR_VAL_BOOL,

	/*
	 * A JSON array of facts (incentive_matches(condition, jsonb)): a value
	 * only, never a static type; read by contains and truthy alone.  items
	 * holds its len elements, scalars as values and a nested array or object
	 * as an array without items (equal to no scalar).
	 */
	CR_VAL_ARRAY = 5
} CrValKind;

/*
 * Text values carry flags in CrValue.boolean, for SQL's char(n) semantics:
 * a char(n) value (PADDED) compared with a literal (LITERAL, SQL's unknown
 * type, which becomes char(n) there), with a varchar value (VARCHAR, which
 * PostgreSQL casts to char(n) there) or with another char(n) value ignores
 * trailing blanks on both sides; compared with text or name (flags 0) it
 * does not (the char(n) value is cast to text, without its blanks).
 */
#define CR_TEXT_LITERAL 1
#define CR_TEXT_PADDED	2
#define CR_TEXT_VARCHAR 4

/*
 * In CrInstr.tflags of a least, greatest or coalesce only (never a value's
 * flag): its value, computed in its own type, is then cast to char(n), as
 * PostgreSQL casts such an item of an IN list with a char(n) left side
 * (cr_rule_text_types).
 */
#define CR_TEXT_TO_BPCHAR 8

/*
 * The SQL type of a text feature, for the type PostgreSQL gives least,
 * greatest and coalesce over text (cr_rule_text_types).
 */
typedef enum CrStrType
{
	CR_STR_TEXT = 0,
	CR_STR_VARCHAR,
	CR_STR_BPCHAR,
	CR_STR_NAME,
	CR_STR_UNKNOWN				/* a literal (or NULL): SQL's unknown */
} CrStrType;

typedef struct CrValue
{
	int			kind;			/* CrValKind */
	int			boolean;		/* bool: the value; text: CR_TEXT_* flags */
	double		num;
	union
	{
		const char *str;		/* text: not NUL-terminated */
		const struct CrValue *items;	/* array: its elements */
	};
	size_t		len;			/* text: bytes; array: elements */
} CrValue;

/* Opcodes of the compiled program. */
typedef enum CrOp
{
	CR_OP_NUM = 1,				/* f64 */
	CR_OP_TEXT,					/* u32 length, bytes */
	CR_OP_TRUE,
	CR_OP_FALSE,
	CR_OP_NULL,
	CR_OP_FEATURE,				/* u16 name index */
	CR_OP_AND,					/* u16 n >= 2 */
	CR_OP_OR,					/* u16 n >= 2 */
	CR_OP_NOT,
	CR_OP_EQ,
	CR_OP_NE,
	CR_OP_LT,
	CR_OP_LE,
	CR_OP_GT,
	CR_OP_GE,
	CR_OP_ADD,
	CR_OP_SUB,
	CR_OP_MUL,
	CR_OP_DIV,
	CR_OP_MOD,
	CR_OP_NEG,
	CR_OP_ISNULL,
	CR_OP_ISNOTNULL,
	CR_OP_BETWEEN,
	CR_OP_NOTBETWEEN,
	CR_OP_IN,					/* u16 n >= 1 list items (pops n + 1) */
	CR_OP_NOTIN,				/* u16 n >= 1 */
	CR_OP_FUNC,					/* u8 function id, u16 argument count */
	CR_OP_LAST_
} CrOp;

typedef enum CrFunc
{
	CR_FN_ABS = 0,
	CR_FN_LEAST,
	CR_FN_GREATEST,
	CR_FN_COALESCE,
	CR_FN_LN,
	CR_FN_EXP,
	CR_FN_SQRT,
	CR_FN_FLOOR,
	CR_FN_CEIL,
	CR_FN_ROUND,
	CR_FN_TRUTHY,				/* JsonLogic's truthiness of any value (1.1) */
	CR_FN_CONTAINS,				/* JsonLogic's "in" on an array or a string (1.1) */
	CR_FN_LAST_
} CrFunc;

typedef struct CrInstr
{
	uint8_t		op;
	uint8_t		fn;				/* CR_OP_FUNC: function id */
	uint8_t		tflags;			/* least/greatest/coalesce: CR_TEXT_* of a text result */
	uint32_t	n;				/* operand count, name index or text length */
	union
	{
		double		num;		/* CR_OP_NUM */
		const char *str;		/* CR_OP_TEXT (NUL-terminated copy) */
	};
} CrInstr;

/* A decoded, validated program: one allocation, freed with one free call. */
typedef struct CrRuleProg
{
	int			ninstr;
	int			nnames;
	int			max_stack;		/* stack slots cr_rule_eval needs */
	int			depth;			/* nesting depth of the expression */
	const CrInstr *code;
	const char *const *names;	/* NUL-terminated */
	const uint32_t *name_lens;

	/*
	 * The evaluator's fused steps, or NULL: fast[fast_at[k]] is the one at
	 * instruction k (fast[0], of no kind, where none is).  With them the
	 * evaluator needs only fast_stack slots of stack: a constant IN list is
	 * searched where it is, not pushed.
	 */
	const struct CrFast *fast;
	const uint32_t *fast_at;
	int			fast_stack;

	/*
	 * The character length of the text's encoding (mem->char_len when
	 * decoded; NULL: UTF-8 or single bytes), so that contains finds a
	 * substring only where a character starts (EUC_JP's bytes A2 A4 are in
	 * A4 A2 A4 A4 but no character of it).  Not stored in the binary form.
	 */
	CrCharLen	char_len;
} CrRuleProg;

/* Stack slots cr_rule_eval needs for prog as it is (fast set or not). */
static inline int
cr_rule_stack_slots(const CrRuleProg *prog)
{
	return prog->fast ? prog->fast_stack : prog->max_stack;
}

/*
 * Parse condition text (len bytes, need not be NUL-terminated) into the
 * compiled byte string *out (*outlen bytes, allocated with mem).
 */
extern int	cr_rule_parse(const char *text, size_t len, const CrRuleMem *mem,
						  uint8_t **out, size_t *outlen, CrRuleError *err);

/*
 * Compile a JsonLogic rule (JSON text) into the same byte string as the
 * condition text cr_rule_jsonlogic_text returns would compile to; errors name
 * the operation and its JSON path ($.and[0]["<"] ...).  See
 * cr_rule_jsonlogic.c for the semantics.
 */
extern int	cr_rule_from_jsonlogic(const char *json, size_t len, const CrRuleMem *mem,
								   uint8_t **out, size_t *outlen, CrRuleError *err);
extern int	cr_rule_jsonlogic_text(const char *json, size_t len, const CrRuleMem *mem,
								   char **text, size_t *textlen, CrRuleError *err);

/*
 * The JsonLogic form of a program (NUL-terminated JSON text): for a program
 * made from JsonLogic, one that cr_rule_from_jsonlogic compiles back to the
 * same bytes; otherwise JsonLogic with explicit null checks that is truthy
 * exactly where the condition is true.  CR_ERR_UNSUPPORTED when JsonLogic
 * cannot say it, with the reason in err->found: CR_JL_TOO_DEEP when the
 * condition could be said but its JsonLogic would nest past what JsonLogic
 * input reads back.
 */
#define CR_JL_TOO_DEEP "nested too deeply"
extern int	cr_rule_to_jsonlogic(const CrRuleProg *prog, const uint8_t *bytes, size_t len,
								 const CrRuleMem *mem, char **out, size_t *outlen,
								 CrRuleError *err);

/*
 * For messages: cr_rule_jsonlogic_open gives a reader of the JsonLogic of
 * the nodes of prog when prog is exactly what cr_rule_from_jsonlogic makes
 * of some rule, else NULL; cr_rule_jsonlogic_at the JsonLogic of the
 * sub-expression ending at node (allocated with mem).
 * cr_rule_jsonlogic_type_error rewrites the type error err of such a
 * program in JsonLogic's terms (the operation, its var and their types; a
 * hint in err->expected) and returns the JsonLogic of the operation, or
 * NULL and leaves err as it is.
 */
typedef struct CrJsonLogicNodes CrJsonLogicNodes;
extern CrJsonLogicNodes *cr_rule_jsonlogic_open(const CrRuleProg *prog, const CrRuleMem *mem);
extern char *cr_rule_jsonlogic_at(CrJsonLogicNodes *jn, int node);
extern void cr_rule_jsonlogic_close(CrJsonLogicNodes *jn);
extern char *cr_rule_jsonlogic_type_error(const CrRuleProg *prog, const CrRuleMem *mem,
										  CrRuleError *err);

/* Validate a compiled byte string and expand it (one allocation with mem). */
extern int	cr_rule_decode(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
						   CrRuleProg **prog, CrRuleError *err);

/*
 * The byte string with each feature name and text literal replaced by what
 * conv makes of it: the binary wire format carries them in the client
 * encoding, the stored one in the database encoding.  conv sets *out and
 * *outn (it may return s itself), or returns what is wrong with the bytes
 * (then CR_ERR_BINARY).  Only the layout it walks is checked (lengths,
 * opcodes, operand bytes), not the limits, since a name may grow past
 * CR_RULE_MAX_NAME in another encoding: decode the result before use.
 * *out is allocated with mem.
 */
typedef const char *(*CrRuleConv) (void *arg, int is_name, const char *s, size_t n,
								   const char **out, size_t *outn);
extern int	cr_rule_transcode(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
							  CrRuleConv conv, void *arg,
							  uint8_t **out, size_t *outlen, CrRuleError *err);


/*
 * Static type check.  kinds[i] is the type of feature i (CR_VAL_NULL when
 * unknown), or kinds == NULL for all unknown.  On a mismatch err->node is
 * the instruction whose operands disagree (print it with cr_rule_print).
 */
extern int	cr_rule_typecheck(const CrRuleProg *prog, const uint8_t *kinds,
							  const CrRuleMem *mem, CrRuleError *err);

/*
 * The type PostgreSQL gives each least, greatest and coalesce whose value is
 * text (select_common_type): that of its first argument that is not a
 * literal (text when all are), except that a later name argument makes one
 * of type varchar or char(n) name.  ftypes[i] is the CrStrType of feature i
 * (ignored where it is no text), or ftypes == NULL for text features (JSON
 * facts).  Sets CrInstr.tflags, the CR_TEXT_* flags of such a result, which
 * the evaluator compares by (char(n) without trailing blanks) and gives the
 * value, and CR_TEXT_TO_BPCHAR on one that is an item without features of
 * an IN list PostgreSQL types as char(n) as a whole (see type_in_list); a
 * decoded program has them as for ftypes == NULL.
 */
extern int	cr_rule_text_types(CrRuleProg *prog, const uint8_t *ftypes,
							   const CrRuleMem *mem, CrRuleError *err);

/*
 * Canonical text of the whole program (node < 0) or of the sub-expression
 * that ends at instruction node.  *out is NUL-terminated, allocated with mem.
 */
extern int	cr_rule_print(const CrRuleProg *prog, int node, const CrRuleMem *mem,
						  char **out, size_t *outlen, CrRuleError *err);

/*
 * Evaluate with SQL three-valued logic.  features[i] is the value of name i;
 * stack has room for cr_rule_stack_slots(prog) values.  *result is 1 (true), 0 (false)
 * or -1 (NULL).
 */
extern int	cr_rule_eval(const CrRuleProg *prog, const CrValue *features,
						 CrValue *stack, int *result, CrRuleError *err);

/*
 * cr_rule_eval for features of the kinds the program was type-checked with
 * (cr_rule_typecheck with those kinds; any feature may also be NULL): no
 * type error can occur then, so AND and OR skip their remaining operands
 * once one decides the result, which gives the same result.
 */
extern int	cr_rule_eval_typed(const CrRuleProg *prog, const CrValue *features,
							   CrValue *stack, int *result, CrRuleError *err);

/* Name of a function id, an opcode's symbol, a kind ("number", "text" ...). */
extern const char *cr_rule_func_name(int fn);
extern const char *cr_rule_kind_name(int kind);

/* round(x, n) as PostgreSQL's round(x::numeric, n)::float8 computes it. */
extern double cr_rule_round(double x, int n);
extern double cr_rule_round_slow(double x, int n);	/* the reference path */

#endif							/* CR_RULE_H */
