import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.js';

/** A {@link Database} on embedded PGlite (PostgreSQL in WASM) storing its files in `dataDir`. */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const pglite = await PGlite.create(dataDir, {
    parsers: { [types.INT8]: (v: string) => Number(v) },
  });

  const toResult = <R>(res: { rows: unknown[]; affectedRows?: number }): QueryResult<R> => ({
    rows: res.rows as R[],
    rowCount: res.affectedRows ?? res.rows.length,
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
      return unsub;
    },
    close: () => pglite.close(),
  };
}
