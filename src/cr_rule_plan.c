/*
 * cr_rule_plan.c
 *	  Planner support of incentive_matches(condition, record): the plans of
 *	  rules joins.
 *
 * A rules join, `rules r JOIN members m ON incentive_matches(r.condition,
 * m)`, has no join key: PostgreSQL runs it as a nested loop over the members
 * with the few rules materialized as the inner side.  The support function,
 * called by the planner for every incentive_matches call it simplifies
 * (before it plans the joins), installs a set_join_pathlist_hook once per
 * backend.  For a join whose clauses call incentive_matches, the hook adds:
 *
 *	  1. the rules join node (cr_rules_join_paths; executed by cr_rule_join.c),
 *	     as a plain path and as a partial path, for inner joins and left joins
 *	     with the members on the left: the rules read once, the clauses
 *	     evaluated rule by rule without the nested loop's per-pair work;
 *	  2. what PostgreSQL 17 adds for every join: a partial nested loop of the
 *	     cheapest partial path of the outer side and the cheapest inner path,
 *	     materialized.  PostgreSQL 15 builds a parallel nested loop only with
 *	     an inner side it rescans as it is (for the rules table a sequential
 *	     scan, started again for every member), never with a Materialize node
 *	     on the inner side; PostgreSQL 17 does (commit 22d946b0f).  Without
 *	     it the join form lost 2x to the same rules written as 20 queries (a
 *	     Parallel Append) on any machine with spare cores.
 *
 * In both, each worker reads the inner side privately and its share of the
 * outer rows, so the rows produced are exactly those of the serial plan; the
 * planner chooses by cost.  Nothing else is changed: the expression is
 * returned as it is (SupportRequestSimplify answers NULL).
 */
#include "postgres.h"

#include "executor/executor.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/clauses.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/restrictinfo.h"
#include "utils/guc.h"

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

/* community_retention.enable_rules_join */
static bool enable_rules_join = true;

static Plan *plan_rules_join(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
							 List *tlist, List *clauses, List *custom_plans);
static Path *more_workers(Path *outer, PlannerInfo *root, RelOptInfo *outerrel);

static const CustomPathMethods path_methods = {
	.CustomName = CR_RULES_JOIN_NAME,
	.PlanCustomPath = plan_rules_join,
};

/* See cr_rule_join.h. */
void
cr_rules_join_register(void)
{
	DefineCustomBoolVariable("community_retention.enable_rules_join",
							 "Lets the planner run a join on incentive_matches as one rules join node.",
							 "Off: the join runs as PostgreSQL's nested loop over the materialized rules.",
							 &enable_rules_join,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	RegisterCustomScanMethods(&cr_rules_join_scan_methods);
}

/*
 * Is clause incentive_matches(C, R) with C over the inner side only and R
 * over the outer side only, and nothing volatile or a subplan in it?
 */
static bool
is_rules_clause(PlannerInfo *root, Expr *clause, Oid matches_oid,
				RelOptInfo *outerrel, RelOptInfo *innerrel)
{
	FuncExpr   *f = (FuncExpr *) clause;
	Relids		cond,
				row;

	if (!IsA(clause, FuncExpr) || f->funcid != matches_oid || list_length(f->args) != 2)
		return false;
	cond = pull_varnos(root, linitial(f->args));
	row = pull_varnos(root, lsecond(f->args));
	return !bms_is_empty(cond) && bms_is_subset(cond, innerrel->relids) &&
		!bms_is_empty(row) && bms_is_subset(row, outerrel->relids) &&
		!contain_volatile_functions((Node *) clause) && !contain_subplans((Node *) clause);
}

/*
 * The clauses in the order the nested loop evaluates them (createplan.c's
 * order_qual_clauses): by security level, a cheap leakproof clause counting
 * as level 0, then by cost per row; a stable sort.
 */
static List *
order_clauses(PlannerInfo *root, List *rinfos)
{
	int			n = list_length(rinfos),
				i = 0;
	RestrictInfo **items = palloc(sizeof(RestrictInfo *) * Max(n, 1));
	Cost	   *cost = palloc(sizeof(Cost) * Max(n, 1));
	Index	   *level = palloc(sizeof(Index) * Max(n, 1));
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, rinfos)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		QualCost	qc;

		cost_qual_eval_node(&qc, (Node *) ri, root);
		items[i] = ri;
		cost[i] = qc.per_tuple;
		level[i] = ri->leakproof && qc.per_tuple < 10 * cpu_operator_cost ? 0 : ri->security_level;
		i++;
	}
	for (i = 1; i < n; i++)
	{
		RestrictInfo *ri = items[i];
		Cost		c = cost[i];
		Index		l = level[i];
		int			j;

		for (j = i; j > 0; j--)
		{
			if (l > level[j - 1] || (l == level[j - 1] && c >= cost[j - 1]))
				break;
			items[j] = items[j - 1];
			cost[j] = cost[j - 1];
			level[j] = level[j - 1];
		}
		items[j] = ri;
		cost[j] = c;
		level[j] = l;
	}
	for (i = 0; i < n; i++)
		result = lappend(result, items[i]);
	return result;
}

/*
 * One path: outer and inner unparameterized, rows its estimate (per worker
 * for a partial path).  Costs as a nested loop's, without the rescans of the
 * materialized inner side and the per-pair tuple overhead this node avoids.
 */
static CustomPath *
make_path(PlannerInfo *root, RelOptInfo *joinrel, JoinType jointype,
		  JoinPathExtraData *extra, RestrictInfo *match, Path *outer, Path *inner,
		  double rows, bool partial)
{
	CustomPath *cp = makeNode(CustomPath);
	QualCost	qc;
	double		pairs = outer->rows * inner->rows;

	cost_qual_eval(&qc, extra->restrictlist, root);
	cp->path.pathtype = T_CustomScan;
	cp->path.parent = joinrel;
	cp->path.pathtarget = joinrel->reltarget;
	cp->path.param_info = NULL;
	cp->path.parallel_aware = false;
	cp->path.parallel_safe = joinrel->consider_parallel && outer->parallel_safe && inner->parallel_safe;
	cp->path.parallel_workers = partial ? outer->parallel_workers : 0;
	cp->path.rows = rows;
	cp->path.startup_cost = outer->startup_cost + inner->total_cost + qc.startup;
	cp->path.total_cost = cp->path.startup_cost + (outer->total_cost - outer->startup_cost) +
		pairs * (cpu_operator_cost + qc.per_tuple) +
		rows * (cpu_tuple_cost + joinrel->reltarget->cost.per_tuple);
	/* the outer side's order is kept, as in a nested loop */
	cp->path.pathkeys = build_join_pathkeys(root, joinrel, jointype, outer->pathkeys);
	cp->flags = CUSTOMPATH_SUPPORT_PROJECTION;
	cp->custom_paths = list_make2(outer, inner);
	cp->custom_private = list_make3(extra->restrictlist, makeInteger(jointype), match);
	cp->methods = &path_methods;
	return cp;
}

/* See cr_rule_join.h. */
void
cr_rules_join_paths(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel,
					RelOptInfo *innerrel, JoinType jointype, JoinPathExtraData *extra,
					Oid matches_oid)
{
	RestrictInfo *match = NULL;
	Path	   *outer;
	Path	   *inner;
	ListCell   *lc;

	if (!enable_rules_join || !enable_nestloop || (jointype != JOIN_INNER && jointype != JOIN_LEFT) ||
		!bms_is_empty(joinrel->lateral_relids))
		return;
	foreach(lc, extra->restrictlist)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		/* a pseudoconstant clause would need a gating Result node */
		if (ri->pseudoconstant)
			return;
		if (!match && is_rules_clause(root, ri->clause, matches_oid, outerrel, innerrel) &&
			(jointype == JOIN_INNER || !RINFO_IS_PUSHED_DOWN(ri, joinrel->relids)))
			match = ri;
	}
	if (!match)
		return;

	/* the rules are held in memory: at most work_mem of them, by the estimate */
	inner = innerrel->cheapest_total_path;
	if (inner == NULL || !bms_is_empty(PATH_REQ_OUTER(inner)) ||
		inner->rows * (inner->pathtarget->width + 2.0 * sizeof(Datum)) > work_mem * 1024.0)
		return;

	outer = outerrel->cheapest_total_path;
	if (outer && bms_is_empty(PATH_REQ_OUTER(outer)))
		add_path(joinrel, (Path *) make_path(root, joinrel, jointype, extra, match, outer, inner,
											 joinrel->rows, false));

	/*
	 * Each worker reads all the rules: from the cheapest parallel-safe path
	 * (the cheapest path may be a Gather, which a worker cannot run).
	 */
	if (!inner->parallel_safe)
		inner = get_cheapest_parallel_safe_total_inner(innerrel->pathlist);
	if (joinrel->consider_parallel && outerrel->partial_pathlist != NIL && inner != NULL)
	{
		outer = more_workers((Path *) linitial(outerrel->partial_pathlist), root, outerrel);
		if (outer->parallel_safe && bms_is_empty(PATH_REQ_OUTER(outer)) && outerrel->rows > 0)
		{
			CustomPath *cp = make_path(root, joinrel, jointype, extra, match, outer, inner,
									   clamp_row_est(joinrel->rows * outer->rows / outerrel->rows), true);

			if (cp->path.parallel_safe)
				add_partial_path(joinrel, (Path *) cp);
		}
	}
}

/*
 * The plan: the children's target lists side by side as the scan tuple, the
 * join clauses (the nested loop's join quals) in custom_exprs, a left join's
 * other clauses as the node's qual.
 */
static Plan *
plan_rules_join(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
				List *tlist, List *clauses, List *custom_plans)
{
	CustomScan *cs = makeNode(CustomScan);
	JoinType	jointype = (JoinType) intVal(lsecond(best_path->custom_private));
	Plan	   *outer = linitial(custom_plans);
	Plan	   *inner = lsecond(custom_plans);
	List	   *scan_tlist = NIL;
	List	   *joinquals = NIL;
	List	   *otherquals = NIL;
	int			nbefore = -1;
	AttrNumber	resno = 1;
	ListCell   *lc;

	Assert(clauses == NIL);		/* a join relation has no restriction clauses */
	foreach(lc, outer->targetlist)
		scan_tlist = lappend(scan_tlist, makeTargetEntry(copyObject(lfirst_node(TargetEntry, lc)->expr),
														 resno++, NULL, false));
	foreach(lc, inner->targetlist)
		scan_tlist = lappend(scan_tlist, makeTargetEntry(copyObject(lfirst_node(TargetEntry, lc)->expr),
														 resno++, NULL, false));
	foreach(lc, order_clauses(root, linitial(best_path->custom_private)))
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (jointype == JOIN_LEFT && RINFO_IS_PUSHED_DOWN(ri, rel->relids))
			otherquals = lappend(otherquals, ri->clause);
		else
		{
			/* the incentive_matches of an inner column and an outer one */
			if (ri == lthird(best_path->custom_private) &&
				IsA(linitial(((FuncExpr *) ri->clause)->args), Var) &&
				IsA(lsecond(((FuncExpr *) ri->clause)->args), Var))
				nbefore = list_length(joinquals);
			joinquals = lappend(joinquals, ri->clause);
		}
	}

	cs->scan.plan.targetlist = tlist;
	cs->scan.plan.qual = otherquals;
	cs->scan.scanrelid = 0;
	cs->flags = best_path->flags;
	cs->custom_plans = custom_plans;
	cs->custom_exprs = joinquals;
	cs->custom_private = list_make3(makeInteger(list_length(outer->targetlist)), makeInteger(jointype),
									makeInteger(nbefore));	/* CR_RJ_PRIV_* */
	cs->custom_scan_tlist = scan_tlist;
	cs->methods = &cr_rules_join_scan_methods;
	return &cs->scan.plan;
}

/*
 * The outer side with more workers.  A plain table's partial scan gets
 * workers by the table's size (one for 8 MB, two for 24 MB ...), as if each
 * row cost a scan's share; here each row is evaluated against every rule, so
 * the join is worth up to max_parallel_workers_per_gather workers, as the
 * Parallel Append of the same rules written as one query per rule gets.  A
 * table's own parallel_workers setting is kept.
 */
static Path *
more_workers(Path *outer, PlannerInfo *root, RelOptInfo *outerrel)
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

	outer = more_workers((Path *) linitial(outerrel->partial_pathlist), root, outerrel);
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
