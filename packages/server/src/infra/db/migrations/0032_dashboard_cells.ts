import { dashboardContributions, decodeEntry, type DashboardDailyCounter } from '@porchlight/tlog';
import { saveCounters } from '../../../modules/dashboard/dashboard.repository.js';
import type { Queryable } from '../database.js';

// Requests published are now also counted per H3 resolution-8 cell they cover (breakdown `cell=…` of
// requests.published); the counters' tables are unchanged, only the entries already logged need counting.
export default /* sql */ `SELECT 1;`;

const BATCH = 10_000;

/**
 * Counts the cells of every request already logged. A database whose migrations 22 and 28 ran after the cell
 * breakdown existed has them counted already: they are cleared first, so each is counted once.
 */
export async function backfill(tx: Queryable): Promise<void> {
  for (const table of [
    'dashboard_counters',
    'dashboard_instance_counters',
    'dashboard_daily_counters',
    'dashboard_instance_daily',
  ])
    await tx.query(`DELETE FROM ${table} WHERE figure = 'requests.published' AND breakdown LIKE 'cell=%'`);
  for (let after = -1; ;) {
    const res = await tx.query<{ index: string | number; data: Uint8Array }>(
      `SELECT index, data FROM log_entries WHERE type = 'request.published' AND index > $1
        ORDER BY index LIMIT $2`,
      [after, BATCH],
    );
    const cells: DashboardDailyCounter[] = res.rows
      .flatMap((row) => dashboardContributions(decodeEntry(new Uint8Array(row.data)), () => undefined))
      .filter((c) => c.breakdown.startsWith('cell='));
    await saveCounters(tx, cells);
    if (res.rows.length < BATCH) break;
    after = Number(res.rows.at(-1)!.index);
  }
}
