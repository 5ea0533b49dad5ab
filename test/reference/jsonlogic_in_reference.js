// The reference of sql/jsonlogic_in.sql: JsonLogic "in" with a var or a
// string as its list, as json-logic-js 2.0.5 (test/jsonlogic's package)
// computes it, on JSON facts.  Prints the INSERTs pasted there:
//   (cd test/jsonlogic && npm ci) && node test/reference/jsonlogic_in_reference.js
'use strict';
const jsonLogic = require(require('path').join(__dirname, '../jsonlogic/node_modules/json-logic-js'));
const rules = [
  {in: ['gold', {var: 'tags'}]},
  {in: [{var: 'x'}, {var: 'tags'}]},
  {'!': {in: ['gold', {var: 'tags'}]}},
  {in: ['ol', {var: 'p.tags'}]},
  {in: [null, {var: 'tags'}]},
  {in: [true, {var: 'tags'}]},
  {in: [1e21, {var: 'tags'}]},
  {in: [1e-7, {var: 'tags'}]},
  {in: [-0, {var: 'tags'}]},
  {in: ['', {var: 'tags'}]},
  {in: ['a', {var: ['tags', 'abc']}]},
  {in: ['b', 'abc']},
  {in: [{var: 'x'}, 'a1b']},
];
const facts = [
  {tags: ['gold', 'x']}, {tags: 'golden'}, {tags: []}, {}, {tags: null}, {tags: ''},
  {tags: [['gold']]}, {tags: ['Gold']}, {tags: [null, 0]}, {tags: 'x null true 1e+21 1e-7 0'},
  {tags: [true, 1e21, 1e-7]}, {tags: ['1', 'true'], x: 1}, {tags: [1], x: 1}, {tags: 'a1.5b', x: 1.5},
  {p: {tags: ['gold', 'ol']}}, {p: {tags: 'pole'}}, {tags: [{}, 'gold']}, {tags: ['é', 'golden'], x: 'é'},
];
// per rule, the facts on which its result is truthy
const out = rules.map((r, i) => `(${i + 1}, '{${facts.map((f, k) => k + 1).filter((k) => jsonLogic.truthy(jsonLogic.apply(r, facts[k - 1]))).join(',')}}')`);
console.log("INSERT INTO jl_in_rules VALUES\n" + rules.map((r, i) => `  (${i + 1}, '${JSON.stringify(r)}')`).join(',\n') + ';');
console.log("INSERT INTO jl_in_facts VALUES\n" + facts.map((f, i) => `  (${i + 1}, '${JSON.stringify(f)}')`).join(',\n') + ';');
console.log("INSERT INTO jl_in_want VALUES\n  " + out.join(',\n  ') + ';');
