import { Upload } from '@tus/server';
import type { Queryable } from '../../infra/db/index.js';
import type { UploadLedger } from '../../infra/blob/index.js';

/**
 * Where one kind of upload keeps its tus state and S3 part list: its table, its parts table, and the column
 * that is set once the upload has become what it was for (a clip, a disclosure). A fixed set, never user input.
 */
export type LedgerTables =
  | { uploads: 'uploads'; parts: 'upload_parts'; finished: 'clip_id' }
  | { uploads: 'disclosure_uploads'; parts: 'disclosure_upload_parts'; finished: 'disclosure_id' }
  | { uploads: 'media_uploads'; parts: 'media_upload_parts'; finished: 'media_id' };

export const CLIP_UPLOAD_TABLES: LedgerTables = {
  uploads: 'uploads',
  parts: 'upload_parts',
  finished: 'clip_id',
};

export const DISCLOSURE_UPLOAD_TABLES: LedgerTables = {
  uploads: 'disclosure_uploads',
  parts: 'disclosure_upload_parts',
  finished: 'disclosure_id',
};

/**
 * tus upload state and S3 parts kept in the database, so any API process can continue any upload. A finished
 * upload has no state: tus then treats it as gone.
 */
export function uploadLedger(db: Queryable, t: LedgerTables): UploadLedger {
  return {
    get: async (id) => {
      const res = await db.query<{ tus_state: ConstructorParameters<typeof Upload>[0] | null }>(
        `SELECT tus_state FROM ${t.uploads} WHERE id = $1 AND ${t.finished} IS NULL`,
        [id],
      );
      const state = res.rows[0]?.tus_state;
      return state ? new Upload(state) : undefined;
    },
    set: async (id, upload) => {
      await db.query(`UPDATE ${t.uploads} SET tus_state = $2 WHERE id = $1`, [id, JSON.stringify(upload)]);
    },
    delete: async (id) => {
      await db.query(`UPDATE ${t.uploads} SET tus_state = NULL WHERE id = $1`, [id]);
    },
    recordPart: async (uploadId, p) => {
      await db.query(
        `INSERT INTO ${t.parts} (upload_id, part_number, etag, size) VALUES ($1, $2, $3, $4)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET etag = EXCLUDED.etag, size = EXCLUDED.size`,
        [uploadId, p.number, p.etag, p.size],
      );
    },
    parts: async (uploadId) => {
      const res = await db.query<{ number: number; etag: string; size: number }>(
        `SELECT part_number AS number, etag, size FROM ${t.parts} WHERE upload_id = $1 ORDER BY part_number`,
        [uploadId],
      );
      return res.rows;
    },
  };
}
