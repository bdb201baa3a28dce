import type { Tile, TileData } from '@porchlight/tlog';
import type { Database, Queryable } from '../../infra/db/index.js';
import type { OutboxEvent } from './transparency.entries.js';

/**
 * Arbitrary constant: the advisory lock held by the one process that sequences (or creates the log key) at a
 * time. Transaction-scoped, so a process that dies releases it with its connection and another takes over.
 */
const SEQUENCER_LOCK = 7_461_003;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
// Copies: node-postgres hands out Buffers that may share a pooled ArrayBuffer.
const bytes = (value: Uint8Array): Uint8Array => new Uint8Array(value);

export interface LogKeyRow {
  origin: string;
  /** Null when the private key is kept outside the database (PORCHLIGHT_LOG_KEY_FILE) or the key is retired. */
  skey: string | null;
  vkey: string;
}

export interface CheckpointRow {
  size: number;
  root: Uint8Array;
  note: string;
}

/** Tries to become the sequencer for the rest of `tx`. False when another process holds the lock. */
export async function tryLockSequencer(tx: Queryable): Promise<boolean> {
  const res = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [SEQUENCER_LOCK]);
  return res.rows[0]!.ok;
}

/** Waits for the sequencer lock for the rest of `tx` (first start: creating the key must not race). */
export async function lockSequencer(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
}

/**
 * The highest outbox id below which every event is settled: committed and visible, or rolled back for good.
 *
 * Identity values are handed out in insert order but committed in any order, so reading `id > cursor` alone
 * could pass over an event whose transaction commits later, losing it forever. A SHARE lock on `events` waits
 * for every transaction that has inserted into it (INSERT takes its table lock before drawing an id) and is
 * released at once, so inserts stall only for as long as the slowest in-flight writer.
 */
export async function settledEventWatermark(db: Database, lockTimeoutMs: number): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
    await tx.query('LOCK TABLE events IN SHARE MODE');
    const res = await tx.query<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM events');
    return res.rows[0]!.id;
  });
}

export async function findActiveKey(q: Queryable): Promise<LogKeyRow | undefined> {
  const res = await q.query<LogKeyRow>('SELECT origin, skey, vkey FROM log_keys WHERE active');
  return res.rows[0];
}

export async function insertKey(tx: Queryable, key: LogKeyRow & { createdAt: Date }): Promise<void> {
  await tx.query('INSERT INTO log_keys (origin, skey, vkey, created_at) VALUES ($1, $2, $3, $4)', [
    key.origin,
    key.skey,
    key.vkey,
    key.createdAt,
  ]);
}

/**
 * Writes the outbox event that becomes the log's first entry. Through the outbox like every other entry, so
 * it gets a sequence number and is published by the same durable path.
 */
export async function insertInstanceCreatedEvent(
  tx: Queryable,
  e: { origin: string; key: string; createdAt: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO events (type, actor_id, subject_type, subject_id, data, created_at)
     VALUES ('instance.created', NULL, 'log', $1, $2, $3)`,
    [e.origin, JSON.stringify({ origin: e.origin, key: e.key }), e.createdAt],
  );
}

export async function latestCheckpoint(q: Queryable): Promise<CheckpointRow | undefined> {
  const res = await q.query<CheckpointRow>(
    'SELECT size, root, note FROM log_checkpoints ORDER BY size DESC LIMIT 1',
  );
  const row = res.rows[0];
  return row && { size: row.size, root: bytes(row.root), note: row.note };
}

/**
 * The outbox id after which to look for unpublished events: the newest published one, not counting the log's
 * first entry. `instance.created` is written when the log starts, so on an instance that already had a history
 * it follows older events in the outbox; those are published right after it.
 */
export async function publishedEventCursor(q: Queryable): Promise<number> {
  const res = await q.query<{ event_id: number }>(
    'SELECT event_id FROM log_entries WHERE index > 0 ORDER BY index DESC LIMIT 1',
  );
  return res.rows[0]?.event_id ?? 0;
}

const EVENT_COLUMNS = `id, type, actor_id AS "actorId", data,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS time`;

/** The log's first event: the `instance.created` written with its key. */
export async function instanceCreatedEvent(q: Queryable): Promise<OutboxEvent | undefined> {
  const res = await q.query<OutboxEvent>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE type = 'instance.created' ORDER BY id LIMIT 1`,
  );
  return res.rows[0];
}

/** Unpublished events of the given types with ids in `(after, upTo]`, oldest first. */
export async function unpublishedEvents(
  q: Queryable,
  p: { after: number; upTo: number; types: readonly string[]; limit: number },
): Promise<OutboxEvent[]> {
  const res = await q.query<OutboxEvent>(
    `SELECT ${EVENT_COLUMNS}
       FROM events e
      WHERE id > $1 AND id <= $2 AND type = ANY($3::text[])
        AND NOT EXISTS (SELECT 1 FROM log_entries l WHERE l.event_id = e.id)
      ORDER BY id
      LIMIT $4`,
    [p.after, p.upTo, p.types, p.limit],
  );
  return res.rows;
}

/**
 * Appends entries at leaf indexes `first`, `first + 1`, … with their type and time indexed, and adds them to
 * the per-type counts in the same statement (so the counts cover exactly the entries of the checkpoint signed
 * in this transaction; see migration 0007).
 */
export async function insertEntries(
  tx: Queryable,
  first: number,
  entries: readonly { eventId: number; data: Uint8Array }[],
): Promise<void> {
  const decoded = entries.map(
    (e) => JSON.parse(Buffer.from(e.data).toString('utf8')) as Record<string, unknown>,
  );
  await tx.query(
    `WITH added AS (
       INSERT INTO log_entries (index, event_id, data, type, time)
       SELECT $1::bigint + n - 1, e, decode(d, 'hex'), ty, ti
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS t (e, d, ty, ti, n)
       RETURNING type)
     INSERT INTO log_entry_counts AS c (type, count) SELECT type, count(*) FROM added GROUP BY type
     ON CONFLICT (type) DO UPDATE SET count = c.count + excluded.count`,
    [
      first,
      entries.map((e) => e.eventId),
      entries.map((e) => hex(e.data)),
      decoded.map((e) => e.type),
      decoded.map((e) => e.time),
    ],
  );
}

/** The entries at leaf indexes `[first, first + count)`, in order; fewer when the log is shorter. */
export async function readEntries(q: Queryable, first: number, count: number): Promise<Uint8Array[]> {
  const res = await q.query<{ data: Uint8Array }>(
    'SELECT data FROM log_entries WHERE index >= $1 AND index < $2 ORDER BY index',
    [first, first + count],
  );
  return res.rows.map((r) => bytes(r.data));
}

/**
 * Reads tiles, each cut to the requested width (a narrower tile is a prefix of the stored one). Throws when a
 * tile is missing or narrower than asked: the caller's tree size and the store disagree.
 */
export async function readTiles(q: Queryable, tiles: readonly Tile[]): Promise<Uint8Array[]> {
  if (tiles.length === 0) return [];
  const res = await q.query<{ level: number; index: number; width: number; data: Uint8Array }>(
    `SELECT level, index, width, data FROM log_tiles
      WHERE (level, index) IN (SELECT * FROM unnest($1::int[], $2::bigint[]))`,
    [tiles.map((t) => t.level), tiles.map((t) => t.index)],
  );
  const stored = new Map(res.rows.map((r) => [`${r.level}/${r.index}`, r]));
  return tiles.map((t) => {
    const row = stored.get(`${t.level}/${t.index}`);
    if (!row || row.width < t.width) throw new Error(`log tile ${t.level}/${t.index} is missing`);
    return bytes(row.data).slice(0, t.width * 32);
  });
}

/**
 * Stores new and grown tiles. A tile only ever grows, and only by appending: a write that would change a stored
 * hash (a full tile, or the prefix of a partial one) matches no row, and the count check aborts the transaction.
 */
export async function saveTiles(tx: Queryable, tiles: readonly TileData[]): Promise<void> {
  if (tiles.length === 0) return;
  const res = await tx.query(
    `INSERT INTO log_tiles AS t (level, index, width, data)
     SELECT l, i, w, decode(d, 'hex') FROM unnest($1::int[], $2::bigint[], $3::int[], $4::text[]) AS n (l, i, w, d)
     ON CONFLICT (level, index) DO UPDATE SET width = excluded.width, data = excluded.data
      WHERE t.width < excluded.width AND substring(excluded.data FROM 1 FOR length(t.data)) = t.data`,
    [
      tiles.map((t) => t.tile.level),
      tiles.map((t) => t.tile.index),
      tiles.map((t) => t.tile.width),
      tiles.map((t) => hex(t.data)),
    ],
  );
  if (res.rowCount !== tiles.length) throw new Error('log tile store refused a write that rewrites history');
}

export async function insertCheckpoint(tx: Queryable, c: CheckpointRow & { createdAt: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO log_checkpoints (size, root, note, created_at) VALUES ($1, decode($2, 'hex'), $3, $4)`,
    [c.size, hex(c.root), c.note, c.createdAt],
  );
}

/** The signed checkpoint of exactly `size` leaves, if the log ever signed one. */
export async function checkpointAt(q: Queryable, size: number): Promise<string | undefined> {
  const res = await q.query<{ note: string }>('SELECT note FROM log_checkpoints WHERE size = $1', [size]);
  return res.rows[0]?.note;
}

/** Every key the log has signed with, oldest first (the active one last). */
export async function keyHistory(q: Queryable): Promise<string[]> {
  const res = await q.query<{ vkey: string }>('SELECT vkey FROM log_keys ORDER BY id');
  return res.rows.map((r) => r.vkey);
}

/** Erases the active key's private half: it is kept in a key file from now on. */
export async function forgetActivePrivateKey(tx: Queryable): Promise<void> {
  await tx.query('UPDATE log_keys SET skey = NULL WHERE active');
}

/** Retires the active key (erasing its private half) at the transition checkpoint of `transitionSize`. */
export async function retireActiveKey(tx: Queryable, at: Date, transitionSize: number): Promise<void> {
  await tx.query(
    'UPDATE log_keys SET active = false, skey = NULL, retired_at = $1, transition_size = $2 WHERE active',
    [at, transitionSize],
  );
}

/** Writes the outbox event announcing a key rotation; returns its id. */
export async function insertKeyRotatedEvent(
  tx: Queryable,
  e: { origin: string; old: string; new: string; createdAt: Date },
): Promise<number> {
  const res = await tx.query<{ id: number }>(
    `INSERT INTO events (type, actor_id, subject_type, subject_id, data, created_at)
     VALUES ('log.key_rotated', NULL, 'log', $1, $2, $3) RETURNING id`,
    [e.origin, JSON.stringify({ old: e.old, new: e.new }), e.createdAt],
  );
  return res.rows[0]!.id;
}

/**
 * Waits until every transaction that has written to the outbox has finished, and keeps new writers out until
 * `tx` ends, so every event id below the caller's is settled. For the short key-rotation transaction only.
 */
export async function holdOutbox(tx: Queryable): Promise<void> {
  await tx.query('LOCK TABLE events IN SHARE MODE');
}

/** What /metrics reports about the log. */
export interface LogMetricsRow {
  size: number;
  /** Seconds since the newest checkpoint was signed; null before the first. */
  checkpointAge: number | null;
  /** Accountability events committed but not yet in the log. */
  waiting: number;
}

export async function logMetrics(q: Queryable, types: readonly string[]): Promise<LogMetricsRow> {
  const res = await q.query<{ size: string | null; age: number | null; waiting: string }>(
    `WITH head AS (SELECT size, created_at FROM log_checkpoints ORDER BY size DESC LIMIT 1),
          cursor AS (SELECT coalesce(max(event_id), 0) AS id FROM log_entries WHERE index > 0)
     SELECT (SELECT size FROM head) AS size,
            (SELECT extract(epoch FROM now() - created_at)::float8 FROM head) AS age,
            (SELECT count(*) FROM events e, cursor
              WHERE e.id > cursor.id AND e.type = ANY($1::text[])
                AND NOT EXISTS (SELECT 1 FROM log_entries l WHERE l.event_id = e.id)) AS waiting`,
    [types],
  );
  const row = res.rows[0]!;
  return { size: Number(row.size ?? 0), checkpointAge: row.age, waiting: Number(row.waiting) };
}

/** A verified witness cosignature on the checkpoint of `size` (see transparency.witnesses.ts). */
export interface CosignatureRow {
  size: number;
  witness: string;
  keyId: number;
  /** The note signature line, with its final newline. */
  line: string;
  cosignedAt: Date;
}

/** Stores cosignatures; one already stored for the same checkpoint and witness key is kept. */
export async function insertCosignatures(
  q: Queryable,
  rows: readonly CosignatureRow[],
  receivedAt: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO log_cosignatures (size, witness, key_id, line, cosigned_at, received_at)
     SELECT * , $6::timestamptz FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[])
     ON CONFLICT (size, witness, key_id) DO NOTHING`,
    [
      rows.map((r) => r.size),
      rows.map((r) => r.witness),
      rows.map((r) => r.keyId),
      rows.map((r) => r.line),
      rows.map((r) => r.cosignedAt.toISOString()),
      receivedAt,
    ],
  );
}

/** The cosignature lines collected for the checkpoint of `size`, in a stable order. */
export async function cosignatureLines(q: Queryable, size: number): Promise<string[]> {
  const res = await q.query<{ line: string }>(
    'SELECT line FROM log_cosignatures WHERE size = $1 ORDER BY witness, key_id',
    [size],
  );
  return res.rows.map((r) => r.line);
}

/** The largest checkpoint size `witness` (a key name) has cosigned, if any. */
export async function latestCosignedSize(q: Queryable, witness: string): Promise<number | undefined> {
  const res = await q.query<{ size: number | null }>(
    'SELECT max(size) AS size FROM log_cosignatures WHERE witness = $1',
    [witness],
  );
  return res.rows[0]?.size ?? undefined;
}
