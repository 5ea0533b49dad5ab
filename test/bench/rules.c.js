// The incentive rules benchmark, variant c: json-rules-engine (npm) in Node.
// Reads every row of rules_members with `pg` through a cursor (batches of
// 10000 rows), evaluates the same 20 rules as rules_rules holds, and prints
// the number of (member, rule) matches, which must equal rules.a.sql's count.
// Derived values (ratios, coalesce, abs, ln, round, greatest) are dynamic
// facts, the engine's way to compute them.  A null fact never satisfies a
// numeric operator, as a NULL never satisfies a SQL comparison.
'use strict';
const { Engine } = require('json-rules-engine');
const { Client } = require('pg');
const Cursor = require('pg-cursor');

const c = (fact, operator, value) => ({ fact, operator, value });
const all = (...conditions) => ({ all: conditions });
const any = (...conditions) => ({ any: conditions });
const rules = [
  all(c('recency_days', 'greaterThan', 14), c('retention_score', 'lessThan', 0.3)),
  all(c('plan', 'equal', 'annual'), c('recency_days', 'greaterThanInclusive', 20), c('recency_days', 'lessThanInclusive', 60)),
  all(c('current_streak', 'greaterThanInclusive', 7)),
  all(c('longest_streak', 'greaterThanInclusive', 30), c('current_streak', 'equal', 0)),
  all(c('active_days_30', 'lessThan', 3), c('events', 'greaterThan', 50)),
  all(c('retention_score', 'lessThan', 0.2), c('plan', 'equal', 'monthly'), c('renewed', 'equal', false)),
  all(c('trend', 'lessThan', -0.5)),
  all(c('decayed_activity', 'greaterThan', 10), c('trend', 'greaterThan', 0.2)),
  all(c('minutes_per_active_day', 'greaterThan', 30)),
  all(c('retention_score', 'greaterThanInclusive', 0.3), c('retention_score', 'lessThanInclusive', 0.5), c('recency_days', 'greaterThan', 7)),
  all(c('plan', 'in', ['annual', 'lifetime']), c('retention_score', 'lessThan', 0.4)),
  all(c('trend_or_zero', 'lessThan', 0), c('events', 'lessThan', 10)),
  any(c('events', 'greaterThanInclusive', 100), c('minutes_30', 'greaterThan', 600)),
  any(c('recency_days', 'greaterThan', 30), c('active_days_30', 'equal', 0)),
  all(c('ln_events_plus_1', 'lessThan', 2), c('retention_score', 'lessThan', 0.5)),
  all(c('abs_trend', 'lessThan', 0.05), c('active_days_30', 'greaterThan', 10)),
  all(c('best_streak', 'greaterThanInclusive', 14), c('retention_score', 'greaterThan', 0.7)),
  all(c('retention_score_1dp', 'equal', 0.5)),
  all(c('renewed', 'equal', false), c('recency_days', 'lessThanInclusive', 3)),
  all(c('trend', 'equal', null), c('events', 'greaterThan', 20)),
];

const engine = new Engine([], { allowUndefinedFacts: true });
rules.forEach((conditions, i) => engine.addRule({ conditions, event: { type: `rule${i + 1}` } }));
const f = (name, fn, deps) => engine.addFact(name, async (params, almanac) =>
  fn(...(await Promise.all(deps.map((d) => almanac.factValue(d))))));
f('minutes_per_active_day', (m, a) => m / (a + 1), ['minutes_30', 'active_days_30']);
f('trend_or_zero', (t) => (t === null ? 0 : t), ['trend']);
f('ln_events_plus_1', (e) => Math.log(e + 1), ['events']);
f('abs_trend', (t) => (t === null ? null : Math.abs(t)), ['trend']);
f('best_streak', (a, b) => Math.max(a, b), ['current_streak', 'longest_streak']);
f('retention_score_1dp', (s) => (s === null ? null : Math.round(s * 10) / 10), ['retention_score']);

async function main() {
  const client = new Client({ database: process.env.BENCH_DB || 'bench' });
  await client.connect();
  const cursor = client.query(new Cursor(
    'SELECT plan, renewed, recency_days, active_days_30, current_streak, longest_streak, ' +
    'decayed_activity, trend, minutes_30, events, retention_score FROM rules_members'));
  let matches = 0;
  let rows = 0;
  for (;;) {
    const batch = await cursor.read(10000);
    if (batch.length === 0) break;
    for (const row of batch) {
      const { events } = await engine.run(row);
      matches += events.length;
    }
    rows += batch.length;
    if (process.env.RULES_LIMIT && rows >= Number(process.env.RULES_LIMIT)) break;
  }
  await cursor.close();
  await client.end();
  console.log(`${rows} rows, ${matches} matches`);
}
main().catch((e) => { console.error(e); process.exit(1); });
