import {
  attributionNeeds,
  attributionsOf,
  dashboardContributions,
  type Attribution,
  type DashboardCounter,
  type DashboardRange,
  type DashboardScope,
  type Entry,
} from '@porchlight/tlog';
import type { Queryable } from '../../infra/db/index.js';

// Counters are kept per (figure, month, jurisdiction, agency, breakdown) in dashboard_counters (migration 22),
// updated in the sequencer's transaction, so they always cover exactly the entries of the latest checkpoint.

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
  const counters = new Map<string, DashboardCounter>();
  for (const entry of entries) {
    for (const c of dashboardContributions(entry, lookup)) {
      const key = `${c.figure}\u0000${c.month}\u0000${c.jurisdiction}\u0000${c.agency}\u0000${c.breakdown}`;
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

/** Adds to stored counters (creating those not yet stored). */
export async function saveCounters(tx: Queryable, counters: readonly DashboardCounter[]): Promise<void> {
  if (counters.length === 0) return;
  await tx.query(
    `INSERT INTO dashboard_counters AS c (figure, month, jurisdiction, agency, breakdown, amount)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])
     ON CONFLICT (figure, month, jurisdiction, agency, breakdown)
     DO UPDATE SET amount = c.amount + excluded.amount`,
    [
      counters.map((c) => c.figure),
      counters.map((c) => c.month),
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
 * The counters of a scope and month range summed over places, read in one statement with the latest
 * checkpoint, so the figures are exactly those of the entries that checkpoint covers.
 */
export async function countersAtCheckpoint(
  q: Queryable,
  scope: DashboardScope,
  range: DashboardRange,
): Promise<CountersAtCheckpoint> {
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
            SELECT figure, month, breakdown, sum(amount)::float8 AS amount
              FROM dashboard_counters
             WHERE ($1::text IS NULL OR month >= $1) AND ($2::text IS NULL OR month <= $2)
               AND ($3::text IS NULL OR jurisdiction = $3) AND ($4::bigint IS NULL OR agency = $4)
             GROUP BY figure, month, breakdown)
     SELECT h.size, h.root, p.figure, p.month, p.breakdown, p.amount
       FROM (SELECT 1) AS one LEFT JOIN head h ON true LEFT JOIN picked p ON true`,
    [
      range.from ?? null,
      range.to ?? null,
      scope.kind === 'jurisdiction' ? scope.id : null,
      scope.kind === 'agency' ? scope.id : null,
    ],
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
