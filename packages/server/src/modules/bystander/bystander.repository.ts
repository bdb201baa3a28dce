import type { Queryable } from '../../infra/db/index.js';

export type BystanderKind = 'blur' | 'remove';
export type BystanderOutcome = 'blurred' | 'removed' | 'declined';

export interface BystanderRow {
  id: number;
  public_id: string;
  post_id: number;
  owner_id: number;
  kind: BystanderKind;
  start_ms: number;
  end_ms: number;
  description: string;
  created_at: Date;
  confirmed_at: Date | null;
  outcome: BystanderOutcome | null;
  reason: string | null;
  answered_at: Date | null;
  answered_by: 'owner' | 'moderator' | null;
}

/** A request with its post's public id, for the owner's and moderators' lists. */
export interface BystanderListRow extends BystanderRow {
  post_public_id: string;
}

/** Every column but `email`: the requester's address is read only when the answer is mailed. */
const COLUMNS = `b.id, b.public_id, b.post_id, b.owner_id, b.kind, b.start_ms, b.end_ms, b.description,
  b.created_at, b.confirmed_at, b.outcome, b.reason, b.answered_at, b.answered_by, p.public_id AS post_public_id`;

/** A visible post with ready video, and its longest video's length: the only posts a bystander can ask about. */
export async function findVideoPost(
  db: Queryable,
  postPublicId: string,
): Promise<{ id: number; author_id: number; duration_ms: number } | undefined> {
  const res = await db.query<{ id: number; author_id: number; duration_ms: number }>(
    `SELECT p.id, p.author_id, max(m.duration_ms)::int AS duration_ms
       FROM posts p JOIN media m ON m.post_id = p.id AND m.kind = 'video' AND m.status = 'ready'
      WHERE p.public_id = $1 AND p.status = 'visible'
      GROUP BY p.id, p.author_id`,
    [postPublicId],
  );
  return res.rows[0];
}

export async function insertRequest(
  db: Queryable,
  r: {
    publicId: string;
    postId: number;
    ownerId: number;
    kind: BystanderKind;
    startMs: number;
    endMs: number;
    description: string;
    email: string;
    tokenHash: string;
    now: Date;
  },
): Promise<number> {
  const res = await db.query<{ id: number }>(
    `INSERT INTO bystander_requests
       (public_id, post_id, owner_id, kind, start_ms, end_ms, description, email, confirm_token_hash, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [r.publicId, r.postId, r.ownerId, r.kind, r.startMs, r.endMs, r.description, r.email, r.tokenHash, r.now],
  );
  return res.rows[0]!.id;
}

/** Confirms the request whose link holds this token, once, if it was filed after `filedAfter`. */
export async function confirmRequest(
  db: Queryable,
  tokenHash: string,
  filedAfter: Date,
  now: Date,
): Promise<number | undefined> {
  const res = await db.query<{ id: number }>(
    `UPDATE bystander_requests SET confirmed_at = $3, confirm_token_hash = NULL
      WHERE confirm_token_hash = $1 AND confirmed_at IS NULL AND created_at > $2 RETURNING id`,
    [tokenHash, filedAfter, now],
  );
  return res.rows[0]?.id;
}

/** Deletes requests never confirmed, filed at or before `filedBefore`, and the addresses they hold. */
export async function deleteUnconfirmed(db: Queryable, filedBefore: Date): Promise<number> {
  const res = await db.query(
    'DELETE FROM bystander_requests WHERE confirmed_at IS NULL AND created_at <= $1',
    [filedBefore],
  );
  return res.rowCount;
}

/** The owner's requests: unanswered first, then the newest. */
export async function requestsOfOwner(
  db: Queryable,
  ownerId: number,
  limit: number,
): Promise<BystanderListRow[]> {
  const res = await db.query<BystanderListRow>(
    `SELECT ${COLUMNS} FROM bystander_requests b JOIN posts p ON p.id = b.post_id
      WHERE b.owner_id = $1 AND b.confirmed_at IS NOT NULL ORDER BY (b.outcome IS NOT NULL), b.created_at DESC LIMIT $2`,
    [ownerId, limit],
  );
  return res.rows;
}

/** Unanswered requests confirmed at or before `overdueSince`: what moderators see (checked at query time). */
export async function overdueRequests(
  db: Queryable,
  overdueSince: Date,
  limit: number,
): Promise<BystanderListRow[]> {
  const res = await db.query<BystanderListRow>(
    `SELECT ${COLUMNS} FROM bystander_requests b JOIN posts p ON p.id = b.post_id
      WHERE b.outcome IS NULL AND b.confirmed_at <= $1 ORDER BY b.confirmed_at LIMIT $2`,
    [overdueSince, limit],
  );
  return res.rows;
}

/** Locks one request for answering. */
export async function lockRequest(tx: Queryable, publicId: string): Promise<BystanderListRow | undefined> {
  const res = await tx.query<BystanderListRow>(
    `SELECT ${COLUMNS} FROM bystander_requests b JOIN posts p ON p.id = b.post_id
      WHERE b.public_id = $1 AND b.confirmed_at IS NOT NULL FOR UPDATE OF b`,
    [publicId],
  );
  return res.rows[0];
}

/** Records the answer. The requester's address stays only until the answer mail is sent ({@link forgetAddress}). */
export async function recordAnswer(
  tx: Queryable,
  a: { id: number; outcome: BystanderOutcome; reason: string | null; by: 'owner' | 'moderator'; now: Date },
): Promise<boolean> {
  const res = await tx.query(
    `UPDATE bystander_requests SET outcome = $2, reason = $3, answered_by = $4, answered_at = $5
      WHERE id = $1 AND outcome IS NULL`,
    [a.id, a.outcome, a.reason, a.by, a.now],
  );
  return res.rowCount === 1;
}

/** An answer whose mail has not gone out yet: the only time the requester's address is read. */
export interface PendingAnswerMail {
  id: number;
  email: string;
  outcome: BystanderOutcome;
  reason: string | null;
  answered_by: 'owner' | 'moderator';
}

/**
 * Answers still holding an address: one request's (`id`), or every one answered at or before `answeredBefore`,
 * oldest first. Read without a lock: the mail is sent outside any transaction.
 */
export async function pendingAnswerMails(
  db: Queryable,
  which: { id: number } | { answeredBefore: Date; limit: number },
): Promise<PendingAnswerMail[]> {
  const res =
    'id' in which
      ? await db.query<PendingAnswerMail>(
          `SELECT id, email, outcome, reason, answered_by FROM bystander_requests
            WHERE id = $1 AND outcome IS NOT NULL AND email IS NOT NULL`,
          [which.id],
        )
      : await db.query<PendingAnswerMail>(
          `SELECT id, email, outcome, reason, answered_by FROM bystander_requests
            WHERE outcome IS NOT NULL AND email IS NOT NULL AND answered_at <= $1
            ORDER BY answered_at LIMIT $2`,
          [which.answeredBefore, which.limit],
        );
  return res.rows;
}

/** Deletes one request's address: its answer mail has gone out. */
export async function forgetAddress(tx: Queryable, id: number): Promise<void> {
  await tx.query('UPDATE bystander_requests SET email = NULL WHERE id = $1', [id]);
}

/** Deletes the addresses of answers given at or before `answeredBefore` whose mail never went out. */
export async function forgetStaleAddresses(db: Queryable, answeredBefore: Date): Promise<number> {
  const res = await db.query(
    `UPDATE bystander_requests SET email = NULL
      WHERE outcome IS NOT NULL AND email IS NOT NULL AND answered_at <= $1`,
    [answeredBefore],
  );
  return res.rowCount;
}

/** A video the owner uploaded to replace a post's video, locked until the answer commits. */
export interface ReplacementVideo {
  id: string;
  owner_id: number;
  kind: 'image' | 'video';
  status: 'processing' | 'ready' | 'failed';
  post_id: number | null;
  redaction: { trimmed: unknown; regions: Record<string, number>; frameBlurSeconds: number } | null;
}

export async function lockReplacementVideo(
  tx: Queryable,
  mediaId: string,
): Promise<ReplacementVideo | undefined> {
  const res = await tx.query<ReplacementVideo>(
    'SELECT id, owner_id, kind, status, post_id, redaction FROM media WHERE id = $1 FOR UPDATE',
    [mediaId],
  );
  return res.rows[0];
}

/**
 * Puts the redacted copy where the post's video was (the first video's place) and deletes the original video
 * rows (their blobs are queued for deletion by the media trigger).
 */
export async function replacePostVideo(tx: Queryable, postId: number, mediaId: string): Promise<void> {
  const res = await tx.query<{ position: number | null }>(
    `DELETE FROM media WHERE post_id = $1 AND kind = 'video' RETURNING position`,
    [postId],
  );
  const positions = res.rows.map((r) => r.position ?? 0);
  const position = positions.length > 0 ? Math.min(...positions) : 0;
  await tx.query('UPDATE media SET post_id = $1, position = $2 WHERE id = $3', [postId, position, mediaId]);
}

/** Removes a post's video (the media rows; their blobs are queued for deletion by the media trigger). */
export async function removePostVideo(tx: Queryable, postId: number): Promise<number> {
  const res = await tx.query(`DELETE FROM media WHERE post_id = $1 AND kind = 'video'`, [postId]);
  return res.rowCount;
}
