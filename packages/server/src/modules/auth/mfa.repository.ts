import type { Queryable } from '../../infra/db/index.js';

export interface TotpRow {
  user_id: number;
  secret: string;
  confirmed_at: Date | null;
  last_step: number | null;
}

export interface PasskeyRow {
  credential_id: string;
  user_id: number;
  name: string;
  public_key: string;
  counter: number;
  transports: string[];
  created_at: Date;
  last_used_at: Date | null;
}

export interface SignInChallengeRow {
  token_hash: string;
  user_id: number;
  webauthn_challenge: string | null;
  failures: number;
  expires_at: Date;
}

/** Whether the account has a confirmed authenticator app or a passkey. */
export async function hasSecondFactor(db: Queryable, userId: number): Promise<boolean> {
  const res = await db.query<{ has: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL)
         OR EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1) AS has`,
    [userId],
  );
  return res.rows[0]?.has === true;
}

export async function findTotp(db: Queryable, userId: number): Promise<TotpRow | undefined> {
  const res = await db.query<TotpRow>('SELECT * FROM totp_factors WHERE user_id = $1', [userId]);
  return res.rows[0];
}

/** Starts (or restarts) enrolment with a new secret; a confirmed app is never replaced this way. */
export async function upsertPendingTotp(db: Queryable, userId: number, secret: string): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO totp_factors (user_id, secret) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, last_step = NULL, created_at = now()
       WHERE totp_factors.confirmed_at IS NULL`,
    [userId, secret],
  );
  return res.rowCount > 0;
}

/**
 * Records `step` as the last accepted time step, only if it is newer than the last one: of two requests with the
 * same code, one wins. Confirms a pending secret at the same time.
 */
export async function acceptTotpStep(
  db: Queryable,
  userId: number,
  step: number,
  now: Date,
  confirm: boolean,
): Promise<boolean> {
  const res = await db.query(
    `UPDATE totp_factors SET last_step = $2, confirmed_at = coalesce(confirmed_at, $3)
     WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)
       AND (confirmed_at IS NOT NULL) = $4`,
    [userId, step, now, !confirm],
  );
  return res.rowCount > 0;
}

/** An authenticator app set up outside the enrolment flow: the demo seed's staff accounts. */
export async function insertConfirmedTotp(
  db: Queryable,
  userId: number,
  secret: string,
  now: Date,
): Promise<void> {
  await db.query('INSERT INTO totp_factors (user_id, secret, confirmed_at) VALUES ($1, $2, $3)', [
    userId,
    secret,
    now,
  ]);
}

export async function deleteTotp(db: Queryable, userId: number): Promise<boolean> {
  const res = await db.query('DELETE FROM totp_factors WHERE user_id = $1', [userId]);
  return res.rowCount > 0;
}

export async function listPasskeys(db: Queryable, userId: number): Promise<PasskeyRow[]> {
  const res = await db.query<PasskeyRow>('SELECT * FROM passkeys WHERE user_id = $1 ORDER BY created_at', [
    userId,
  ]);
  return res.rows;
}

export async function insertPasskey(
  db: Queryable,
  p: {
    credentialId: string;
    userId: number;
    name: string;
    publicKey: string;
    counter: number;
    transports: string[];
  },
): Promise<PasskeyRow | undefined> {
  const res = await db.query<PasskeyRow>(
    `INSERT INTO passkeys (credential_id, user_id, name, public_key, counter, transports)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING *`,
    [p.credentialId, p.userId, p.name, p.publicKey, p.counter, JSON.stringify(p.transports)],
  );
  return res.rows[0];
}

export async function markPasskeyUsed(
  db: Queryable,
  credentialId: string,
  counter: number,
  now: Date,
): Promise<void> {
  await db.query('UPDATE passkeys SET counter = $2, last_used_at = $3 WHERE credential_id = $1', [
    credentialId,
    counter,
    now,
  ]);
}

export async function deletePasskey(db: Queryable, userId: number, credentialId: string): Promise<boolean> {
  const res = await db.query('DELETE FROM passkeys WHERE user_id = $1 AND credential_id = $2', [
    userId,
    credentialId,
  ]);
  return res.rowCount > 0;
}

export async function replaceRecoveryCodes(db: Queryable, userId: number, hashes: string[]): Promise<void> {
  await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  for (const h of hashes) {
    await db.query('INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)', [userId, h]);
  }
}

export async function countUnusedRecoveryCodes(db: Queryable, userId: number): Promise<number> {
  const res = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL',
    [userId],
  );
  return res.rows[0]?.n ?? 0;
}

/** Marks a recovery code used; false when it is unknown or was used already (one request of two wins). */
export async function useRecoveryCode(
  db: Queryable,
  userId: number,
  hash: string,
  now: Date,
): Promise<boolean> {
  const res = await db.query(
    'UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL',
    [userId, hash, now],
  );
  return res.rowCount > 0;
}

export async function insertSignInChallenge(
  db: Queryable,
  c: { tokenHash: string; userId: number; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO sign_in_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
    c.tokenHash,
    c.userId,
    c.expiresAt,
  ]);
}

export async function findSignInChallenge(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<SignInChallengeRow | undefined> {
  const res = await db.query<SignInChallengeRow>(
    'SELECT * FROM sign_in_challenges WHERE token_hash = $1 AND expires_at > $2',
    [tokenHash, now],
  );
  return res.rows[0];
}

export async function setSignInWebauthnChallenge(db: Queryable, tokenHash: string, challenge: string) {
  await db.query('UPDATE sign_in_challenges SET webauthn_challenge = $2 WHERE token_hash = $1', [
    tokenHash,
    challenge,
  ]);
}

/** Counts a wrong attempt against a pending sign-in; returns the failures so far. */
export async function failSignInChallenge(db: Queryable, tokenHash: string): Promise<number> {
  const res = await db.query<{ failures: number }>(
    'UPDATE sign_in_challenges SET failures = failures + 1 WHERE token_hash = $1 RETURNING failures',
    [tokenHash],
  );
  return res.rows[0]?.failures ?? Number.MAX_SAFE_INTEGER;
}

/** Ends a pending sign-in; false when another request ended it first. */
export async function deleteSignInChallenge(db: Queryable, tokenHash: string): Promise<boolean> {
  const res = await db.query('DELETE FROM sign_in_challenges WHERE token_hash = $1', [tokenHash]);
  return res.rowCount > 0;
}

export async function putWebauthnChallenge(
  db: Queryable,
  c: { userId: number; purpose: 'register' | 'prove'; challenge: string; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO webauthn_challenges (user_id, purpose, challenge, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, purpose) DO UPDATE SET challenge = EXCLUDED.challenge, expires_at = EXCLUDED.expires_at`,
    [c.userId, c.purpose, c.challenge, c.expiresAt],
  );
}

/** Takes (deletes and returns) a live WebAuthn challenge: each can be answered once. */
export async function takeWebauthnChallenge(
  db: Queryable,
  userId: number,
  purpose: 'register' | 'prove',
  now: Date,
): Promise<string | undefined> {
  const res = await db.query<{ challenge: string; expires_at: Date }>(
    'DELETE FROM webauthn_challenges WHERE user_id = $1 AND purpose = $2 RETURNING challenge, expires_at',
    [userId, purpose],
  );
  const row = res.rows[0];
  return row && row.expires_at > now ? row.challenge : undefined;
}

export async function recordFailure(db: Queryable, userId: number, now: Date): Promise<void> {
  await db.query('INSERT INTO second_factor_failures (user_id, at) VALUES ($1, $2)', [userId, now]);
}

export async function countFailuresSince(db: Queryable, userId: number, since: Date): Promise<number> {
  const res = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM second_factor_failures WHERE user_id = $1 AND at > $2',
    [userId, since],
  );
  return res.rows[0]?.n ?? 0;
}

export async function markSessionSecondFactor(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('UPDATE sessions SET second_factor = true WHERE token_hash = $1', [tokenHash]);
}
