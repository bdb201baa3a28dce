import type { PostCategory } from '@porchlight/policy';
import type { Queryable } from '../../infra/db/index.js';

export type EmailMode = 'off' | 'instant' | 'digest';

export interface AlertSettingsRow {
  user_id: number;
  categories: PostCategory[];
  radius_m: number;
  quiet_start: number | null;
  quiet_end: number | null;
  time_zone: string;
  in_app: boolean;
  push: boolean;
  email: EmailMode;
  unsubscribe_token: string;
  /** When the account was last sent an alert or a digest; the next digest covers what came after. */
  last_digest_at: Date | null;
}

/** An account that never saved settings: in-app only, nothing pushed or mailed. */
export const DEFAULT_SETTINGS = {
  categories: [] as PostCategory[],
  radius_m: 1600,
  quiet_start: null,
  quiet_end: null,
  time_zone: 'UTC',
  in_app: true,
  push: false,
  email: 'off' as EmailMode,
  last_digest_at: null,
};

export async function findSettings(q: Queryable, userId: number): Promise<AlertSettingsRow | undefined> {
  const res = await q.query<AlertSettingsRow>('SELECT * FROM alert_settings WHERE user_id = $1', [userId]);
  return res.rows[0];
}

export async function saveSettings(
  q: Queryable,
  s: Omit<AlertSettingsRow, 'last_digest_at'>,
): Promise<AlertSettingsRow> {
  const res = await q.query<AlertSettingsRow>(
    `INSERT INTO alert_settings
       (user_id, categories, radius_m, quiet_start, quiet_end, time_zone, in_app, push, email, unsubscribe_token)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (user_id) DO UPDATE SET
       categories = EXCLUDED.categories, radius_m = EXCLUDED.radius_m, quiet_start = EXCLUDED.quiet_start,
       quiet_end = EXCLUDED.quiet_end, time_zone = EXCLUDED.time_zone, in_app = EXCLUDED.in_app,
       push = EXCLUDED.push, email = EXCLUDED.email,
       -- Turning email back on starts the digest from now, not from before it was off.
       last_digest_at = CASE WHEN alert_settings.email = 'off' AND EXCLUDED.email <> 'off' THEN now()
                             ELSE alert_settings.last_digest_at END
     RETURNING *`,
    [
      s.user_id,
      s.categories,
      s.radius_m,
      s.quiet_start,
      s.quiet_end,
      s.time_zone,
      s.in_app,
      s.push,
      s.email,
      s.unsubscribe_token,
    ],
  );
  return res.rows[0]!;
}

/** The one-click unsubscribe: turns email off for the token's account; undefined for an unknown token. */
export async function unsubscribe(q: Queryable, token: string): Promise<{ user_id: number } | undefined> {
  const res = await q.query<{ user_id: number }>(
    `UPDATE alert_settings SET email = 'off' WHERE unsubscribe_token = $1 RETURNING user_id`,
    [token],
  );
  return res.rows[0];
}

export async function setLastDigest(q: Queryable, userId: number, at: Date): Promise<void> {
  await q.query('UPDATE alert_settings SET last_digest_at = $2 WHERE user_id = $1', [userId, at]);
}

/** Recipient of an alert: the account’s settings, address and home (for the distance to a post). */
export interface RecipientRow extends AlertSettingsRow {
  email_address: string;
  display_name: string;
  home_lat: number | null;
  home_lng: number | null;
}

export async function findRecipient(q: Queryable, userId: number): Promise<RecipientRow | undefined> {
  const res = await q.query<RecipientRow>(
    `SELECT s.*, u.email AS email_address, u.display_name, u.home_lat, u.home_lng
       FROM alert_settings s JOIN users u ON u.id = s.user_id WHERE s.user_id = $1`,
    [userId],
  );
  return res.rows[0];
}

/**
 * Accounts that want nearby posts of `category` by push or email and whose home is within their alert radius
 * of the post's cell centre. The bounding box prefilters on the home columns; the exact distance is checked
 * in the caller. The author is left out.
 */
export async function recipientsForPost(
  q: Queryable,
  p: { category: string; lat: number; lng: number; authorId: number },
): Promise<RecipientRow[]> {
  const maxRadiusDeg = 8000 / 111_000;
  const lngScale = Math.max(Math.cos((p.lat * Math.PI) / 180), 0.01);
  const res = await q.query<RecipientRow>(
    `SELECT s.*, u.email AS email_address, u.display_name, u.home_lat, u.home_lng
       FROM alert_settings s JOIN users u ON u.id = s.user_id
      WHERE $1 = ANY (s.categories) AND (s.push OR s.email <> 'off') AND u.id <> $2
        AND u.home_lat BETWEEN $3 AND $4 AND u.home_lng BETWEEN $5 AND $6
        -- Not to someone who muted or blocked the author, nor to someone the author blocked (issue 10).
        AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE (mu.user_id = u.id AND mu.muted_id = $2)
                          OR (mu.user_id = $2 AND mu.muted_id = u.id AND mu.blocked))`,
    [
      p.category,
      p.authorId,
      p.lat - maxRadiusDeg,
      p.lat + maxRadiusDeg,
      p.lng - maxRadiusDeg / lngScale,
      p.lng + maxRadiusDeg / lngScale,
    ],
  );
  return res.rows;
}

/** Owners a request reached who want alerts by push or email (matches exist only while it is open). */
export async function recipientsForRequest(q: Queryable, requestId: string): Promise<RecipientRow[]> {
  const res = await q.query<RecipientRow>(
    `SELECT s.*, u.email AS email_address, u.display_name, u.home_lat, u.home_lng
       FROM alert_settings s JOIN users u ON u.id = s.user_id
      WHERE (s.push OR s.email <> 'off')
        AND s.user_id IN (SELECT m.owner_id FROM request_matches m JOIN footage_requests r ON r.id = m.request_id
                           WHERE m.request_id = $1 AND r.status = 'open')`,
    [requestId],
  );
  return res.rows;
}
