import type { Queryable } from '../../infra/db/index.js';

// Type and time are indexed columns copied from each entry when it is appended (migration 0007), so type and
// time filters are index range scans and counts come from a table of totals. Text search still reads each
// candidate entry's bytes: a substring match anywhere in the JSON has no index here (pg_trgm is not loaded).
const TEXT = `convert_from(data, 'UTF8')`;

export interface EntrySearch {
  /** Only entries below this index: the size of the latest checkpoint, so every row listed is provable. */
  size: number;
  before?: number | undefined;
  type?: string | undefined;
  q?: string | undefined;
  /** Inclusive lower and exclusive upper bound on the entry's time, as `YYYY-MM-DDTHH:MM:SSZ`. */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
}

/** `q` as a LIKE pattern that matches it literally anywhere. */
const contains = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A time bound as a timestamptz literal. Entry times have years 0001–9999; a bound outside them (a year 0000
 * or a six-digit year after a time-zone shift) lies before or after every entry.
 */
const timeBound = (t: string): string => (t.startsWith('+') ? 'infinity' : t < '0001' ? '-infinity' : t);

/**
 * A time range holding fewer entries than this is read through the time index and sorted; a wider one by
 * walking the log newest first. The planner alone walks the log for any range (it assumes matches are spread
 * evenly, so a page fills soon), which reads most of the log for a narrow range far from its end.
 */
const NARROW_RANGE = 20_000;

/** Entries matching the search, newest (highest index) first. */
export async function searchEntries(
  q: Queryable,
  s: EntrySearch,
): Promise<{ index: number; data: Uint8Array }[]> {
  // Only the filters asked for appear in the SQL, so each plan can use the index that serves it.
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (s.from !== undefined) add((p) => `time >= ${p}::timestamptz`, timeBound(s.from));
  if (s.to !== undefined) add((p) => `time < ${p}::timestamptz`, timeBound(s.to));
  let order = 'index';
  if (where.length > 0) {
    const probe = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM log_entries WHERE ${where.join(' AND ')} LIMIT ${NARROW_RANGE}) AS r`,
      params,
    );
    // index + 0 cannot be read in order from the primary key, so the plan starts from the time index.
    if (probe.rows[0]!.n < NARROW_RANGE) order = 'index + 0';
  }
  add((p) => `index < ${p}`, Math.min(s.size, s.before ?? s.size));
  if (s.type !== undefined) add((p) => `type = ${p}`, s.type);
  if (s.q !== undefined) add((p) => `${TEXT} ILIKE ${p}`, contains(s.q));
  params.push(s.limit);
  const res = await q.query<{ index: number; data: Uint8Array }>(
    `SELECT index, data FROM log_entries WHERE ${where.join(' AND ')}
      ORDER BY ${order} DESC LIMIT $${params.length}`,
    params,
  );
  return res.rows.map((r) => ({ index: r.index, data: new Uint8Array(r.data) }));
}

/**
 * How many entries of each type the first `size` entries hold: the running totals less any entries appended
 * at or after `size` (none when `size` is the latest checkpoint's; a few when one was signed since it was read).
 * One statement, so totals and entries come from the same snapshot.
 */
export async function countByType(q: Queryable, size: number): Promise<{ type: string; count: number }[]> {
  const res = await q.query<{ type: string; count: number }>(
    `SELECT type, sum(n)::int AS count
       FROM (SELECT type, count AS n FROM log_entry_counts
             UNION ALL
             SELECT type, -count(*) FROM log_entries WHERE index >= $1 GROUP BY type) AS t
      GROUP BY type HAVING sum(n) > 0 ORDER BY type`,
    [size],
  );
  return res.rows;
}
