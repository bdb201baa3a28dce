import type { RedactionSummary } from '../disclosures/disclosures.schema.js';
import type { Queryable } from '../../infra/db/index.js';

export type MediaKind = 'image' | 'video';
export type MediaStatus = 'processing' | 'ready' | 'failed';

export interface MediaRow {
  id: string;
  owner_id: number;
  kind: MediaKind;
  status: MediaStatus;
  error: string | null;
  post_id: number | null;
  position: number | null;
  source_key: string | null;
  blob_key: string | null;
  thumb_key: string | null;
  size_bytes: number | null;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  redaction: RedactionSummary | null;
}

export interface MediaUploadRow {
  id: string;
  owner_id: number;
  kind: MediaKind;
  size_bytes: number;
  media_id: string | null;
  redaction: RedactionSummary | null;
}

export async function insertUpload(
  db: Queryable,
  u: { id: string; ownerId: number; kind: MediaKind; sizeBytes: number; redaction: RedactionSummary | null },
): Promise<void> {
  await db.query(
    'INSERT INTO media_uploads (id, owner_id, kind, size_bytes, redaction) VALUES ($1, $2, $3, $4, $5)',
    [u.id, u.ownerId, u.kind, u.sizeBytes, u.redaction === null ? null : JSON.stringify(u.redaction)],
  );
}

export async function findUpload(db: Queryable, id: string): Promise<MediaUploadRow | undefined> {
  const res = await db.query<MediaUploadRow>(
    `SELECT id, owner_id, kind, size_bytes::float8 AS size_bytes, media_id, redaction
       FROM media_uploads WHERE id = $1`,
    [id],
  );
  return res.rows[0];
}

export async function deleteUpload(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM media_uploads WHERE id = $1', [id]);
}

/** Records that an upload became `mediaId`; false when another request already did. */
export async function sealUpload(db: Queryable, uploadId: string, mediaId: string): Promise<boolean> {
  const res = await db.query(
    'UPDATE media_uploads SET media_id = $2, tus_state = NULL WHERE id = $1 AND media_id IS NULL',
    [uploadId, mediaId],
  );
  return res.rowCount > 0;
}

export async function insertMedia(
  db: Queryable,
  m: {
    id: string;
    ownerId: number;
    kind: MediaKind;
    status: MediaStatus;
    sourceKey: string | null;
    blobKey: string | null;
    thumbKey: string | null;
    sizeBytes: number | null;
    width: number | null;
    height: number | null;
    durationMs: number | null;
    redaction: RedactionSummary | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO media (id, owner_id, kind, status, source_key, blob_key, thumb_key, size_bytes, width, height,
       duration_ms, redaction) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      m.id,
      m.ownerId,
      m.kind,
      m.status,
      m.sourceKey,
      m.blobKey,
      m.thumbKey,
      m.sizeBytes,
      m.width,
      m.height,
      m.durationMs,
      m.redaction === null ? null : JSON.stringify(m.redaction),
    ],
  );
}

const columns = (a: string) => `${a}.id, ${a}.owner_id, ${a}.kind, ${a}.status, ${a}.error, ${a}.post_id,
  ${a}.position, ${a}.source_key, ${a}.blob_key, ${a}.thumb_key, ${a}.size_bytes::float8 AS size_bytes, ${a}.width,
  ${a}.height, ${a}.duration_ms, ${a}.redaction`;
const MEDIA_COLUMNS = columns('media');

export async function findMedia(db: Queryable, id: string): Promise<MediaRow | undefined> {
  const res = await db.query<MediaRow>(`SELECT ${MEDIA_COLUMNS} FROM media WHERE id = $1`, [id]);
  return res.rows[0];
}

/** The media a post creation names, locked until its transaction ends (two posts cannot take one item). */
export async function lockMedia(db: Queryable, ids: string[]): Promise<MediaRow[]> {
  const res = await db.query<MediaRow>(
    `SELECT ${MEDIA_COLUMNS} FROM media WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return res.rows;
}

export async function attachMedia(db: Queryable, postId: number, ids: string[]): Promise<void> {
  await db.query(
    `UPDATE media SET post_id = $1, position = array_position($2::text[], id) - 1 WHERE id = ANY($2::text[])`,
    [postId, ids],
  );
}

/** A finished transcode: the new blobs replace the source, which becomes an orphan in the same transaction. */
export async function markVideoReady(
  db: Queryable,
  id: string,
  v: {
    blobKey: string;
    thumbKey: string;
    sizeBytes: number;
    width: number;
    height: number;
    durationMs: number;
  },
): Promise<boolean> {
  const res = await db.query<{ source_key: string | null }>(
    `UPDATE media m SET status = 'ready', blob_key = $2, thumb_key = $3, size_bytes = $4, width = $5, height = $6,
       duration_ms = $7, source_key = NULL
     FROM (SELECT source_key FROM media WHERE id = $1 FOR UPDATE) old
     WHERE m.id = $1 AND m.status = 'processing' RETURNING old.source_key`,
    [id, v.blobKey, v.thumbKey, v.sizeBytes, v.width, v.height, v.durationMs],
  );
  const row = res.rows[0];
  if (row?.source_key) await queueOrphan(db, row.source_key);
  return row !== undefined;
}

export async function markFailed(db: Queryable, id: string, error: string): Promise<void> {
  const res = await db.query<{ source_key: string | null }>(
    `UPDATE media m SET status = 'failed', error = $2, source_key = NULL
     FROM (SELECT source_key FROM media WHERE id = $1 FOR UPDATE) old
     WHERE m.id = $1 AND m.status = 'processing' RETURNING old.source_key`,
    [id, error],
  );
  const source = res.rows[0]?.source_key;
  if (source) await queueOrphan(db, source);
}

export async function queueOrphan(db: Queryable, key: string): Promise<void> {
  await db.query(`INSERT INTO orphan_blobs (blob_key, kind) VALUES ($1, 'media') ON CONFLICT DO NOTHING`, [
    key,
  ]);
}

/** A media item with what decides who may see it: its post's author, status and place. */
export interface ServedMediaRow extends MediaRow {
  post_status: 'visible' | 'hidden' | null;
  post_area_cell: string | null;
  post_lat: number | null;
  post_lng: number | null;
}

export async function findServed(db: Queryable, id: string): Promise<ServedMediaRow | undefined> {
  const res = await db.query<ServedMediaRow>(
    `SELECT ${columns('m')},
       p.status AS post_status, p.area_cell AS post_area_cell, p.cell_lat AS post_lat, p.cell_lng AS post_lng
     FROM media m LEFT JOIN posts p ON p.id = m.post_id WHERE m.id = $1`,
    [id],
  );
  return res.rows[0];
}

/**
 * Deletes media never put in a post and uploads never finished, created before `before`; the media trigger and
 * this function queue their blobs. Returns how many of the two were deleted.
 */
export async function deleteUnused(db: Queryable, before: Date): Promise<number> {
  const media = await db.query('DELETE FROM media WHERE post_id IS NULL AND created_at < $1', [before]);
  const uploads = await db.query<{ id: string }>(
    'DELETE FROM media_uploads WHERE media_id IS NULL AND created_at < $1 RETURNING id',
    [before],
  );
  for (const u of uploads.rows) await queueOrphan(db, u.id);
  return media.rowCount + uploads.rowCount;
}
