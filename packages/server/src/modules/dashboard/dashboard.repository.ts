import {
  attributionNeeds,
  attributionsOf,
  dashboardContributions,
  type Attribution,
  dayBounds,
  decodeEntry,
  isDayRange,
  type DashboardCounter,
  type DashboardDailyCounter,
  type DashboardRange,
  type DashboardScope,
  type Entry,
  RECORD_ENTRY_TYPES,
} from '@porchlight/tlog';
import type { Queryable } from '../../infra/db/index.js';

// Counters are kept per (figure, month, jurisdiction, agency, breakdown) in dashboard_counters (migration 22),
// with an instance rollup per (figure, month, breakdown) and the same two per day (migration 28), all updated
// in one statement in the sequencer's transaction, so they always cover exactly the latest checkpoint's entries.

/**
 * Adds entries (in log order, just appended in `tx`) to the dashboard's counters with the same pure function
 * an auditor runs on the verified log. Loads the attributions the entries need (a disclosure's request's
 * agency) and stores the ones they establish.
 */
export async function recordEntries(tx: Queryable, entries: readonly Entry[]): Promise<void> {
  if (entries.length === 0) return;
  const known = await loadAttributions(tx, [...new Set(entries.flatMap(attributionNeeds))]);
  const added: [string, Attribution][] = [];
  const lookup = (id: string) => known.get(id);
  const counters = new Map<string, DashboardDailyCounter>();
  for (const entry of entries) {
    for (const c of dashboardContributions(entry, lookup)) {
      const key = `${c.figure}\u0000${c.day}\u0000${c.jurisdiction}\u0000${c.agency}\u0000${c.breakdown}`;
      const had = counters.get(key);
      counters.set(key, had ? { ...had, amount: had.amount + c.amount } : c);
    }
    for (const [id, a] of attributionsOf(entry, lookup)) {
      known.set(id, a);
      added.push([id, a]);
    }
  }
  await saveCounters(tx, [...counters.values()]);
  await saveAttributions(tx, added);
}

async function loadAttributions(q: Queryable, ids: readonly string[]): Promise<Map<string, Attribution>> {
  if (ids.length === 0) return new Map();
  const res = await q.query<{ id: string; agency: string | number; jurisdiction: string }>(
    'SELECT id, agency, jurisdiction FROM dashboard_attributions WHERE id = ANY($1::text[])',
    [ids],
  );
  return new Map(res.rows.map((r) => [r.id, { agency: Number(r.agency), jurisdiction: r.jurisdiction }]));
}

/**
 * Adds daily counters (repeated keys are summed) to the stored counters: per day and per month, each also
 * rolled up for the instance. One statement, so the four tables never disagree.
 */
export async function saveCounters(tx: Queryable, counters: readonly DashboardDailyCounter[]): Promise<void> {
  if (counters.length === 0) return;
  await tx.query(
    `WITH src AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])
         AS s (figure, day, jurisdiction, agency, breakdown, amount)),
     monthly AS (
       INSERT INTO dashboard_counters AS c (figure, month, jurisdiction, agency, breakdown, amount)
       SELECT figure, left(day, 7), jurisdiction, agency, breakdown, sum(amount)::bigint FROM src
        GROUP BY figure, left(day, 7), jurisdiction, agency, breakdown
       ON CONFLICT (figure, month, jurisdiction, agency, breakdown)
       DO UPDATE SET amount = c.amount + excluded.amount),
     instance AS (
       INSERT INTO dashboard_instance_counters AS c (figure, month, breakdown, amount)
       SELECT figure, left(day, 7), breakdown, sum(amount)::bigint FROM src
        GROUP BY figure, left(day, 7), breakdown
       ON CONFLICT (figure, month, breakdown) DO UPDATE SET amount = c.amount + excluded.amount),
     daily AS (
       INSERT INTO dashboard_daily_counters AS c (figure, day, jurisdiction, agency, breakdown, amount)
       SELECT figure, day, jurisdiction, agency, breakdown, sum(amount)::bigint FROM src
        GROUP BY figure, day, jurisdiction, agency, breakdown
       ON CONFLICT (figure, day, jurisdiction, agency, breakdown)
       DO UPDATE SET amount = c.amount + excluded.amount),
     instance_daily AS (
       INSERT INTO dashboard_instance_daily AS c (figure, day, breakdown, amount)
       SELECT figure, day, breakdown, sum(amount)::bigint FROM src GROUP BY figure, day, breakdown
       ON CONFLICT (figure, day, breakdown) DO UPDATE SET amount = c.amount + excluded.amount)
     SELECT 1`,
    [
      counters.map((c) => c.figure),
      counters.map((c) => c.day),
      counters.map((c) => c.jurisdiction),
      counters.map((c) => c.agency),
      counters.map((c) => c.breakdown),
      counters.map((c) => c.amount),
    ],
  );
}

export async function saveAttributions(tx: Queryable, rows: readonly [string, Attribution][]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO dashboard_attributions (id, agency, jurisdiction)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) ON CONFLICT (id) DO NOTHING`,
    [rows.map(([id]) => id), rows.map(([, a]) => a.agency), rows.map(([, a]) => a.jurisdiction)],
  );
}

export interface CountersAtCheckpoint {
  /** The latest checkpoint's size and root; size 0 and no root before the first. */
  size: number;
  root: Uint8Array | null;
  counters: Omit<DashboardCounter, 'jurisdiction' | 'agency'>[];
}

/**
 * The counters of a scope and range summed over places, read in one statement with the latest checkpoint, so
 * the figures are exactly those of the entries that checkpoint covers. An instance view reads the rollup; a
 * range of days reads the daily counters.
 */
export async function countersAtCheckpoint(
  q: Queryable,
  scope: DashboardScope,
  range: DashboardRange,
): Promise<CountersAtCheckpoint> {
  const days = isDayRange(range);
  const bounds = days ? dayBounds(range) : range;
  const key = days ? 'day' : 'month';
  const table =
    scope.kind === 'instance'
      ? days
        ? 'dashboard_instance_daily'
        : 'dashboard_instance_counters'
      : days
        ? 'dashboard_daily_counters'
        : 'dashboard_counters';
  const where = [`($1::text IS NULL OR ${key} >= $1)`, `($2::text IS NULL OR ${key} <= $2)`];
  const params: (string | number | null)[] = [bounds.from ?? null, bounds.to ?? null];
  if (scope.kind === 'jurisdiction') where.push(`jurisdiction = $${params.push(scope.id)}`);
  if (scope.kind === 'agency') where.push(`agency = $${params.push(scope.id)}`);
  const res = await q.query<{
    size: string | number | null;
    root: Uint8Array | null;
    figure: string | null;
    month: string | null;
    breakdown: string | null;
    amount: number | null;
  }>(
    `WITH head AS (SELECT size, root FROM log_checkpoints ORDER BY size DESC LIMIT 1),
          picked AS (
            SELECT figure, left(${key}, 7) AS month, breakdown, sum(amount)::float8 AS amount
              FROM ${table}
             WHERE ${where.join(' AND ')}
             GROUP BY figure, left(${key}, 7), breakdown)
     SELECT h.size, h.root, p.figure, p.month, p.breakdown, p.amount
       FROM (SELECT 1) AS one LEFT JOIN head h ON true LEFT JOIN picked p ON true`,
    params,
  );
  const first = res.rows[0];
  return {
    size: Number(first?.size ?? 0),
    root: first?.root ? new Uint8Array(first.root) : null,
    counters: res.rows
      .filter((r) => r.figure !== null)
      .map((r) => ({
        figure: r.figure as DashboardCounter['figure'],
        month: r.month!,
        breakdown: r.breakdown!,
        amount: Number(r.amount),
      })),
  };
}

/** The name of the agency or jurisdiction a scope names; undefined when there is none. */
export async function scopeName(q: Queryable, scope: DashboardScope): Promise<string | undefined> {
  if (scope.kind === 'instance') return 'This instance';
  const res =
    scope.kind === 'agency'
      ? await q.query<{ name: string }>('SELECT name FROM agencies WHERE id = $1', [scope.id])
      : await q.query<{ name: string }>('SELECT name FROM jurisdictions WHERE slug = $1', [scope.id]);
  return res.rows[0]?.name;
}

/**
 * The log's entries up to a checkpoint that an agency's annual report reads, decoded: every agency status and
 * policy entry (its name, jurisdiction and policies), and the agency's report annotations for the year, read
 * from the entries themselves, as `porchlight report` does.
 */
export async function reportEntries(
  q: Queryable,
  size: number,
  agency: number,
  year: string,
): Promise<Entry[]> {
  const res = await q.query<{ data: Uint8Array }>(
    `SELECT data FROM log_entries
      WHERE index < $1
        AND (type IN ('agency.verified', 'agency.suspended', 'agency.reinstated', 'policy.changed')
             OR (type = 'report.annotated'
                 AND convert_from(data, 'UTF8')::jsonb -> 'data' ->> 'agency' = $2
                 AND convert_from(data, 'UTF8')::jsonb -> 'data' ->> 'year' = $3))
      ORDER BY index`,
    [size, String(agency), year],
  );
  return res.rows.map((r) => decodeEntry(new Uint8Array(r.data)));
}

/** Whether an agency is registered. */
export async function agencyExists(q: Queryable, id: number): Promise<boolean> {
  const res = await q.query('SELECT 1 FROM agencies WHERE id = $1', [id]);
  return res.rows.length > 0;
}

/**
 * The entries the dashboard's lists (holds, delayed notices) are folded from, up to a checkpoint, in log order
 * with their indexes, and the attributions of the requests their holds name.
 */
export async function listRecordEntries(
  q: Queryable,
  size: number,
  from = 0,
): Promise<{ entries: { index: number; entry: Entry }[]; attributions: Map<string, Attribution> }> {
  const res = await q.query<{ index: string | number; data: Uint8Array }>(
    `SELECT index, data FROM log_entries WHERE index >= $3 AND index < $1 AND type = ANY($2::text[])
      ORDER BY index`,
    [size, [...RECORD_ENTRY_TYPES], from],
  );
  const entries = res.rows.map((r) => ({
    index: Number(r.index),
    entry: decodeEntry(new Uint8Array(r.data)),
  }));
  const requests = entries.flatMap(({ entry }) =>
    entry.type === 'disclosure.held' ? [entry.data.request] : [],
  );
  return { entries, attributions: await loadAttributions(q, [...new Set(requests)]) };
}
