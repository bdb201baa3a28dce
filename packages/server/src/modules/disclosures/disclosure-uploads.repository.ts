import type { Queryable } from '../../infra/db/index.js';
import type { Manifest } from './disclosures.repository.js';

export interface DisclosureUploadRow {
  id: string;
  owner_id: number;
  request_id: string;
  manifest: Manifest;
  size_bytes: number;
  disclosure_id: string | null;
  created_at: Date;
}

const columns = 'id, owner_id, request_id, manifest, size_bytes, disclosure_id, created_at';

export async function insertUpload(
  db: Queryable,
  u: { id: string; ownerId: number; requestId: string; manifest: Manifest; size: number; createdAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO disclosure_uploads (id, owner_id, request_id, manifest, size_bytes, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [u.id, u.ownerId, u.requestId, JSON.stringify(u.manifest), u.size, u.createdAt],
  );
}

export async function findUpload(db: Queryable, id: string): Promise<DisclosureUploadRow | undefined> {
  const res = await db.query<DisclosureUploadRow>(`SELECT ${columns} FROM disclosure_uploads WHERE id = $1`, [
    id,
  ]);
  return res.rows[0];
}

export async function lockUpload(tx: Queryable, id: string): Promise<DisclosureUploadRow | undefined> {
  const res = await tx.query<DisclosureUploadRow>(
    `SELECT ${columns} FROM disclosure_uploads WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return res.rows[0];
}

export async function deleteUpload(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM disclosure_uploads WHERE id = $1', [id]);
}

/** Marks an upload as having become a disclosure; its tus state and parts are no longer needed. */
export async function sealUpload(db: Queryable, id: string, disclosureId: string): Promise<void> {
  await db.query('UPDATE disclosure_uploads SET disclosure_id = $2, tus_state = NULL WHERE id = $1', [
    id,
    disclosureId,
  ]);
  await db.query('DELETE FROM disclosure_upload_parts WHERE upload_id = $1', [id]);
}

/** Unfinished uploads created before `before`: abandoned. Deleted, with their partial blobs queued. */
export async function deleteStaleUploads(db: Queryable, before: Date): Promise<number> {
  const res = await db.query<{ id: string }>(
    'DELETE FROM disclosure_uploads WHERE disclosure_id IS NULL AND created_at < $1 RETURNING id',
    [before],
  );
  if (res.rows.length > 0)
    await db.query(
      `INSERT INTO orphan_blobs (blob_key, kind) SELECT unnest($1::text[]), 'upload' ON CONFLICT DO NOTHING`,
      [res.rows.map((r) => r.id)],
    );
  return res.rowCount;
}
