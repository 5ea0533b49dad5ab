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
 * type, and the number of join clauses evaluated before incentive_matches:
 * custom_exprs is then incentive_matches(C, R) (C and R columns of the scan
 * tuple), the clauses before it and those after it.  -1: custom_exprs is
 * just the join clauses in order, evaluated as expressions.
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

/* The outer side's partial path with up to max_parallel_workers_per_gather workers. */
extern Path *cr_rules_join_more_workers(Path *outer, PlannerInfo *root, RelOptInfo *outerrel);

/*
 * incentive_matches(v, row) for the rules of a rules join (cr_rule_eval.c),
 * with flinfo's cache: cr_rules_join_row takes the row apart once, then
 * cr_rules_join_match evaluates rule i (v: its condition, detoasted) on it,
 * the rule's bound program remembered by i, so that neither the row nor the
 * condition is compared byte for byte per call.  Returns 1 (true), 0 (false)
 * or -1 (NULL); errors as incentive_matches.  cr_rules_join_forget: the
 * rules changed.
 */
extern void cr_rules_join_row(FmgrInfo *flinfo, HeapTupleHeader td);
extern int	cr_rules_join_match(FmgrInfo *flinfo, int64 i, struct varlena *v);

/*
 * The first rule i in [from, n) whose condition conds[i] (NULL: none) is
 * true for the row of cr_rules_join_row, or n: cr_rules_join_match in a loop.
 */
extern int64 cr_rules_join_find(FmgrInfo *flinfo, struct varlena *const *conds, int64 from, int64 n);
extern void cr_rules_join_forget(FmgrInfo *flinfo);

/* incentive_matches(condition, record) itself (cr_rule_eval.c) */
extern Datum incentive_matches_record(PG_FUNCTION_ARGS);

#endif							/* CR_RULE_JOIN_H */
