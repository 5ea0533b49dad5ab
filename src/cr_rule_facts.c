/*
 * cr_rule_facts.c
 *	  The features of incentive_matches(condition, jsonb): where a feature's
 *	  value is in a JSON object of facts.
 *
 * A feature is the key of its name.  A dotted name "a.b" whose "a" is a
 * nested object or array is JsonLogic's path instead, as json-logic-js's
 * "var" reads it (split at every dot, one property per part): "a.b" is 2
 * in {"a": {"b": 2}, "a.b": 1}, "tags.0" the first element of an array and
 * "tags.length" its number of elements.  A part that finds nothing (a
 * missing key, an index past the end, a number, boolean or null on the way)
 * reads NULL, so a var's default applies, as in json-logic-js; the
 * properties JavaScript finds where JSON has none are refused (0A000): a
 * string's characters and length, the methods of arrays ("tags.map").
 * Where "a" is not a nested object or array (absent, a number, boolean or
 * null), the name is the key "a.b", as in a row's column named "a.b"
 * (json-logic-js reads undefined there: the README's known difference).
 *
 * A value that is itself an array or object is read only for JsonLogic's
 * truthiness (an empty array is false, any other array and every object
 * true), by conditions that read the feature only that way (truthy(),
 * IS NULL, IS NOT NULL: {"var": "tags"} as a condition, "!", "!!", "if");
 * anything else of an array or object is a type error (42804).
 */
#include "community_retention.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "cr_rule_facts.h"
#include "cr_rule_int.h"

/* Methods every JavaScript array inherits (Array.prototype, Node 20), besides length. */
static bool
array_method(const char *s, size_t n)
{
	static const char *const names[] = {
		"constructor", "at", "concat", "copyWithin", "fill", "find", "findIndex",
		"findLast", "findLastIndex", "lastIndexOf", "pop", "push", "reverse",
		"shift", "unshift", "slice", "sort", "splice", "includes", "indexOf",
		"join", "keys", "entries", "values", "forEach", "filter", "flat",
		"flatMap", "map", "every", "some", "reduce", "reduceRight",
		"toLocaleString", "toString", "toReversed", "toSorted", "toSpliced", "with",
		/* Object.prototype: refused in a JsonLogic var anyway */
		"__proto__", "__defineGetter__", "__defineSetter__", "hasOwnProperty",
		"__lookupGetter__", "__lookupSetter__", "isPrototypeOf",
		"propertyIsEnumerable", "valueOf"
	};

	for (size_t k = 0; k < lengthof(names); k++)
		if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0)
			return true;
	return false;
}

/* s[0..n) as JavaScript's array index (canonical digits below 2^32 - 1), or -1. */
static int64
array_index(const char *s, size_t n)
{
	int64		v = 0;

	if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < (int64) PG_UINT32_MAX ? v : -1;
}

static void
refuse_string(const char *name, size_t upto)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("feature \"%s\" is a path into the facts, and \"%.*s\" is a JSON string",
					name, (int) upto, name),
			 errdetail("JsonLogic's \"var\" would read the string's characters or length there, which incentive conditions do not.")));
}

/*
 * The property part (seg, n bytes) of container c, which the path name
 * reaches at its byte upto: a value (in buf or allocated), or NULL.
 */
static JsonbValue *
property(JsonbContainer *c, const char *seg, size_t n, const char *name, size_t upto,
		 JsonbValue *buf)
{
	int64		i;

	if (JsonContainerIsObject(c))
		return getKeyJsonValueFromContainer(c, seg, (int) n, buf);
	if (n == 6 && memcmp(seg, "length", 6) == 0)
	{
		buf->type = jbvNumeric;
		buf->val.numeric = int64_to_numeric((int64) JsonContainerSize(c));
		return buf;
	}
	if ((i = array_index(seg, n)) >= 0)
		return i < (int64) JsonContainerSize(c) ? getIthJsonbValueFromContainer(c, (uint32) i) : NULL;
	if (array_method(seg, n))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("feature \"%s\" names \"%.*s\" of the JSON array \"%.*s\", a method every JavaScript array has",
						name, (int) n, seg, (int) upto, name),
				 errdetail("JsonLogic's \"var\" would read a function there; a path reads an array's elements by index (\"%.*s.0\") and its length.",
						   (int) upto, name)));
	return NULL;
}

JsonbValue *
cr_facts_value(Jsonb *jb, const char *name, size_t len, JsonbValue *buf)
{
	const char *end = name + len;
	const char *dot = memchr(name, '.', len);
	const char *seg;
	JsonbValue	head;
	JsonbValue *v;

	if (dot == NULL ||
		(v = getKeyJsonValueFromContainer(&jb->root, name, (int) (dot - name), &head)) == NULL ||
		(v->type != jbvBinary && v->type != jbvString))
		return getKeyJsonValueFromContainer(&jb->root, name, (int) len, buf);
	for (;;)
	{
		const char *next;

		if (v->type == jbvString)
			refuse_string(name, (size_t) (dot - name));
		if (v->type != jbvBinary)
			return NULL;		/* a number, boolean or null has no properties */
		seg = dot + 1;
		next = memchr(seg, '.', (size_t) (end - seg));
		v = property(v->val.binary.data, seg, (size_t) ((next ? next : end) - seg), name,
					 (size_t) (dot - name), buf);
		if (next == NULL || v == NULL)
			return v;
		dot = next;			/* a name is at most 255 bytes: a short walk */
	}
}

/*
 * Per feature, how prog reads it (see cr_facts_uses in cr_rule_facts.h).
 * The postfix code is walked with the start of each instruction's
 * sub-expression, so that a contains whose first argument is a feature
 * alone marks that feature's instruction.
 */
uint8 *
cr_facts_uses(const CrRuleProg *prog, MemoryContext cxt)
{
	uint8	   *use = MemoryContextAlloc(cxt, prog->nnames + 1);
	int		   *start = palloc(sizeof(int) * (prog->ninstr + 1));
	bool	   *searched = palloc0(sizeof(bool) * (prog->ninstr + 1));	/* per instruction */
	bool	   *other = palloc0(sizeof(bool) * (prog->nnames + 1));
	bool	   *hay = palloc0(sizeof(bool) * (prog->nnames + 1));
	int			sp = 0;

	for (int k = 0; k < prog->ninstr; k++)
	{
		const CrInstr *in = &prog->code[k];
		int			ar = cr_op_arity(in);
		int			s = ar > 0 ? start[sp - ar] : k;

		if (in->op == CR_OP_FUNC && in->fn == CR_FN_CONTAINS && ar == 2 &&
			prog->code[s].op == CR_OP_FEATURE && start[sp - 1] == s + 1)
			searched[s] = true;
		sp -= ar;
		start[sp++] = s;
	}
	for (int k = 0; k < prog->ninstr; k++)
	{
		const CrInstr *in = &prog->code[k];
		const CrInstr *next = k + 1 < prog->ninstr ? &prog->code[k + 1] : NULL;

		if (in->op != CR_OP_FEATURE)
			continue;
		if (searched[k])
			hay[in->n] = true;
		/* else a unary instruction right after the feature is what reads it */
		else if (!(next != NULL &&
				   ((next->op == CR_OP_FUNC && next->fn == CR_FN_TRUTHY && next->n == 1) ||
					next->op == CR_OP_ISNULL || next->op == CR_OP_ISNOTNULL)))
			other[in->n] = true;
	}
	for (int i = 0; i < prog->nnames; i++)
		use[i] = other[i] ? CR_FACTS_SCALAR : hay[i] ? CR_FACTS_ARRAY : CR_FACTS_TRUTHY;
	pfree(start);
	pfree(searched);
	pfree(other);
	pfree(hay);
	return use;
}

/* The elements of the array c as values (a nested array or object: an array without items). */
static void
array_items(JsonbContainer *c, CrValue *fv)
{
	CrValue    *items = palloc(sizeof(CrValue) * (JsonContainerSize(c) + 1));
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbValue	v;
	JsonbIteratorToken tok;
	size_t		n = 0;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CrValue    *e = &items[n];

		if (tok != WJB_ELEM)
			continue;
		memset(e, 0, sizeof(*e));
		switch (v.type)
		{
			case jbvString:
				e->kind = CR_VAL_TEXT;
				e->str = v.val.string.val;
				e->len = (size_t) v.val.string.len;
				break;
			case jbvNumeric:
				e->kind = CR_VAL_NUM;
				e->num = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
															NumericGetDatum(v.val.numeric)));
				break;
			case jbvBool:
				e->kind = CR_VAL_BOOL;
				e->boolean = v.val.boolean;
				break;
			case jbvNull:
				e->kind = CR_VAL_NULL;
				break;
			default:
				e->kind = CR_VAL_ARRAY;
				break;
		}
		n++;
	}
	fv->kind = CR_VAL_ARRAY;
	fv->items = items;
	fv->len = n;
}

void
cr_facts_array_value(const char *name, JsonbValue *jv, int use, CrValue *fv)
{
	JsonbContainer *c = jv->val.binary.data;
	bool		is_array = JsonContainerIsArray(c);

	if (use == CR_FACTS_ARRAY && is_array)
	{
		array_items(c, fv);
		return;
	}
	if (use == CR_FACTS_ARRAY)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("feature \"%s\" is a JSON object, which contains (JsonLogic's \"in\") does not search", name),
				 errdetail("contains searches a JSON array for an element or a string for a substring.")));
	if (use != CR_FACTS_TRUTHY)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("feature \"%s\" is a JSON %s, which incentive conditions read only for its truthiness%s",
						name, is_array ? "array" : "object", is_array ? " or search with contains" : ""),
				 errdetail("An array or object is read where the condition reads the feature for its truthiness and nothing else: truthy(\"%s\"), or JsonLogic's {\"var\": \"%s\"} as a condition (an empty array is false, other arrays and objects true).",
						   name, name),
				 is_array ?
				 errhint("Read an element with a path (\"%s.0\", or \"%s.length\" for the number of elements), or search the array: contains(\"%s\", 'gold'), JsonLogic's {\"in\": [\"gold\", {\"var\": \"%s\"}]}.",
						 name, name, name, name) :
				 errhint("Read a value inside it with a path (\"%s.key\" for its key \"key\").", name)));
	fv->kind = CR_VAL_BOOL;
	fv->boolean = !is_array || JsonContainerSize(c) > 0;
}
