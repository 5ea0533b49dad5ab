/*
 * cr_rule_plan.c
 *	  Planner support of incentive_matches(condition, record): a parallel
 *	  plan for rules joins.
 *
 * A rules join, `rules r JOIN members m ON incentive_matches(r.condition,
 * m)`, has no join key: PostgreSQL runs it as a nested loop over the members
 * with the few rules materialized as the inner side.  PostgreSQL 15 builds a
 * parallel nested loop only with an inner side it rescans as it is (for the
 * rules table a sequential scan, started again for every member, which costs
 * more than the parallelism gains), never with a Materialize node on the
 * inner side; PostgreSQL 17 does (commit 22d946b0f, "Consider materializing
 * the cheapest inner path in parallel nestloop").  The same 20 rules written
 * as 20 queries run in parallel (a Parallel Append), so without this the join
 * form lost 2x to hand-written SQL on any machine with spare cores, while
 * costing about the same serially.
 *
 * The support function, called by the planner for every incentive_matches
 * call it simplifies (before it plans the joins), installs a
 * set_join_pathlist_hook once per backend.  For a join whose clauses call
 * incentive_matches, the hook adds what PostgreSQL 17 adds for every join:
 * one more partial path, a nested loop of the cheapest partial path of the
 * outer side and the cheapest inner path, materialized.  Each worker
 * materializes the inner side privately and reads its share of the outer
 * rows, so the rows produced are exactly those of the serial plan; the
 * planner still chooses by cost.  Nothing else is changed: the expression is
 * returned as it is (SupportRequestSimplify answers NULL).
 */
#include "postgres.h"

#include "executor/executor.h"
#include "fmgr.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/cost.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"

#include "community_retention.h"
#include "cr_rule_join.h"

PG_FUNCTION_INFO_V1(incentive_matches_support);

static set_join_pathlist_hook_type prev_join_pathlist_hook = NULL;
static bool hook_installed = false;

/*
 * The OID of incentive_matches(condition, record), as the support function
 * last saw it (an extension dropped and created again gets a new OID; the
 * support function runs before any join of the same query is planned).
 */
static Oid	matches_oid = InvalidOid;

static bool
calls_matches(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncExpr) && ((FuncExpr *) node)->funcid == matches_oid)
		return true;
	return expression_tree_walker(node, calls_matches, context);
}

static bool
restrictlist_calls_matches(List *restrictlist)
{
	ListCell   *lc;

	foreach(lc, restrictlist)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (calls_matches((Node *) ri->clause, NULL))
			return true;
	}
	return false;
}

/*
 * The outer side with more workers.  A plain table's partial scan gets
 * workers by the table's size (one for 8 MB, two for 24 MB ...), as if each
 * row cost a scan's share; here each row is evaluated against every rule, so
 * the join is worth up to max_parallel_workers_per_gather workers, as the
 * Parallel Append of the same rules written as one query per rule gets.  A
 * table's own parallel_workers setting is kept.
 */
Path *
cr_rules_join_more_workers(Path *outer, PlannerInfo *root, RelOptInfo *outerrel)
{
	if (outer->pathtype != T_SeqScan || outerrel->reloptkind != RELOPT_BASEREL ||
		outerrel->rel_parallel_workers != -1 || outer->param_info != NULL ||
		outer->parallel_workers >= max_parallel_workers_per_gather)
		return outer;
	return create_seqscan_path(root, outerrel, NULL, max_parallel_workers_per_gather);
}

/*
 * The partial nested loop with a materialized inner side, under the
 * conditions PostgreSQL itself applies to parallel nested loops
 * (match_unsorted_outer, consider_parallel_nestloop).
 */
static void
rules_join_pathlist(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel,
					RelOptInfo *innerrel, JoinType jointype, JoinPathExtraData *extra)
{
	Path	   *outer;
	Path	   *inner;
	JoinCostWorkspace workspace;
	NestPath   *path;

	if (prev_join_pathlist_hook)
		prev_join_pathlist_hook(root, joinrel, outerrel, innerrel, jointype, extra);

	if (!OidIsValid(matches_oid) || !restrictlist_calls_matches(extra->restrictlist))
		return;
	cr_rules_join_paths(root, joinrel, outerrel, innerrel, jointype, extra, matches_oid);

	if (!enable_nestloop || !enable_material ||
		!joinrel->consider_parallel ||
		(jointype != JOIN_INNER && jointype != JOIN_LEFT) ||
		outerrel->partial_pathlist == NIL ||
		!bms_is_empty(joinrel->lateral_relids))
		return;

	outer = cr_rules_join_more_workers((Path *) linitial(outerrel->partial_pathlist), root, outerrel);
	inner = innerrel->cheapest_total_path;
	if (inner == NULL || !inner->parallel_safe || !outer->parallel_safe ||
		!bms_is_empty(PATH_REQ_OUTER(inner)) || !bms_is_empty(PATH_REQ_OUTER(outer)))
		return;
	if (!ExecMaterializesOutput(inner->pathtype))
	{
		inner = (Path *) create_material_path(innerrel, inner);
		if (!inner->parallel_safe)
			return;
	}

	initial_cost_nestloop(root, &workspace, jointype, outer, inner, extra);
	if (!add_partial_path_precheck(joinrel, workspace.total_cost, NIL))
		return;
	path = create_nestloop_path(root, joinrel, jointype, &workspace, extra, outer, inner,
								extra->restrictlist, NIL, NULL);
	if (path->jpath.path.parallel_safe)
		add_partial_path(joinrel, (Path *) path);
}

/*
 * incentive_matches_support(internal): records the function's OID and
 * installs the join hook; answers no request itself.
 */
Datum
incentive_matches_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);

	if (IsA(rawreq, SupportRequestSimplify))
	{
		SupportRequestSimplify *req = (SupportRequestSimplify *) rawreq;

		matches_oid = req->fcall->funcid;
		if (!hook_installed)
		{
			prev_join_pathlist_hook = set_join_pathlist_hook;
			set_join_pathlist_hook = rules_join_pathlist;
			hook_installed = true;
		}
	}
	PG_RETURN_POINTER(NULL);
}
