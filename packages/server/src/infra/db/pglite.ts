import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.js';

/** A {@link Database} on embedded PGlite (PostgreSQL in WASM) storing its files in `dataDir`. */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const pglite = await PGlite.create(dataDir, {
    parsers: { [types.INT8]: (v: string) => Number(v) },
  });

  // PGlite reports affectedRows = 0 for a SELECT; node-postgres counts the rows returned. Match node-postgres,
  // or `rowCount > 0` checks (migrate's "already applied?") silently differ between the two databases.
  const toResult = <R>(res: { rows: unknown[]; affectedRows?: number }): QueryResult<R> => ({
    rows: res.rows as R[],
    rowCount: Math.max(res.affectedRows ?? 0, res.rows.length),
  });

  return {
    kind: 'pglite',
    query: async (sql, params) => toResult(await pglite.query(sql, params as unknown[] | undefined)),
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    transaction: (fn) =>
      pglite.transaction(async (t) => {
        const tx: Queryable = {
          query: async (sql, params) => toResult(await t.query(sql, params as unknown[] | undefined)),
          exec: async (sql) => {
            await t.exec(sql);
          },
        };
        return fn(tx);
      }),
    async listen(channel, onPayload) {
      const unsub = await pglite.listen(channel, onPayload);
      // A closed database has no listeners left; PGlite's own UNLISTEN would reject with "PGlite is closed"
      // when a subscriber shuts down after the database did (an app closing after losing its database).
      return async () => {
        if (!pglite.closed) await unsub();
      };
    },
    close: () => pglite.close(),
  };
}
