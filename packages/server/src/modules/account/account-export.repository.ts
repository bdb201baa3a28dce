import type { Queryable } from '../../infra/db/index.js';

/** A stored row as JSON, minus the columns named in the query (secrets and storage keys). */
type RowJson = Record<string, unknown>;

/**
 * Everything the export's account.json lists, as stored: the user's own rows, one query per kind. Secrets that
 * are not data about the person (password hash, token hashes, blob storage keys, TOTP secrets) are left out.
 */
const QUERIES: Record<string, string> = {
  profile: `SELECT to_jsonb(u) - 'password_hash' AS row FROM users u WHERE u.id = $1`,
  posts: `SELECT to_jsonb(p) AS row FROM posts p WHERE p.author_id = $1 ORDER BY p.id`,
  comments: `SELECT to_jsonb(c) AS row FROM comments c WHERE c.author_id = $1 ORDER BY c.id`,
  reactions: `SELECT to_jsonb(r) AS row FROM reactions r WHERE r.user_id = $1 ORDER BY r.created_at`,
  reports: `SELECT to_jsonb(r) AS row FROM reports r WHERE r.reporter_id = $1 ORDER BY r.id`,
  appeals: `SELECT to_jsonb(a) AS row FROM appeals a WHERE a.author_id = $1 ORDER BY a.id`,
  // Cameras, devices and clips are named by their public ids, as everywhere outside the server.
  cameras: `SELECT to_jsonb(c) - 'public_id' || jsonb_build_object('id', c.public_id) AS row
            FROM cameras c WHERE c.owner_id = $1 ORDER BY c.created_at, c.id`,
  devices: `SELECT to_jsonb(d) - 'token_hash' - 'public_id' || jsonb_build_object('id', d.public_id) AS row
            FROM devices d WHERE d.owner_id = $1 ORDER BY d.created_at, d.id`,
  vaultKeys: `SELECT to_jsonb(k) AS row FROM vault_keys k WHERE k.user_id = $1`,
  retiredVaultKeys: `SELECT to_jsonb(k) AS row FROM vault_retired_keys k WHERE k.user_id = $1 ORDER BY k.generation`,
  disclosures: `SELECT to_jsonb(d) - 'blob_key' AS row FROM disclosures d WHERE d.owner_id = $1 ORDER BY d.created_at`,
  inbox: `SELECT to_jsonb(m) || jsonb_build_object('camera_id', k.public_id, 'request', to_jsonb(r) - 'polygon') AS row
          FROM request_matches m JOIN footage_requests r ON r.id = m.request_id JOIN cameras k ON k.id = m.camera_id
          WHERE m.owner_id = $1 ORDER BY r.created_at`,
  legalNotices: `SELECT to_jsonb(n) || jsonb_build_object('demand', to_jsonb(d)) AS row
                 FROM legal_notices n JOIN legal_demands d ON d.id = n.demand_id
                 WHERE n.user_id = $1 ORDER BY n.sent_at`,
};

export async function exportRows(db: Queryable, userId: number): Promise<Record<string, RowJson[]>> {
  const out: Record<string, RowJson[]> = {};
  for (const [name, sql] of Object.entries(QUERIES)) {
    const res = await db.query<{ row: RowJson }>(sql, [userId]);
    out[name] = res.rows.map((r) => r.row);
  }
  return out;
}

/** The account's clips with their storage keys, for copying ciphertext into the archive. */
export async function exportClips(
  db: Queryable,
  userId: number,
): Promise<{ row: RowJson; blob_key: string }[]> {
  const res = await db.query<{ row: RowJson; blob_key: string }>(
    `SELECT to_jsonb(c) - 'blob_key' - 'public_id'
              || jsonb_build_object('id', c.public_id, 'camera_id', k.public_id) AS row, c.blob_key
     FROM clips c JOIN cameras k ON k.id = c.camera_id WHERE c.owner_id = $1 ORDER BY c.started_at, c.id`,
    [userId],
  );
  return res.rows;
}
