import { invalid } from '../../errors.js';
import type { Queryable } from '../../infra/db/index.js';
import { newPublicId } from '../../public-ids.js';

export interface ClipRow {
  id: number;
  /** The clip's id outside the server (cl_…); `id` never leaves it. */
  public_id: string;
  owner_id: number;
  camera_id: number;
  /** Its camera's public id (ca_…). */
  camera_public_id: string;
  started_at: Date;
  ended_at: Date;
  size_bytes: number;
  sha256: string;
  blob_key: string;
  client_ref: string | null;
  created_at: Date;
  expires_at: Date;
}

export interface UploadRow {
  id: string;
  owner_id: number;
  camera_id: number;
  device_id: number | null;
  started_at: Date;
  ended_at: Date;
  client_ref: string | null;
  size_bytes: number;
  clip_id: number | null;
  /** The public id of the clip the upload became (cl_…), once it has. */
  clip_public_id: string | null;
  created_at: Date;
}

const clipColumns = `clips.id, clips.public_id, clips.owner_id, clips.camera_id,
  (SELECT k.public_id FROM cameras k WHERE k.id = clips.camera_id) AS camera_public_id, clips.started_at,
  clips.ended_at, clips.size_bytes, clips.sha256, clips.blob_key, clips.client_ref, clips.created_at,
  clips.expires_at`;
const uploadColumns = `id, owner_id, camera_id, device_id, started_at, ended_at, client_ref, size_bytes, clip_id,
  (SELECT c.public_id FROM clips c WHERE c.id = uploads.clip_id) AS clip_public_id, created_at`;

/** The clip (by public id) when `ownerId` owns it; anyone else's clip is indistinguishable from none. */
export async function findOwnClip(
  db: Queryable,
  ownerId: number,
  publicId: string,
): Promise<ClipRow | undefined> {
  const res = await db.query<ClipRow>(
    `SELECT ${clipColumns} FROM clips WHERE public_id = $1 AND owner_id = $2`,
    [publicId, ownerId],
  );
  return res.rows[0];
}

/** The public id of the owner's clip with this clientRef, if any. */
export async function findClipByClientRef(
  db: Queryable,
  ownerId: number,
  clientRef: string,
): Promise<string | undefined> {
  const res = await db.query<{ public_id: string }>(
    'SELECT public_id FROM clips WHERE owner_id = $1 AND client_ref = $2',
    [ownerId, clientRef],
  );
  return res.rows[0]?.public_id;
}

/** The public id of the clip an upload became, if any. */
export async function findClipByBlobKey(db: Queryable, blobKey: string): Promise<string | undefined> {
  const res = await db.query<{ public_id: string }>('SELECT public_id FROM clips WHERE blob_key = $1', [
    blobKey,
  ]);
  return res.rows[0]?.public_id;
}

/** A page of the owner's clips, newest first by start time, after the keyset position `before`. */
export async function clipsPage(
  db: Queryable,
  q: {
    ownerId: number;
    /** A camera's public id. */
    cameraId: string | undefined;
    from: Date | undefined;
    to: Date | undefined;
    /** The public id of the previous page's last clip. */
    after: string | undefined;
    limit: number;
  },
): Promise<ClipRow[]> {
  const params: unknown[] = [q.ownerId];
  const where = ['owner_id = $1'];
  if (q.cameraId !== undefined) {
    params.push(q.cameraId);
    where.push(`camera_id = (SELECT k.id FROM cameras k WHERE k.public_id = $${params.length})`);
  }
  // A clip belongs to [from, to) when it overlaps it.
  if (q.from) {
    params.push(q.from);
    where.push(`ended_at >= $${params.length}`);
  }
  if (q.to) {
    params.push(q.to);
    where.push(`started_at < $${params.length}`);
  }
  if (q.after !== undefined) {
    const at = await db.query<{ started_at: Date; id: number }>(
      'SELECT started_at, id FROM clips WHERE public_id = $1 AND owner_id = $2',
      [q.after, q.ownerId],
    );
    // A cursor names one of the owner's clips; one deleted since (or anyone else's) is no position at all.
    if (!at.rows[0]) throw invalid('/querystring/cursor', 'is not a cursor this server issued');
    params.push(at.rows[0].started_at, at.rows[0].id);
    where.push(`(started_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(q.limit);
  const res = await db.query<ClipRow>(
    `SELECT ${clipColumns} FROM clips WHERE ${where.join(' AND ')}
     ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return res.rows;
}

export async function insertClip(
  db: Queryable,
  c: {
    ownerId: number;
    cameraId: number;
    startedAt: Date;
    endedAt: Date;
    sizeBytes: number;
    sha256: string;
    blobKey: string;
    clientRef: string | null;
  },
): Promise<ClipRow | undefined> {
  const res = await db.query<ClipRow>(
    `INSERT INTO clips (owner_id, camera_id, started_at, ended_at, size_bytes, sha256, blob_key, client_ref,
                        expires_at, public_id)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $4::timestamptz + make_interval(days => cam.retention_days), $9
     FROM cameras cam WHERE cam.id = $2
     ON CONFLICT DO NOTHING
     RETURNING ${clipColumns}`,
    [
      c.ownerId,
      c.cameraId,
      c.startedAt,
      c.endedAt,
      c.sizeBytes,
      c.sha256,
      c.blobKey,
      c.clientRef,
      newPublicId('cl'),
    ],
  );
  return res.rows[0];
}

/** Deletes a clip row and queues its blob for removal, in the caller's transaction. */
export async function deleteClip(db: Queryable, id: number): Promise<ClipRow | undefined> {
  const res = await db.query<ClipRow>(`DELETE FROM clips WHERE id = $1 RETURNING ${clipColumns}`, [id]);
  const row = res.rows[0];
  if (row) await queueOrphans(db, [row.blob_key], 'clip');
  return row;
}

export async function recomputeExpiry(db: Queryable, cameraId: number, retentionDays: number): Promise<void> {
  await db.query(`UPDATE clips SET expires_at = ended_at + make_interval(days => $2) WHERE camera_id = $1`, [
    cameraId,
    retentionDays,
  ]);
}

/** Queues the blobs of a camera's clips and unfinished uploads for removal; returns how many clips it had. */
export async function orphanCameraBlobs(db: Queryable, cameraId: number): Promise<number> {
  const clipKeys = await db.query<{ blob_key: string }>('SELECT blob_key FROM clips WHERE camera_id = $1', [
    cameraId,
  ]);
  const uploadKeys = await db.query<{ id: string }>(
    'SELECT id FROM uploads WHERE camera_id = $1 AND clip_id IS NULL',
    [cameraId],
  );
  await queueOrphans(
    db,
    clipKeys.rows.map((r) => r.blob_key),
    'clip',
  );
  await queueOrphans(
    db,
    uploadKeys.rows.map((r) => r.id),
    'upload',
  );
  return clipKeys.rowCount;
}

export async function queueOrphans(db: Queryable, keys: string[], kind: 'clip' | 'upload'): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `INSERT INTO orphan_blobs (blob_key, kind) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
    [keys, kind],
  );
}

export async function orphans(db: Queryable, limit: number): Promise<{ blob_key: string; kind: string }[]> {
  const res = await db.query<{ blob_key: string; kind: string }>(
    'SELECT blob_key, kind FROM orphan_blobs ORDER BY created_at LIMIT $1',
    [limit],
  );
  return res.rows;
}

export async function forgetOrphan(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM orphan_blobs WHERE blob_key = $1', [key]);
}

/** Clips past their expiry, oldest first, locked so two retention runs never delete the same one twice. */
export async function expiredClips(db: Queryable, now: Date, limit: number): Promise<ClipRow[]> {
  const res = await db.query<ClipRow>(
    `SELECT ${clipColumns} FROM clips WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return res.rows;
}

/** Unfinished uploads created before `before`: abandoned. Deleted with their partial blobs queued. */
export async function deleteStaleUploads(db: Queryable, before: Date): Promise<number> {
  const res = await db.query<{ id: string }>(
    'DELETE FROM uploads WHERE clip_id IS NULL AND created_at < $1 RETURNING id',
    [before],
  );
  await queueOrphans(
    db,
    res.rows.map((r) => r.id),
    'upload',
  );
  return res.rowCount;
}

// Uploads

export async function insertUpload(
  db: Queryable,
  u: {
    id: string;
    ownerId: number;
    cameraId: number;
    deviceId: number | null;
    startedAt: Date;
    endedAt: Date;
    clientRef: string | null;
    sizeBytes: number;
    createdAt: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO uploads (id, owner_id, camera_id, device_id, started_at, ended_at, client_ref, size_bytes,
                          created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [u.id, u.ownerId, u.cameraId, u.deviceId, u.startedAt, u.endedAt, u.clientRef, u.sizeBytes, u.createdAt],
  );
}

export async function findUpload(db: Queryable, id: string): Promise<UploadRow | undefined> {
  const res = await db.query<UploadRow>(`SELECT ${uploadColumns} FROM uploads WHERE id = $1`, [id]);
  return res.rows[0];
}

export async function deleteUpload(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM uploads WHERE id = $1', [id]);
}

/** Marks an upload as having become a clip; its tus state and part list are no longer needed. */
export async function sealUpload(db: Queryable, id: string, clipId: number): Promise<void> {
  await db.query('UPDATE uploads SET clip_id = $2, tus_state = NULL WHERE id = $1', [id, clipId]);
  await db.query('DELETE FROM upload_parts WHERE upload_id = $1', [id]);
}
