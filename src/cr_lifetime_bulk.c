/*
 * cr_lifetime_bulk.c
 *	  lifetime_summaries(query, as_of [, unit]): the lifetime_summary of
 *	  every member of a purchase query in one pass, without GROUP BY.
 *
 * The query (exactly one SELECT, run with the caller's privileges, so
 * row-level security applies) returns (member_id, occurred_at, amount).
 * Its rows go straight from the executor to a DestReceiver (no tuplestore
 * copy of the input), which keeps per row only what the summary needs:
 * the member's running sums (cr_lt_add, the aggregate's arithmetic) found
 * through an own open-addressing hash table of member ids, and the event
 * (member index, local day), 8 bytes.  At the end a counting sort groups
 * the days by member, each member's days are sorted and counted, and the
 * summaries come out in member_id order through a materialised SRF.
 *
 * PostgreSQL's GROUP BY of a million groups (parallel partial hash
 * aggregates, their spills and the finalize step) costs more than the scan
 * itself; this does one scan and one pass over compact arrays instead.
 *
 * Memory: about 12 bytes an event and 100 a member (the hash table at
 * most half full), bounded by
 * community_retention.max_train_memory (error 54000 beyond).
 */
#include "community_retention.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "cr_engagement.h"
#include "cr_hugemem.h"
#include "cr_lifetime.h"
#include "cr_query.h"
#include "cr_summary_kernel.h"

PG_FUNCTION_INFO_V1(lifetime_summaries);

#define BULK_NAME "lifetime_summaries"
#define BULK_EXAMPLE "SELECT member_id, occurred_at, amount FROM purchases"
#define BULK_SHAPE "(member_id bigint, occurred_at timestamptz, amount float8)"

/*
 * The query may use parallel workers: the planner weighs the transfer of
 * rows from the workers (parallel_tuple_cost).  Measured on the benchmark
 * (SELECT member_id, occurred_at, amount FROM bench_purchases, 10M rows):
 * it keeps a serial scan there, and a parallel plan forced with
 * parallel_tuple_cost = parallel_setup_cost = 0 was no faster (2.7 s
 * against 2.1 to 3.1 s serial on the loaded 2-core machine): every row must
 * reach this backend anyway, through the workers' tuple queues.  A
 * selective WHERE, though, gets filtered in the workers.
 */
#define BULK_CURSOR_OPTS CURSOR_OPT_PARALLEL_OK

/*
 * Events are kept in chunks of BULK_CHUNK (member indexes, then days: 4 MB),
 * each on its own huge pages (cr_hugemem.h): no copy when they grow, and a
 * fresh backend faults in 2 MB pages rather than 4 kB ones.
 */
#define BULK_CHUNK ((int64) 1 << 19)

/* Bytes kept per event (member index, day; the grouped day) and member. */
#define BULK_EVENT_BYTES (2 * sizeof(int32) + sizeof(int32))
#define BULK_MEMBER_BYTES (sizeof(int64) + sizeof(CrLtSums) + sizeof(int64) + sizeof(CrKeyIdx))

/*
 * Rows wait in batches of BULK_BATCH before their members are looked up,
 * their hash slots prefetched meanwhile: the lookups of a million members
 * are cache misses, and this lets the memory fetch them in parallel.
 */
#define BULK_BATCH 16

#if defined(__GNUC__) || defined(__clang__)
#define bulk_prefetch(p) __builtin_prefetch(p)
#else
#define bulk_prefetch(p) ((void) (p))
#endif

typedef struct BulkRow
{
	int64		key;
	double		amount;
	int32		day;
} BulkRow;

typedef struct BulkReceiver
{
	DestReceiver pub;
	FunctionCallInfo fcinfo;	/* for cr_local_day_cached's cache */
	MemoryContext cxt;			/* the arrays */
	Oid			id_type;		/* int8, int4 or int2 */
	TimestampTz as_of;
	int32		asof_day;		/* as_of's local day */
	CrKeyMap	map;			/* member id -> index */
	CrLtSums   *sums;			/* map.cap entries */
	int32	  **chunks;			/* BULK_CHUNK member indexes then days, each */
	int			nchunks;
	int			maxchunks;		/* room in chunks[] */
	int64		nev;			/* events held */
	int64		last_key;		/* the previous row's member (rows often come by member) */
	int64		last_idx;		/* -1: none */
	int			nbatch;
	BulkRow		batch[BULK_BATCH];
} BulkReceiver;

/* The memory the arrays would take at these capacities, or error 54000. */
static void
bulk_charge(const BulkReceiver *r, int64 evcap, int64 memcap, uint64 nslots)
{
	double		need = (double) evcap * BULK_EVENT_BYTES +
		(double) memcap * BULK_MEMBER_BYTES + (double) nslots * sizeof(CrKeySlot);

	if (need / 1024.0 > (double) cr_max_train_memory_kb || memcap > CR_KEYMAP_MAX_KEYS)
		/* a member: its arrays and two hash slots (the table at most half full) */
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("lifetime_summaries needs more than community_retention.max_train_memory (%d kB)",
						cr_max_train_memory_kb),
				 errdetail("It keeps about %d bytes an event and %d a member; events read so far: " INT64_FORMAT ", members: " INT64_FORMAT ".",
						   (int) BULK_EVENT_BYTES, (int) (BULK_MEMBER_BYTES + 2 * sizeof(CrKeySlot)), r->nev, r->map.n),
				 errhint("Raise it (SET community_retention.max_train_memory = '4GB'), or use the lifetime_summary aggregate with GROUP BY member_id.")));
}

static void
bulk_add_chunk(BulkReceiver *r)
{
	bulk_charge(r, (r->nchunks + 1) * BULK_CHUNK, r->map.cap, r->map.nslots);
	if (r->nchunks == r->maxchunks)
	{
		r->maxchunks *= 2;
		r->chunks = repalloc(r->chunks, r->maxchunks * sizeof(int32 *));
	}
	r->chunks[r->nchunks++] = cr_huge_alloc(r->cxt, 2 * BULK_CHUNK * sizeof(int32));
}

/* A copy of the first n elements of old (size bytes each) in room for cap. */
static void *
bulk_regrow(MemoryContext cxt, void *old, Size size, int64 n, int64 cap)
{
	void	   *p = cr_huge_alloc(cxt, cap * size);

	memcpy(p, old, n * size);
	cr_huge_free(old);
	return p;
}

static void
bulk_grow_members(BulkReceiver *r)
{
	int64		cap = r->map.cap * 2;
	uint64		nslots = cr_keymap_slots_for(cap);
	int64	   *keys;

	bulk_charge(r, r->nchunks * BULK_CHUNK, cap, nslots);
	keys = bulk_regrow(r->cxt, r->map.keys, sizeof(int64), r->map.n, cap);
	r->sums = bulk_regrow(r->cxt, r->sums, sizeof(CrLtSums), r->map.n, cap);
	cr_huge_free(r->map.slots);
	cr_keymap_rehash(&r->map, cr_huge_alloc(r->cxt, nslots * sizeof(CrKeySlot)), nslots, keys, cap);
}

static void
bulk_init(BulkReceiver *r)
{
	int64		memcap = 1024;
	uint64		nslots = cr_keymap_slots_for(memcap);

	r->maxchunks = 16;
	r->chunks = MemoryContextAlloc(r->cxt, r->maxchunks * sizeof(int32 *));
	r->sums = cr_huge_alloc(r->cxt, memcap * sizeof(CrLtSums));
	cr_keymap_init(&r->map, cr_huge_alloc(r->cxt, nslots * sizeof(CrKeySlot)), nslots,
				   cr_huge_alloc(r->cxt, memcap * sizeof(int64)), memcap);
	r->last_idx = -1;
}

static inline int64
bulk_member_id(const BulkReceiver *r, Datum d)
{
	if (r->id_type == INT8OID)
		return DatumGetInt64(d);
	if (r->id_type == INT4OID)
		return DatumGetInt32(d);
	return DatumGetInt16(d);
}

/* The batch's rows: their members' sums and their events. */
static void
bulk_flush(BulkReceiver *r)
{
	int			b;

	for (b = 0; b < r->nbatch; b++)
	{
		const BulkRow *row = &r->batch[b];
		int64		idx,
					k;
		bool		added = false;
		int32	   *chunk;

		if (r->last_idx >= 0 && row->key == r->last_key)
			idx = r->last_idx;
		else
		{
			if (cr_keymap_full(&r->map))
				bulk_grow_members(r);
			idx = cr_keymap_get(&r->map, row->key, &added);
			r->last_key = row->key;
			r->last_idx = idx;
		}
		if (!cr_lt_add(&r->sums[idx], added, row->day, row->amount))
			float_overflow_error();
		k = r->nev % BULK_CHUNK;
		if (k == 0)
			bulk_add_chunk(r);
		chunk = r->chunks[r->nchunks - 1];
		chunk[k] = (int32) idx;
		chunk[BULK_CHUNK + k] = row->day;
		r->nev++;
	}
	r->nbatch = 0;
}

/*
 * One row, checked as lifetime_summary_transfn checks it: rows with a NULL
 * are skipped, rows after as_of ignored (+infinity too); -infinity and a
 * non-finite amount are errors.  Then it waits in the batch.
 */
static bool
bulk_receive(TupleTableSlot *slot, DestReceiver *self)
{
	BulkReceiver *r = (BulkReceiver *) self;
	BulkRow    *row;
	TimestampTz ts;
	double		amount;

	CHECK_FOR_INTERRUPTS();
	slot_getallattrs(slot);
	if (slot->tts_isnull[0] || slot->tts_isnull[1] || slot->tts_isnull[2])
		return true;
	ts = DatumGetTimestampTz(slot->tts_values[1]);
	if (ts > r->as_of)
		return true;
	cr_check_finite(ts, "occurred_at");
	amount = DatumGetFloat8(slot->tts_values[2]);
	cr_lt_check_amount(amount);
	row = &r->batch[r->nbatch];
	row->key = bulk_member_id(r, slot->tts_values[0]);
	row->amount = amount;
	/* on as_of's day at the latest, as lifetime_summary_transfn counts it */
	row->day = Min(cr_local_day_cached(r->fcinfo, ts), r->asof_day);
	if (row->key != (r->nbatch > 0 ? row[-1].key : r->last_key))
		bulk_prefetch(&r->map.slots[cr_keymap_hash(row->key) & (r->map.nslots - 1)]);
	if (++r->nbatch == BULK_BATCH)
		bulk_flush(r);
	return true;
}

/*
 * The query's columns: 3, an integer member id, timestamptz, float8, or
 * domains over them (their values are the base type's, already checked by
 * the query), as the aggregate's arguments take them.  Returns the columns
 * and sets *id_type to the member id's base type.
 */
static TupleDesc
bulk_check_columns(const char *stmt, Oid *id_type_out)
{
	TupleDesc	td = cr_query_columns(stmt, BULK_NAME, BULK_EXAMPLE);
	Oid			id_type;

	if (td->natts != 3)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("lifetime_summaries query must return 3 columns, not %d", td->natts),
				 errhint("The query must return " BULK_SHAPE ".")));
	id_type = getBaseType(TupleDescAttr(td, 0)->atttypid);
	if (id_type != INT8OID && id_type != INT4OID && id_type != INT2OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column 1 \"%s\" of the lifetime_summaries query has type %s, not bigint, integer or smallint",
						NameStr(TupleDescAttr(td, 0)->attname), format_type_be(TupleDescAttr(td, 0)->atttypid)),
				 errhint("Cast it to bigint, or use the lifetime_summary aggregate with GROUP BY for other member keys.")));
	if (getBaseType(TupleDescAttr(td, 1)->atttypid) != TIMESTAMPTZOID)
		cr_wrong_column(td, 1, "timestamptz", BULK_NAME, BULK_SHAPE);
	if (getBaseType(TupleDescAttr(td, 2)->atttypid) != FLOAT8OID)
		cr_wrong_column(td, 2, "float8", BULK_NAME, BULK_SHAPE);
	*id_type_out = id_type;
	return td;
}

/*
 * The summaries into the SRF's tuplestore, in member_id order: the days
 * grouped by member (counting sort), each member's sorted and counted.
 */
static void
bulk_emit(BulkReceiver *r, ReturnSetInfo *rsinfo, double unit_days)
{
	int64		n = r->map.n;
	int64	   *start = cr_huge_alloc(r->cxt, (n + 1) * sizeof(int64));
	int32	   *days = cr_huge_alloc(r->cxt, Max(r->nev, 1) * sizeof(int32));
	CrKeyIdx   *order;
	int64		j;
	int			c;

	memset(start, 0, (n + 1) * sizeof(int64));
	for (c = 0; c < r->nchunks; c++)
		cr_group_count(r->chunks[c], Min(BULK_CHUNK, r->nev - c * BULK_CHUNK), start);
	cr_group_prefix(start, n);
	for (c = 0; c < r->nchunks; c++)
	{
		CHECK_FOR_INTERRUPTS();
		cr_group_scatter(r->chunks[c], r->chunks[c] + BULK_CHUNK,
						 Min(BULK_CHUNK, r->nev - c * BULK_CHUNK), start, days);
		cr_huge_free(r->chunks[c]);
	}
	cr_group_finish(start, n);
	cr_huge_free(r->map.slots);
	order = cr_huge_alloc(r->cxt, Max(n, 1) * sizeof(CrKeyIdx));
	cr_keymap_order(r->map.keys, n, order);
	for (j = 0; j < n; j++)
	{
		int64		i = order[j].idx;
		CrLtSummary s;
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		if ((j & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		cr_lt_finish(&r->sums[i], cr_distinct_days(days + start[i], start[i + 1] - start[i]),
					 r->asof_day, unit_days, &s);
		values[0] = Int64GetDatum(order[j].key);
		values[1] = Int32GetDatum(s.frequency);
		values[2] = Float8GetDatum(s.recency);
		values[3] = Float8GetDatum(s.T);
		values[4] = Float8GetDatum(s.monetary_value);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

Datum
lifetime_summaries(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	BulkReceiver r;
	char	   *stmt;
	TupleDesc	td;
	int64		unit;
	TimestampTz t0 = GetCurrentTimestamp();

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("lifetime_summaries query must not be null")));
	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != 5)
		elog(ERROR, "lifetime_summaries: the result must have 5 columns");
	unit = cr_lt_unit(PG_ARGISNULL(2) ? NULL : PG_GETARG_INTERVAL_P(2));
	stmt = cr_select_text(text_to_cstring(PG_GETARG_TEXT_PP(0)), BULK_NAME, BULK_EXAMPLE);

	memset(&r, 0, sizeof(r));
	r.pub.receiveSlot = bulk_receive;
	r.pub.rStartup = cr_dest_startup_noop;
	r.pub.rShutdown = cr_dest_noop;
	r.pub.rDestroy = cr_dest_noop;
	r.pub.mydest = DestNone;
	r.fcinfo = fcinfo;
	r.cxt = AllocSetContextCreate(CurrentMemoryContext, "lifetime_summaries", ALLOCSET_DEFAULT_SIZES);
	if (!PG_ARGISNULL(1))
	{
		r.as_of = PG_GETARG_TIMESTAMPTZ(1);
		cr_check_finite(r.as_of, "as_of");
		r.asof_day = cr_local_day_cached(fcinfo, r.as_of);
	}
	bulk_init(&r);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "lifetime_summaries: SPI_connect failed");
	td = bulk_check_columns(stmt, &r.id_type);
	/* a NULL as_of: every row skipped, as the aggregate skips them */
	if (!PG_ARGISNULL(1))
	{
		/* the text is planned again: the columns it returns are checked again */
		cr_query_run_checked(stmt, (DestReceiver *) &r, BULK_CURSOR_OPTS, BULK_NAME, td);
		bulk_flush(&r);
	}
	SPI_finish();
	elog(DEBUG1, "lifetime_summaries: " INT64_FORMAT " events of " INT64_FORMAT " members read in %.1f ms",
		 r.nev, r.map.n, (double) (GetCurrentTimestamp() - t0) / 1000.0);
	t0 = GetCurrentTimestamp();
	bulk_emit(&r, rsinfo, (double) unit / (double) USECS_PER_DAY);
	elog(DEBUG1, "lifetime_summaries: grouped, summarised and stored in %.1f ms",
		 (double) (GetCurrentTimestamp() - t0) / 1000.0);
	MemoryContextDelete(r.cxt);
	return (Datum) 0;
}
