/*
 * cr_rule_eval.c
 *	  The evaluators incentive_matches(condition, record),
 *	  incentive_match_all(conditions, record) and incentive_matches(condition,
 *	  jsonb), and incentive_validate.
 *
 * The language itself is plain C, one file per stage: cr_rule_lex.c,
 * cr_rule_parse.c, cr_rule_check.c, cr_rule_binary.c, cr_rule_print.c,
 * cr_rule_interp.c, cr_rule_round.c (shared parts in cr_rule_util.c); its
 * backend side (memory, errors, decoding) is cr_rule_pg.c, the SQL type's
 * I/O cr_rule_type.c.  This file binds feature names to the columns of a
 * row type once per (condition, row type) and caches that binding, with
 * the decoded program, in fn_extra for the rest of the query; a row is
 * deformed once however many conditions read it.
 *
 * A decoded condition takes about 4 times its stored size (a 65,535-item
 * IN list: 590 kB stored, 2.4 MB decoded), so the entries a call site keeps
 * are bounded in bytes too (community_retention.max_rule_cache_memory).  A
 * condition that does not fit is not kept at the cost of another: a rules
 * join reads every rule for every member, and evicting in any order would
 * then decode every rule for every member.  It goes to the one overflow
 * entry instead, which holds it while the same condition keeps coming (one
 * rule against many rows) and is replaced by the next condition that does
 * not fit; memory stays within the budget and one condition.
 */
#include "community_retention.h"

#include "access/detoast.h"
#include "access/htup_details.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include "cr_fncache.h"
#include "cr_rule_facts.h"
#include "cr_rule_join.h"
#include "cr_rule_pg.h"
PG_FUNCTION_INFO_V1(incentive_matches_record);
PG_FUNCTION_INFO_V1(incentive_match_all);
PG_FUNCTION_INFO_V1(incentive_matches_jsonb);
PG_FUNCTION_INFO_V1(incentive_validate);

/* ------------------------------------------------------------------ evaluation */

/* How a bound column becomes a value of the language. */
typedef enum Conv
{
	CONV_INT2,
	CONV_INT4,
	CONV_INT8,
	CONV_FLOAT4,
	CONV_FLOAT8,
	CONV_NUMERIC,
	CONV_BOOL,
	CONV_TEXT,
	CONV_VARCHAR,
	CONV_BPCHAR
} Conv;

/* One cached (condition, row type) binding. */
typedef struct RuleEntry
{
	bool		used;
	uint32		hash;
	size_t		len;
	char	   *bytes;			/* copy of the condition */
	Oid			typid;			/* row type; InvalidOid for jsonb */
	int32		typmod;
	MemoryContext cxt;			/* holds everything of this entry */
	CrRuleProg *prog;
	AttrNumber *attnums;		/* record: column of each feature */
	uint8	   *conv;			/* record: Conv of each feature */
	CrValue    *features;
	uint8	   *facts_use;		/* jsonb: cr_facts_uses */
	CrValue    *stack;
	struct RuleEntry *next_hint;	/* the entry used after this one, last time */
	uint64		fill;			/* tells this filling of the slot from others */
	Size		size;			/* bytes of cxt, once decoded and bound */
} RuleEntry;

#define RULE_CACHE_SLOTS 256	/* power of two */
#define RULE_CACHE_WAYS 4

/*
 * A condition argument that came stored out of line or compressed, by its
 * identity (see detoast_condition): the entry it was found in last.
 */
#define STORED_SLOTS 256		/* power of two */

/*
 * A value compressed in line in a heap tuple is at most a page, and keys
 * are kept up to that.  Longer compressed values in line are not kept:
 * PL/pgSQL outside a transaction block (a DO block, a procedure) fetches a
 * value stored out of line into its variables and record fields without
 * decompressing it, so they can be as long as any stored value; such a
 * condition is decompressed on each call unless it is the previous call's
 * (detoast_condition).
 */
#define STORED_KEY_MAX BLCKSZ

/*
 * Keys up to this long (TOAST pointers, short compressed values) are hashed
 * with hash_bytes, which spreads TOAST pointers of consecutive value OIDs;
 * longer ones with the faster cond_hash (hash_bytes was a third of the time
 * of a nested loop over rules of 1 to 5 kB compressed in line; with
 * cond_hash the loop takes 13% less).
 */
#define STORED_KEY_SHORT 2048

typedef struct StoredKey
{
	uint32		hash;
	uint32		keylen;
	uint32		keycap;
	char	   *key;			/* TOAST pointer, or compressed bytes */
	RuleEntry  *entry;			/* valid while its fill is this */
	uint64		fill;
} StoredKey;

/*
 * The live columns of a row type by name, for bind_record: an open-addressing
 * table of column numbers (0: free; negative: the name is more than one
 * column, the first of them), at most half full.  Binding looked each feature
 * up in every column: 1,024 names against 1,024 columns took 4 to 9 ms.
 */
typedef struct AttrIndex
{
	uint32		mask;			/* slots - 1 */
	AttrNumber *slots;
} AttrIndex;

typedef struct RuleCache
{
	RuleEntry	entries[RULE_CACHE_SLOTS];
	Size		kept;			/* bytes of the used entries */

	/*
	 * Every condition is decoded here first; moved into entries when it fits
	 * in the budget, else kept here until the next condition is decoded.
	 */
	RuleEntry	overflow;
	RuleEntry  *last;			/* the entry of the previous call */
	uint32		victim;
	Oid			typid;			/* the row type tupdesc describes */
	int32		typmod;
	TupleDesc	tupdesc;
	AttrIndex	attrs;			/* tupdesc's columns by name (slots NULL until needed) */
	uint64		gen;			/* cr_rowtype_generation() when tupdesc was loaded */

	uint64		fills;			/* entries filled so far */
	CrRuleError err;			/* of the last evaluation */

	/*
	 * The last condition argument that came stored out of line or
	 * compressed, and its detoasted value: a scalar subquery, or the outer
	 * side of a nested loop, passes the same stored value on every row.
	 */
	char	   *toast_key;		/* its TOAST pointer, or its compressed bytes */
	Size		toast_keylen;
	struct varlena *toast_val;
	RuleEntry  *toast_entry;	/* incentive_matches(record): its entry, */
	uint64		toast_fill;		/* valid while the entry's fill is this */

	/*
	 * incentive_matches(record): the entries of stored conditions by their
	 * identity, for rules that come back in turn stored: a rules join past
	 * work_mem reads them from its tuplestore for every member, a nested
	 * loop may scan them again for every member; without this each pair
	 * fetched and decompressed its condition (NULL until the first one).
	 * Keys take at most STORED_SLOTS * STORED_KEY_MAX bytes (2 MB).
	 */
	StoredKey  *stored;
	uint32		stored_victim;

	/*
	 * The last row seen, deformed: a join evaluates every rule against one
	 * member before the next, so the row is deformed once, not once per rule.
	 * Reused only when the bytes are identical.  Its columns are converted to
	 * values of the language when a rule first reads them (colvals, valid
	 * where colgen[a] == rowgen), so once per row too; text detoasted for
	 * them lives in rowcxt, reset with the row.
	 */
	char	   *row;			/* copy of the row (HeapTupleHeader) */
	uint32		row_len;		/* 0: none */
	uint32		row_cap;
	Oid			row_typid;
	int32		row_typmod;
	Datum	   *values;			/* its columns, tupdesc->natts of them */
	bool	   *nulls;
	CrValue    *colvals;
	uint32	   *colgen;
	uint32		rowgen;
	int			values_cap;
	MemoryContext rowcxt;

	/*
	 * incentive_match_all: a copy of the last array of conditions, split, and
	 * the entry each element used last (valid while its fill is unchanged)
	 */
	ArrayType  *arr;
	Size		arr_size;
	Datum	   *elems;
	bool	   *elem_nulls;
	RuleEntry **elem_entry;
	uint64	   *elem_fill;
	int			nelems;

	/*
	 * the rules join: the entry rule i used last (rules_join_match), and the
	 * value of fills when it was last found valid: while no entry has been
	 * filled since, it still is, without reading the entry
	 */
	RuleEntry **join_entry;
	uint64	   *join_fill;
	uint64	   *join_seen;
	int64		join_cap;
} RuleCache;

static RuleCache *
get_cache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RuleCache));
	return (RuleCache *) fcinfo->flinfo->fn_extra;
}

/*
 * Hash of a condition's bytes, 8 bytes a step (hash_bytes was a tenth of the
 * time of a rules join).  Collisions only cost a memcmp.
 */
static inline uint32
cond_hash(const char *p, size_t len)
{
	uint64		h = (uint64) len * UINT64CONST(0x9E3779B97F4A7C15);
	uint64		w;

	while (len >= 8)
	{
		memcpy(&w, p, 8);
		h = (h ^ w) * UINT64CONST(0xBF58476D1CE4E5B9);
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * UINT64CONST(0x94D049BB133111EB);
	h ^= h >> 32;
	return (uint32) h;
}

/* Does entry e hold the condition (bytes, len) for row type (typid, typmod)? */
static inline bool
entry_is(const RuleEntry *e, uint32 h, const char *bytes, size_t len, Oid typid, int32 typmod)
{
	return e->used && e->hash == h && e->len == len && e->typid == typid &&
		e->typmod == typmod && memcmp(e->bytes, bytes, len) == 0;
}

static void bind_record(RuleEntry *e, TupleDesc tupdesc, const AttrIndex *attrs, Oid typid, int32 typmod);
static const AttrIndex *cached_attrs(FunctionCallInfo fcinfo, RuleCache *cache);

/* Decode into the entry and allocate its value arrays. */
static void
entry_decode(RuleEntry *e, const char *bytes)
{
	e->prog = cr_rule_decode_stored(bytes, e->len, e->cxt);
	e->bytes = MemoryContextAlloc(e->cxt, e->len + 1);
	memcpy(e->bytes, bytes, e->len);
	e->features = MemoryContextAllocZero(e->cxt, sizeof(CrValue) * (e->prog->nnames + 1));
	e->stack = MemoryContextAllocZero(e->cxt, sizeof(CrValue) * (cr_rule_stack_slots(e->prog) + 1));
	if (!OidIsValid(e->typid))
		e->facts_use = cr_facts_uses(e->prog, e->cxt);
}

/*
 * A condition no entry holds (hash h): decode it (and, with a tupdesc, bind
 * it) in the overflow entry, then keep it in a way of its set if it fits in
 * the budget, else leave it in the overflow entry.  Only a full set evicts
 * (round-robin, as before the budget), and only for a condition that then
 * fits: the budget alone never evicts.  An error while decoding or binding
 * leaves the overflow entry unused, its memory freed by the next fill.
 */
static RuleEntry *
fill_entry(FunctionCallInfo fcinfo, RuleCache *cache, uint32 h, const char *bytes, size_t len,
		   TupleDesc tupdesc, Oid typid, int32 typmod)
{
	RuleEntry  *o = &cache->overflow;
	RuleEntry  *e = NULL;
	uint32		base = h & (RULE_CACHE_SLOTS - 1);
	Size		budget = (Size) cr_max_rule_cache_memory_kb * 1024;
	Size		freed;

	if (o->cxt)
		MemoryContextDelete(o->cxt);
	memset(o, 0, sizeof(*o));
	o->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "incentive condition",
								   ALLOCSET_SMALL_SIZES);
	o->fill = ++cache->fills;
	o->hash = h;
	o->len = len;
	o->typid = typid;
	o->typmod = typmod;
	entry_decode(o, bytes);
	if (tupdesc)
	{
		/* the descriptor of the call, which the cache keeps */
		Assert(tupdesc == cache->tupdesc);
		bind_record(o, tupdesc, cached_attrs(fcinfo, cache), typid, typmod);
	}
	o->size = MemoryContextMemAllocated(o->cxt, true);
	o->used = true;

	/* a free way, else the round-robin victim of the full set */
	for (int w = 0; w < RULE_CACHE_WAYS && e == NULL; w++)
		if (!cache->entries[(base + w) & (RULE_CACHE_SLOTS - 1)].used)
			e = &cache->entries[(base + w) & (RULE_CACHE_SLOTS - 1)];
	if (e == NULL)
		e = &cache->entries[(base + (cache->victim % RULE_CACHE_WAYS)) & (RULE_CACHE_SLOTS - 1)];
	freed = e->used ? e->size : 0;
	if (o->size <= budget && cache->kept - freed <= budget - o->size)
	{
		if (e->used)
			cache->victim++;
		if (e->cxt)
			MemoryContextDelete(e->cxt);
		*e = *o;
		e->next_hint = NULL;
		cache->kept = cache->kept - freed + e->size;
		memset(o, 0, sizeof(*o));
	}
	else
		e = o;
	if (cache->last)
		cache->last->next_hint = e;
	cache->last = e;
	return e;
}

/* lookup_entry without the hint. */
static RuleEntry *
lookup_entry_slow(FunctionCallInfo fcinfo, RuleCache *cache, const char *bytes, size_t len,
				  TupleDesc tupdesc, Oid typid, int32 typmod)
{
	uint32		h;
	uint32		base;
	RuleEntry  *e = NULL;

	h = cond_hash(bytes, len) ^ (uint32) typid ^ ((uint32) typmod * 0x9E3779B1u);
	base = h & (RULE_CACHE_SLOTS - 1);
	for (int w = 0; w < RULE_CACHE_WAYS && e == NULL; w++)
		if (entry_is(&cache->entries[(base + w) & (RULE_CACHE_SLOTS - 1)], h, bytes, len, typid, typmod))
			e = &cache->entries[(base + w) & (RULE_CACHE_SLOTS - 1)];
	if (e == NULL && entry_is(&cache->overflow, h, bytes, len, typid, typmod))
		e = &cache->overflow;
	if (e == NULL)
		return fill_entry(fcinfo, cache, h, bytes, len, tupdesc, typid, typmod);
	if (cache->last)
		cache->last->next_hint = e;
	cache->last = e;
	return e;
}

/*
 * The entry for this condition and row type (InvalidOid: jsonb), decoded and
 * (with a tupdesc) bound: the cached one, or a new one.
 */
static inline RuleEntry *
lookup_entry(FunctionCallInfo fcinfo, RuleCache *cache, const char *bytes, size_t len,
			 TupleDesc tupdesc, Oid typid, int32 typmod)
{
	RuleEntry  *e = cache->last ? cache->last->next_hint : NULL;

	/*
	 * Fast path: a join evaluates the rules in the same order for every
	 * member, so the entry that followed the previous one last time is the
	 * likely one now.  The prediction is verified, never trusted.
	 */
	if (e && e->used && e->len == len && e->typid == typid && e->typmod == typmod &&
		memcmp(e->bytes, bytes, len) == 0)
	{
		cache->last = e;
		return e;
	}
	return lookup_entry_slow(fcinfo, cache, bytes, len, tupdesc, typid, typmod);
}

/*
 * Evaluate e on its features.  typed: the features have the kinds e was
 * type-checked with (bound to a row type), so AND and OR may stop early.
 */
static inline void
evaluate(RuleEntry *e, RuleCache *cache, int *result, bool typed)
{
	int			rc;

	rc = typed ? cr_rule_eval_typed(e->prog, e->features, e->stack, result, &cache->err)
		: cr_rule_eval(e->prog, e->features, e->stack, result, &cache->err);
	if (unlikely(rc != CR_OK))
		cr_rule_raise_prog(&cache->err, e->prog);
}

/*
 * Row types may have changed (cr_rowtype_generation: PL/pgSQL keeps this
 * cache for a whole transaction, across an ALTER TABLE): forget every entry
 * (bound to the old descriptors) and the deformed row.  Bumping fills
 * invalidates the entries the rules join and incentive_match_all remember.
 */
static void
forget_row_types(RuleCache *cache)
{
	for (int i = 0; i <= RULE_CACHE_SLOTS; i++)
	{
		RuleEntry  *e = i < RULE_CACHE_SLOTS ? &cache->entries[i] : &cache->overflow;

		if (e->cxt)
			MemoryContextDelete(e->cxt);
		memset(e, 0, sizeof(*e));
	}
	cache->kept = 0;
	cache->last = NULL;
	cache->fills++;
	cache->row_len = 0;
	cache->gen = cr_rowtype_generation();
}

/* The row type's descriptor, kept in the cache for the next calls. */
static TupleDesc
load_tupdesc(FunctionCallInfo fcinfo, RuleCache *cache, Oid typid, int32 typmod)
{
	MemoryContext old;

	if (cache->gen != cr_rowtype_generation())
		forget_row_types(cache);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cache->tupdesc)
		FreeTupleDesc(cache->tupdesc);
	cache->tupdesc = NULL;
	if (cache->attrs.slots)
		pfree(cache->attrs.slots);
	cache->attrs.slots = NULL;
	cache->tupdesc = lookup_rowtype_tupdesc_copy(typid, typmod);
	cache->typid = typid;
	cache->typmod = typmod;
	MemoryContextSwitchTo(old);
	return cache->tupdesc;
}

static inline TupleDesc
cached_tupdesc(FunctionCallInfo fcinfo, RuleCache *cache, Oid typid, int32 typmod)
{
	if (likely(cache->tupdesc != NULL && cache->typid == typid && cache->typmod == typmod &&
			   cache->gen == cr_rowtype_generation()))
		return cache->tupdesc;
	return load_tupdesc(fcinfo, cache, typid, typmod);
}

/* The columns of tupdesc by name, in memory of cxt. */
static void
attrs_build(AttrIndex *ix, TupleDesc tupdesc, MemoryContext cxt)
{
	uint32		size = 16;

	while (size < (uint32) tupdesc->natts * 2)
		size <<= 1;
	ix->slots = MemoryContextAllocZero(cxt, sizeof(AttrNumber) * size);
	ix->mask = size - 1;
	for (int a = 0; a < tupdesc->natts; a++)
	{
		const char *name = NameStr(TupleDescAttr(tupdesc, a)->attname);
		uint32		i;

		if (TupleDescAttr(tupdesc, a)->attisdropped)
			continue;
		for (i = hash_bytes((const unsigned char *) name, (int) strlen(name)) & ix->mask;
			 ix->slots[i] != 0; i = (i + 1) & ix->mask)
		{
			AttrNumber	b = ix->slots[i];

			if (strcmp(NameStr(TupleDescAttr(tupdesc, Abs(b) - 1)->attname), name) == 0)
			{
				/* a second column of this name */
				ix->slots[i] = (AttrNumber) -Abs(b);
				break;
			}
		}
		if (ix->slots[i] == 0)
			ix->slots[i] = (AttrNumber) (a + 1);
	}
}

/*
 * The column of tupdesc named name (len bytes, compared as strcmp compares
 * it with the column's name, case and all): its number, negative when the
 * name is more than one column, or 0.
 */
static AttrNumber
attrs_find(const AttrIndex *ix, TupleDesc tupdesc, const char *name, size_t len)
{
	/* no column's name is as long (and strcmp would not find it) */
	if (len >= NAMEDATALEN)
		return 0;
	for (uint32 i = hash_bytes((const unsigned char *) name, (int) len) & ix->mask;
		 ix->slots[i] != 0; i = (i + 1) & ix->mask)
		if (strcmp(NameStr(TupleDescAttr(tupdesc, Abs(ix->slots[i]) - 1)->attname), name) == 0)
			return ix->slots[i];
	return 0;
}

/* The cached row type's columns by name, built when first needed. */
static const AttrIndex *
cached_attrs(FunctionCallInfo fcinfo, RuleCache *cache)
{
	if (cache->attrs.slots == NULL)
		attrs_build(&cache->attrs, cache->tupdesc, fcinfo->flinfo->fn_mcxt);
	return &cache->attrs;
}

/*
 * Bind every feature of e to a column of tupdesc (attrs: its columns by
 * name); type-check the program.
 */
static void
bind_record(RuleEntry *e, TupleDesc tupdesc, const AttrIndex *attrs, Oid typid, int32 typmod)
{
	CrRuleProg *prog = e->prog;
	uint8	   *kinds = MemoryContextAllocZero(e->cxt, prog->nnames + 1);
	uint8	   *strtypes = MemoryContextAllocZero(e->cxt, prog->nnames + 1);
	CrRuleMem	m = cr_rule_mem_in(CurrentMemoryContext);
	CrRuleError err;

	e->attnums = MemoryContextAllocZero(e->cxt, sizeof(AttrNumber) * (prog->nnames + 1));
	e->conv = MemoryContextAllocZero(e->cxt, prog->nnames + 1);
	for (int i = 0; i < prog->nnames; i++)
	{
		AttrNumber	att = attrs_find(attrs, tupdesc, prog->names[i], prog->name_lens[i]);
		int			found = Abs(att) - 1;
		Oid			base;

		/*
		 * Two columns of one name (a subquery's "SELECT m.*, s.*"): either
		 * could be meant, so say so rather than pick one.
		 */
		if (att < 0)
			ereport(ERROR,
					(errcode(ERRCODE_AMBIGUOUS_COLUMN),
					 errmsg("incentive condition reads feature \"%s\", which is more than one column of %s",
							prog->names[i], typid == RECORDOID ? "record" : format_type_be(typid)),
					 errhint("Give the columns distinct names in the query.")));
		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("incentive condition reads feature \"%s\", which is not a column of %s",
							prog->names[i], typid == RECORDOID ? "record" : format_type_be(typid)),
					 errhint("Features are matched to columns by name; rename the column in a view or change the condition.")));
		e->attnums[i] = (AttrNumber) (found + 1);
		base = getBaseType(TupleDescAttr(tupdesc, found)->atttypid);
		switch (base)
		{
			case INT2OID:
				e->conv[i] = CONV_INT2;
				break;
			case INT4OID:
				e->conv[i] = CONV_INT4;
				break;
			case INT8OID:
				e->conv[i] = CONV_INT8;
				break;
			case FLOAT4OID:
				e->conv[i] = CONV_FLOAT4;
				break;
			case FLOAT8OID:
				e->conv[i] = CONV_FLOAT8;
				break;
			case NUMERICOID:
				e->conv[i] = CONV_NUMERIC;
				break;
			case BOOLOID:
				e->conv[i] = CONV_BOOL;
				break;
			case TEXTOID:
			case NAMEOID:
				e->conv[i] = base == NAMEOID ? CONV_BPCHAR : CONV_TEXT;
				strtypes[i] = base == NAMEOID ? CR_STR_NAME : CR_STR_TEXT;
				break;
			case VARCHAROID:
				e->conv[i] = CONV_VARCHAR;
				strtypes[i] = CR_STR_VARCHAR;
				break;
			case BPCHAROID:
				e->conv[i] = CONV_BPCHAR;
				strtypes[i] = CR_STR_BPCHAR;
				break;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("feature \"%s\" is a column of type %s, which incentive conditions cannot read",
								prog->names[i], format_type_be(TupleDescAttr(tupdesc, found)->atttypid)),
						 errhint("Supported column types are smallint, integer, bigint, real, double precision, numeric, boolean, text, varchar, char and name; cast the column in a view.%s",
								 type_is_array(TupleDescAttr(tupdesc, found)->atttypid) ?
								 " Arrays are read only from JSON facts (incentive_matches(condition, jsonb), for example with to_jsonb(m)), where contains searches them." : "")));
		}
		kinds[i] = e->conv[i] == CONV_BOOL ? CR_VAL_BOOL :
			(e->conv[i] == CONV_TEXT || e->conv[i] == CONV_VARCHAR || e->conv[i] == CONV_BPCHAR) ?
			CR_VAL_TEXT : CR_VAL_NUM;
	}
	if (cr_rule_typecheck(prog, kinds, &m, &err) != CR_OK ||
		cr_rule_text_types(prog, strtypes, &m, &err) != CR_OK)
		cr_rule_raise_prog(&err, prog);
	pfree(kinds);
	pfree(strtypes);
}

/* Room for natts columns in the row cache (contents undefined, colgen stale). */
static void
row_arrays(FunctionCallInfo fcinfo, RuleCache *cache, int natts)
{
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;

	if (cache->values_cap >= natts)
		return;
	if (cache->values)
	{
		pfree(cache->values);
		pfree(cache->nulls);
		pfree(cache->colvals);
		pfree(cache->colgen);
	}
	cache->values_cap = 0;
	cache->values = MemoryContextAlloc(cxt, sizeof(Datum) * natts);
	cache->nulls = MemoryContextAlloc(cxt, sizeof(bool) * natts);
	cache->colvals = MemoryContextAlloc(cxt, sizeof(CrValue) * natts);
	cache->colgen = MemoryContextAllocZero(cxt, sizeof(uint32) * natts);
	cache->rowgen = 0;
	cache->values_cap = natts;
}

/* Deform the row td (len bytes) into cache->values/nulls. */
static void
deform_new_row(FunctionCallInfo fcinfo, RuleCache *cache, HeapTupleHeader td, uint32 len,
			   Oid typid, int32 typmod, TupleDesc tupdesc)
{
	HeapTupleData tuple;

	if (cache->row_cap < len)
	{
		if (cache->row)
			pfree(cache->row);
		cache->row_len = 0;
		cache->row = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len);
		cache->row_cap = len;
	}
	row_arrays(fcinfo, cache, tupdesc->natts);
	if (cache->rowcxt == NULL)
		cache->rowcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "incentive row",
											  ALLOCSET_SMALL_SIZES);
	/* a new row: no column converted yet */
	cache->row_len = 0;
	MemoryContextReset(cache->rowcxt);
	if (++cache->rowgen == 0)
	{
		memset(cache->colgen, 0, sizeof(uint32) * cache->values_cap);
		cache->rowgen = 1;
	}
	memcpy(cache->row, td, len);
	tuple.t_len = len;
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = (HeapTupleHeader) cache->row;
	if (HeapTupleHeaderGetNatts(tuple.t_data) >= tupdesc->natts)
		heap_deform_tuple(&tuple, tupdesc, cache->values, cache->nulls);
	else
	{
		/* stored before columns were added: heap_getattr knows their defaults */
		for (int a = 0; a < tupdesc->natts; a++)
			cache->values[a] = heap_getattr(&tuple, a + 1, tupdesc, &cache->nulls[a]);
	}
	cache->row_len = len;
	cache->row_typid = typid;
	cache->row_typmod = typmod;
}

/*
 * Deform the row td into cache->values/nulls, unless it is byte for byte the
 * row of the previous call.  Values point into the cache's copy of the row.
 */
static inline void
deform_row(FunctionCallInfo fcinfo, RuleCache *cache, HeapTupleHeader td,
		   Oid typid, int32 typmod, TupleDesc tupdesc)
{
	uint32		len = HeapTupleHeaderGetDatumLength(td);

	if (cache->row_len == len && cache->row_typid == typid && cache->row_typmod == typmod &&
		cache->values_cap >= tupdesc->natts && memcmp(cache->row, td, len) == 0)
		return;
	deform_new_row(fcinfo, cache, td, len, typid, typmod, tupdesc);
}

/* Column a of the cached row as a value of the language (Conv conv). */
static void
convert_column(RuleCache *cache, TupleDesc tupdesc, int a, int conv)
{
	Datum		d = cache->values[a];
	CrValue    *fv = &cache->colvals[a];

	fv->kind = CR_VAL_NUM;
	switch (cache->nulls[a] ? -1 : conv)
	{
		case -1:
			fv->kind = CR_VAL_NULL;
			break;
		case CONV_INT2:
			fv->num = (double) DatumGetInt16(d);
			break;
		case CONV_INT4:
			fv->num = (double) DatumGetInt32(d);
			break;
		case CONV_INT8:
			fv->num = (double) DatumGetInt64(d);
			break;
		case CONV_FLOAT4:
			fv->num = (double) DatumGetFloat4(d);
			break;
		case CONV_FLOAT8:
			fv->num = DatumGetFloat8(d);
			break;
		case CONV_NUMERIC:
			fv->num = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
			break;
		case CONV_BOOL:
			fv->kind = CR_VAL_BOOL;
			fv->boolean = DatumGetBool(d);
			break;
		default:
			{
				const char *s;
				size_t		n;

				fv->boolean = 0;
				if (TupleDescAttr(tupdesc, a)->attlen == NAMEDATALEN)
				{
					s = NameStr(*DatumGetName(d));
					n = strlen(s);
				}
				else
				{
					/* a compressed value is expanded for as long as the row is cached */
					MemoryContext old = MemoryContextSwitchTo(cache->rowcxt);
					struct varlena *t = PG_DETOAST_DATUM_PACKED(d);

					MemoryContextSwitchTo(old);
					s = VARDATA_ANY(t);
					n = VARSIZE_ANY_EXHDR(t);
					/* char(n): trailing blanks are insignificant, as in SQL */
					if (conv == CONV_BPCHAR)
					{
						while (n > 0 && s[n - 1] == ' ')
							n--;
						fv->boolean = CR_TEXT_PADDED;
					}
					else if (conv == CONV_VARCHAR)
						fv->boolean = CR_TEXT_VARCHAR;
				}
				fv->kind = CR_VAL_TEXT;
				fv->str = s;
				fv->len = n;
			}
			break;
	}
	cache->colgen[a] = cache->rowgen;
}

/*
 * The features of entry e from the deformed row in cache, then evaluate:
 * 1 (true), 0 (false) or -1 (NULL).
 */
static inline int
match_row(RuleEntry *e, RuleCache *cache, TupleDesc tupdesc)
{
	int			result;

	for (int i = 0; i < e->prog->nnames; i++)
	{
		int			a = e->attnums[i] - 1;

		if (cache->colgen[a] != cache->rowgen)
			convert_column(cache, tupdesc, a, e->conv[i]);
		e->features[i] = cache->colvals[a];
	}
	evaluate(e, cache, &result, true);
	return result;
}

/*
 * A condition stored out of line or compressed, detoasted once while the
 * argument stays the same stored value.  Its identity is the TOAST pointer
 * (unique per stored value, as for models in cr_model.c) or, for a value
 * compressed in line, its compressed bytes, compared far faster than they
 * are decompressed (a 38 kB condition took 50 us a row to detoast).
 */
static struct varlena *
detoast_condition(FunctionCallInfo fcinfo, RuleCache *cache, struct varlena *raw)
{
	Size		keylen = VARATT_IS_EXTERNAL_ONDISK(raw) ? VARSIZE_EXTERNAL(raw) : VARSIZE_ANY(raw);
	MemoryContext old;
	struct varlena *val;

	if (!VARATT_IS_EXTERNAL_ONDISK(raw) && !VARATT_IS_COMPRESSED(raw))
		return pg_detoast_datum_packed(raw);	/* indirect or expanded: rare */
	if (cache->toast_val && cache->toast_keylen == keylen &&
		memcmp(cache->toast_key, raw, keylen) == 0)
		return cache->toast_val;
	val = detoast_attr(raw);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cache->toast_val)
	{
		pfree(cache->toast_key);
		pfree(cache->toast_val);
		cache->toast_val = NULL;
		cache->toast_entry = NULL;
	}
	cache->toast_key = palloc(keylen);
	memcpy(cache->toast_key, raw, keylen);
	cache->toast_keylen = keylen;
	cache->toast_val = palloc(VARSIZE(val));
	memcpy(cache->toast_val, val, VARSIZE(val));
	MemoryContextSwitchTo(old);
	pfree(val);
	return cache->toast_val;
}

/*
 * The condition argument as PG_DETOAST_DATUM_PACKED gives it, the row as
 * PG_GETARG_HEAPTUPLEHEADER does, without a function call when (as nearly
 * always) there is nothing to detoast.
 */
static inline struct varlena *
arg_condition(FunctionCallInfo fcinfo, RuleCache *cache)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(0));

	return VARATT_IS_COMPRESSED(v) || VARATT_IS_EXTERNAL(v) ? detoast_condition(fcinfo, cache, v) : v;
}

static inline HeapTupleHeader
arg_row(FunctionCallInfo fcinfo)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(1));

	return (HeapTupleHeader) (VARATT_IS_EXTENDED(v) ? pg_detoast_datum(v) : v);
}

/* remembered_entry when the remembered entry will not do: out of line. */
static pg_noinline RuleEntry *
remember_entry(FunctionCallInfo fcinfo, RuleCache *cache, RuleEntry **slot, uint64 *fill,
			   struct varlena *v, TupleDesc tupdesc, Oid typid, int32 typmod)
{
	RuleEntry  *e = lookup_entry(fcinfo, cache, COND_BYTES(v), COND_LEN(v), tupdesc, typid, typmod);

	*slot = e;
	*fill = e->fill;
	return e;
}

/*
 * The bound entry of condition v for the row type, remembered in *slot and
 * *fill (incentive_match_all's array elements, the rules join's rules, a
 * stored condition): the entry used last, if the cache still holds it, else
 * looked up (and bound).
 */
static inline RuleEntry *
remembered_entry(FunctionCallInfo fcinfo, RuleCache *cache, RuleEntry **slot, uint64 *fill,
				 struct varlena *v, TupleDesc tupdesc, Oid typid, int32 typmod)
{
	RuleEntry  *e = *slot;

	if (likely(e && e->fill == *fill && e->used && e->typid == typid && e->typmod == typmod))
		return e;
	return remember_entry(fcinfo, cache, slot, fill, v, tupdesc, typid, typmod);
}

/*
 * The bound entry of a condition argument stored out of line or compressed
 * (raw, as it came): found by its identity, as detoast_condition knows it,
 * while the entry it was last found in still holds it; else detoasted and
 * looked up by its bytes, and its identity kept.
 */
static pg_noinline RuleEntry *
stored_entry(FunctionCallInfo fcinfo, RuleCache *cache, struct varlena *raw,
			 TupleDesc tupdesc, Oid typid, int32 typmod)
{
	Size		keylen = VARATT_IS_EXTERNAL_ONDISK(raw) ? VARSIZE_EXTERNAL(raw) : VARSIZE_ANY(raw);
	bool		keep = keylen <= STORED_KEY_MAX;
	uint32		h = !keep ? 0 : keylen <= STORED_KEY_SHORT ?
		hash_bytes((const unsigned char *) raw, (int) keylen) : cond_hash((const char *) raw, keylen);
	uint32		base = h & (STORED_SLOTS - 1);
	StoredKey  *k = NULL;
	RuleEntry  *e;
	struct varlena *v;

	if (cache->stored == NULL)
		cache->stored = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(StoredKey) * STORED_SLOTS);
	/* a key too long to keep is never found: not hashed, not looked for */
	for (int w = 0; keep && w < RULE_CACHE_WAYS; w++)
	{
		StoredKey  *kw = &cache->stored[(base + w) & (STORED_SLOTS - 1)];

		e = kw->entry;
		if (e && kw->hash == h && kw->keylen == keylen && e->used && e->fill == kw->fill &&
			e->typid == typid && e->typmod == typmod && memcmp(kw->key, raw, keylen) == 0)
		{
			if (cache->last)
				cache->last->next_hint = e;
			cache->last = e;
			return e;
		}
		/* a way whose entry no longer holds its condition is free */
		if (k == NULL && (e == NULL || !e->used || e->fill != kw->fill))
			k = kw;
	}
	if (keep && k == NULL)
		k = &cache->stored[(base + (cache->stored_victim++ % RULE_CACHE_WAYS)) & (STORED_SLOTS - 1)];

	/*
	 * The stored condition of the previous call: its entry as remembered,
	 * without comparing its bytes, else looked up by them.
	 */
	v = detoast_condition(fcinfo, cache, raw);
	if (v == cache->toast_val)
		e = remembered_entry(fcinfo, cache, &cache->toast_entry, &cache->toast_fill, v,
							 tupdesc, typid, typmod);
	else
		e = lookup_entry(fcinfo, cache, COND_BYTES(v), COND_LEN(v), tupdesc, typid, typmod);
	if (keep)
	{
		if (k->keycap < keylen)
		{
			/* allocated first: an error leaves the old key whole */
			char	   *key = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, keylen);

			if (k->key)
				pfree(k->key);
			k->key = key;
			k->keycap = (uint32) keylen;
		}
		memcpy(k->key, raw, keylen);
		k->keylen = (uint32) keylen;
		k->hash = h;
		k->entry = e;
		k->fill = e->fill;
	}
	return e;
}

/*
 * incentive_matches(condition, record): true when the condition is true for
 * the row; NULL (unknown) counts as no match.
 */
Datum
incentive_matches_record(PG_FUNCTION_ARGS)
{
	RuleCache  *cache = get_cache(fcinfo);
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(0));
	HeapTupleHeader td = arg_row(fcinfo);
	Oid			typid = HeapTupleHeaderGetTypeId(td);
	int32		typmod = HeapTupleHeaderGetTypMod(td);
	TupleDesc	tupdesc = cached_tupdesc(fcinfo, cache, typid, typmod);
	RuleEntry  *e;
	int			result;

	if (VARATT_IS_EXTERNAL_ONDISK(raw) || VARATT_IS_COMPRESSED(raw))
		e = stored_entry(fcinfo, cache, raw, tupdesc, typid, typmod);
	else
	{
		struct varlena *v = arg_condition(fcinfo, cache);

		e = lookup_entry(fcinfo, cache, COND_BYTES(v), COND_LEN(v), tupdesc, typid, typmod);
	}
	deform_row(fcinfo, cache, td, typid, typmod, tupdesc);

	result = match_row(e, cache, tupdesc);
	PG_RETURN_BOOL(result == 1);
}

/*
 * incentive_match_all(conditions[], record): the 1-based positions of the
 * conditions true for the row.  One call per member evaluates every rule on
 * the row deformed once, instead of one call (and one whole-row value) per
 * (member, rule) pair of a join.  The array, usually the same for every row
 * (a subquery's result), is split into elements once and reused while its
 * bytes are identical.
 */
Datum
incentive_match_all(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	HeapTupleHeader td = PG_GETARG_HEAPTUPLEHEADER(1);
	Oid			typid = HeapTupleHeaderGetTypeId(td);
	int32		typmod = HeapTupleHeaderGetTypMod(td);
	RuleCache  *cache = get_cache(fcinfo);
	TupleDesc	tupdesc = cached_tupdesc(fcinfo, cache, typid, typmod);
	Size		asize = VARSIZE(arr);
	ArrayType  *arrcopy;
	Datum	   *out;
	int			nout = 0;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("incentive_match_all needs a one-dimensional array of conditions")));
	if (cache->arr == NULL || cache->arr_size != asize || memcmp(cache->arr, arr, asize) != 0)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (cache->arr)
		{
			pfree(cache->arr);
			pfree(cache->elems);
			pfree(cache->elem_nulls);
			pfree(cache->elem_entry);
			pfree(cache->elem_fill);
		}
		cache->arr = NULL;
		arrcopy = palloc(asize);
		memcpy(arrcopy, arr, asize);
		deconstruct_array(arrcopy, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT,
						  &cache->elems, &cache->elem_nulls, &cache->nelems);
		cache->elem_entry = palloc0(sizeof(RuleEntry *) * (cache->nelems + 1));
		cache->elem_fill = palloc0(sizeof(uint64) * (cache->nelems + 1));
		cache->arr = arrcopy;
		cache->arr_size = asize;
		MemoryContextSwitchTo(old);
	}
	deform_row(fcinfo, cache, td, typid, typmod, tupdesc);
	out = palloc(sizeof(Datum) * (cache->nelems + 1));
	for (int i = 0; i < cache->nelems; i++)
	{
		RuleEntry  *e;

		/* an array may hold millions of conditions */
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		if (cache->elem_nulls[i])
			continue;
		e = remembered_entry(fcinfo, cache, &cache->elem_entry[i], &cache->elem_fill[i],
							 (struct varlena *) DatumGetPointer(cache->elems[i]), tupdesc, typid, typmod);
		if (match_row(e, cache, tupdesc) == 1)
			out[nout++] = Int32GetDatum(i + 1);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(out, nout, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}

/* Forget the rules' remembered entries: a rule's is looked up again. */
static void
join_forget(RuleCache *cache)
{
	if (cache->join_cap > 0)
	{
		memset(cache->join_entry, 0, sizeof(RuleEntry *) * cache->join_cap);
		memset(cache->join_fill, 0, sizeof(uint64) * cache->join_cap);
		/* never seen: no value fills takes */
		memset(cache->join_seen, 0xFF, sizeof(uint64) * cache->join_cap);
	}
}

/* See cr_rule_join.h. */
void
cr_rules_join_reset(FmgrInfo *flinfo, int64 nrules)
{
	LOCAL_FCINFO(fcinfo, 2);
	RuleCache  *cache;

	fcinfo->flinfo = flinfo;
	cache = get_cache(fcinfo);
	if (nrules > cache->join_cap)
	{
		if (cache->join_cap > 0)
		{
			pfree(cache->join_entry);
			pfree(cache->join_fill);
			pfree(cache->join_seen);
		}
		cache->join_entry = MemoryContextAllocHuge(flinfo->fn_mcxt, sizeof(RuleEntry *) * nrules);
		cache->join_fill = MemoryContextAllocHuge(flinfo->fn_mcxt, sizeof(uint64) * nrules);
		cache->join_seen = MemoryContextAllocHuge(flinfo->fn_mcxt, sizeof(uint64) * nrules);
		cache->join_cap = nrules;
	}
	join_forget(cache);
}

/* See cr_rule_join.h. */
void
cr_rules_join_row(FmgrInfo *flinfo, HeapTupleHeader td)
{
	LOCAL_FCINFO(fcinfo, 2);
	Oid			typid = HeapTupleHeaderGetTypeId(td);
	int32		typmod = HeapTupleHeaderGetTypMod(td);
	RuleCache  *cache;
	TupleDesc	tupdesc;

	fcinfo->flinfo = flinfo;
	cache = get_cache(fcinfo);
	/* entries are bound to a row type: another one forgets them */
	if (cache->typid != typid || cache->typmod != typmod)
		join_forget(cache);
	tupdesc = cached_tupdesc(fcinfo, cache, typid, typmod);
	deform_new_row(fcinfo, cache, td, HeapTupleHeaderGetDatumLength(td), typid, typmod, tupdesc);
}

/* Rule i (condition v) on the row of cr_rules_join_row: 1, 0 or -1. */
static inline int
rules_join_match(FmgrInfo *flinfo, RuleCache *cache, int64 i, struct varlena *v)
{
	RuleEntry  *e = cache->join_entry[i];

	Assert(i < cache->join_cap && cache->row_len > 0 &&
		   cache->row_typid == cache->typid && cache->row_typmod == cache->typmod);
	if (unlikely(cache->join_seen[i] != cache->fills))
	{
		LOCAL_FCINFO(fcinfo, 2);

		fcinfo->flinfo = flinfo;
		e = remembered_entry(fcinfo, cache, &cache->join_entry[i], &cache->join_fill[i], v,
							 cache->tupdesc, cache->typid, cache->typmod);
		cache->join_seen[i] = cache->fills;
	}
	return match_row(e, cache, cache->tupdesc);
}

/* See cr_rule_join.h. */
int64
cr_rules_join_find(FmgrInfo *flinfo, struct varlena *const *conds, int64 from, int64 n)
{
	RuleCache  *cache = (RuleCache *) flinfo->fn_extra;
	int64		i;

	for (i = from; i < n; i++)
	{
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		/* a NULL condition does not match (incentive_matches is strict) */
		if (conds[i] != NULL && rules_join_match(flinfo, cache, i, conds[i]) == 1)
			return i;
	}
	return n;
}

/*
 * incentive_matches(condition, jsonb): features are keys of a JSON object.
 * A missing key is NULL (as facts -> 'key' would be); a dotted name may be
 * a path into nested JSON, and arrays and objects are read for their
 * truthiness only (cr_rule_facts.c); a type conflict is an error when it
 * occurs.
 */
Datum
incentive_matches_jsonb(PG_FUNCTION_ARGS)
{
	RuleCache  *cache = get_cache(fcinfo);
	struct varlena *v = arg_condition(fcinfo, cache);
	Jsonb	   *jb = PG_GETARG_JSONB_P(1);
	RuleEntry  *e = lookup_entry(fcinfo, cache, COND_BYTES(v), COND_LEN(v), NULL, InvalidOid, -1);
	int			result;

	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("incentive_matches expects a JSON object of features")));
	for (int i = 0; i < e->prog->nnames; i++)
	{
		JsonbValue	vbuf;
		JsonbValue *jv = cr_facts_value(jb, e->prog->names[i], e->prog->name_lens[i], &vbuf);
		CrValue    *fv = &e->features[i];

		if (jv == NULL || jv->type == jbvNull)
		{
			fv->kind = CR_VAL_NULL;
			continue;
		}
		switch (jv->type)
		{
			case jbvString:
				fv->kind = CR_VAL_TEXT;
				fv->boolean = 0;
				fv->str = jv->val.string.val;
				fv->len = (size_t) jv->val.string.len;
				break;
			case jbvNumeric:
				fv->kind = CR_VAL_NUM;
				fv->num = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
															 NumericGetDatum(jv->val.numeric)));
				break;
			case jbvBool:
				fv->kind = CR_VAL_BOOL;
				fv->boolean = jv->val.boolean;
				break;
			default:
				cr_facts_array_value(e->prog->names[i], jv, e->facts_use[i], fv);
		}
	}
	evaluate(e, cache, &result, false);
	PG_RETURN_BOOL(result == 1);
}

/*
 * incentive_validate(condition, facts): binds the condition to the row type
 * of facts (which may be a typed NULL, e.g. NULL::member_scores) and returns
 * true, or raises the error incentive_matches would raise for such rows:
 * unknown feature (42703), unsupported column type or type mismatch (42804).
 * Meant for CHECK constraints on a rules table.
 */
Datum
incentive_validate(PG_FUNCTION_ARGS)
{
	struct varlena *v;
	Oid			typid;
	int32		typmod = -1;
	TupleDesc	tupdesc;
	RuleCache  *cache = get_cache(fcinfo);
	RuleEntry	e;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	typid = get_fn_expr_argtype(fcinfo->flinfo, 1);
	/* facts is anyelement: a scalar must not be read as a row */
	if (OidIsValid(typid) && !type_is_rowtype(typid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("incentive_validate expects a row, not a value of type %s",
						format_type_be(typid)),
				 errhint("Pass a typed value such as NULL::member_scores.")));
	if (!PG_ARGISNULL(1))
	{
		HeapTupleHeader td = PG_GETARG_HEAPTUPLEHEADER(1);

		typid = HeapTupleHeaderGetTypeId(td);
		typmod = HeapTupleHeaderGetTypMod(td);
	}
	else if (OidIsValid(typid))
		typid = getBaseTypeAndTypmod(typid, &typmod);	/* a domain over a row type */
	if (!OidIsValid(typid) || (typid == RECORDOID && typmod < 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("could not determine the row type to validate the incentive condition against"),
				 errhint("Pass a typed value such as NULL::member_scores.")));
	/* the row type and its columns by name kept for the next call, as for incentive_matches */
	tupdesc = cached_tupdesc(fcinfo, cache, typid, typmod);
	memset(&e, 0, sizeof(e));
	e.cxt = CurrentMemoryContext;
	e.len = COND_LEN(v);
	entry_decode(&e, COND_BYTES(v));
	bind_record(&e, tupdesc, cached_attrs(fcinfo, cache), typid, typmod);
	PG_RETURN_BOOL(true);
}
