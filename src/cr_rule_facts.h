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

/*
 * use[i], how prog reads feature i: CR_FACTS_TRUTHY for its truthiness only
 * (or IS [NOT] NULL), CR_FACTS_ARRAY that and as the first argument of
 * contains (at least once), CR_FACTS_SCALAR otherwise.
 */
#define CR_FACTS_SCALAR 0
#define CR_FACTS_TRUTHY 1
#define CR_FACTS_ARRAY 2
extern uint8 *cr_facts_uses(const CrRuleProg *prog, MemoryContext cxt);

/*
 * The array or object jv (jbvBinary) as the value fv of feature name, read
 * as use says: its truthiness (CR_FACTS_TRUTHY), an array value of its
 * elements, allocated in the current context (an array, CR_FACTS_ARRAY),
 * else a type error (42804).
 */
extern void cr_facts_array_value(const char *name, JsonbValue *jv, int use, CrValue *fv);

#endif							/* CR_RULE_FACTS_H */
