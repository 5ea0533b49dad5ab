/*
 * cr_rule_join.c
 *	  The rules join as one plan node: Custom Scan (IncentiveRulesJoin).
 *
 * `members m JOIN rules r ON incentive_matches(r.condition, m)` has no join
 * key, so PostgreSQL runs it as a nested loop over the members with the few
 * rules materialized as the inner side.  For every (member, rule) pair the
 * nested loop fetches the rule from the Materialize node's tuplestore, takes
 * its columns apart again, sets up the join tuple and then evaluates the
 * clause: measured on 1M members and 20 rules, that machinery alone (the
 * plan with a no-op in place of incentive_matches) took 0.65 s of the join's
 * 1.11 s (README, Performance, Incentive rules).
 *
 * This node reads the inner side once, into memory, each rule's columns
 * taken apart once.  Its scan tuple is the outer side's columns followed by
 * the inner side's (custom_scan_tlist): for each outer row it fills in the
 * outer columns once, then for each rule copies the rule's few column values
 * into place and evaluates the join clauses, the very expressions (and
 * function calls, with their privilege checks and caches) the nested loop
 * would evaluate, in the same order.  A join row is projected only for the
 * pairs that match.  The rows are the nested loop's, in the nested loop's
 * order: the outer rows in the outer side's order, each followed by its
 * matching rules in the inner side's order; a left join adds an outer row
 * with NULL rule columns when no rule matched.
 *
 * cr_rule_plan.c's join hook offers it (cr_rules_join_paths) for an inner
 * join, or a left join with the rows on the left, whose clauses include
 * incentive_matches(C, R) with C over the inner side and R over the outer
 * side: as a plain path, and over the outer side's partial path as a partial
 * path, each worker reading all the rules and its share of the rows.  The
 * planner chooses by cost; community_retention.enable_rules_join = off turns
 * it off (and enable_nestloop = off with the nested loops it replaces).
 */
#include "postgres.h"

#include "catalog/objectaccess.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/restrictinfo.h"
#include "utils/acl.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/ruleutils.h"
#include "utils/tuplestore.h"

#include "cr_rule_join.h"

#define RULES_JOIN_NAME "IncentiveRulesJoin"

/*
 * custom_private of the plan: the outer columns in the scan tuple, the join
 * type, and the number of join clauses evaluated before incentive_matches:
 * custom_exprs is then incentive_matches(C, R) (C and R columns of the scan
 * tuple), the clauses before it and those after it.  -1: custom_exprs is
 * just the join clauses in order, evaluated as expressions.
 */
#define PRIV_NOUTER 0
#define PRIV_JOINTYPE 1
#define PRIV_NBEFORE 2

typedef struct RulesJoinState
{
	CustomScanState css;
	JoinType	jointype;
	int			nouter;			/* scan tuple: outer columns, then inner */
	int			ninner;
	int			nbefore;		/* see PRIV_NBEFORE */
	ExprState  *joinqual;		/* the join clauses in order (nbefore -1) */

	/* incentive_matches called directly (nbefore >= 0) */
	bool		direct;
	ExprState  *before;			/* join clauses evaluated before it */
	ExprState  *after;			/* and after it */
	int			cond_col;		/* the condition: this inner column */
	int			row_col;		/* the row: this outer column */
	FmgrInfo	flinfo;			/* incentive_matches, its cache */

	/*
	 * The inner side, read on first use into values and nulls; or, when its
	 * columns outgrow work_mem, into a tuplestore (spilled), read again for
	 * every outer row as a nested loop reads a Materialize node, the join
	 * clauses then evaluated as expressions (joinqual).
	 */
	MemoryContext rulecxt;
	bool		loaded;
	int64		nrules;
	Datum	   *values;			/* nrules x ninner */
	bool	   *nulls;
	struct varlena **conds;		/* direct, in memory: each rule's condition */
	bool		spilled;
	Tuplestorestate *store;
	MemoryContext storecxt;
	TupleTableSlot *rule_slot;	/* a rule read from the store */

	/* the current outer row */
	bool		in_row;
	bool		matched;
	int64		next;			/* the next rule to try */
	HeapTupleHeader row;		/* direct: the row, detoasted (in rowcxt); NULL if null */
	MemoryContext rowcxt;		/* the current outer row's detoasted copy */
	bool		row_seen;		/* direct: incentive_matches has had it */
} RulesJoinState;

static Plan *plan_rules_join(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
							 List *tlist, List *clauses, List *custom_plans);
static Node *create_rules_join_state(CustomScan *cscan);
static void begin_rules_join(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *exec_rules_join(CustomScanState *node);
static void end_rules_join(CustomScanState *node);
static void rescan_rules_join(CustomScanState *node);
static void explain_rules_join(CustomScanState *node, List *ancestors, ExplainState *es);

static const CustomPathMethods path_methods = {
	.CustomName = RULES_JOIN_NAME,
	.PlanCustomPath = plan_rules_join,
};

static const CustomScanMethods scan_methods = {
	.CustomName = RULES_JOIN_NAME,
	.CreateCustomScanState = create_rules_join_state,
};

static const CustomExecMethods exec_methods = {
	.CustomName = RULES_JOIN_NAME,
	.BeginCustomScan = begin_rules_join,
	.ExecCustomScan = exec_rules_join,
	.EndCustomScan = end_rules_join,
	.ReScanCustomScan = rescan_rules_join,
	.ExplainCustomScan = explain_rules_join,
};

/* community_retention.enable_rules_join */
static bool enable_rules_join = true;

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
	RegisterCustomScanMethods(&scan_methods);
}

/* ------------------------------------------------------------------ planning */

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
		outer = cr_rules_join_more_workers((Path *) linitial(outerrel->partial_pathlist), root, outerrel);
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
	Expr	   *match = NULL;
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
			/* the first incentive_matches of an inner column and an outer one */
			if (match == NULL && ri == lthird(best_path->custom_private) &&
				IsA(linitial(((FuncExpr *) ri->clause)->args), Var) &&
				IsA(lsecond(((FuncExpr *) ri->clause)->args), Var))
			{
				match = ri->clause;
				nbefore = list_length(joinquals);
			}
			else
				joinquals = lappend(joinquals, ri->clause);
		}
	}
	if (match)
		joinquals = lcons(match, joinquals);

	cs->scan.plan.targetlist = tlist;
	cs->scan.plan.qual = otherquals;
	cs->scan.scanrelid = 0;
	cs->flags = best_path->flags;
	cs->custom_plans = custom_plans;
	cs->custom_exprs = joinquals;
	cs->custom_private = list_make3(makeInteger(list_length(outer->targetlist)), makeInteger(jointype),
									makeInteger(nbefore));
	cs->custom_scan_tlist = scan_tlist;
	cs->methods = &scan_methods;
	return &cs->scan.plan;
}

/* ------------------------------------------------------------------ execution */

/*
 * The join clauses in the order the nested loop evaluates them: custom_exprs
 * has incentive_matches first when nbefore >= 0; put it back in its place.
 */
static List *
clauses_in_order(CustomScan *cs, int nbefore)
{
	List	   *rest;

	if (nbefore < 0 || cs->custom_exprs == NIL)
		return cs->custom_exprs;
	rest = list_copy_tail(cs->custom_exprs, 1);
	return list_concat(lappend(list_copy_head(rest, nbefore), linitial(cs->custom_exprs)),
					   list_copy_tail(rest, nbefore));
}

static Node *
create_rules_join_state(CustomScan *cscan)
{
	RulesJoinState *s = palloc0(sizeof(RulesJoinState));

	NodeSetTag(s, T_CustomScanState);
	s->css.methods = &exec_methods;
	s->nouter = intVal(list_nth(cscan->custom_private, PRIV_NOUTER));
	s->jointype = (JoinType) intVal(list_nth(cscan->custom_private, PRIV_JOINTYPE));
	s->nbefore = intVal(list_nth(cscan->custom_private, PRIV_NBEFORE));
	return (Node *) s;
}

/*
 * Call incentive_matches directly when the plan says so and it is the
 * extension's own function (the planner support function may be attached to
 * another), with the privilege check ExecInitFunc would make.
 */
static void
begin_direct(RulesJoinState *s, CustomScan *cs)
{
	FuncExpr   *f = linitial_node(FuncExpr, cs->custom_exprs);
	Var		   *cond = linitial_node(Var, f->args);
	Var		   *row = lsecond_node(Var, f->args);
	List	   *rest = list_copy_tail(cs->custom_exprs, 1);
	AclResult	aclresult;

	fmgr_info(f->funcid, &s->flinfo);
	fmgr_info_set_expr((Node *) f, &s->flinfo);
	if (s->flinfo.fn_addr != incentive_matches_record ||
		cond->varno != INDEX_VAR || cond->varattno <= s->nouter || cond->varattno > s->nouter + s->ninner ||
		row->varno != INDEX_VAR || row->varattno < 1 || row->varattno > s->nouter)
		return;					/* evaluated as expressions (joinqual) */
	aclresult = pg_proc_aclcheck(f->funcid, GetUserId(), ACL_EXECUTE);
	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_FUNCTION, get_func_name(f->funcid));
	InvokeFunctionExecuteHook(f->funcid);
	s->direct = true;
	s->cond_col = cond->varattno - 1 - s->nouter;
	s->row_col = row->varattno - 1;
	s->before = ExecInitQual(list_copy_head(rest, s->nbefore), &s->css.ss.ps);
	s->after = ExecInitQual(list_copy_tail(rest, s->nbefore), &s->css.ss.ps);
}

static void
begin_rules_join(CustomScanState *node, EState *estate, int eflags)
{
	RulesJoinState *s = (RulesJoinState *) node;
	CustomScan *cs = (CustomScan *) node->ss.ps.plan;
	Plan	   *inner = lsecond(cs->custom_plans);

	s->ninner = list_length(inner->targetlist);
	Assert(s->nouter + s->ninner == node->ss.ss_ScanTupleSlot->tts_tupleDescriptor->natts);
	if (s->nbefore >= 0)
		begin_direct(s, cs);
	/* the clauses as expressions, in the nested loop's order: without a direct call, or spilled */
	s->joinqual = ExecInitQual(clauses_in_order(cs, s->nbefore), &node->ss.ps);
	node->custom_ps = list_make2(ExecInitNode(linitial(cs->custom_plans), estate, eflags),
								 ExecInitNode(inner, estate, eflags));
	s->rule_slot = ExecAllocTableSlot(&estate->es_tupleTable,
									  ExecGetResultType(lsecond(node->custom_ps)),
									  &TTSOpsMinimalTuple);
	s->rulecxt = AllocSetContextCreate(estate->es_query_cxt, "incentive rules join",
									   ALLOCSET_DEFAULT_SIZES);
	s->storecxt = AllocSetContextCreate(estate->es_query_cxt, "incentive rules join store",
										ALLOCSET_DEFAULT_SIZES);
	s->rowcxt = AllocSetContextCreate(estate->es_query_cxt, "incentive rules join row",
									  ALLOCSET_DEFAULT_SIZES);
}

/*
 * The rules read so far outgrew work_mem (the planner's estimate was low):
 * move them into a tuplestore, which keeps at most work_mem in memory, and
 * take the rest there too.
 */
static void
spill_rules(RulesJoinState *s)
{
	MemoryContext old = MemoryContextSwitchTo(s->storecxt);
	TupleTableSlot *v = MakeSingleTupleTableSlot(s->rule_slot->tts_tupleDescriptor, &TTSOpsVirtual);
	int64		i;

	s->store = tuplestore_begin_heap(false, false, work_mem);
	tuplestore_set_eflags(s->store, EXEC_FLAG_REWIND);
	for (i = 0; i < s->nrules; i++)
	{
		ExecClearTuple(v);
		memcpy(v->tts_values, s->values + i * s->ninner, sizeof(Datum) * s->ninner);
		memcpy(v->tts_isnull, s->nulls + i * s->ninner, sizeof(bool) * s->ninner);
		ExecStoreVirtualTuple(v);
		tuplestore_puttupleslot(s->store, v);
	}
	ExecDropSingleTupleTableSlot(v);
	MemoryContextSwitchTo(old);
	s->values = NULL;
	s->nulls = NULL;
	s->spilled = true;
	/* the caller is in rulecxt, which holds nothing else: free it all */
	MemoryContextReset(s->rulecxt);
}

/*
 * Read the inner side into memory, each row's columns taken apart once (and
 * for a direct call, the condition detoasted once).
 */
static void
load_rules(RulesJoinState *s)
{
	PlanState  *inner = lsecond(s->css.custom_ps);
	MemoryContext old;
	int64		cap = 16;
	int			ni = Max(s->ninner, 1);

	MemoryContextReset(s->rulecxt);
	if (s->store)
		tuplestore_end(s->store);
	s->store = NULL;
	s->spilled = false;
	MemoryContextReset(s->storecxt);
	if (s->direct)
		cr_rules_join_forget(&s->flinfo);
	old = MemoryContextSwitchTo(s->rulecxt);
	s->nrules = 0;
	s->values = palloc(sizeof(Datum) * cap * ni);
	s->nulls = palloc(sizeof(bool) * cap * ni);
	for (;;)
	{
		TupleTableSlot *t;
		TupleDesc	desc;
		int64		k = s->nrules * s->ninner;
		int			j;

		MemoryContextSwitchTo(old);
		t = ExecProcNode(inner);
		MemoryContextSwitchTo(s->rulecxt);
		if (TupIsNull(t))
			break;
		if (s->spilled)
		{
			tuplestore_puttupleslot(s->store, t);
			s->nrules++;
			continue;
		}
		if (s->nrules == cap)
		{
			cap *= 2;
			s->values = repalloc_huge(s->values, sizeof(Datum) * cap * ni);
			s->nulls = repalloc_huge(s->nulls, sizeof(bool) * cap * ni);
		}
		slot_getallattrs(t);
		desc = t->tts_tupleDescriptor;
		for (j = 0; j < s->ninner; j++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, j);

			s->nulls[k + j] = t->tts_isnull[j];
			s->values[k + j] = t->tts_isnull[j] ? (Datum) 0 :
				datumCopy(t->tts_values[j], att->attbyval, att->attlen);
		}
		if (s->direct && !s->nulls[k + s->cond_col])
			s->values[k + s->cond_col] =
				PointerGetDatum(PG_DETOAST_DATUM_PACKED(s->values[k + s->cond_col]));
		s->nrules++;
		if (MemoryContextMemAllocated(s->rulecxt, true) > (Size) work_mem * 1024)
			spill_rules(s);
	}
	s->conds = NULL;
	if (s->direct && !s->spilled)
	{
		int64		i;

		s->conds = palloc(sizeof(struct varlena *) * Max(s->nrules, 1));
		for (i = 0; i < s->nrules; i++)
			s->conds[i] = s->nulls[i * s->ninner + s->cond_col] ? NULL :
				(struct varlena *) DatumGetPointer(s->values[i * s->ninner + s->cond_col]);
	}
	MemoryContextSwitchTo(old);
	s->loaded = true;
}

static inline TupleTableSlot *
project(CustomScanState *node)
{
	if (node->ss.ps.ps_ProjInfo)
		return ExecProject(node->ss.ps.ps_ProjInfo);
	return node->ss.ss_ScanTupleSlot;
}

/* Rule i's columns into the scan tuple. */
static inline void
place_rule(RulesJoinState *s, TupleTableSlot *scan, int64 i)
{
	const Datum *values;
	const bool *nulls;

	if (s->spilled)
	{
		/* the store is read in order, once per outer row */
		if (!tuplestore_gettupleslot(s->store, true, false, s->rule_slot))
			elog(ERROR, "rules join: the rules store ended early");
		slot_getallattrs(s->rule_slot);
		values = s->rule_slot->tts_values;
		nulls = s->rule_slot->tts_isnull;
	}
	else
	{
		values = s->values + i * s->ninner;
		nulls = s->nulls + i * s->ninner;
	}
	memcpy(scan->tts_values + s->nouter, values, sizeof(Datum) * s->ninner);
	memcpy(scan->tts_isnull + s->nouter, nulls, sizeof(bool) * s->ninner);
}

/*
 * Do the join clauses hold for the current row and rule i?  Leaves rule i in
 * the scan tuple when they do (a direct call needs it there only for the
 * other clauses and the projection).
 */
static inline bool
pair_matches(RulesJoinState *s, ExprContext *econtext, TupleTableSlot *scan, int64 i)
{
	struct varlena *cond;
	MemoryContext old;
	int			r;

	if (!s->direct || s->spilled)
	{
		place_rule(s, scan, i);
		return ExecQual(s->joinqual, econtext);
	}
	if (s->before)
	{
		place_rule(s, scan, i);
		if (!ExecQual(s->before, econtext))
			return false;
	}
	/* incentive_matches is strict: a NULL condition or row does not match */
	if (s->row == NULL || s->nulls[i * s->ninner + s->cond_col])
		return false;
	cond = (struct varlena *) DatumGetPointer(s->values[i * s->ninner + s->cond_col]);
	old = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
	if (!s->row_seen)
	{
		cr_rules_join_row(&s->flinfo, s->row);
		s->row_seen = true;
	}
	r = cr_rules_join_match(&s->flinfo, i, cond);
	MemoryContextSwitchTo(old);
	if (r != 1)
		return false;
	if (!s->before)
		place_rule(s, scan, i);
	return ExecQual(s->after, econtext);
}

/* The next outer row into the scan tuple; false at the end. */
static bool
next_outer(RulesJoinState *s, ExprContext *econtext, TupleTableSlot *scan)
{
	TupleTableSlot *o;
	int			no = s->nouter,
				ni = s->ninner;

	CHECK_FOR_INTERRUPTS();
	ResetExprContext(econtext);
	o = ExecProcNode(linitial(s->css.custom_ps));
	if (TupIsNull(o))
		return false;
	slot_getallattrs(o);
	ExecClearTuple(scan);
	memcpy(scan->tts_values, o->tts_values, sizeof(Datum) * no);
	memcpy(scan->tts_isnull, o->tts_isnull, sizeof(bool) * no);
	memset(scan->tts_values + no, 0, sizeof(Datum) * ni);
	memset(scan->tts_isnull + no, true, sizeof(bool) * ni);
	ExecStoreVirtualTuple(scan);
	if (s->direct)
	{
		s->row = NULL;
		s->row_seen = false;
		MemoryContextReset(s->rowcxt);
		if (!scan->tts_isnull[s->row_col])
		{
			/* not in the per-tuple memory, which is reset for every pair */
			MemoryContext old = MemoryContextSwitchTo(s->rowcxt);

			s->row = (HeapTupleHeader) PG_DETOAST_DATUM(scan->tts_values[s->row_col]);
			MemoryContextSwitchTo(old);
		}
	}
	if (s->spilled)
		tuplestore_rescan(s->store);
	s->in_row = true;
	s->matched = false;
	s->next = 0;
	return true;
}

/*
 * Move on to the next rule whose join clauses hold for the current row, and
 * place it in the scan tuple; false when no rule is left.  Counts the pairs
 * that do not match.
 */
static bool
next_match(RulesJoinState *s, ExprContext *econtext, TupleTableSlot *scan)
{
	while (s->next < s->nrules)
	{
		int64		i;

		/* as a nested loop does for each pair: what the clauses allocated goes */
		ResetExprContext(econtext);
		if (s->conds && s->before == NULL)
		{
			/* direct calls and nothing to evaluate before them: in one loop */
			i = s->nrules;
			if (s->row != NULL)
			{
				MemoryContext old = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);

				if (!s->row_seen)
				{
					cr_rules_join_row(&s->flinfo, s->row);
					s->row_seen = true;
				}
				i = cr_rules_join_find(&s->flinfo, s->conds, s->next, s->nrules);
				MemoryContextSwitchTo(old);
			}
			InstrCountFiltered2(&s->css, i - s->next);
			s->next = i + 1;
			if (i >= s->nrules)
				return false;
			place_rule(s, scan, i);
			if (ExecQual(s->after, econtext))
				return true;
		}
		else
		{
			i = s->next++;
			if ((i & 1023) == 1023)
				CHECK_FOR_INTERRUPTS();
			if (pair_matches(s, econtext, scan, i))
				return true;
		}
		InstrCountFiltered2(&s->css, 1);
	}
	return false;
}

static TupleTableSlot *
exec_rules_join(CustomScanState *node)
{
	RulesJoinState *s = (RulesJoinState *) node;
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	TupleTableSlot *scan = node->ss.ss_ScanTupleSlot;
	ExprState  *qual = node->ss.ps.qual;
	int			no = s->nouter,
				ni = s->ninner;

	if (!s->loaded)
		load_rules(s);
	econtext->ecxt_scantuple = scan;
	for (;;)
	{
		if (!s->in_row && !next_outer(s, econtext, scan))
			return NULL;
		while (next_match(s, econtext, scan))
		{
			s->matched = true;
			if (qual == NULL || ExecQual(qual, econtext))
				return project(node);
			InstrCountFiltered1(node, 1);
		}
		s->in_row = false;
		if (s->jointype == JOIN_LEFT && !s->matched)
		{
			/* no rule matched: the row with NULL rule columns */
			memset(scan->tts_values + no, 0, sizeof(Datum) * ni);
			memset(scan->tts_isnull + no, true, sizeof(bool) * ni);
			if (qual == NULL || ExecQual(qual, econtext))
				return project(node);
			InstrCountFiltered1(node, 1);
		}
	}
}

static void
end_rules_join(CustomScanState *node)
{
	RulesJoinState *s = (RulesJoinState *) node;

	ExecEndNode(linitial(node->custom_ps));
	ExecEndNode(lsecond(node->custom_ps));
	if (s->store)
		tuplestore_end(s->store);
	MemoryContextDelete(s->storecxt);
	MemoryContextDelete(s->rulecxt);
	MemoryContextDelete(s->rowcxt);
}

/*
 * A rescan reads the outer side again; the rules stay in memory unless a
 * parameter they depend on changed (as a Materialize node keeps its rows).
 */
static void
rescan_rules_join(CustomScanState *node)
{
	RulesJoinState *s = (RulesJoinState *) node;
	PlanState  *outer = linitial(node->custom_ps);
	PlanState  *inner = lsecond(node->custom_ps);

	if (node->ss.ps.chgParam != NULL)
	{
		UpdateChangedParamSet(outer, node->ss.ps.chgParam);
		UpdateChangedParamSet(inner, node->ss.ps.chgParam);
	}
	/* with changed parameters a child is rescanned by its next ExecProcNode */
	if (outer->chgParam == NULL)
		ExecReScan(outer);
	if (inner->chgParam != NULL)
		s->loaded = false;
	s->in_row = false;
}

static void
explain_rules_join(CustomScanState *node, List *ancestors, ExplainState *es)
{
	RulesJoinState *s = (RulesJoinState *) node;
	CustomScan *cs = (CustomScan *) node->ss.ps.plan;
	List	   *context;
	Instrumentation *instr = node->ss.ps.instrument;

	ExplainPropertyText("Join Type", s->jointype == JOIN_LEFT ? "Left" : "Inner", es);
	if (cs->custom_exprs != NIL)
	{
		List	   *order = clauses_in_order(cs, s->nbefore);

		context = set_deparse_context_plan(es->deparse_cxt, &cs->scan.plan, ancestors);
		ExplainPropertyText("Join Filter",
							deparse_expression((Node *) make_ands_explicit(order),
											   context, list_length(es->rtable) > 1 || es->verbose, false),
							es);
	}
	if (es->analyze && s->loaded)
		ExplainPropertyText("Rules Storage", s->spilled ? "Tuplestore" : "Memory", es);
	if (es->analyze && instr && (instr->nfiltered2 > 0 || es->format != EXPLAIN_FORMAT_TEXT))
		ExplainPropertyFloat("Rows Removed by Join Filter", NULL,
							 instr->nloops > 0 ? instr->nfiltered2 / instr->nloops : 0.0, 0, es);
}
