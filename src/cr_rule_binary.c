/*
 * cr_rule_binary.c
 *	  The validator and decoder of compiled incentive conditions: every byte
 *	  of the stored and binary wire format is checked (see cr_rule.h).
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

static int	decode_internal(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
							CrRuleProg **progp, CrRuleError *err, int types);

/* ------------------------------------------------------------------ decoder */



/* Without the static type check (the parser runs it itself, after its own checks). */
int
cr_rule_decode_unchecked(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
						 CrRuleProg **progp, CrRuleError *err)
{
	return decode_internal(bytes, len, mem, progp, err, 0);
}

int
cr_rule_decode(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
			   CrRuleProg **progp, CrRuleError *err)
{
	return decode_internal(bytes, len, mem, progp, err, 1);
}

/* What the first pass learns about a byte string, for the second. */
typedef struct Scan
{
	uint32_t	nnames;
	size_t		codestart;
	size_t		strbytes;		/* bytes of names and strings, with NULs */
	int			ninstr;
	/* room for the fused steps (see cr_rule_fuse) */
	size_t		fuse_recs;		/* records */
	size_t		fuse_items;		/* list items */
} Scan;

/* Header and name table: lengths in bounds, no NUL bytes. */
static int
scan_header(const uint8_t *bytes, size_t len, Scan *s, CrRuleError *err)
{
	uint32_t	codelen;
	size_t		pos;

	if (len < 8)
		return cr_bad_binary(err, "too short");
	if (len > CR_RULE_MAX_BYTES + 8 + (size_t) CR_RULE_MAX_NAMES * (CR_RULE_MAX_NAME + 2))
		return cr_bad_binary(err, "too long");
	if (bytes[0] != CR_RULE_VERSION)
		return cr_bad_binary(err, "unknown format version");
	if (bytes[1] != 0)
		return cr_bad_binary(err, "unknown flags");
	s->nnames = cr_rd_u16(bytes + 2);
	codelen = cr_rd_u32(bytes + 4);
	if (s->nnames > CR_RULE_MAX_NAMES)
		return cr_bad_binary(err, "too many names");
	if (codelen > CR_RULE_MAX_BYTES || codelen == 0)
		return cr_bad_binary(err, "bad code length");
	pos = 8;
	for (uint32_t i = 0; i < s->nnames; i++)
	{
		uint32_t	nl;

		if (len - pos < 2)
			return cr_bad_binary(err, "truncated name table");
		nl = cr_rd_u16(bytes + pos);
		pos += 2;
		if (nl == 0 || nl > CR_RULE_MAX_NAME)
			return cr_bad_binary(err, "bad name length");
		if (len - pos < nl)
			return cr_bad_binary(err, "truncated name table");
		if (memchr(bytes + pos, 0, nl) != NULL)
			return cr_bad_binary(err, "NUL byte in a name");
		s->strbytes += nl + 1;
		pos += nl;
	}
	if (len - pos != codelen)
		return cr_bad_binary(err, "code length does not match");
	s->codestart = pos;
	return CR_OK;
}

/*
 * Bytes of the operands that follow opcode op (for CR_OP_TEXT its length,
 * before the bytes), or -1 for an unknown opcode.
 */
static int
operand_bytes(uint8_t op)
{
	switch (op)
	{
		case CR_OP_NUM:
			return 8;
		case CR_OP_TEXT:
			return 4;
		case CR_OP_FEATURE:
		case CR_OP_AND:
		case CR_OP_OR:
		case CR_OP_IN:
		case CR_OP_NOTIN:
			return 2;
		case CR_OP_FUNC:
			return 3;
		default:
			return op == 0 || op >= CR_OP_LAST_ ? -1 : 0;
	}
}

/* Code: known opcodes, operands in bounds; counts instructions and string bytes. */
static int
scan_code(const uint8_t *bytes, size_t len, Scan *s, CrRuleError *err)
{
	size_t		pos = s->codestart;

	while (pos < len)
	{
		uint8_t		op = bytes[pos++];
		int			k = operand_bytes(op);
		size_t		need = (size_t) k;

		if (k < 0)
			return cr_bad_binary(err, "unknown opcode");
		if (op == CR_OP_TEXT)
		{
			if (len - pos < 4)
				return cr_bad_binary(err, "truncated instruction");
			need = 4 + (size_t) cr_rd_u32(bytes + pos);
		}
		if (len - pos < need)
			return cr_bad_binary(err, "truncated instruction");
		if (op == CR_OP_TEXT)
		{
			if (memchr(bytes + pos + 4, 0, need - 4) != NULL)
				return cr_bad_binary(err, "NUL byte in a string");
			s->strbytes += need - 4 + 1;
		}
		/* where a fused step can end, each operand of AND and OR, list items */
		if ((op >= CR_OP_EQ && op <= CR_OP_MOD && op != CR_OP_NEG) || op == CR_OP_BETWEEN ||
			op == CR_OP_NOTBETWEEN || op == CR_OP_IN || op == CR_OP_NOTIN || op == CR_OP_FUNC)
			s->fuse_recs++;
		if (op == CR_OP_AND || op == CR_OP_OR)
			s->fuse_recs += cr_rd_u16(bytes + pos);
		if (op == CR_OP_IN || op == CR_OP_NOTIN)
			s->fuse_items += cr_rd_u16(bytes + pos);
		pos += need;
		s->ninstr++;
	}
	return CR_OK;
}

/* fill_names' table: the power of two at least twice nnames fits in 2 * CR_RULE_MAX_NAMES */
#if (CR_RULE_MAX_NAMES & (CR_RULE_MAX_NAMES - 1)) != 0
#error "CR_RULE_MAX_NAMES must be a power of two"
#endif

/*
 * Copy the names into *spp (NUL-terminated); they must be distinct.  Each
 * is looked up among the names before it in an open-addressing table (1 +
 * its index, 0: free; at most half full), not compared with every one of
 * them: 1,024 names took half a million comparisons.
 */
static const char *
fill_names(const uint8_t *bytes, CrRuleProg *prog, const char **names,
		   uint32_t *name_lens, char **spp)
{
	size_t		pos = 8;
	char	   *sp = *spp;
	uint16_t	seen[2 * CR_RULE_MAX_NAMES];
	uint32_t	mask = 15;

	while (mask + 1 < 2 * (uint32_t) prog->nnames)
		mask = 2 * mask + 1;
	memset(seen, 0, sizeof(uint16_t) * (mask + 1));
	for (int i = 0; i < prog->nnames; i++)
	{
		uint32_t	nl = cr_rd_u16(bytes + pos);
		uint32_t	slot;

		pos += 2;
		memcpy(sp, bytes + pos, nl);
		sp[nl] = '\0';
		names[i] = sp;
		name_lens[i] = nl;
		for (slot = cr_name_hash(sp, nl) & mask; seen[slot] != 0; slot = (slot + 1) & mask)
		{
			int			j = seen[slot] - 1;

			if (name_lens[j] == nl && memcmp(names[j], sp, nl) == 0)
				return "duplicate name";
		}
		seen[slot] = (uint16_t) (i + 1);
		sp += nl + 1;
		pos += nl;
	}
	*spp = sp;
	return NULL;
}

/* Expand one instruction at bytes[*pos]; returns what is wrong, or NULL. */
static const char *
fill_instr(const uint8_t *bytes, size_t *posp, CrInstr *in, char **spp,
		   uint32_t nnames, uint32_t *seen_names)
{
	size_t		pos = *posp;
	const char *what = NULL;

	memset(in, 0, sizeof(*in));
	in->op = bytes[pos++];
	switch (in->op)
	{
		case CR_OP_NUM:
			in->num = cr_rd_f64(bytes + pos);
			pos += 8;
			if (!isfinite(in->num) || signbit(in->num))
				what = "bad number literal";
			break;
		case CR_OP_TEXT:
			in->n = cr_rd_u32(bytes + pos);
			pos += 4;
			memcpy(*spp, bytes + pos, in->n);
			(*spp)[in->n] = '\0';
			in->str = *spp;
			*spp += in->n + 1;
			pos += in->n;
			break;
		case CR_OP_FEATURE:
			in->n = cr_rd_u16(bytes + pos);
			pos += 2;
			/* names are numbered in order of first use */
			if (in->n > *seen_names || in->n >= nnames)
				what = "bad name index";
			else if (in->n == *seen_names)
				(*seen_names)++;
			break;
		case CR_OP_AND:
		case CR_OP_OR:
			in->n = cr_rd_u16(bytes + pos);
			pos += 2;
			if (in->n < 2)
				what = "bad operand count";
			break;
		case CR_OP_IN:
		case CR_OP_NOTIN:
			in->n = cr_rd_u16(bytes + pos);
			pos += 2;
			if (in->n < 1)
				what = "bad list length";
			break;
		case CR_OP_FUNC:
			in->fn = bytes[pos];
			in->n = cr_rd_u16(bytes + pos + 1);
			pos += 3;
			if (in->fn >= CR_FN_LAST_)
				what = "unknown function";
			else if ((int) in->n < cr_func_table[in->fn].min_args ||
					 (int) in->n > cr_func_table[in->fn].max_args)
				what = "bad argument count";
			break;
		default:
			break;
	}
	*posp = pos;
	return what;
}

static int
decode_internal(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
				CrRuleProg **progp, CrRuleError *err, int types)
{
	Scan		s;
	size_t		total;
	size_t		pos;
	char	   *block;
	CrRuleProg *prog;
	CrInstr    *code;
	CrFast	   *fast;
	CrInItem   *lists;
	uint32_t   *at;
	size_t		fused = 0;
	const char **names;
	uint32_t   *name_lens;
	char	   *sp;
	int			rc;
	uint32_t	seen_names = 0;
	const char *what = NULL;

	*progp = NULL;
	memset(&s, 0, sizeof(s));
	if ((rc = scan_header(bytes, len, &s, err)) != CR_OK ||
		(rc = scan_code(bytes, len, &s, err)) != CR_OK)
		return rc;

	/*
	 * One block: the program, then its fused steps in the room the scan
	 * counted (a record for every instruction, and a stack for all the items
	 * of an IN, made a long IN list take 130 bytes an item), then the
	 * strings.
	 */
	if (s.ninstr > CR_FUSE_MAX_INSTR)
		s.fuse_recs = s.fuse_items = 0;
	else
		fused = ((s.fuse_recs + 1) * sizeof(CrFast) + s.fuse_items * sizeof(CrInItem)
				 + (size_t) s.ninstr * sizeof(uint32_t) + 7) & ~(size_t) 7;
	total = sizeof(CrRuleProg) + (size_t) s.ninstr * sizeof(CrInstr) + fused
		+ (size_t) s.nnames * (sizeof(char *) + sizeof(uint32_t)) + s.strbytes;
	block = cr_mem_alloc(mem, total);
	if (block == NULL)
		return cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	prog = (CrRuleProg *) block;
	code = (CrInstr *) (block + sizeof(CrRuleProg));
	fast = (CrFast *) (code + s.ninstr);
	lists = (CrInItem *) (fast + (fused ? s.fuse_recs + 1 : 0));
	at = (uint32_t *) (lists + s.fuse_items);
	names = (const char **) (block + sizeof(CrRuleProg) + (size_t) s.ninstr * sizeof(CrInstr) + fused);
	name_lens = (uint32_t *) (names + s.nnames);
	sp = (char *) (name_lens + s.nnames);
	memset(prog, 0, sizeof(CrRuleProg));
	prog->ninstr = s.ninstr;
	prog->nnames = (int) s.nnames;
	prog->code = code;
	prog->names = names;
	prog->name_lens = name_lens;
	prog->char_len = mem ? mem->char_len : NULL;

	/* second pass: fill, check names distinct, operand values */
	what = fill_names(bytes, prog, names, name_lens, &sp);
	pos = s.codestart;
	for (int k = 0; k < s.ninstr && what == NULL; k++)
		what = fill_instr(bytes, &pos, &code[k], &sp, s.nnames, &seen_names);
	if (what == NULL && seen_names != s.nnames)
		what = "unused name";
	if (what)
	{
		cr_mem_free(mem, block);
		return cr_bad_binary(err, what);
	}

	/* stack balance, depth and static types */
	rc = types ? cr_rule_typecheck(prog, NULL, mem, err) : cr_rule_check_shape(prog, mem, err);
	if (rc != CR_OK)
	{
		cr_mem_free(mem, block);
		return rc;
	}
	if (fused)
		cr_rule_fuse(prog, fast, s.fuse_recs, lists, s.fuse_items, at, mem);
	*progp = prog;
	return CR_OK;
}

/* ------------------------------------------------------------------ transcoder */

/*
 * One name or text literal through conv, written with its length (u16 or
 * u32); *what is set to what is wrong, if anything.
 */
static void
transcode_str(CrBuf *b, CrRuleConv conv, void *arg, int is_name, const uint8_t *s, size_t n,
			  const char **what)
{
	const char *t = NULL;
	size_t		tn = 0;

	*what = conv(arg, is_name, (const char *) s, n, &t, &tn);
	if (*what == NULL && (is_name ? tn > 0xffff : tn > 0xffffffffu))
		*what = is_name ? "name too long" : "string too long";
	if (*what)
		return;
	if (is_name)
		cr_buf_u16(b, (unsigned) tn);
	else
		cr_buf_u32(b, (uint32_t) tn);
	cr_buf_bytes(b, t, tn);
}

int
cr_rule_transcode(const uint8_t *bytes, size_t len, const CrRuleMem *mem,
				  CrRuleConv conv, void *arg,
				  uint8_t **out, size_t *outlen, CrRuleError *err)
{
	CrBuf		b = {.mem = mem};
	const char *what = NULL;
	uint32_t	nnames;
	size_t		pos = 8;
	size_t		codestart;

	*out = NULL;
	*outlen = 0;
	if (len < 8)
		return cr_bad_binary(err, "too short");
	nnames = cr_rd_u16(bytes + 2);
	cr_buf_bytes(&b, bytes, 4); /* version, flags, number of names */
	cr_buf_u32(&b, 0);			/* code length, set below */
	for (uint32_t i = 0; i < nnames && what == NULL; i++)
	{
		size_t		nl = 0;

		if (len - pos < 2 || len - pos - 2 < (nl = cr_rd_u16(bytes + pos)))
			what = "truncated name table";
		else
			transcode_str(&b, conv, arg, 1, bytes + pos + 2, nl, &what);
		pos += 2 + nl;
	}
	if (what == NULL && len - pos != cr_rd_u32(bytes + 4))
		what = "code length does not match";
	codestart = b.len;
	while (what == NULL && pos < len)
	{
		uint8_t		op = bytes[pos++];
		int			k = operand_bytes(op);
		size_t		need = (size_t) k;

		if (k < 0)
			what = "unknown opcode";
		else if (len - pos < need)
			what = "truncated instruction";
		if (what)
			break;
		cr_buf_u8(&b, op);
		if (op == CR_OP_TEXT)
		{
			size_t		n = cr_rd_u32(bytes + pos);

			pos += 4;
			if (len - pos < n)
				what = "truncated instruction";
			else
				transcode_str(&b, conv, arg, 0, bytes + pos, n, &what);
			pos += n;
		}
		else
		{
			cr_buf_bytes(&b, bytes + pos, need);
			pos += need;
		}
	}
	if (what == NULL && b.len - codestart > 0xffffffffu)
		what = "code too long";
	if (what || b.oom)
	{
		cr_mem_free(mem, b.data);
		return what ? cr_bad_binary(err, what) : cr_set_error(err, CR_ERR_NOMEM, -1, "out of memory");
	}
	for (int i = 0; i < 4; i++)
		b.data[4 + i] = (uint8_t) (((b.len - codestart) >> (8 * i)) & 0xff);
	*out = b.data;
	*outlen = b.len;
	return CR_OK;
}
