/*
 * cr_rule_int.h
 *	  Internals shared by the stages of the incentive condition language
 *	  (cr_rule_*.c): memory, errors, the byte buffer, the function table,
 *	  opcode properties.  Plain C; not part of the interface (cr_rule.h).
 */
#ifndef CR_RULE_INT_H
#define CR_RULE_INT_H

#include "cr_rule.h"

#include <string.h>

/* A growable byte buffer. */
typedef struct CrBuf
{
	const CrRuleMem *mem;
	uint8_t    *data;
	size_t		len;
	size_t		cap;
	int			oom;
	size_t		next_tick;		/* length at which to tick next */
} CrBuf;

typedef struct CrFuncInfo
{
	const char *name;
	int			min_args;
	int			max_args;
} CrFuncInfo;

extern const CrFuncInfo cr_func_table[CR_FN_LAST_];

#define CR_NKEYWORDS 9
extern const char *const cr_keywords[CR_NKEYWORDS];

extern void *cr_mem_alloc(const CrRuleMem *mem, size_t size);
extern void *cr_mem_realloc(const CrRuleMem *mem, void *ptr, size_t size);
extern void cr_mem_free(const CrRuleMem *mem, void *ptr);

/*
 * JavaScript's String(d) of a number (Number::toString: the shortest digits
 * that read back as d, plain from 1e-7 to 1e21, else with an exponent; "0"
 * for -0), into out (32 bytes); returns its length.
 */
extern size_t cr_js_number_text(double d, char *out);

#define CR_TICK_BYTES	((size_t) 1 << 20)	/* text between two ticks */

static inline void
cr_mem_tick(const CrRuleMem *mem)
{
	if (mem && mem->tick)
		mem->tick();
}

/*
 * The bytes of the character at s, of which avail (at least 1) are left:
 * 1 to avail, through mem->char_len (which reads the first byte only), or
 * without it as UTF-8: the first byte and the continuation bytes after it
 * that its length allows (a SQL_ASCII database's text, read as UTF-8, need
 * not be valid UTF-8: a lead byte followed by ASCII is one byte).
 */
static inline size_t
cr_char_len(const CrRuleMem *mem, const char *s, size_t avail)
{
	unsigned char c = (unsigned char) *s;
	size_t		n;

	if (mem && mem->char_len)
	{
		int			m = mem->char_len(s);

		n = m < 1 ? 1 : (size_t) m;
		return n < avail ? n : avail;
	}
	n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
	if (n > avail)
		n = avail;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char) s[i] & 0xC0) != 0x80)
			return i;
	return n;
}

/*
 * How many of the len bytes of s to quote in a message that shows at most
 * max of them: whole characters of the text's encoding, as many as fit.
 */
extern size_t cr_quote_len(const CrRuleMem *mem, const char *s, size_t len, size_t max);

extern int	cr_set_error(CrRuleError *err, int code, long position, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 4, 5)))
#endif
			;
extern int	cr_bad_binary(CrRuleError *err, const char *what);

extern void cr_buf_reserve(CrBuf *b, size_t more);
extern void cr_buf_bytes(CrBuf *b, const void *src, size_t n);
extern void cr_buf_u8(CrBuf *b, unsigned v);
extern void cr_buf_u16(CrBuf *b, unsigned v);
extern void cr_buf_u32(CrBuf *b, uint32_t v);
extern void cr_buf_f64(CrBuf *b, double d);
extern void cr_buf_str(CrBuf *b, const char *s);

static inline uint32_t
cr_rd_u16(const uint8_t *p)
{
	return (uint32_t) p[0] | ((uint32_t) p[1] << 8);
}

static inline uint32_t
cr_rd_u32(const uint8_t *p)
{
	return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static inline double
cr_rd_f64(const uint8_t *p)
{
	uint64_t	u = 0;
	double		d;

	for (int i = 7; i >= 0; i--)
		u = (u << 8) | p[i];
	memcpy(&d, &u, 8);
	return d;
}

/*
 * FNV-1a of a feature name, folded: the parser's name table and the
 * decoder's check that names are distinct look names up by it.
 */
static inline uint32_t
cr_name_hash(const char *s, size_t len)
{
	uint32_t	h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char) s[i]) * 16777619u;
	return h ^ (h >> 15);
}

/* Operands an instruction pops. */
static inline int
cr_op_arity(const CrInstr *in)
{
	switch (in->op)
	{
		case CR_OP_NUM:
		case CR_OP_TEXT:
		case CR_OP_TRUE:
		case CR_OP_FALSE:
		case CR_OP_NULL:
		case CR_OP_FEATURE:
			return 0;
		case CR_OP_NOT:
		case CR_OP_NEG:
		case CR_OP_ISNULL:
		case CR_OP_ISNOTNULL:
			return 1;
		case CR_OP_BETWEEN:
		case CR_OP_NOTBETWEEN:
			return 3;
		case CR_OP_AND:
		case CR_OP_OR:
		case CR_OP_FUNC:
			return (int) in->n;
		case CR_OP_IN:
		case CR_OP_NOTIN:
			return (int) in->n + 1;
		default:
			return 2;
	}
}

/*
 * Left-associative arithmetic of one precedence level: a + b - c is one
 * chain, not nested expressions, so its length is not nesting depth (the
 * printer walks such chains iteratively).
 */
static inline int
cr_arith_level(int op)
{
	switch (op)
	{
		case CR_OP_ADD:
		case CR_OP_SUB:
			return 1;
		case CR_OP_MUL:
		case CR_OP_DIV:
		case CR_OP_MOD:
			return 2;
		default:
			return 0;
	}
}

/*
 * Fused steps: common instruction sequences the evaluator runs as one step
 * (cr_rule_fuse finds them when a program is decoded; cr_rule_eval runs
 * them).  CR_FAST_AT(prog, k) describes the sequence that starts at
 * instruction k (kind CR_FAST_NONE: none does); only the instructions that
 * start a step or end an operand of AND or OR have a record of their own,
 * the others share the empty prog->fast[0].  A fused step gives exactly the
 * value its instructions would; when its operands are not the expected ones
 * (a NaN, a value of another kind) the evaluator runs the instructions one
 * by one (a fused IN, whose constant items cannot be pushed on the stack
 * cr_rule_stack_slots sizes, gives the type error they would give).
 * "Constant" is a number literal, possibly negated (NUM NEG).
 */
typedef enum CrFastKind
{
	CR_FAST_NONE = 0,
	CR_FAST_CMP,				/* feature or coalesce(feature, constant) <op> constant, either order */
	CR_FAST_TEXT,				/* feature <op> text literal, either order */
	CR_FAST_BETWEEN,			/* feature [NOT] BETWEEN constant AND constant */
	CR_FAST_IN,					/* feature [NOT] IN (constants, or text literals) */
	CR_FAST_NVL,				/* coalesce(top, constant or true/false) */
	CR_FAST_ARITH,				/* top + - * / % constant */
	CR_FAST_CMP_TOP,			/* top <op> constant */
	CR_FAST_IN_TOP				/* top [NOT] IN (constants, or text literals) */
} CrFastKind;

/*
 * An item of the list of a fused IN: the value of a constant, or a text
 * literal.  The items of a list are sorted (numbers by value, text by its
 * bytes without trailing blanks, then by length), so that the evaluator
 * finds a value in a long list by binary search.
 */
typedef union CrInItem
{
	double		num;
	const CrInstr *text;
} CrInItem;

typedef struct CrFast
{
	uint8_t		kind;			/* CrFastKind */
	uint8_t		op;				/* CR_OP_*, oriented as "feature <op> constant" */
	uint8_t		has_default;	/* CMP: coalesce(feature, k2) */
	uint8_t		vkind;			/* NVL: kind of the constant; IN: of the items */
	uint32_t	len;			/* instructions the step covers */
	uint32_t	feature;		/* name index */
	uint32_t	n;				/* TEXT: literal length; IN: items */
	double		k;				/* the constant; BETWEEN: lower bound */
	double		k2;				/* CMP: the coalesce default; BETWEEN: upper bound */
	const char *str;			/* TEXT: the literal */
	const CrInItem *list;		/* IN: the n items, sorted */

	/*
	 * Instruction k (or the fused step starting at k) ends operand sc_i (not
	 * the last) of the AND or OR at sc_to - 1 (0: it ends none);
	 * cr_rule_eval_typed skips the rest of the operands when this one
	 * decides the result.
	 */
	uint32_t	sc_to;
	uint32_t	sc_i;
} CrFast;

/*
 * Programs longer than this are evaluated without fused steps (fast is
 * NULL); it leaves room for the longest IN list (CR_RULE_MAX_ITEMS) and more.
 */
#define CR_FUSE_MAX_INSTR 131072

#define CR_FAST_AT(prog, k) (&(prog)->fast[(prog)->fast_at[(k)]])

/*
 * Find the fused steps of a decoded program: fills fast (room for nrec
 * records after the empty fast[0]), lists (room for nitems list items) and
 * at (prog->ninstr), and sets prog->fast, fast_at and fast_stack.  The
 * decoder counts the room from the byte string: a step ends at a distinct
 * comparison, arithmetic, BETWEEN, IN or function, an operand of AND or OR
 * that is no step's start takes a record of its own, and the items are at
 * most the INs' operands.  Returns 0, or -1 (prog->fast NULL: evaluated
 * without fused steps) when there is no memory for its work or no room.
 */
extern int	cr_rule_fuse(CrRuleProg *prog, CrFast *fast, size_t nrec, CrInItem *lists, size_t nitems,
						 uint32_t *at, const CrRuleMem *mem);

extern const char *cr_op_symbol(const CrInstr *in);

/*
 * The type error (CR_ERR_TYPE) of instruction in, in the words of its kind
 * of operation: its operands must all be of kind want (want >= 0) and one
 * is of kind got; or (want < 0) must be of one kind, and one is of kind
 * first and another of kind got.  The caller sets err->node.
 */
extern int	cr_rule_type_error(CrRuleError *err, const CrInstr *in, int operand, int want,
							   int first, int got);
extern void cr_print_number(CrBuf *b, double d);
extern void cr_print_quoted(CrBuf *b, const char *s, size_t len, char q);

/* cr_rule_decode without the static type check; stack balance and depth only. */
extern int	cr_rule_decode_unchecked(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
									 CrRuleProg **progp, CrRuleError *err);
extern int	cr_rule_check_shape(const CrRuleProg *prog, const CrRuleMem *mem, CrRuleError *err);

#endif							/* CR_RULE_INT_H */
