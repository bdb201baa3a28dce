import pg from 'pg';
import type { Database, Queryable, QueryOptions, QueryResult } from './database.js';

const INT8_OID = 20;

/** A {@link Database} on a PostgreSQL server through a `pg` pool. */
export function openPostgres(connectionString: string, options: { max?: number } = {}): Database {
  // bigint ids fit in a double for any realistic table; parse them as numbers, like the PGlite adapter does.
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, types });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  const run = async <R>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>> => {
    const values = params as unknown[] | undefined;
    const res = await (options?.prepareAs === undefined
      ? client.query(sql, values)
      : client.query({ name: options.prepareAs, text: sql, values }));
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  };

  let listener: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  const ensureListener = (): Promise<pg.Client> => {
    if (listener) return Promise.resolve(listener);
    connecting ??= (async () => {
      // A connect that hangs (a database still starting, a dropped SYN) must fail, or no retry would follow.
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
      client.on('notification', (msg) => {
        for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
      });
      client.on('error', () => undefined);
      // A dropped connection (server restart, failover, an idle-connection reaper) would otherwise end every
      // notification for good. Reconnect and listen again; what was sent in between is lost (best effort).
      client.once('end', () => {
        if (listener !== client) return;
        listener = undefined;
        if (!closed && handlers.size > 0) relisten(0);
      });
      try {
        await client.connect();
        for (const channel of handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        listener = client;
        return client;
      } catch (err) {
        await client.end().catch(() => undefined);
        throw err;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };

  const relisten = (attempt: number): void => {
    const timer = setTimeout(
      () => {
        if (closed) return;
        ensureListener().catch(() => {
          relisten(attempt + 1);
        });
      },
      // At most 2 s apart: live events resume within seconds of the database coming back.
      Math.min(2_000, 100 * 2 ** attempt),
    );
    timer.unref();
  };

  return {
    kind: 'postgres',
    query: (sql, params, options) => run(pool, sql, params, options),
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: (sql, params, options) => run(client, sql, params, options),
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const client = await ensureListener();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
        if (set.size === 0) {
          handlers.delete(channel);
          await client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
