import type { Queryable } from '../../infra/db/index.js';

// Entries are stored as their canonical bytes; the public list reads them as JSON. A full scan per search is
// fine at today's log sizes; an index of (type, time) per entry is the step up when logs grow.
const TEXT = `convert_from(data, 'UTF8')`;
const JSON_ = `${TEXT}::jsonb`;

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

/** Entries matching the search, newest (highest index) first. */
export async function searchEntries(
  q: Queryable,
  s: EntrySearch,
): Promise<{ index: number; data: Uint8Array }[]> {
  const res = await q.query<{ index: number; data: Uint8Array }>(
    `SELECT index, data FROM log_entries
      WHERE index < $1
        AND ($2::bigint IS NULL OR index < $2)
        AND ($3::text IS NULL OR ${JSON_}->>'type' = $3)
        AND ($4::text IS NULL OR ${TEXT} ILIKE $4)
        AND ($5::text IS NULL OR ${JSON_}->>'time' >= $5)
        AND ($6::text IS NULL OR ${JSON_}->>'time' < $6)
      ORDER BY index DESC
      LIMIT $7`,
    [
      s.size,
      s.before ?? null,
      s.type ?? null,
      s.q === undefined ? null : contains(s.q),
      s.from ?? null,
      s.to ?? null,
      s.limit,
    ],
  );
  return res.rows.map((r) => ({ index: r.index, data: new Uint8Array(r.data) }));
}

/** How many entries of each type the first `size` entries hold. */
export async function countByType(q: Queryable, size: number): Promise<{ type: string; count: number }[]> {
  const res = await q.query<{ type: string; count: number }>(
    `SELECT ${JSON_}->>'type' AS type, count(*)::int AS count FROM log_entries
      WHERE index < $1 GROUP BY 1 ORDER BY 1`,
    [size],
  );
  return res.rows;
}
