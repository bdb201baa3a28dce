import type { Queryable } from '../../infra/db/index.js';

/** A stored row as JSON, minus the columns named in the query (secrets and storage keys). */
type RowJson = Record<string, unknown>;

/**
 * Everything the export's account.json lists: the user's own rows, one query per kind. Secrets that are not data
 * about the person (password hash, token hashes, blob storage keys, TOTP secrets) are left out.
 *
 * Ids are the ones the API uses (issue 9, hole 9): posts, comments, cameras, clips and devices by their random
 * public ids, never by row number. Other rows' instance-wide sequence numbers (reports, appeals, moderation
 * decisions, revisions, outbox events) name nothing the owner can use and would show how many of them the
 * instance holds, so they are left out; so are staff members' user ids (who filed a request, who decided an
 * appeal, who recorded a legal demand) and the agency's drawn request polygon, which the owner's inbox never
 * shows either. The account's own user id stays: the API names people by it.
 */
const QUERIES: Record<string, string> = {
  profile: `SELECT to_jsonb(u) - 'password_hash' AS row FROM users u WHERE u.id = $1`,
  posts: `SELECT to_jsonb(p) - 'public_id' || jsonb_build_object(
            'id', p.public_id,
            'revisions', (SELECT coalesce(jsonb_agg(to_jsonb(r) - 'id' - 'post_id' ORDER BY r.id), '[]'::jsonb)
                            FROM post_revisions r WHERE r.post_id = p.id),
            'media', (SELECT coalesce(jsonb_agg(to_jsonb(m) - 'post_id' - 'source_key' - 'blob_key' - 'thumb_key'
                                                ORDER BY m.position), '[]'::jsonb)
                        FROM media m WHERE m.post_id = p.id)) AS row
          FROM posts p WHERE p.author_id = $1 ORDER BY p.created_at, p.id`,
  comments: `SELECT to_jsonb(c) - 'public_id' - 'post_id' || jsonb_build_object(
               'id', c.public_id,
               'post_id', p.public_id,
               'revisions', (SELECT coalesce(jsonb_agg(to_jsonb(r) - 'id' - 'comment_id' ORDER BY r.id), '[]'::jsonb)
                               FROM comment_revisions r WHERE r.comment_id = c.id)) AS row
             FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.author_id = $1 ORDER BY c.created_at, c.id`,
  reactions: `SELECT to_jsonb(r) - 'post_id' || jsonb_build_object('post_id', p.public_id) AS row
              FROM reactions r JOIN posts p ON p.id = r.post_id WHERE r.user_id = $1 ORDER BY r.created_at`,
  reports: `SELECT to_jsonb(r) - 'id' - 'post_id' || jsonb_build_object('post_id', p.public_id) AS row
            FROM reports r JOIN posts p ON p.id = r.post_id WHERE r.reporter_id = $1 ORDER BY r.created_at, r.id`,
  appeals: `SELECT to_jsonb(a) - 'id' - 'post_id' - 'decision_id' - 'decided_by'
                   || jsonb_build_object('post_id', p.public_id) AS row
            FROM appeals a JOIN posts p ON p.id = a.post_id WHERE a.author_id = $1 ORDER BY a.created_at, a.id`,
  mutes: `SELECT to_jsonb(m) AS row FROM mutes m WHERE m.user_id = $1 ORDER BY m.created_at`,
  cameras: `SELECT to_jsonb(c) - 'public_id' || jsonb_build_object('id', c.public_id) AS row
            FROM cameras c WHERE c.owner_id = $1 ORDER BY c.created_at, c.id`,
  devices: `SELECT to_jsonb(d) - 'token_hash' - 'public_id' || jsonb_build_object('id', d.public_id) AS row
            FROM devices d WHERE d.owner_id = $1 ORDER BY d.created_at, d.id`,
  vaultKeys: `SELECT to_jsonb(k) AS row FROM vault_keys k WHERE k.user_id = $1`,
  retiredVaultKeys: `SELECT to_jsonb(k) AS row FROM vault_retired_keys k WHERE k.user_id = $1 ORDER BY k.generation`,
  disclosures: `SELECT to_jsonb(d) - 'blob_key' - 'created_event_id' AS row
                FROM disclosures d WHERE d.owner_id = $1 ORDER BY d.created_at`,
  inbox: `SELECT to_jsonb(m) - 'camera_id' || jsonb_build_object(
            'camera_id', k.public_id,
            'request', to_jsonb(r) - 'area' - 'created_by' - 'published_event_id') AS row
          FROM request_matches m JOIN footage_requests r ON r.id = m.request_id JOIN cameras k ON k.id = m.camera_id
          WHERE m.owner_id = $1 ORDER BY r.created_at`,
  // Requests about the account's own video posts, as its inbox shows them. The requester's address is theirs,
  // not the owner's, and never shown to the owner: it stays out, with the confirmation token.
  bystanderRequests: `SELECT to_jsonb(b) - 'id' - 'public_id' - 'post_id' - 'email' - 'confirm_token_hash'
                              || jsonb_build_object('id', b.public_id, 'post_id', p.public_id) AS row
                       FROM bystander_requests b JOIN posts p ON p.id = b.post_id
                       WHERE b.owner_id = $1 AND b.confirmed_at IS NOT NULL ORDER BY b.created_at, b.id`,
  legalNotices: `SELECT to_jsonb(n) || jsonb_build_object('demand', to_jsonb(d) - 'recorded_by') AS row
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

/** The account's camera snapshots (age ciphertext of one JPEG each, from its hubs), by camera id. */
export async function exportSnapshots(
  db: Queryable,
  userId: number,
): Promise<{ camera_id: string; ciphertext: Buffer }[]> {
  const res = await db.query<{ camera_id: string; ciphertext: Buffer }>(
    `SELECT k.public_id AS camera_id, s.ciphertext
     FROM camera_snapshots s JOIN cameras k ON k.id = s.camera_id WHERE k.owner_id = $1 ORDER BY k.id`,
    [userId],
  );
  return res.rows;
}
