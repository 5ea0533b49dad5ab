/*
 * cr_rule_facts.h
 *	  Features in a JSON object of facts (cr_rule_facts.c), for
 *	  incentive_matches(condition, jsonb).
 */
#ifndef CR_RULE_FACTS_H
#define CR_RULE_FACTS_H

#include "community_retention.h"

#include "utils/jsonb.h"

#include "cr_rule.h"

/*
 * The value of the feature name (len bytes) in jb: its key, or JsonLogic's
 * path through a nested object or array; NULL when there is none.
 * 0A000 for a path JsonLogic would read in a way JSON does not say.
 */
extern JsonbValue *cr_facts_value(Jsonb *jb, const char *name, size_t len, JsonbValue *buf);

/* ok[i]: prog reads feature i only for its truthiness (or IS [NOT] NULL). */
extern uint8 *cr_facts_truthy_only(const CrRuleProg *prog, MemoryContext cxt);

/*
 * The array or object jv (jbvBinary) as the value fv of feature name: its
 * truthiness when truthy_only, else a type error (42804).
 */
extern void cr_facts_array_value(const char *name, JsonbValue *jv, bool truthy_only, CrValue *fv);

#endif							/* CR_RULE_FACTS_H */
