import type { Queryable } from '../../infra/db/index.js';
import type { UserRow } from '../users/users.repository.js';

export async function insertSession(
  db: Queryable,
  s: { tokenHash: string; userId: number; csrfToken: string; expiresAt: Date; secondFactor: boolean },
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, second_factor)
     VALUES ($1, $2, $3, $4, $5)`,
    [s.tokenHash, s.userId, s.csrfToken, s.expiresAt, s.secondFactor],
  );
}

export async function findSession(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<{ csrf_token: string; second_factor: boolean; has_factor: boolean; user: UserRow } | undefined> {
  const res = await db.query<UserRow & { csrf_token: string; second_factor: boolean; has_factor: boolean }>(
    `SELECT u.*, s.csrf_token, s.second_factor,
            EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
              OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id) AS has_factor
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > $2`,
    [tokenHash, now],
  );
  const row = res.rows[0];
  if (!row) return undefined;
  const { csrf_token, second_factor, has_factor, ...user } = row;
  return { csrf_token, second_factor, has_factor, user };
}

/** Deletes a session; returns its user, or undefined when there was no such session. */
export async function deleteSession(db: Queryable, tokenHash: string): Promise<number | undefined> {
  const res = await db.query<{ user_id: number }>(
    'DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id',
    [tokenHash],
  );
  return res.rows[0]?.user_id;
}

export async function deleteExpiredSessions(db: Queryable, now: Date): Promise<number> {
  const res = await db.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
  return res.rowCount;
}
