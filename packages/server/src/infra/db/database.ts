/** The subset of a SQL connection every repository needs. One dialect: PostgreSQL. */
export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /** Runs a script of one or more statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface QueryOptions {
  /**
   * Prepares the statement under this name on each PostgreSQL connection, so the server parses it once and
   * can reuse its plan: for hot statements whose planning costs as much as running them (the feed's page).
   * One name, one statement text. PGlite ignores it.
   */
  prepareAs?: string;
}

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** A database handle: embedded PGlite or a PostgreSQL server behind the same interface. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to PostgreSQL notifications on `channel`. Returns an unsubscribe function.
   * NOTIFY is transactional, so a listener hears only what committed.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Runs `fn` in a transaction when given the database, or inside the caller's transaction when given one. */
export function inTransaction<T>(db: Database | Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return 'transaction' in db ? db.transaction(fn) : fn(db);
}
