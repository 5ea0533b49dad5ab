// The JsonLogic differential test (test/scripts/suites/jsonlogic.sh).
//
//   node difftest.js gen N SEED > cases.sql   generated rules and member rows, as SQL
//   node difftest.js compare cases.sql results.txt
//   node difftest.js gen-facts N SEED > cases.sql   rules and JSON facts (eval.sql -v items=jl_facts -v item=w.f)
//   node difftest.js compare-facts cases.sql results.txt
//
// `gen` writes N random JsonLogic rules over the features x, y (double), n
// (integer), s (text) and b (boolean), among them truthiness (! and !! of
// numbers and strings, a var of any type with or without a default, a
// number or an array as a condition), and 80 member rows with NULLs.  The
// suite compiles each rule with incentive_condition_from_jsonlogic and
// evaluates it with incentive_matches on every row; `compare` evaluates the
// same rules with json-logic-js on the same rows (a NULL column is an absent
// key) and checks that a rule matches exactly where jsonLogic.apply gives a
// truthy result.  A rule may instead be rejected where the README's semantics
// table says so: 0A000 when compiled, or 42804 when bound to the row type
// (a comparison of a number with a string, which JavaScript converts).
//
// `gen-facts` does the same for incentive_matches(condition, jsonb): N rules
// over x, y, n (numbers), s, t (strings) and b, c (booleans), in more forms
// (var as "x", ["x"] and ["x", null], booleans compared with == and !=,
// anything compared with null, in on booleans and on mixed lists, in with a
// var or a string as its list (an array of the facts, or a substring: the
// value searched for of any type, the list's var with a default), 3-argument
// < and <= on strings, if with up to 7 arguments, literals as conditions,
// ! and !! of any value, a var of any type as a condition, {"var": 1},
// paths into nested facts ("p.q.r", "tags.0", "tags.length") and arrays and
// objects as conditions) against 60 JSON objects whose absent keys stand
// for NULL, where 3 in 100 values have another type than their key's (and
// the key "1" a number), with an array or object "tags" and a nested object
// "p" (nulls, arrays and objects inside; sometimes a key "p.age" beside it,
// or "p" an array, number or string).  A rule is compiled (ok or
// 0A000; its JsonLogic form and its text must compile to the same program)
// and evaluated on every object: t or f must be json-logic-js's
// truthiness; 42804 (a type conflict met while evaluating: the facts' types
// are not checked when the rule is compiled; an array or object read other
// than as a condition), 22003 (an overflow or underflow, the README's known
// differences), 0A000 where a var's path passes through a string, and a
// difference where an explicit null took a var's default (the README's
// known difference) are counted, any other error or difference fails.
'use strict';
const fs = require('fs');

let seed = 1;
function rnd() { // xorshift32, deterministic
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
// a single argument without its list: an array there would be the argument list
const one = (c) => (Array.isArray(c) ? [c] : c);
const chance = (p) => rnd() < p;

// besides plain values: -0, doubles that are not exact decimals, integers
// past 2^53, and strings JavaScript's Number() reads in its own ways
const NUMS = [0, 1, 2, 3, -1, -2.5, 0.5, 7, 10, 12, -0, 0.1, 0.2, 0.3, 1e21, 9007199254740993, 123456789.125, 1e-7];
const STRS = ['', 'a', 'b', 'ab', '5', '10', ' 7', 'abc', 'B', '00', '-0', '1e3', '+5', '.5', '5.', '1e', '1_0',
  '\u00a05', '\ufeff7', '\u180e7', '\u3000', 'Infinity', '0x10', 'é', "it's",
  ' ', '\t', '\n5', '0.0', '1e1', '-1'];
const numVar = () => pick(['x', 'y', 'n']);

function numVal(d) {
  if (d <= 0 || chance(0.45)) {
    if (chance(0.55)) return chance(0.15) ? { var: [numVar(), pick(NUMS)] } : chance(0.1) ? { var: [numVar()] } : { var: numVar() };
    return pick(NUMS);
  }
  switch (Math.floor(rnd() * 6)) {
    case 0: return { '+': Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => numVal(d - 1)) };
    case 1: return chance(0.1) ? { '-': numVal(d - 1) } : { '-': chance(0.3) ? [numVal(d - 1)] : [numVal(d - 1), numVal(d - 1)] };
    case 2: return { '*': Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => numVal(d - 1)) };
    case 3: return { [pick(['/', '%'])]: [numVal(d - 1), pick([2, 3, -3, -4, 0.5, 1e-3])] };
    default: return { [pick(['min', 'max'])]: Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => numVal(d - 1)) };
  }
}

function strVal() {
  if (chance(0.6)) return chance(0.2) ? { var: ['s', pick(STRS)] } : { var: 's' };
  return pick(STRS);
}

function cmp(d) {
  const op = pick(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
  const r = rnd();
  if (r < 0.6) return { [op]: [numVal(d), numVal(d)] };
  if (r < 0.8) return { [op]: [strVal(), strVal()] };
  if (r < 0.88) return { [pick(['==', '!=', '===', '!=='])]: [{ var: pick(['b', 'x', 's']) }, pick([true, false, null])] };
  if (r < 0.95) return { [pick(['<', '<='])]: chance(0.7) ? [numVal(d), numVal(d), numVal(d)] : [strVal(), strVal(), strVal()] };
  return { [op]: [numVal(d), strVal()] }; // JavaScript converts; rejected
}

function cond(d) {
  if (d <= 0) return cmp(0);
  switch (Math.floor(rnd() * 10)) {
    case 0: return { and: Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => cond(d - 1)) };
    case 1: return { or: Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => cond(d - 1)) };
    case 2: return pick([() => ({ '!': one(cond(d - 1)) }), () => ({ '!!': [cond(d - 1)] }), () => ({ '!': [cond(d - 1)] }), () => ({ '!!': one(cond(d - 1)) }),
      () => ({ [pick(['!', '!!'])]: chance(0.5) ? numVal(d - 1) : strVal() })])(); // truthiness of a value
    case 3: return chance(0.5)
      ? { in: [numVal(d - 1), Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(NUMS))] }
      : { in: [strVal(), Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(STRS))] };
    case 4: { // a var of any type as a condition: truthiness
      const v = pick(['b', 'b', 'x', 'y', 'n', 's']);
      return chance(0.5) ? { var: v } : { var: [v, pick([true, false, 0, 1, '', 'a', '0', null])] };
    }
    case 5: return { [chance(0.8) ? 'if' : '?:']: Array.from({ length: pick([0, 1, 2, 3, 3, 3, 4, 5]) }, () => cond(d - 1)) };
    case 6: return pick([true, false, 0, 1, -0, 0.5, '', 'a', '0', ' ', null, [], [0], ['']]);
    case 7: return chance(0.3) ? numVal(d - 1) : cmp(d - 1); // a number as a condition
    default: return cmp(d - 1);
  }
}

function row(id) {
  const maybe = (v) => (chance(0.25) ? null : v);
  return { id, x: maybe(pick(NUMS)), y: maybe(pick(NUMS)), n: maybe(pick([0, 1, 2, 3, -1, 10])),
    s: maybe(pick(STRS)), b: maybe(chance(0.5)) };
}

const q = (s) => "'" + String(s).replace(/'/g, "''") + "'";
const sqlv = (v) => (v === null ? 'NULL' : typeof v === 'string' ? q(v) : Object.is(v, -0) ? "'-0'" : String(v));

function gen(n, s) {
  seed = s;
  const rules = Array.from({ length: n }, () => cond(3));
  const rows = Array.from({ length: 80 }, (_, i) => row(i + 1));
  const out = ['-- generated by test/jsonlogic/difftest.js gen ' + n + ' ' + s,
    'CREATE TABLE jl_rows (id int, x float8, y float8, n int, s text, b boolean);',
    'CREATE TABLE jl_rules (id int, rule jsonb);'];
  for (const r of rows) out.push(`INSERT INTO jl_rows VALUES (${r.id}, ${sqlv(r.x)}, ${sqlv(r.y)}, ${sqlv(r.n)}, ${sqlv(r.s)}, ${sqlv(r.b)});`);
  rules.forEach((r, i) => out.push(`INSERT INTO jl_rules VALUES (${i + 1}, ${q(JSON.stringify(r))});`));
  out.push('-- rows: ' + JSON.stringify(rows));
  out.push('-- rules: ' + JSON.stringify(rules));
  process.stdout.write(out.join('\n') + '\n');
}

// A cases file's generated items (its "-- KEY: " line) and rules, and the
// SQL results: "rule,item" -> t, f or the SQLSTATE; "rule" -> compile status.
function readCase(casesFile, resultsFile, key) {
  const lines = fs.readFileSync(casesFile, 'utf8').split('\n');
  const json = (k) => JSON.parse(lines.find((l) => l.startsWith(`-- ${k}: `)).slice(k.length + 5));
  const res = new Map();
  for (const l of fs.readFileSync(resultsFile, 'utf8').split('\n')) {
    if (!l) continue;
    const [rule, item, v] = l.split('|');
    res.set(item === '' ? rule : `${rule},${item}`, v);
  }
  return { items: json(key), rules: json('rules'), res };
}

function compare(casesFile, resultsFile) {
  const jsonLogic = require('json-logic-js');
  const { items: rows, rules, res } = readCase(casesFile, resultsFile, 'rows');
  const data = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k, v]) => v !== null && k !== 'id')));
  let pairs = 0; let bad = 0; let rejected = 0; let bindRejected = 0; let accepted = 0; let roundTrip = 0;
  const report = [];
  rules.forEach((rule, i) => {
    const id = String(i + 1);
    const st = res.get(id);
    if (st === '0A000') { rejected++; return; }
    if (st !== 'ok' && st !== 'roundtrip-differs') { bad++; report.push(`rule ${id}: compile status ${st}: ${JSON.stringify(rule)}`); return; }
    if (st === 'roundtrip-differs') { bad++; report.push(`rule ${id}: JsonLogic -> condition -> JsonLogic -> condition changes the program: ${JSON.stringify(rule)}`); return; }
    roundTrip++;
    const first = res.get(`${id},1`);
    if (first === '42804') { bindRejected++; return; }
    accepted++;
    rows.forEach((r, k) => {
      const want = jsonLogic.truthy(jsonLogic.apply(rule, data[k])) ? 't' : 'f';
      const got = res.get(`${id},${r.id}`);
      pairs++;
      if (got !== want) {
        bad++;
        if (report.length < 15) report.push(`rule ${id} row ${r.id}: SQL ${got}, json-logic-js ${want}: ${JSON.stringify(rule)} on ${JSON.stringify(data[k])}`);
      }
    });
  });
  for (const l of report) console.log('# ' + l);
  console.log(`# ${rules.length} rules: ${accepted} compiled and compared on ${rows.length} rows (${pairs} pairs), ` +
    `${rejected} rejected (0A000), ${bindRejected} rejected when bound (42804); ${roundTrip} round trips`);
  console.log(`${bad === 0 ? 'ok' : 'not ok'} - every compiled rule matches where json-logic-js is truthy (${bad} differences)`);
  process.exit(bad === 0 ? 0 : 1);
}

// ------------------------------------------------------------------ JSON facts
const F_NUMS = [0, 1, 2, 3, -1, -2.5, 0.5, 7, 10, -0, 0.1, 0.3, 1e21, 1e-7, 255, 1e300, -1e300, 5e-324, 2.5];
const F_STRS = ['', 'a', 'b', 'ab', '5', '10', ' 7', 'abc', 'B', '00', '-0', '1e3', '+5', '.5', '5.', 'NaN', 'null',
  'true', 'false', '\u00a05', '\u20285', '0.0', '-', 'é', 'Z', '\t', '0b1', '-1e-7', '1e400', '-.5e1', '1E3', 'e3'];
const F_NV = ['x', 'y', 'n'];
const F_SV = ['s', 't'];
const F_BV = ['b', 'c'];

function fVar(name) {
  if (name === 'x' && chance(0.05)) name = 1; // a numeric var: the key "1"
  const r = rnd();
  if (r < 0.7) return { var: name };
  return r < 0.85 ? { var: [name] } : { var: [name, null] };
}

// paths into nested facts (json-logic-js splits a var at its dots)
const P_NUM = ['p.age', 'p.q.r', 'tags.length', 'p.tags.length', 'p.q.0', 'tags.1'];
const P_STR = ['p.country', 'tags.0', 'p.tags.0', 'tags.00', 'p.q.r'];

function fNum(d) {
  if (d <= 0 || chance(0.4)) {
    if (chance(0.12)) return chance(0.2) ? { var: [pick(P_NUM), pick(F_NUMS)] } : fVar(pick(P_NUM));
    if (chance(0.6)) return chance(0.2) ? { var: [pick(F_NV), pick(F_NUMS)] } : fVar(pick(F_NV));
    return pick(F_NUMS);
  }
  const list = (k) => Array.from({ length: 1 + Math.floor(rnd() * k) }, () => fNum(d - 1));
  switch (Math.floor(rnd() * 7)) {
    case 0: return { '+': chance(0.15) ? fNum(d - 1) : list(3) };
    case 1: return chance(0.2) ? { '-': fNum(d - 1) } : { '-': chance(0.3) ? [fNum(d - 1)] : [fNum(d - 1), fNum(d - 1)] };
    case 2: return { '*': chance(0.15) ? fNum(d - 1) : list(3) };
    case 3: return { [pick(['/', '%'])]: [fNum(d - 1), pick([2, 3, -4, 0.5, 1e-3, 7])] };
    case 4: return { [pick(['min', 'max'])]: chance(0.1) ? fNum(d - 1) : list(3) };
    case 5: return { if: [fCond(d - 1), fNum(d - 1), fNum(d - 1)] }; // if as a value: 0A000
    default: return fNum(0);
  }
}

function fStr() {
  if (chance(0.1)) return chance(0.2) ? { var: [pick(P_STR), pick(F_STRS)] } : fVar(pick(P_STR));
  if (chance(0.6)) return chance(0.25) ? { var: [pick(F_SV), pick(F_STRS)] } : fVar(pick(F_SV));
  return pick(F_STRS);
}

function fBool() {
  if (chance(0.6)) return chance(0.25) ? { var: [pick(F_BV), pick([true, false])] } : fVar(pick(F_BV));
  return pick([true, false]);
}

function fAny(d) {
  const r = rnd();
  return r < 0.5 ? fNum(d) : r < 0.8 ? fStr() : r < 0.95 ? fBool() : null;
}

function fCmp(d) {
  const op = pick(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
  const eq = () => pick(['==', '!=', '===', '!==']);
  const r = rnd();
  if (r < 0.45) return { [op]: [fNum(d), fNum(d)] };
  if (r < 0.65) return { [op]: [fStr(), fStr()] };
  if (r < 0.75) return { [eq()]: [fBool(), fBool()] };
  if (r < 0.83) return { [eq()]: chance(0.5) ? [fAny(d), null] : [null, fAny(d)] };
  if (r < 0.92) return { [pick(['<', '<='])]: chance(0.6) ? [fNum(d), fNum(d), fNum(d)] : [fStr(), fStr(), fStr()] };
  if (r < 0.96) return { [op]: [fAny(d), fAny(d)] };
  return { [op]: [fNum(d), fStr()] };
}

function fCond(d) {
  if (d <= 0) return chance(0.85) ? fCmp(0) : chance(0.5) ? fBool() : pick([true, false, 0, 1, '', 'a', null, '0']);
  const list = () => (chance(0.1) ? one(fCond(d - 1)) : Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => fCond(d - 1)));
  switch (Math.floor(rnd() * 13)) {
    case 0: return { and: list() };
    case 1: return { or: list() };
    case 2: return pick([() => ({ '!': one(fCond(d - 1)) }), () => ({ '!!': [fCond(d - 1)] }), () => ({ '!': [fCond(d - 1)] }), () => ({ '!!': one(fCond(d - 1)) }),
      () => ({ [pick(['!', '!!'])]: fAny(d - 1) }), () => ({ [pick(['!', '!!'])]: [fAny(d - 1)] })])(); // truthiness of any value
    case 3: {
      const k = Math.floor(rnd() * 4);
      const items = (a) => Array.from({ length: Math.floor(rnd() * 4) }, () => pick(a));
      if (k === 0) return { in: [fNum(d - 1), items(F_NUMS)] };
      if (k === 1) return { in: [fStr(), items(F_STRS)] };
      if (k === 2) return { in: [fBool(), items([true, false])] };
      return { in: [fAny(d - 1), items([...F_NUMS, ...F_STRS])] };
    }
    case 9: { // in with a var (an array of the facts, or a string: a substring) or a string as its list
      const needle = () => (chance(0.5) ? pick(['gold', 'x', 'a', 'ol', '', 0, 1, 2.5, 1e21, 1e-7, -0, true, false, null]) : fAny(d - 1));
      const r = rnd();
      if (r < 0.6) return { in: [needle(), { var: pick(['tags', 'tags', 'p.tags', 's', 't', 'tags.0', 'x', 'b', 'p']) }] };
      if (r < 0.7) return { in: [needle(), { var: [pick(['tags', 's']), pick(['abc', '', 'gold', null])] }] };
      if (r < 0.8) return { '!': { in: [needle(), { var: 'tags' }] } };
      return { in: [needle(), pick(['abc', '', 'gold', 'null', 'true', '1e+21', '0.0000001'])] };
    }
    case 4: if (chance(0.5)) return fBool();
      // a var of any type (mixed in the facts) as a condition, with a default of any type
      return chance(0.6) ? fVar(pick([...F_NV, ...F_SV, ...F_BV]))
        : { var: [pick([...F_NV, ...F_SV, ...F_BV]), pick([true, false, 0, 1, -0, '', 'a', '0', null])] };
    case 5: return { [chance(0.8) ? 'if' : '?:']: Array.from({ length: pick([0, 1, 2, 3, 3, 3, 4, 5, 7]) }, () => fCond(d - 1)) };
    case 6: return pick([true, false, 0, 1, -0, 0.5, '', 'a', '0', ' ', null, [], [1], [0, 'a']]);
    case 7: return chance(0.3) ? fNum(d - 1) : fCmp(d - 1); // a number as a condition
    case 8: { // an array or object of the facts as a condition (its truthiness), or a path
      const v = pick(['tags', 'p', 'p.tags', 'p.q', 'tags.0', 'p.age']);
      const r = rnd();
      if (r < 0.3) return fVar(v);
      if (r < 0.5) return { var: [v, pick([true, false, 0, 1, '', 'a', null])] };
      if (r < 0.8) return { [pick(['!', '!!'])]: chance(0.5) ? { var: v } : [{ var: v }] };
      return { if: [{ var: v }, fCond(d - 1), fCond(d - 1)] };
    }
    default: return fCmp(d - 1);
  }
}

// a JSON object: each key absent one time in four, 3 in 100 values of another type
function fFact() {
  const o = {};
  const put = (k, f) => { if (!chance(0.25)) o[k] = f(); };
  for (const k of F_NV) put(k, () => (chance(0.03) ? pick(F_STRS) : pick(F_NUMS)));
  for (const k of F_SV) put(k, () => (chance(0.03) ? pick(F_NUMS) : pick(F_STRS)));
  for (const k of F_BV) put(k, () => (chance(0.03) ? pick([0, 1, '']) : chance(0.5)));
  put('1', () => pick(F_NUMS)); // the key of {"var": 1}
  // arrays and objects: read for their truthiness, and through paths
  const arr = () => pick([[], ['gold'], ['gold', 'x'], [0], [null], ['a', 1, true], ['', 2.5], [[]], [{}],
    [-0, 'ol'], [1e21, false], ['gold', null, ['gold']], ['true', 'null', '1']]);
  put('tags', () => (chance(0.2) ? pick([{}, { 0: 'gold', length: 2 }, 'gold', 'golden', '', 'x null true 1 2.5 1e+21 1e-7', 3, true]) : arr()));
  put('p', () => {
    if (chance(0.2)) return pick([[], [5, 'a'], 7, false, 'abc']);
    const q = {};
    const inner = (k, f) => { if (!chance(0.25)) q[k] = chance(0.1) ? null : f(); };
    inner('age', () => (chance(0.05) ? pick(F_STRS) : pick(F_NUMS)));
    inner('country', () => pick(F_STRS));
    inner('tags', arr);
    inner('q', () => pick([{ r: pick(F_NUMS) }, { r: pick(F_STRS) }, {}, [1, 2], pick(F_NUMS), null]));
    return q;
  });
  // a key with a dot beside the object it would be a path into: the path is read
  if (o.p !== null && typeof o.p === 'object' && !Array.isArray(o.p) && chance(0.2)) o['p.age'] = pick(F_NUMS);
  return o;
}

function genFacts(n, s) {
  seed = s;
  const rules = Array.from({ length: n }, () => fCond(pick([2, 3, 3, 4])));
  const facts = Array.from({ length: 60 }, fFact);
  const out = ['-- generated by test/jsonlogic/difftest.js gen-facts ' + n + ' ' + s,
    'CREATE TABLE jl_facts (id int, f jsonb);',
    'CREATE TABLE jl_rules (id int, rule jsonb);'];
  facts.forEach((f, i) => out.push(`INSERT INTO jl_facts VALUES (${i + 1}, ${q(JSON.stringify(f))});`));
  rules.forEach((r, i) => out.push(`INSERT INTO jl_rules VALUES (${i + 1}, ${q(JSON.stringify(r))});`));
  out.push('-- facts: ' + JSON.stringify(facts));
  out.push('-- rules: ' + JSON.stringify(rules));
  process.stdout.write(out.join('\n') + '\n');
}

// Does some var of rule (whose name and default test(name, default) accepts)
// meet, on its path through the facts f, a value that stop(value, last) accepts?
function someVar(rule, f, test, stop) {
  let found = false;
  const walk = (x) => {
    if (Array.isArray(x)) { x.forEach(walk); return; }
    if (x === null || typeof x !== 'object') return;
    if ('var' in x) {
      const name = Array.isArray(x.var) ? x.var[0] : x.var;
      const dflt = Array.isArray(x.var) && x.var.length > 1 ? x.var[1] : null;
      if (typeof name === 'string' && test(name, dflt)) {
        const parts = name.split('.');
        let v = f;
        for (let i = 0; i < parts.length && v !== null && v !== undefined && typeof v === 'object'; i++) {
          v = Object.prototype.hasOwnProperty.call(v, parts[i]) ? v[parts[i]] : undefined;
          if (stop(v, i === parts.length - 1)) found = true;
        }
      }
    }
    Object.values(x).forEach(walk);
  };
  walk(rule);
  return found;
}

// a path through a string (json-logic-js would read its characters or
// length, which incentive_matches refuses)
const unsupportedPath = (rule, f) => someVar(rule, f, (n) => n.includes('.'), (v, last) => !last && typeof v === 'string');
// an explicit null under a var with a default (the default applies: the
// README's known difference)
const nullDefault = (rule, f) => someVar(rule, f, (n, d) => d !== null, (v, last) => last && v === null);

function compareFacts(casesFile, resultsFile) {
  const jsonLogic = require('json-logic-js');
  const { items: facts, rules, res } = readCase(casesFile, resultsFile, 'facts');
  let pairs = 0; let bad = 0; let rejected = 0; let accepted = 0; let typeErrors = 0; let rangeErrors = 0;
  let pathErrors = 0; let nullDefaults = 0;
  const report = [];
  rules.forEach((rule, i) => {
    const id = String(i + 1);
    const st = res.get(id);
    if (st === '0A000') { rejected++; return; }
    if (st !== 'ok') { bad++; report.push(`rule ${id}: compile status ${st}: ${JSON.stringify(rule)}`); return; }
    accepted++; // and round trips
    facts.forEach((f, k) => {
      const got = res.get(`${id},${k + 1}`);
      if (got === '42804') { typeErrors++; return; }
      if (got === '22003') { rangeErrors++; return; }
      // a path through a string, or to an array's method: refused as it is met
      if (got === '0A000' && unsupportedPath(rule, f)) { pathErrors++; return; }
      const want = jsonLogic.truthy(jsonLogic.apply(rule, f)) ? 't' : 'f';
      if (got !== want && nullDefault(rule, f)) { nullDefaults++; return; }
      pairs++;
      if (got !== want) {
        bad++;
        if (report.length < 15) report.push(`rule ${id} fact ${k + 1}: SQL ${got}, json-logic-js ${want}: ${JSON.stringify(rule)} on ${JSON.stringify(f)}`);
      }
    });
  });
  for (const l of report) console.log('# ' + l);
  console.log(`# ${rules.length} rules: ${accepted} compiled and compared on ${facts.length} JSON objects (${pairs} pairs), ` +
    `${rejected} rejected (0A000); ${typeErrors} pairs 42804 (a value of another type, an array or object not read as a condition), ` +
    `${rangeErrors} pairs 22003 (overflow, underflow), ${pathErrors} pairs 0A000 (a path through a string), ` +
    `${nullDefaults} pairs where an explicit null took a var's default`);
  console.log(`${bad === 0 ? 'ok' : 'not ok'} - every compiled rule matches JSON facts where json-logic-js is truthy (${bad} differences)`);
  process.exit(bad === 0 ? 0 : 1);
}

if (process.argv[2] === 'gen') gen(Number(process.argv[3] || 500), Number(process.argv[4] || 1));
else if (process.argv[2] === 'compare') compare(process.argv[3], process.argv[4]);
else if (process.argv[2] === 'gen-facts') genFacts(Number(process.argv[3] || 3000), Number(process.argv[4] || 1));
else if (process.argv[2] === 'compare-facts') compareFacts(process.argv[3], process.argv[4]);
else { console.error('usage: difftest.js gen N SEED | compare CASES RESULTS | gen-facts N SEED | compare-facts CASES RESULTS'); process.exit(2); }
