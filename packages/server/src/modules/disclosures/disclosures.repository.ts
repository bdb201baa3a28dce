import type { Queryable } from '../../infra/db/index.js';
import type { RedactionApplied } from './disclosures.schema.js';

/** What a disclosure's manifest holds, as stored and exported (canonical field names). */
export interface Manifest {
  requestId: string;
  plaintextSha256: string;
  ciphertextSha256?: string;
  captureStart: string;
  captureEnd: string;
  coarseCell?: string;
  redactions: RedactionApplied[];
}

export interface DisclosureRow {
  id: string;
  request_id: string;
  agency_id: number;
  owner_id: number | null;
  blob_key: string | null;
  status: 'shared' | 'revoked' | 'expired';
  manifest: Manifest & { ciphertextSha256: string; plaintextBytes: number; ciphertextBytes: number };
  plaintext_sha256: string;
  ciphertext_sha256: string;
  plaintext_bytes: number;
  ciphertext_bytes: number;
  capture_start: Date;
  capture_end: Date;
  created_event_id: number;
  created_at: Date;
  expires_at: Date;
  first_downloaded_at: Date | null;
  ended_at: Date | null;
  /** The disclosure.created entry's log index, when the query joined it (null until sequenced). */
  log_index?: string | null;
}

export interface HoldRow {
  id: number;
  disclosure_id: string;
  request_id: string;
  case_number: string;
  justification: string;
  until: Date;
  event_id: number;
  created_at: Date;
  log_index: string | null;
}

const columns = `d.id, d.request_id, d.agency_id, d.owner_id, d.blob_key,
  d.status, d.manifest, d.plaintext_sha256, d.ciphertext_sha256, d.plaintext_bytes,
  d.ciphertext_bytes, d.capture_start, d.capture_end,
  d.created_event_id, d.created_at, d.expires_at, d.first_downloaded_at, d.ended_at,
  e.index::text AS log_index`;

const fromDisclosures = 'FROM disclosures d LEFT JOIN log_entries e ON e.event_id = d.created_event_id';

export async function insertDisclosure(
  tx: Queryable,
  d: {
    id: string;
    requestId: string;
    agencyId: number;
    ownerId: number;
    blobKey: string;
    manifest: DisclosureRow['manifest'];
    createdEventId: number;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  const m = d.manifest;
  await tx.query(
    `INSERT INTO disclosures (id, request_id, agency_id, owner_id, blob_key, manifest, plaintext_sha256,
       ciphertext_sha256, plaintext_bytes, ciphertext_bytes, capture_start, capture_end, created_event_id,
       created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      d.id,
      d.requestId,
      d.agencyId,
      d.ownerId,
      d.blobKey,
      JSON.stringify(m),
      m.plaintextSha256,
      m.ciphertextSha256,
      m.plaintextBytes,
      m.ciphertextBytes,
      m.captureStart,
      m.captureEnd,
      d.createdEventId,
      d.createdAt,
      d.expiresAt,
    ],
  );
}

export async function findDisclosure(q: Queryable, id: string): Promise<DisclosureRow | undefined> {
  const res = await q.query<DisclosureRow>(`SELECT ${columns} ${fromDisclosures} WHERE d.id = $1`, [id]);
  return res.rows[0];
}

/** The disclosure, locked for the rest of `tx` (revoke, download, hold and expiry apply one at a time). */
export async function lockDisclosure(tx: Queryable, id: string): Promise<DisclosureRow | undefined> {
  const res = await tx.query<DisclosureRow>(
    `SELECT ${columns} ${fromDisclosures} WHERE d.id = $1 FOR UPDATE OF d`,
    [id],
  );
  return res.rows[0];
}

/** The owner's own disclosures, newest first. */
export async function listByOwner(q: Queryable, ownerId: number): Promise<DisclosureRow[]> {
  const res = await q.query<DisclosureRow>(
    `SELECT ${columns} ${fromDisclosures} WHERE d.owner_id = $1 ORDER BY d.created_at DESC, d.id DESC
     LIMIT 500`,
    [ownerId],
  );
  return res.rows;
}

/**
 * A request's disclosures whose disclosure.created entry is in a signed checkpoint, oldest first. The log's
 * entries and checkpoint are written in one transaction, so an entry row means a checkpoint covers it; the
 * size check keeps that true even if that ever changed.
 */
export async function listLoggedForRequest(q: Queryable, requestId: string): Promise<DisclosureRow[]> {
  const res = await q.query<DisclosureRow>(
    `SELECT ${columns} ${fromDisclosures}
     WHERE d.request_id = $1 AND e.index < (SELECT coalesce(max(size), 0) FROM log_checkpoints)
     ORDER BY e.index`,
    [requestId],
  );
  return res.rows;
}

/** Whether a signed checkpoint covers the log index. */
export async function isCheckpointed(q: Queryable, logIndex: string | null | undefined): Promise<boolean> {
  if (logIndex === null || logIndex === undefined) return false;
  const res = await q.query<{ ok: boolean }>(
    'SELECT $1::bigint < coalesce(max(size), 0) AS ok FROM log_checkpoints',
    [logIndex],
  );
  return res.rows[0]?.ok === true;
}

/** Records the first download (revocation ends there). */
export async function markDownloaded(tx: Queryable, id: string, now: Date): Promise<void> {
  await tx.query(
    'UPDATE disclosures SET first_downloaded_at = coalesce(first_downloaded_at, $2) WHERE id = $1',
    [id, now],
  );
}

/** Claims today's access by this member; true when it is the first today (and so must be logged). */
export async function claimAccess(tx: Queryable, id: string, userId: number, now: Date): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO disclosure_accesses (disclosure_id, user_id, day) VALUES ($1, $2, ($3::timestamptz AT TIME ZONE 'UTC')::date)
     ON CONFLICT DO NOTHING`,
    [id, userId, now],
  );
  return res.rowCount > 0;
}

/** Ends a disclosure (revoked or expired): the blob is queued for deletion in the same transaction. */
export async function endDisclosure(
  tx: Queryable,
  row: DisclosureRow,
  status: 'revoked' | 'expired',
  now: Date,
): Promise<void> {
  await tx.query(`UPDATE disclosures SET status = $2, blob_key = NULL, ended_at = $3 WHERE id = $1`, [
    row.id,
    status,
    now,
  ]);
  if (row.blob_key)
    await tx.query(
      `INSERT INTO orphan_blobs (blob_key, kind) VALUES ($1, 'disclosure') ON CONFLICT DO NOTHING`,
      [row.blob_key],
    );
}

/** Shared disclosures past their expiry, locked so several retention runs never end the same one twice. */
export async function lockExpired(tx: Queryable, now: Date, limit: number): Promise<DisclosureRow[]> {
  const res = await tx.query<DisclosureRow>(
    `SELECT ${columns} ${fromDisclosures}
     WHERE d.status = 'shared' AND d.expires_at <= $1 ORDER BY d.expires_at LIMIT $2
     FOR UPDATE OF d SKIP LOCKED`,
    [now, limit],
  );
  return res.rows;
}

export async function setExpiry(tx: Queryable, id: string, expiresAt: Date): Promise<void> {
  await tx.query('UPDATE disclosures SET expires_at = $2 WHERE id = $1', [id, expiresAt]);
}

export async function insertHold(
  tx: Queryable,
  h: {
    disclosureId: string;
    requestId: string;
    caseNumber: string;
    justification: string;
    until: Date;
    filedBy: number;
    eventId: number;
    now: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO disclosure_holds (disclosure_id, request_id, case_number, justification, until, filed_by,
                                   event_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [h.disclosureId, h.requestId, h.caseNumber, h.justification, h.until, h.filedBy, h.eventId, h.now],
  );
}

/**
 * Every legal hold filed on a request's disclosures, oldest first, with its log index (null until
 * sequenced). Public: the request page shows them (E-REQ reads this).
 */
export async function holdsForRequest(q: Queryable, requestId: string): Promise<HoldRow[]> {
  const res = await q.query<HoldRow>(
    `SELECT h.id, h.disclosure_id, h.request_id, h.case_number, h.justification, h.until,
            h.event_id, h.created_at, e.index::text AS log_index
     FROM disclosure_holds h LEFT JOIN log_entries e ON e.event_id = h.event_id
     WHERE h.request_id = $1 ORDER BY h.id`,
    [requestId],
  );
  return res.rows;
}

/** How many disclosures a request received (every one ever logged, whatever became of it). Public. */
export async function countForRequest(q: Queryable, requestId: string): Promise<number> {
  const res = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM disclosures WHERE request_id = $1',
    [requestId],
  );
  return res.rows[0]!.n;
}

/** The log index of an outbox event, once the sequencer has published it. */
export async function logIndexOfEvent(q: Queryable, eventId: number): Promise<number | undefined> {
  const res = await q.query<{ index: number }>('SELECT index FROM log_entries WHERE event_id = $1', [
    eventId,
  ]);
  return res.rows[0]?.index;
}

/**
 * For public request pages (the requests module's `useDisclosureSummaries`): per request, how many clips
 * owners shared (every disclosure ever made, whatever became of it) and every legal hold filed, oldest first.
 * Nothing about who shared.
 */
export async function disclosureSummaries(
  q: Queryable,
  requestIds: string[],
): Promise<
  Map<
    string,
    { disclosuresCount: number; holds: { caseNumber: string; justification: string; until: string }[] }
  >
> {
  const out = new Map<
    string,
    { disclosuresCount: number; holds: { caseNumber: string; justification: string; until: string }[] }
  >(requestIds.map((id) => [id, { disclosuresCount: 0, holds: [] }]));
  const counts = await q.query<{ request_id: string; n: number }>(
    `SELECT request_id, count(*)::int AS n FROM disclosures WHERE request_id = ANY($1::text[]) GROUP BY request_id`,
    [requestIds],
  );
  for (const r of counts.rows) out.get(r.request_id)!.disclosuresCount = r.n;
  const holds = await q.query<{
    request_id: string;
    case_number: string;
    justification: string;
    until: Date;
  }>(
    `SELECT request_id, case_number, justification, until FROM disclosure_holds
     WHERE request_id = ANY($1::text[]) ORDER BY id`,
    [requestIds],
  );
  for (const h of holds.rows)
    out.get(h.request_id)!.holds.push({
      caseNumber: h.case_number,
      justification: h.justification,
      until: `${h.until.toISOString().slice(0, 19)}Z`,
    });
  return out;
}
