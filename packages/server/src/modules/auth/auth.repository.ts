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

export type FoundSession = { csrf_token: string; second_factor: boolean; has_factor: boolean; user: UserRow };

const SESSION_SELECT = `SELECT s.token_hash, u.*, s.csrf_token, s.second_factor,
            EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
              OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id) AS has_factor
     FROM sessions s JOIN users u ON u.id = s.user_id`;

type SessionRow = UserRow & {
  token_hash: string;
  csrf_token: string;
  second_factor: boolean;
  has_factor: boolean;
};

function foundSession(row: SessionRow): FoundSession {
  const { csrf_token, second_factor, has_factor, ...user } = row;
  // The token hash keys a batch lookup; it is the session's, not part of the user.
  delete (user as Partial<SessionRow>).token_hash;
  return { csrf_token, second_factor, has_factor, user };
}

export async function findSession(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<FoundSession | undefined> {
  const res = await db.query<SessionRow>(`${SESSION_SELECT} WHERE s.token_hash = $1 AND s.expires_at > $2`, [
    tokenHash,
    now,
  ]);
  const row = res.rows[0];
  return row ? foundSession(row) : undefined;
}

/** Many sessions in one query (live streams re-check theirs together), by token hash; absent: ended. */
export async function findSessions(
  db: Queryable,
  tokenHashes: string[],
  now: Date,
): Promise<Map<string, FoundSession>> {
  const res = await db.query<SessionRow>(
    `${SESSION_SELECT} WHERE s.token_hash = ANY($1::text[]) AND s.expires_at > $2`,
    [tokenHashes, now],
  );
  return new Map(res.rows.map((r) => [r.token_hash, foundSession(r)]));
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
