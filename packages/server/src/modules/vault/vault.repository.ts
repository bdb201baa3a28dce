import type { Queryable } from '../../infra/db/index.js';

export interface VaultKeysRow {
  user_id: number;
  recipient: string;
  wrapped_identity: string;
  recovery_wrapped_identity: string;
  /** 1 at setup, +1 at every rotation. */
  generation: number;
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

export interface RetiredKeyRow {
  user_id: number;
  generation: number;
  recipient: string;
  sealed_identity: string;
  retired_at: Date;
}

/** The owner's retired identities, oldest first, each sealed to their current recipient. */
export async function retiredKeysOf(db: Queryable, userId: number): Promise<RetiredKeyRow[]> {
  const res = await db.query<RetiredKeyRow>(
    'SELECT * FROM vault_retired_keys WHERE user_id = $1 ORDER BY generation',
    [userId],
  );
  return res.rows;
}

/** The owner's keys, locked until the transaction ends so two rotations cannot interleave. */
export async function lockVaultKeys(db: Queryable, userId: number): Promise<VaultKeysRow | undefined> {
  const res = await db.query<VaultKeysRow>('SELECT * FROM vault_keys WHERE user_id = $1 FOR UPDATE', [
    userId,
  ]);
  return res.rows[0];
}

/**
 * Makes a new identity current: the next generation, its recipient and wrapped copies; every retired identity
 * is replaced by its copy sealed to the new recipient (`retired` includes the identity retired now).
 */
export async function rotateVaultKeys(
  db: Queryable,
  k: {
    userId: number;
    generation: number;
    recipient: string;
    wrappedIdentity: string;
    recoveryWrappedIdentity: string;
    retired: { generation: number; recipient: string; sealedIdentity: string; retiredAt: Date | null }[];
  },
): Promise<VaultKeysRow> {
  const res = await db.query<VaultKeysRow>(
    `UPDATE vault_keys SET generation = $2, recipient = $3, wrapped_identity = $4,
       recovery_wrapped_identity = $5, updated_at = now()
     WHERE user_id = $1 RETURNING *`,
    [k.userId, k.generation, k.recipient, k.wrappedIdentity, k.recoveryWrappedIdentity],
  );
  await db.query('DELETE FROM vault_retired_keys WHERE user_id = $1', [k.userId]);
  for (const r of k.retired) {
    await db.query(
      `INSERT INTO vault_retired_keys (user_id, generation, recipient, sealed_identity, retired_at)
       VALUES ($1, $2, $3, $4, coalesce($5, now()))`,
      [k.userId, r.generation, r.recipient, r.sealedIdentity, r.retiredAt],
    );
  }
  return res.rows[0]!;
}
