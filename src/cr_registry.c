/*
 * cr_registry.c
 *	  retention_model_registry_check(): the model registry's functions read
 *	  and write the columns of retention_model_registry as the extension
 *	  creates them.  The table belongs to the installing role, which may
 *	  alter it; a column of another type (or renamed, or dropped) would make
 *	  them fail deep inside with an error about an operator or an expression,
 *	  or misbehave (a smallint version runs out at 32767).  This names the
 *	  first column that differs.
 *
 * It is in C because retention_model_active calls it on every call, and a
 * bare retention_model_active('x') in a select list is called once per row:
 * a PL/pgSQL query on pg_attribute cost about 19 microseconds a call, twice
 * what the rest of retention_model_active costs; eight syscache lookups cost
 * well under one.
 */
#include "community_retention.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#define CR_REGISTRY_TABLE "retention_model_registry"
#define CR_MODEL_TYPE "retention_model"

typedef struct RegistryColumn
{
	const char *name;
	Oid			type;			/* InvalidOid: the extension's retention_model */
} RegistryColumn;

static const RegistryColumn registry_columns[] = {
	{"name", TEXTOID},
	{"version", INT4OID},
	{"created_at", TIMESTAMPTZOID},
	{"created_by", TEXTOID},
	{"model", InvalidOid},
	{"metrics", JSONBOID},
	{"note", TEXTOID},
	{"active", BOOLOID},
};

/* the names the messages give, qualified by the extension's schema */
static const char *
registry_table_name(Oid nsp)
{
	return quote_qualified_identifier(get_namespace_name(nsp), CR_REGISTRY_TABLE);
}

static const char *
registry_type_name(const RegistryColumn *col, Oid nsp)
{
	return OidIsValid(col->type) ? format_type_be(col->type) :
		quote_qualified_identifier(get_namespace_name(nsp), CR_MODEL_TYPE);
}

PG_FUNCTION_INFO_V1(retention_model_registry_check);
Datum
retention_model_registry_check(PG_FUNCTION_ARGS)
{
	/* the table and the type are in the schema of this function */
	Oid			nsp = get_func_namespace(fcinfo->flinfo->fn_oid);
	Oid			relid = get_relname_relid(CR_REGISTRY_TABLE, nsp);
	Oid			model_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
											 CStringGetDatum(CR_MODEL_TYPE),
											 ObjectIdGetDatum(nsp));

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s\" does not exist", registry_table_name(nsp))));
	/*
	 * The columns from the syscache, without a lock on the table: the
	 * function is PUBLIC, and a role without any privilege on the table must
	 * not be able to hold a lock on it for the rest of its transaction (and
	 * block its owner's ALTER TABLE); releasing one at once doubled the cost
	 * of a call.  The caller's query on the table then takes its lock, which
	 * processes the invalidations of an ALTER TABLE committed in between.
	 */
	for (int c = 0; c < (int) lengthof(registry_columns); c++)
	{
		const RegistryColumn *col = &registry_columns[c];
		Oid			want = OidIsValid(col->type) ? col->type : model_type;
		HeapTuple	tp = SearchSysCacheAttName(relid, col->name);
		Oid			typid;
		int32		typmod;

		/* NULL also for a dropped column */
		if (!HeapTupleIsValid(tp))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of the model registry does not exist", col->name),
					 errdetail("The registry functions need the columns of %s as the extension creates it.",
							   registry_table_name(nsp)),
					 errhint("Add it back (or rename it back) as a column of type %s.",
							 registry_type_name(col, nsp))));
		typid = ((Form_pg_attribute) GETSTRUCT(tp))->atttypid;
		typmod = ((Form_pg_attribute) GETSTRUCT(tp))->atttypmod;
		ReleaseSysCache(tp);
		if (typid != want || typmod != -1)
		{
			const char *table = registry_table_name(nsp);
			const char *want_name = registry_type_name(col, nsp);
			const char *have_name = format_type_with_typemod(typid, typmod);
			Oid			castfunc;
			char	   *hint;

			/*
			 * The hint's USING column::type must be a cast that exists: none
			 * leads from bytea (or an array, a number...) to retention_model
			 * or timestamptz, say.  The values then come back from a dump,
			 * or, from bytea holding their binary form (a send function's
			 * bytes), through the type's binary input, which a binary COPY
			 * calls and no SQL expression can.
			 */
			if (find_coercion_pathway(want, typid, COERCION_EXPLICIT, &castfunc) != COERCION_PATH_NONE)
				hint = psprintf("Change it back: ALTER TABLE %s ALTER COLUMN %s TYPE %s USING %s::%s.",
								table, quote_identifier(col->name), want_name,
								quote_identifier(col->name), want_name);
			else if (typid == BYTEAOID)
				hint = psprintf("There is no cast from %s to %s. Restore the column from a dump taken before the change or, if it holds the values' binary form, copy the table out with COPY (FORMAT binary), delete its rows, change the column's type back (USING NULL) and copy the rows back in.",
								have_name, want_name);
			else
				hint = psprintf("There is no cast from %s to %s. Restore the column from a dump taken before the change.",
								have_name, want_name);
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" of the model registry is of type %s, not %s", col->name,
							have_name, want_name),
					 errdetail("The registry functions need the column types of %s as the extension creates it.",
							   table),
					 errhint("%s", hint)));
		}
	}
	PG_RETURN_VOID();
}
