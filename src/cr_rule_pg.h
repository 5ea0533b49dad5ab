/*
 * cr_rule_pg.h
 *	  What the backend files of the incentive rules share (cr_rule_eval.c,
 *	  cr_rule_jsonlogic_pg.c and the type's I/O), defined in cr_rule_pg.c:
 *	  memory callbacks in a memory context, raising a CrRuleError with its
 *	  SQLSTATE, decoding a stored condition.
 */
#ifndef CR_RULE_PG_H
#define CR_RULE_PG_H

#include "community_retention.h"

#include "cr_rule.h"

#define COND_BYTES(v) ((const char *) VARDATA_ANY(v))
#define COND_LEN(v) ((size_t) VARSIZE_ANY_EXHDR(v))

extern CrRuleMem cr_rule_mem_in(MemoryContext cxt);
extern void cr_rule_raise(const CrRuleError *e) pg_attribute_noreturn();
/* ... with positions in text (parse errors), counted in characters from 1 */
extern void cr_rule_raise_text(const CrRuleError *e, const char *text, size_t len) pg_attribute_noreturn();
/* ... naming the sub-expression of prog that the error concerns */
extern void cr_rule_raise_prog(const CrRuleError *e, const CrRuleProg *prog) pg_attribute_noreturn();
extern CrRuleProg *cr_rule_decode_stored(const char *bytes, size_t len, MemoryContext cxt);

#endif							/* CR_RULE_PG_H */
