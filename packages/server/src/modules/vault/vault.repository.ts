import type { Queryable } from '../../infra/db/index.js';

export interface VaultKeysRow {
  user_id: number;
  recipient: string;
  wrapped_identity: string;
  recovery_wrapped_identity: string;
  created_at: Date;
}

export async function findVaultKeys(db: Queryable, userId: number): Promise<VaultKeysRow | undefined> {
  const res = await db.query<VaultKeysRow>('SELECT * FROM vault_keys WHERE user_id = $1', [userId]);
  return res.rows[0];
}

/** Inserts the owner's keys; returns undefined when they already have keys (never overwritten). */
export async function insertVaultKeys(
  db: Queryable,
  k: { userId: number; recipient: string; wrappedIdentity: string; recoveryWrappedIdentity: string },
): Promise<VaultKeysRow | undefined> {
  const res = await db.query<VaultKeysRow>(
    `INSERT INTO vault_keys (user_id, recipient, wrapped_identity, recovery_wrapped_identity)
     VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING RETURNING *`,
    [k.userId, k.recipient, k.wrappedIdentity, k.recoveryWrappedIdentity],
  );
  return res.rows[0];
}

export async function updateWrappedIdentity(
  db: Queryable,
  userId: number,
  wrappedIdentity: string,
): Promise<VaultKeysRow | undefined> {
  const res = await db.query<VaultKeysRow>(
    `UPDATE vault_keys SET wrapped_identity = $2, updated_at = now() WHERE user_id = $1 RETURNING *`,
    [userId, wrappedIdentity],
  );
  return res.rows[0];
}
