/*
 * cr_rule_join.c
 *	  The rules join as one plan node, Custom Scan (IncentiveRulesJoin): its
 *	  execution (cr_rule_plan.c plans it).
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
 * the inner side's (custom_scan_tlist).  For each outer row it fills in the
 * outer columns once, then tries the rules in order:
 *
 *	  - when the clause is incentive_matches of a rules column and a row
 *		column and the function is the extension's own (EXECUTE checked as
 *		ExecInitFunc does), the row is taken apart once and each rule's bound
 *		program run directly (cr_rules_join_find, cr_rule_eval.c), the other
 *		clauses evaluated before or after it in the nested loop's order;
 *	  - else the join clauses are evaluated as expressions, the very ones the
 *		nested loop evaluates, in its order.
 *
 * A join row is projected only for the pairs that match.  The rows are the
 * nested loop's, in the nested loop's order: the outer rows in the outer
 * side's order, each followed by its matching rules in the inner side's
 * order; a left join adds an outer row with NULL rule columns when no rule
 * matched.  Rules that outgrow work_mem (the planner expected fewer) move to
 * a tuplestore read again for each outer row, as a Materialize node keeps
 * them, with the clauses evaluated as expressions.  What the clauses
 * allocate is freed after each pair, as in the nested loop.
 *
 * Under a Gather each process (the workers, and the leader when it takes
 * part) runs its own copy of the node and reads the rules itself, so each
 * may keep them differently.  EXPLAIN ANALYZE shows each one's Rules
 * Storage: the leader's from its own state, a worker's from the count of
 * its loads that spilled, which it adds to its node's ntuples2, the
 * node-specific counter of the standard instrumentation (an Index Only
 * Scan's heap fetches).  PostgreSQL copies each worker's instrumentation
 * into worker_instrument once the worker has finished, for every run of a
 * rescanned Gather, whether or not the leader took part.  A shared area of
 * the node's own (EstimateDSMCustomScan ...) would need a parallel-aware
 * plan, which EXPLAIN shows as "Parallel Custom Scan" though the node
 * divides no work, and the leader could read it only in ShutdownCustomScan,
 * which runs before the Gather has waited for its workers; without
 * instrumentation, counting costs nothing.
 */
#include "postgres.h"

#include "catalog/objectaccess.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/ruleutils.h"
#include "utils/tuplestore.h"

#include "cr_rule_join.h"

typedef struct RulesJoinState
{
	CustomScanState css;
	JoinType	jointype;
	int			nouter;			/* scan tuple: outer columns, then inner */
	int			ninner;
	int			nbefore;		/* see CR_RJ_PRIV_NBEFORE */
	ExprState  *joinqual;		/* the join clauses (custom_exprs) */

	/* incentive_matches called directly (at custom_exprs' nbefore) */
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
	struct varlena **conds;		/* direct calls on rules in memory: each
								 * rule's condition (NULL: the clauses are
								 * evaluated as expressions, joinqual) */
	bool		spilled;
	int64		nloads;			/* EXPLAIN ANALYZE: loads of the rules in */
	int64		nspilled;		/* this process, and those that spilled */
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

static Node *create_rules_join_state(CustomScan *cscan);
static void begin_rules_join(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *exec_rules_join(CustomScanState *node);
static void end_rules_join(CustomScanState *node);
static void rescan_rules_join(CustomScanState *node);
static void explain_rules_join(CustomScanState *node, List *ancestors, ExplainState *es);

/* See cr_rule_join.h. */
const CustomScanMethods cr_rules_join_scan_methods = {
	.CustomName = CR_RULES_JOIN_NAME,
	.CreateCustomScanState = create_rules_join_state,
};

static const CustomExecMethods exec_methods = {
	.CustomName = CR_RULES_JOIN_NAME,
	.BeginCustomScan = begin_rules_join,
	.ExecCustomScan = exec_rules_join,
	.EndCustomScan = end_rules_join,
	.ReScanCustomScan = rescan_rules_join,
	.ExplainCustomScan = explain_rules_join,
};

static Node *
create_rules_join_state(CustomScan *cscan)
{
	RulesJoinState *s = palloc0(sizeof(RulesJoinState));

	NodeSetTag(s, T_CustomScanState);
	s->css.methods = &exec_methods;
	s->nouter = intVal(list_nth(cscan->custom_private, CR_RJ_PRIV_NOUTER));
	s->jointype = (JoinType) intVal(list_nth(cscan->custom_private, CR_RJ_PRIV_JOINTYPE));
	s->nbefore = intVal(list_nth(cscan->custom_private, CR_RJ_PRIV_NBEFORE));
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
	FuncExpr   *f = list_nth_node(FuncExpr, cs->custom_exprs, s->nbefore);
	Var		   *cond = linitial_node(Var, f->args);
	Var		   *row = lsecond_node(Var, f->args);
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
	s->before = ExecInitQual(list_copy_head(cs->custom_exprs, s->nbefore), &s->css.ss.ps);
	s->after = ExecInitQual(list_copy_tail(cs->custom_exprs, s->nbefore + 1), &s->css.ss.ps);
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
	/* the clauses as expressions: without a direct call, or spilled */
	s->joinqual = ExecInitQual(cs->custom_exprs, &node->ss.ps);
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
		cr_rules_join_reset(&s->flinfo, s->nrules);
	}
	MemoryContextSwitchTo(old);
	s->loaded = true;
	s->nloads++;
	if (s->spilled)
	{
		s->nspilled++;
		/* a worker's count reaches the leader's worker_instrument */
		InstrCountTuples2(&s->css, 1);
	}
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
 * Direct calls: the first rule in [from, to) whose incentive_matches holds
 * for the current row, or to.
 */
static int64
find_direct(RulesJoinState *s, ExprContext *econtext, int64 from, int64 to)
{
	MemoryContext old;
	int64		i;

	/* incentive_matches is strict: a NULL row matches no rule */
	if (s->row == NULL)
		return to;
	old = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
	if (!s->row_seen)
	{
		cr_rules_join_row(&s->flinfo, s->row);
		s->row_seen = true;
	}
	i = cr_rules_join_find(&s->flinfo, s->conds, from, to);
	MemoryContextSwitchTo(old);
	return i;
}

/*
 * Do the join clauses hold for the current row and rule i?  Leaves rule i in
 * the scan tuple when they do (a direct call needs it there only for the
 * other clauses and the projection).
 */
static inline bool
pair_matches(RulesJoinState *s, ExprContext *econtext, TupleTableSlot *scan, int64 i)
{
	if (s->conds == NULL)
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
	if (find_direct(s, econtext, i, i + 1) != i)
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
			i = find_direct(s, econtext, s->next, s->nrules);
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

/*
 * ExplainOpenWorker and ExplainCloseWorker of explain.c, which PostgreSQL 15
 * does not export: what is printed between them goes to worker n's buffer
 * in es->workers_state, which ExplainNode adds after the node's other
 * details (text: the "Worker n:" lines; other formats: an object of the
 * "Workers" list, which opens with its "Worker Number").  The object sits
 * two levels down (in "Workers", in the node); its formatting state (JSON
 * and YAML: whether it has a member yet) is kept in worker_state_save
 * between uses, as explain.c's ExplainSaveGroup and ExplainRestoreGroup
 * keep it.
 */
static void
restore_worker_group(ExplainState *es, int state)
{
	if (es->format == EXPLAIN_FORMAT_TEXT)
		return;
	if (es->format != EXPLAIN_FORMAT_XML)
		es->grouping_stack = lcons_int(state, es->grouping_stack);
	es->indent += 2;
}

static void
open_worker(int n, ExplainState *es)
{
	ExplainWorkersState *w = es->workers_state;

	w->prev_str = es->str;
	es->str = &w->worker_str[n];
	if (!w->worker_inited[n])
	{
		initStringInfo(es->str);
		/* ExplainOpenSetAsideGroup: a group with nothing in it yet */
		restore_worker_group(es, 0);
		if (es->format != EXPLAIN_FORMAT_TEXT)
			ExplainPropertyInteger("Worker Number", NULL, n, es);
		w->worker_inited[n] = true;
	}
	else
		restore_worker_group(es, w->worker_state_save[n]);
	if (es->format == EXPLAIN_FORMAT_TEXT)
	{
		if (es->str->len == 0)
		{
			appendStringInfoSpaces(es->str, es->indent * 2);
			appendStringInfo(es->str, "Worker %d:  ", n);
		}
		es->indent++;
	}
}

static void
close_worker(int n, ExplainState *es)
{
	ExplainWorkersState *w = es->workers_state;

	if (es->format == EXPLAIN_FORMAT_TEXT)
	{
		/* a "Worker n:" no line followed is taken back */
		while (es->str->len > 0 && es->str->data[es->str->len - 1] != '\n')
			es->str->data[--es->str->len] = '\0';
		es->indent--;
	}
	else
	{
		if (es->format != EXPLAIN_FORMAT_XML)
		{
			w->worker_state_save[n] = linitial_int(es->grouping_stack);
			es->grouping_stack = list_delete_first(es->grouping_stack);
		}
		es->indent -= 2;
	}
	es->str = w->prev_str;
}

static void
explain_storage(bool spilled, ExplainState *es)
{
	ExplainPropertyText("Rules Storage", spilled ? "Tuplestore" : "Memory", es);
}

/*
 * Rules Storage of each process that read the rules, Tuplestore if any of
 * its loads spilled: the leader's (when it took part) at the node, each
 * worker's as show_sort_info shows a Sort's.  A worker that never ran the
 * node (or was not launched) has no loops and shows nothing.  With the
 * workers hidden (the single-copy Gather of force_parallel_mode = regress)
 * the worker's storage is shown as the node's, as for a Sort.
 */
static void
explain_rules_storage(RulesJoinState *s, ExplainState *es)
{
	WorkerInstrumentation *wi = s->css.ss.ps.worker_instrument;
	int			n;

	if (s->nloads > 0)
		explain_storage(s->nspilled > 0, es);
	if (wi == NULL)
		return;
	for (n = 0; n < wi->num_workers; n++)
	{
		if (wi->instrument[n].nloops <= 0)
			continue;
		if (es->workers_state)
			open_worker(n, es);
		explain_storage(wi->instrument[n].ntuples2 > 0, es);
		if (es->workers_state)
			close_worker(n, es);
	}
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
		context = set_deparse_context_plan(es->deparse_cxt, &cs->scan.plan, ancestors);
		ExplainPropertyText("Join Filter",
							deparse_expression((Node *) make_ands_explicit(cs->custom_exprs),
											   context, list_length(es->rtable) > 1 || es->verbose, false),
							es);
	}
	if (es->analyze)
		explain_rules_storage(s, es);

	/*
	 * As show_instrumentation_count: by the time EXPLAIN runs, the workers'
	 * counts and loops have been added to the leader's (InstrAggNode), so
	 * this is the average per loop over every process that ran the node.
	 */
	if (es->analyze && instr && (instr->nfiltered2 > 0 || es->format != EXPLAIN_FORMAT_TEXT))
		ExplainPropertyFloat("Rows Removed by Join Filter", NULL,
							 instr->nloops > 0 ? instr->nfiltered2 / instr->nloops : 0.0, 0, es);
}
