import type { Queryable } from '../../infra/db/index.js';

export type TokenPurpose = 'verify_email' | 'reset_password';

export interface AccountRow {
  id: number;
  email: string;
  display_name: string;
  role: string;
  email_verified_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
}

export async function findAccount(db: Queryable, userId: number): Promise<AccountRow | undefined> {
  const res = await db.query<AccountRow>(
    `SELECT id, email, display_name, role, email_verified_at, deleted_at, created_at FROM users WHERE id = $1`,
    [userId],
  );
  return res.rows[0];
}

export async function findLiveAccountByEmail(db: Queryable, email: string): Promise<AccountRow | undefined> {
  const res = await db.query<AccountRow>(
    `SELECT id, email, display_name, role, email_verified_at, deleted_at, created_at FROM users
     WHERE lower(email) = lower($1) AND deleted_at IS NULL`,
    [email],
  );
  return res.rows[0];
}

export async function insertToken(
  db: Queryable,
  t: { tokenHash: string; userId: number; purpose: TokenPurpose; email: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO account_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [t.tokenHash, t.userId, t.purpose, t.email, t.now, t.expiresAt],
  );
}

/**
 * Marks an unused, unexpired token used and returns it; undefined when it is unknown, used or expired. The
 * `used_at IS NULL` condition makes two concurrent uses of one link succeed at most once.
 */
export async function useToken(
  db: Queryable,
  tokenHash: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<{ user_id: number; email: string } | undefined> {
  const res = await db.query<{ user_id: number; email: string }>(
    `UPDATE account_tokens SET used_at = $3
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
     RETURNING user_id, email`,
    [tokenHash, purpose, now],
  );
  return res.rows[0];
}

/** Retires every unused token of a purpose (a newer link, or a finished reset, makes older links useless). */
export async function retireTokens(db: Queryable, userId: number, purpose: TokenPurpose, now: Date) {
  await db.query(
    'UPDATE account_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL',
    [userId, purpose, now],
  );
}

export async function markEmailVerified(db: Queryable, userId: number, email: string, now: Date) {
  const res = await db.query(
    `UPDATE users SET email_verified_at = $3
     WHERE id = $1 AND lower(email) = lower($2) AND email_verified_at IS NULL AND deleted_at IS NULL`,
    [userId, email, now],
  );
  return res.rowCount > 0;
}

export async function setPasswordHash(db: Queryable, userId: number, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
}

/** Records one mail request under each key and returns, per key, how many there were within `since`. */
export async function countMailRequests(
  db: Queryable,
  keyHashes: string[],
  now: Date,
  since: Date,
): Promise<number[]> {
  await db.query('DELETE FROM account_mail_requests WHERE created_at <= $1', [since]);
  await db.query('INSERT INTO account_mail_requests (key_hash, created_at) SELECT unnest($1::text[]), $2', [
    keyHashes,
    now,
  ]);
  const res = await db.query<{ key_hash: string; n: number }>(
    `SELECT key_hash, count(*)::int AS n FROM account_mail_requests
     WHERE key_hash = ANY($1::text[]) AND created_at > $2 GROUP BY key_hash`,
    [keyHashes, since],
  );
  const counts = new Map(res.rows.map((r) => [r.key_hash, r.n]));
  return keyHashes.map((k) => counts.get(k) ?? 0);
}

export interface SessionRow {
  token_hash: string;
  created_at: Date;
  last_seen_at: Date | null;
  user_agent: string | null;
  ip_hint: string | null;
}

export async function listSessions(db: Queryable, userId: number, now: Date): Promise<SessionRow[]> {
  const res = await db.query<SessionRow>(
    `SELECT token_hash, created_at, last_seen_at, user_agent, ip_hint FROM sessions
     WHERE user_id = $1 AND expires_at > $2 ORDER BY coalesce(last_seen_at, created_at) DESC`,
    [userId, now],
  );
  return res.rows;
}

/** Ends one of the user's sessions, named by its public id (a prefix of its token hash). */
export async function deleteSessionById(db: Queryable, userId: number, hashPrefix: string): Promise<boolean> {
  const res = await db.query('DELETE FROM sessions WHERE user_id = $1 AND left(token_hash, 22) = $2', [
    userId,
    hashPrefix,
  ]);
  return res.rowCount > 0;
}

/** Ends every session of the user except `keepTokenHash` (none kept when undefined); returns how many. */
export async function deleteSessions(db: Queryable, userId: number, keepTokenHash?: string): Promise<number> {
  const res = await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [
    userId,
    keepTokenHash ?? '',
  ]);
  return res.rowCount;
}

export async function touchSession(
  db: Queryable,
  tokenHash: string,
  s: { now: Date; userAgent: string | null; ipHint: string | null },
): Promise<void> {
  await db.query(
    'UPDATE sessions SET last_seen_at = $2, user_agent = $3, ip_hint = $4 WHERE token_hash = $1',
    [tokenHash, s.now, s.userAgent, s.ipHint],
  );
}

/** Whether the user is linked to an agency (as a member), whatever their role. */
export async function isAgencyMember(db: Queryable, userId: number): Promise<boolean> {
  const res = await db.query('SELECT 1 FROM agency_members WHERE user_id = $1', [userId]);
  return res.rowCount > 0;
}
