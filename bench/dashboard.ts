/**
 * Transparency dashboard benchmark on PostgreSQL with N log entries: each view's server time (the counters
 * of migrations 22 and 28 — per agency and month, the instance rollup, and both per day — summed for a scope
 * and range, then shaped by `dashboardView`) next to the
 * naive recount in the same run — read every entry from `log_entries`, decode it and fold it with
 * `DashboardTotals`, as the server would without counters (and as `porchlight audit --stats` does). The bench
 * first checks that both give the same figures for every view, times migrations 22 and 28's backfills, and times the sequencer's
 * counter update (one statement into all four tables) for a batch of entries.
 *
 *   npx tsx bench/dashboard.ts [entries=1000000] [runs=7]
 */
import {
  dashboardContributions,
  dashboardView,
  last30Days,
  DashboardTotals,
  decodeEntry,
  encodeEntry,
  ENTRY_SCHEMA,
  type DashboardRange,
  type DashboardScope,
  type Entry,
} from '@porchlight/tlog';
import type { Database } from '../packages/server/src/infra/db/index.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import { backfill } from '../packages/server/src/infra/db/migrations/0022_dashboard.js';
import { backfill as rollupBackfill } from '../packages/server/src/infra/db/migrations/0028_dashboard_rollup.js';
import { RecordsFold } from '../packages/server/src/modules/dashboard/dashboard.records.js';
import {
  countersAtCheckpoint,
  saveCounters,
} from '../packages/server/src/modules/dashboard/dashboard.repository.js';
import { withScratchPostgres } from './support/databases.js';

const ENTRIES = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 7);
const BATCH = 2000;
const START = Date.parse('2025-01-01T00:00:00Z');
/** One entry a minute: 1,000,000 entries span ~1.9 years. */
const STEP_MS = 60_000;
const AGENCIES = 200;
const JURISDICTIONS = 20;
const SHA = 'ab'.repeat(32);
const CATEGORIES = ['burglary', 'robbery', 'vandalism', 'fraud', 'hit_and_run'] as const;

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const opaque = (prefix: string, n: number) => `${prefix}_${n.toString(36).padStart(22, '0')}`;
const jurisdictionOf = (agency: number) => `city-${agency % JURISDICTIONS}`;

/**
 * The entry at `i`: 30% requests published (200 agencies in 20 jurisdictions, all active every month), 10% closed, 3% refused, 15%
 * clips shared, 10% downloaded, 2% held, 5% expired, 18% posts hidden, 5% restored, 2% appeals decided.
 */
function entry(i: number): Entry {
  const time = iso(START + i * STEP_MS);
  const common = { schema: ENTRY_SCHEMA, seq: i + 1, time } as const;
  const r = i % 100;
  // Each run of 100 entries is one agency's (a request and what follows it), so every agency has every figure.
  const agency = (Math.floor(i / 100) % AGENCIES) + 1;
  // The request a later entry is about: the one that opened its run of 100 (every request id is `rq` of its index).
  const request = opaque('rq', i - r);
  if (r < 30)
    return {
      ...common,
      type: 'request.published',
      data: {
        request: opaque('rq', i),
        agency,
        jurisdiction: jurisdictionOf(agency),
        caseNumber: `C-${i}`,
        category: CATEGORIES[i % CATEGORIES.length]!,
        legalBasis: i % 3 ? 'warrant' : '',
        narrative: 'Residential burglary; a vehicle seen leaving around 2 am.',
        windowStart: time,
        windowEnd: time,
        responseDeadline: time,
        exigent: i % 20 === 0,
        policyVersion: 1,
        policySha256: SHA,
        cells: ['8828308281fffff'],
      },
    };
  if (r < 40) return { ...common, type: 'request.closed', data: { request, agency, reason: 'Solved' } };
  if (r < 43)
    return {
      ...common,
      type: 'request.refused',
      data: {
        agency,
        jurisdiction: jurisdictionOf(agency),
        policyVersion: 1,
        policySha256: SHA,
        rules: ['area_too_large'],
        category: 'burglary',
        areaM2: 9_000_000,
        windowHours: 6,
      },
    };
  const disclosure = opaque('ds', i);
  const shared = {
    disclosure,
    request,
    plaintextSha256: SHA,
    ciphertextSha256: SHA,
    plaintextBytes: 5_000_000 + i,
    ciphertextBytes: 5_000_200 + i,
    captureStart: time,
    captureEnd: time,
  };
  if (r < 58) return { ...common, type: 'disclosure.created', data: shared };
  const earlierDisclosure = opaque('ds', i - (r - 50));
  if (r < 68)
    return { ...common, type: 'disclosure.accessed', data: { disclosure: earlierDisclosure, agency } };
  if (r < 70)
    return {
      ...common,
      type: 'disclosure.held',
      data: {
        disclosure: earlierDisclosure,
        request,
        caseNumber: 'C-1',
        justification: 'Trial',
        until: time,
      },
    };
  if (r < 75)
    return { ...common, type: 'disclosure.expired', data: { disclosure: earlierDisclosure, request } };
  if (r < 93)
    return { ...common, type: 'moderation.hidden', data: { post: i, moderator: 3, reason: 'Spam' } };
  if (r < 98)
    return { ...common, type: 'moderation.restored', data: { post: i, moderator: 3, reason: 'Ok' } };
  return {
    ...common,
    type: 'appeal.decided',
    data: { post: i, moderator: 3, outcome: i % 2 ? 'upheld' : 'overturned', reason: 'Looked again' },
  };
}

async function seed(db: Database): Promise<void> {
  await db.query(
    `INSERT INTO events (type, subject_type, subject_id, created_at)
     SELECT 'bench', 'bench', g::text, now() FROM generate_series(1, $1) AS g`,
    [ENTRIES],
  );
  for (let i = 0; i < ENTRIES; i += BATCH) {
    const n = Math.min(BATCH, ENTRIES - i);
    const es = Array.from({ length: n }, (_, k) => entry(i + k));
    await db.query(
      `INSERT INTO log_entries (index, event_id, data, type, time)
       SELECT i, i + 1, decode(d, 'hex'), ty, ti::timestamptz
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t (i, d, ty, ti)`,
      [
        es.map((e) => e.seq - 1),
        es.map((e) => Buffer.from(encodeEntry(e)).toString('hex')),
        es.map((e) => e.type),
        es.map((e) => e.time),
      ],
    );
  }
  await db.query(
    `INSERT INTO log_checkpoints (size, root, note, created_at) VALUES ($1, decode(repeat('00', 32), 'hex'), 'bench', now())`,
    [ENTRIES],
  );
  await db.query('ANALYZE');
}

/** The naive recount: every entry of the checkpoint read, decoded and folded. */
async function recount(db: Database): Promise<DashboardTotals> {
  const totals = new DashboardTotals();
  for (let after = -1; ;) {
    const res = await db.query<{ index: string; data: Uint8Array }>(
      'SELECT index, data FROM log_entries WHERE index > $1 AND index < $2 ORDER BY index LIMIT 10000',
      [after, ENTRIES],
    );
    for (const row of res.rows) totals.add(decodeEntry(new Uint8Array(row.data)));
    if (res.rows.length < 10_000) break;
    after = Number(res.rows.at(-1)!.index);
  }
  return totals;
}

async function served(db: Database, scope: DashboardScope, range: DashboardRange) {
  const read = await countersAtCheckpoint(db, scope, range);
  return dashboardView(read.counters, scope, range);
}

/**
 * What a view serves besides the figures: its lists of legal holds and delayed notices. `first` folds the whole
 * log (a process's first view); `served` is a view after the sequencer added 1,000 entries since the kept fold
 * (RecordsFold, as the server runs it).
 */
async function lists(db: Database, scope: DashboardScope, range: DashboardRange, mode: 'first' | 'served') {
  const read = await countersAtCheckpoint(db, scope, range);
  const fold = new RecordsFold(db);
  if (mode === 'served') await fold.at(Math.max(0, read.size - 1000));
  const t0 = performance.now();
  const records = await fold.at(read.size);
  const listed = { holds: records.holds(scope, range).length, notices: records.notices(range).length };
  return { ms: performance.now() - t0, ...listed };
}

async function medianOf(runs: number, fn: () => Promise<{ ms: number }>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await fn()).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
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

/** The day of the last entry: "the last 30 days" end there. */
const LAST_DAY = iso(START + (ENTRIES - 1) * STEP_MS).slice(0, 10);
const LAST_30 = last30Days(LAST_DAY);

const VIEWS: [string, DashboardScope, DashboardRange][] = [
  ['instance, all time', { kind: 'instance' }, {}],
  ['instance, one year (2025)', { kind: 'instance' }, { from: '2025-01', to: '2025-12' }],
  ['jurisdiction, all time', { kind: 'jurisdiction', id: 'city-7' }, {}],
  ['agency, all time', { kind: 'agency', id: 42 }, {}],
  ['agency, one month', { kind: 'agency', id: 42 }, { from: '2025-06', to: '2025-06' }],
  [`agency, last 30 days (${LAST_30.from} to ${LAST_30.to})`, { kind: 'agency', id: 42 }, LAST_30],
  ['jurisdiction, last 30 days', { kind: 'jurisdiction', id: 'city-7' }, LAST_30],
  ['instance, last 30 days', { kind: 'instance' }, LAST_30],
];

/** Median time of the sequencer's counter update for `n` entries (rolled back, so the counters stay as they are). */
async function sequencerUpdate(db: Database, n: number): Promise<number> {
  const rollback = new Error('rollback');
  const base = ENTRIES - n;
  const contributions = Array.from({ length: n }, (_, k) => entry(base + k)).flatMap((e) =>
    dashboardContributions(e, () => ({ agency: 42, jurisdiction: 'city-2' })),
  );
  return median(RUNS, async () => {
    await db
      .transaction(async (tx) => {
        await saveCounters(tx, contributions);
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
  });
}

await withScratchPostgres({ max: 2 }, async (db) => {
  await migrate(db);
  let t0 = performance.now();
  await seed(db);
  console.error(`seeded ${ENTRIES} entries in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  t0 = performance.now();
  await db.transaction((tx) => backfill(tx));
  const backfillS = (performance.now() - t0) / 1000;
  const rows = (await db.query<{ n: string }>('SELECT count(*) AS n FROM dashboard_counters')).rows[0]!.n;
  console.error(`migration 22 backfill: ${backfillS.toFixed(1)} s, ${rows} counter rows`);
  t0 = performance.now();
  await db.transaction((tx) => rollupBackfill(tx));
  const rollupS = (performance.now() - t0) / 1000;
  const count = async (table: string) =>
    (await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n;
  const rollupRows = {
    instance: await count('dashboard_instance_counters'),
    daily: await count('dashboard_daily_counters'),
    instanceDaily: await count('dashboard_instance_daily'),
  };
  await db.query('ANALYZE');
  console.error(`migration 28 backfill: ${rollupS.toFixed(1)} s, ${JSON.stringify(rollupRows)}`);

  const recountTimes: number[] = [];
  let totals: DashboardTotals | undefined;
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    totals = await recount(db);
    recountTimes.push(performance.now() - t0);
  }
  recountTimes.sort((a, b) => a - b);
  const recountMs = recountTimes[1]!;

  console.log(
    `| view | counters (served), ms | naive recount, ms | speed-up | lists, served, ms | lists, first view, ms | listed |`,
  );
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | --- |`);
  for (const [what, scope, range] of VIEWS) {
    const fromEntries = totals!.view(scope, range);
    if (JSON.stringify(fromEntries) !== JSON.stringify(await served(db, scope, range)))
      throw new Error(`${what}: counters and recount disagree`);
    const ms = await median(RUNS, () => served(db, scope, range));
    const servedMs = await medianOf(RUNS, () => lists(db, scope, range, 'served'));
    const firstMs = await medianOf(3, () => lists(db, scope, range, 'first'));
    const listed = await lists(db, scope, range, 'first');
    console.log(
      `| ${what} | ${ms.toFixed(2)} | ${recountMs.toFixed(0)} | ${Math.round(recountMs / ms)}× | ` +
        `${servedMs.toFixed(2)} | ${firstMs.toFixed(0)} | ${listed.holds} holds, ${listed.notices} notices |`,
    );
  }
  for (const n of [1, 100, 1000]) {
    const ms = await sequencerUpdate(db, n);
    console.log(`\nsequencer counter update (4 tables, one statement), ${n} entries: ${ms.toFixed(2)} ms`);
  }
  console.log(
    `\nmigration 22 backfill of ${ENTRIES} entries: ${backfillS.toFixed(1)} s (${rows} counter rows)` +
      `\nmigration 28 backfill: ${rollupS.toFixed(1)} s (${rollupRows.instance} instance rows, ` +
      `${rollupRows.daily} daily rows, ${rollupRows.instanceDaily} instance daily rows)`,
  );
});
