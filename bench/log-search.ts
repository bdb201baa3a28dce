/**
 * Transparency-log search benchmark: the public summary's counts by type and one page (20) of the public entry
 * list — no filter, a common type, a rare type, a one-week time range, free text — on PGlite and PostgreSQL
 * with N entries. Baseline in the same run: the queries before migration 0007, which decode every candidate
 * entry's JSON (the count scans the whole log; a filter walks newest-first decoding row by row).
 *
 *   npx tsx bench/log-search.ts [entries=1000000] [runs=7]
 */
import type { Database } from '../packages/server/src/infra/db/index.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import {
  countByType,
  searchEntries,
} from '../packages/server/src/modules/transparency/transparency-public.repository.js';
import { withPglite, withScratchPostgres } from './support/databases.js';

const ENTRIES = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 7);
const BATCH = 2000;
const START = Date.parse('2025-01-01T00:00:00Z');
/** One entry a minute: 1,000,000 entries span ~1.9 years. */
const STEP_MS = 60_000;
const RARE_EVERY = 10_000;
const TEXT_EVERY = 50_000;

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The entry at `i`: mostly moderation, some policy and agency changes, a rare type every 10,000. */
function entry(i: number): { type: string; time: string; json: string } {
  const type =
    i % RARE_EVERY === 0
      ? 'agency.verified'
      : i % 10 < 7
        ? 'moderation.hidden'
        : i % 10 < 9
          ? 'moderation.restored'
          : 'policy.changed';
  const time = iso(START + i * STEP_MS);
  const reason = i % TEXT_EVERY === 1 ? 'Council amendment 4417' : `Routine decision ${i % 97}`;
  const data = { post: String(i), reason };
  return { type, time, json: JSON.stringify({ data, schema: 1, seq: i, time, type }) };
}

async function seed(db: Database): Promise<void> {
  await db.query(
    `INSERT INTO events (type, subject_type, subject_id, created_at)
     SELECT 'bench', 'bench', g::text, now() FROM generate_series(1, $1) AS g`,
    [ENTRIES],
  );
  for (let i = 0; i < ENTRIES; i += BATCH) {
    const rows: string[] = [];
    const values: unknown[] = [];
    for (let j = i; j < Math.min(i + BATCH, ENTRIES); j++) {
      const e = entry(j);
      const b = values.length;
      rows.push(
        `($${b + 1}::bigint, $${b + 1}::bigint + 1, convert_to($${b + 2}, 'UTF8'), $${b + 3}, $${b + 4}::timestamptz)`,
      );
      values.push(j, e.json, e.type, e.time);
    }
    await db.query(
      `INSERT INTO log_entries (index, event_id, data, type, time) VALUES ${rows.join(',')}`,
      values,
    );
  }
  await db.query(
    `INSERT INTO log_entry_counts (type, count) SELECT type, count(*) FROM log_entries GROUP BY type`,
  );
  await db.query(
    `INSERT INTO log_checkpoints (size, root, note, created_at) VALUES ($1, decode(repeat('00', 32), 'hex'), 'bench', now())`,
    [ENTRIES],
  );
  await db.query('ANALYZE');
}

// The pre-0007 queries, verbatim in effect: type and time read from the decoded JSON.
const TEXT = `convert_from(data, 'UTF8')`;
const JSON_ = `${TEXT}::jsonb`;
async function oldSearch(db: Database, s: { type?: string; q?: string; from?: string; to?: string }) {
  const res = await db.query<{ index: number }>(
    `SELECT index, data FROM log_entries
      WHERE index < $1
        AND ($2::bigint IS NULL OR index < $2)
        AND ($3::text IS NULL OR ${JSON_}->>'type' = $3)
        AND ($4::text IS NULL OR ${TEXT} ILIKE $4)
        AND ($5::text IS NULL OR ${JSON_}->>'time' >= $5)
        AND ($6::text IS NULL OR ${JSON_}->>'time' < $6)
      ORDER BY index DESC LIMIT $7`,
    [ENTRIES, null, s.type ?? null, s.q === undefined ? null : `%${s.q}%`, s.from ?? null, s.to ?? null, 21],
  );
  return res.rows.map((r) => r.index);
}
async function oldCounts(db: Database) {
  const res = await db.query<{ type: string; count: number }>(
    `SELECT ${JSON_}->>'type' AS type, count(*)::int AS count FROM log_entries WHERE index < $1 GROUP BY 1 ORDER BY 1`,
    [ENTRIES],
  );
  return res.rows;
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const week = {
  from: iso(START + Math.floor(ENTRIES / 3) * STEP_MS),
  to: iso(START + Math.floor(ENTRIES / 3) * STEP_MS + 7 * 86_400_000),
};
const SEARCHES: [string, { type?: string; q?: string; from?: string; to?: string }][] = [
  ['no filter', {}],
  ['common type (moderation.hidden, 70%)', { type: 'moderation.hidden' }],
  [`rare type (agency.verified, 1 in ${RARE_EVERY})`, { type: 'agency.verified' }],
  ['one week, a third of the way in', week],
  ['from a third of the way in to now', { from: week.from }],
  ['text q (in 1 in 50,000)', { q: 'amendment 4417' }],
];

async function run(name: string, db: Database): Promise<string[]> {
  const t0 = performance.now();
  await migrate(db);
  await seed(db);
  console.error(`${name}: seeded ${ENTRIES} entries in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const lines: string[] = [];
  const row = (what: string, before: number, after: number) =>
    lines.push(
      `| ${name} | ${what} | ${before.toFixed(1)} | ${after.toFixed(2)} | ${(before / after).toFixed(before < after * 10 ? 1 : 0)}× |`,
    );

  // Same answers first, then time.
  const a = await countByType(db, ENTRIES);
  expectSame('counts', await oldCounts(db), a);
  row(
    'counts by type (summary)',
    await median(Math.min(RUNS, 3), () => oldCounts(db)),
    await median(RUNS, () => countByType(db, ENTRIES)),
  );
  for (const [what, s] of SEARCHES) {
    const news = (await searchEntries(db, { size: ENTRIES, limit: 21, ...s })).map((r) => r.index);
    expectSame(what, await oldSearch(db, s), news);
    const slowRuns = what.startsWith('no filter') || what.startsWith('common') ? RUNS : Math.min(RUNS, 3);
    row(
      what,
      await median(slowRuns, () => oldSearch(db, s)),
      await median(RUNS, () => searchEntries(db, { size: ENTRIES, limit: 21, ...s })),
    );
  }
  for (const l of lines) console.log(l);
  return lines;
}

function expectSame(what: string, a: unknown, b: unknown): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${what}: old and new queries disagree`);
}

console.log(`| database | query (page of 20, newest first) | before 0007, ms | with 0007, ms | speed-up |`);
console.log(`| --- | --- | ---: | ---: | ---: |`);
await withPglite((db) => run('PGlite', db));
await withScratchPostgres({ max: 2 }, (db) => run('PostgreSQL', db));
