import type { Queryable } from '../../infra/db/index.js';
import { orphanCameraBlobs } from '../clips/clips.repository.js';

/**
 * Removes everything an account owns except what others rely on, in the caller's transaction: vault keys,
 * cameras with their clips and unfinished uploads (ciphertext queued in orphan_blobs), hubs, inbox matches,
 * reactions, second factors, sessions and mail links. The user row stays so posts and comments keep an author,
 * with no email, name, password or home left in it.
 */
export async function deleteAccountData(
  tx: Queryable,
  userId: number,
  unusablePasswordHash: string,
  now: Date,
): Promise<{ cameras: number; clips: number }> {
  const cameras = await tx.query<{ id: number }>('SELECT id FROM cameras WHERE owner_id = $1', [userId]);
  let clips = 0;
  for (const c of cameras.rows) clips += await orphanCameraBlobs(tx, c.id);
  for (const sql of [
    'DELETE FROM request_matches WHERE owner_id = $1',
    'DELETE FROM clips WHERE owner_id = $1',
    'DELETE FROM uploads WHERE owner_id = $1',
    'DELETE FROM cameras WHERE owner_id = $1',
    'DELETE FROM devices WHERE owner_id = $1',
    'DELETE FROM device_pairing_codes WHERE owner_id = $1',
    'DELETE FROM vault_retired_keys WHERE user_id = $1',
    'DELETE FROM vault_keys WHERE user_id = $1',
    'DELETE FROM reactions WHERE user_id = $1',
    'DELETE FROM totp_factors WHERE user_id = $1',
    'DELETE FROM passkeys WHERE user_id = $1',
    'DELETE FROM recovery_codes WHERE user_id = $1',
    'DELETE FROM sessions WHERE user_id = $1',
    'DELETE FROM account_tokens WHERE user_id = $1',
  ]) {
    await tx.query(sql, [userId]);
  }
  await tx.query(
    `UPDATE users SET email = 'deleted-' || id || '@deleted.invalid', display_name = 'Deleted account',
       password_hash = $2, home_lat = NULL, home_lng = NULL, home_cell = NULL, email_verified_at = NULL,
       deleted_at = $3
     WHERE id = $1`,
    [userId, unusablePasswordHash, now],
  );
  return { cameras: cameras.rowCount, clips };
}
