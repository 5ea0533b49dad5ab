// The incentive rules benchmark, variant h: json-logic-js (npm) in Node
// evaluating the JsonLogic rules of rules_rules_jl (the rules variant e
// compiles) over every row of rules_members read with `pg` through a cursor
// (batches of 10000).  A NULL column is an absent key, as the extension
// reads it.  Prints the number of (member, rule) matches, which must equal
// rules.e.sql's count.
'use strict';
const jsonLogic = require('json-logic-js');
const { Client } = require('pg');
const Cursor = require('pg-cursor');

async function main() {
  const client = new Client({ database: process.env.BENCH_DB || 'bench' });
  await client.connect();
  const rules = (await client.query('SELECT rule FROM rules_rules_jl ORDER BY id')).rows.map((r) => r.rule);
  const cursor = client.query(new Cursor(
    'SELECT plan, renewed, recency_days, active_days_30, current_streak, longest_streak, ' +
    'decayed_activity, trend, minutes_30, events, retention_score FROM rules_members'));
  let matches = 0;
  let rows = 0;
  for (;;) {
    const batch = await cursor.read(10000);
    if (batch.length === 0) break;
    for (const row of batch) {
      for (const k of Object.keys(row)) if (row[k] === null) delete row[k];
      for (const rule of rules) if (jsonLogic.truthy(jsonLogic.apply(rule, row))) matches++;
    }
    rows += batch.length;
  }
  await cursor.close();
  await client.end();
  console.log(`${rows} rows, ${matches} matches`);
}
main().catch((e) => { console.error(e); process.exit(1); });
