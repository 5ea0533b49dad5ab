#!/usr/bin/env node
/*
 * Generates sql/incentive_rules_engine.sql: random rules of json-rules-engine
 * (npm, https://github.com/CacheControl/json-rules-engine), the same rules as
 * incentive conditions, and random facts; json-rules-engine itself decides
 * which facts each rule matches, and the test checks that incentive_matches
 * agrees, on the jsonb facts and on rows of a row type.
 *
 *     cd test/reference/rules_engine && npm ci && node generate.js > ../../../sql/incentive_rules_engine.sql
 *
 * then run the regress test (the expected output has no data in it).
 *
 * Where the two languages overlap: "all" is AND, "any" is OR, "not" is NOT,
 * equal/notEqual/lessThan/lessThanInclusive/greaterThan/greaterThanInclusive
 * are = <> < <= > >=, in/notIn are IN and NOT IN, over facts that are present
 * and not null (numbers, and strings for equal/notEqual/in/notIn).  Outside
 * it the two differ by design and the test has no such rule (README, FAQ,
 * Incentive rules, says the same to users): a missing fact
 * is an error in json-rules-engine unless allowUndefinedFacts (NULL here),
 * a null fact is two-valued there (notEqual(null, 5) is true; here
 * NULL <> 5 is NULL and the rule does not match), lessThan on a string is
 * false there (a type error here), equal of a number with a string is false
 * there (a type error here), and an empty "all"/"any" or "in" list has no
 * text form.
 */
'use strict';
const { Engine } = require('json-rules-engine');

let seed = Number(process.argv[2] || 1);
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; }
function pick(a) { return a[Math.floor(rnd() * a.length)]; }

const NUMF = ['a', 'b', 'c'], STRF = ['s', 't'];
// doubles near each other, at the ends of the range, subnormal, -0, 2^53 and 2^53 + 1
const NUMS = [0, -0, 1, -1, 2, 3, 0.1, 0.2, 0.30000000000000004, 0.3, 1e21, 1.5e-7, 9007199254740992,
  9007199254740993, -2.5, 100, 1e308, -1e308, 5e-324, 123456789.123456789, 2.5];
// byte order versus collation, blanks, combining characters, quotes
const STRS = ['', ' ', 'a', 'A', 'a ', 'b', 'é', 'e\u0301', 'ß', 'z', "it's", '\u00ff', 'ab', 'Ab', '日本'];
const CMP = { equal: '=', notEqual: '<>', lessThan: '<', lessThanInclusive: '<=', greaterThan: '>', greaterThanInclusive: '>=' };

function numLit(v) { return Object.is(v, -0) ? '-0' : String(v); }
function strLit(v) { return "'" + v.replace(/'/g, "''") + "'"; }
function list(values) {
  const n = 1 + Math.floor(rnd() * 4), vs = [];
  for (let i = 0; i < n; i++) vs.push(pick(values));
  return vs;
}
function leaf() {
  const numeric = rnd() < 0.6;
  const f = pick(numeric ? NUMF : STRF);
  const lit = numeric ? numLit : strLit;
  const op = pick(numeric ? [...Object.keys(CMP), 'in', 'notIn'] : ['equal', 'notEqual', 'in', 'notIn']);
  if (op === 'in' || op === 'notIn') {
    const vs = list(numeric ? NUMS : STRS);
    return [{ fact: f, operator: op, value: vs }, `${f} ${op === 'in' ? 'IN' : 'NOT IN'} (${vs.map(lit).join(', ')})`];
  }
  const v = pick(numeric ? NUMS : STRS);
  return [{ fact: f, operator: op, value: v }, `${f} ${CMP[op]} ${lit(v)}`];
}
function cond(depth) {
  const r = rnd();
  if (depth <= 0 || r < 0.35) return leaf();
  if (r < 0.5) { const [j, t] = cond(depth - 1); return [{ not: j }, `NOT (${t})`]; }
  const n = 1 + Math.floor(rnd() * 3), js = [], ts = [];
  for (let i = 0; i < n; i++) { const [j, t] = cond(depth - 1); js.push(j); ts.push('(' + t + ')'); }
  const all = rnd() < 0.5;
  return [all ? { all: js } : { any: js }, ts.join(all ? ' AND ' : ' OR ')];
}
// a fact row as JSON text: numbers sometimes with more digits than the double keeps
function factsText() {
  const parts = [];
  for (const f of NUMF) {
    const v = rnd() < 0.7 ? pick(NUMS) : Math.round((rnd() - 0.5) * 2000) / 10;
    let s = Object.is(v, -0) ? '-0' : String(v);
    if (rnd() < 0.2 && Number.isInteger(v) && Math.abs(v) < 1e15) s += '.000000000000000000001';
    else if (v === 9007199254740992 && rnd() < 0.5) s = '9007199254740993';
    else if (v === 0.1 && rnd() < 0.5) s = '0.1000000000000000055511151231257827';
    parts.push(`"${f}": ${s}`);
  }
  for (const f of STRF) parts.push(`"${f}": ${JSON.stringify(pick(STRS))}`);
  return '{' + parts.join(', ') + '}';
}
function sqlText(s) { return "'" + s.replace(/'/g, "''") + "'"; }

(async () => {
  const NRULES = 400, NFACTS = 24;
  const rules = [];
  for (let i = 0; i < NRULES; i++) rules.push(cond(3));
  const engine = new Engine([], { allowUndefinedFacts: false });
  rules.forEach(([j], i) => engine.addRule({
    conditions: j.all || j.any || j.not ? j : { all: [j] }, event: { type: String(i + 1) }, name: String(i + 1)
  }));
  const facts = [], matched = rules.map(() => []);
  for (let n = 0; n < NFACTS; n++) {
    const text = factsText();
    facts.push(text);
    const res = await engine.run(JSON.parse(text)); // the facts as JavaScript reads the JSON text
    const fired = new Set(res.events.map(e => Number(e.type)));
    rules.forEach((r, i) => matched[i].push(fired.has(i + 1) ? 't' : 'f'));
  }
  const out = [];
  out.push('-- GENERATED by test/reference/rules_engine/generate.js (json-rules-engine 7.3.1); do not edit.',
    '-- Incentive conditions against json-rules-engine where the two languages',
    '-- overlap (see the generator for where they do not): each rule, written in',
    '-- both, on every row of facts; json-rules-engine decided `expected` (one t/f',
    '-- per row of jre_facts, in order of n).  Every query below that lists',
    '-- disagreements must return no rows.',
    'SET extra_float_digits = 0;',
    'CREATE TEMP TABLE jre_rules (id int PRIMARY KEY, rule text NOT NULL, expected text NOT NULL);',
    'CREATE TEMP TABLE jre_facts (n int PRIMARY KEY, facts jsonb NOT NULL);',
    'CREATE TYPE jre_row AS (a numeric, b double precision, c numeric, s text, t varchar);',
    '-- the data, not echoed (the queries below show what it holds)',
    '\\set ECHO none',
    'INSERT INTO jre_facts VALUES');
  out.push(facts.map((f, n) => `  (${n + 1}, ${sqlText(f)})`).join(',\n') + ';');
  out.push('INSERT INTO jre_rules VALUES');
  out.push(rules.map(([, t], i) => `  (${i + 1}, ${sqlText(t)}, '${matched[i].join('')}')`).join(',\n') + ';');
  out.push('\\set ECHO all',
    "SELECT count(*) AS rules, sum(length(expected)) AS pairs,",
    "       sum(length(expected) - length(replace(expected, 't', ''))) AS engine_matches",
    "FROM jre_rules;",
    '-- the jsonb form',
    'SELECT r.id, r.rule, f.facts, substr(r.expected, f.n, 1) AS engine',
    'FROM jre_rules r CROSS JOIN jre_facts f',
    "WHERE incentive_matches(r.rule::incentive_condition, f.facts) <> (substr(r.expected, f.n, 1) = 't')",
    'ORDER BY r.id, f.n;',
    '-- rows of a row type (numeric, float8, text, varchar), through a rules join',
    'CREATE TEMP TABLE jre_conditions AS SELECT id, rule::incentive_condition AS condition FROM jre_rules;',
    'CREATE TEMP TABLE jre_members AS SELECT n, jsonb_populate_record(NULL::jre_row, facts) AS m FROM jre_facts;',
    'SELECT coalesce(g.id, e.id) AS id, coalesce(g.n, e.n) AS n, g.id IS NOT NULL AS got',
    'FROM (SELECT r.id, f.n FROM jre_members f JOIN jre_conditions r ON incentive_matches(r.condition, f.m)) g',
    "FULL JOIN (SELECT r.id, f.n FROM jre_rules r, jre_facts f WHERE substr(r.expected, f.n, 1) = 't') e",
    '  ON e.id = g.id AND e.n = g.n',
    'WHERE g.id IS NULL OR e.id IS NULL',
    'ORDER BY 1, 2;',
    '-- incentive_match_all: each row\'s rules in order',
    'SELECT f.n FROM jre_members f',
    'WHERE incentive_match_all((SELECT array_agg(condition ORDER BY id) FROM jre_conditions), f.m)',
    "   <> (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM jre_rules r WHERE substr(r.expected, f.n, 1) = 't')",
    'ORDER BY 1;',
    'DROP TABLE jre_members;',
    'DROP TYPE jre_row;');
  process.stdout.write(out.join('\n') + '\n');
})().catch(e => { console.error(e); process.exit(1); });
