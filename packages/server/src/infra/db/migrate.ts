import type { Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';

/** Arbitrary constant: the advisory lock that serialises migrations across API processes. */
const MIGRATION_LOCK = 7_461_002;

/**
 * Applies pending migrations in one transaction each. Safe to call from several processes at once:
 * a transaction-scoped advisory lock lets one migrate while the others wait, then find nothing to do.
 */
export async function migrate(db: Database): Promise<number[]> {
  // Under the lock too: two concurrent `CREATE TABLE IF NOT EXISTS` can both pass the check and one then fails on
  // the catalogue's unique index (pg_type_typname_nsp_index).
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (done.rowCount > 0) return;
      await tx.exec(m.sql);
      // A migration whose data is computed in TypeScript (the dashboard's counters, from the log's entries).
      if (m.backfill) await m.backfill(tx);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    });
  }
  return applied;
}
