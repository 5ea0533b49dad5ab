/*
 * cr_rule_join.h
 *	  The rules join node (cr_rule_join.c) and the planner hook that offers
 *	  it (cr_rule_plan.c).
 */
#ifndef CR_RULE_JOIN_H
#define CR_RULE_JOIN_H

#include "access/htup.h"
#include "fmgr.h"
#include "nodes/extensible.h"
#include "nodes/pathnodes.h"

#define CR_RULES_JOIN_NAME "IncentiveRulesJoin"

/*
 * custom_private of the plan: the outer columns in the scan tuple, the join
 * type, and the position in custom_exprs (the join clauses in the nested
 * loop's order) of the incentive_matches(C, R) that may be called directly,
 * C and R columns of the scan tuple; -1: none, every clause is evaluated as
 * an expression.
 */
#define CR_RJ_PRIV_NOUTER 0
#define CR_RJ_PRIV_JOINTYPE 1
#define CR_RJ_PRIV_NBEFORE 2

/* The node's plan methods (cr_rule_join.c: its execution). */
extern const CustomScanMethods cr_rules_join_scan_methods;

/*
 * Define community_retention.enable_rules_join and register the node's
 * methods, so that parallel workers find them (cr_rule_plan.c): _PG_init.
 */
extern void cr_rules_join_register(void);

/*
 * From the join hook: add the rules join paths to joinrel when its clauses
 * include incentive_matches (matches_oid) of an inner-side condition and an
 * outer-side row.
 */
extern void cr_rules_join_paths(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel,
								RelOptInfo *innerrel, JoinType jointype,
								JoinPathExtraData *extra, Oid matches_oid);

/*
 * incentive_matches for the rules of a rules join (cr_rule_eval.c), with
 * flinfo's cache: cr_rules_join_reset makes room for nrules rules (after the
 * rules are read), cr_rules_join_row takes a row apart once, and
 * cr_rules_join_find returns the first rule i in [from, n) whose condition
 * conds[i] (detoasted; NULL: none) is true for that row, or n.  A rule's bound
 * program is remembered by its position, so that neither the row nor the
 * condition is compared byte for byte per rule.  Errors as incentive_matches.
 */
extern void cr_rules_join_reset(FmgrInfo *flinfo, int64 nrules);
extern void cr_rules_join_row(FmgrInfo *flinfo, HeapTupleHeader td);
extern int64 cr_rules_join_find(FmgrInfo *flinfo, struct varlena *const *conds, int64 from, int64 n);

/* incentive_matches(condition, record) itself (cr_rule_eval.c) */
extern Datum incentive_matches_record(PG_FUNCTION_ARGS);

#endif							/* CR_RULE_JOIN_H */
