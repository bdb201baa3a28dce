import type { Queryable } from '../../infra/db/index.js';
import { newPublicId } from '../../public-ids.js';

export interface DeviceRow {
  id: number;
  /** The device's id outside the server (dv_…); `id` never leaves it. */
  public_id: string;
  owner_id: number;
  name: string;
  created_at: Date;
  last_seen_at: Date | null;
  revoked_at: Date | null;
  /** The vault key generation the hub was paired under (null: paired before generations existed). */
  key_generation: number | null;
}

const columns = 'id, public_id, owner_id, name, created_at, last_seen_at, revoked_at, key_generation';
const deviceColumns = columns
  .split(', ')
  .map((c) => `d.${c}`)
  .join(', ');

export async function insertPairingCode(
  db: Queryable,
  c: { codeHash: string; ownerId: number; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO device_pairing_codes (code_hash, owner_id, expires_at) VALUES ($1, $2, $3)', [
    c.codeHash,
    c.ownerId,
    c.expiresAt,
  ]);
}

/** Uses up a pairing code: returns its owner when it was valid, unused and unexpired; it can't be used again. */
export async function consumePairingCode(
  db: Queryable,
  codeHash: string,
  now: Date,
): Promise<number | undefined> {
  const res = await db.query<{ owner_id: number }>(
    `UPDATE device_pairing_codes SET used_at = $2
     WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING owner_id`,
    [codeHash, now],
  );
  return res.rows[0]?.owner_id;
}

export async function insertDevice(
  db: Queryable,
  d: { ownerId: number; name: string; tokenHash: string },
): Promise<DeviceRow> {
  const res = await db.query<DeviceRow>(
    `INSERT INTO devices (owner_id, name, token_hash, key_generation, public_id)
     VALUES ($1, $2, $3, (SELECT generation FROM vault_keys WHERE user_id = $1), $4) RETURNING ${columns}`,
    [d.ownerId, d.name, d.tokenHash, newPublicId('dv')],
  );
  return res.rows[0]!;
}

/** The owner's devices, each with whether it was paired under the vault's current key generation. */
export async function devicesOf(
  db: Queryable,
  ownerId: number,
): Promise<(DeviceRow & { key_current: boolean })[]> {
  const res = await db.query<DeviceRow & { key_current: boolean }>(
    `SELECT ${deviceColumns}, coalesce(d.key_generation = k.generation, false) AS key_current
     FROM devices d LEFT JOIN vault_keys k ON k.user_id = d.owner_id
     WHERE d.owner_id = $1 ORDER BY d.id`,
    [ownerId],
  );
  return res.rows;
}

/** Revokes the owner's device (by public id); undefined when it is not theirs. Revoking twice is harmless. */
export async function revokeDevice(
  db: Queryable,
  ownerId: number,
  publicId: string,
  now: Date,
): Promise<DeviceRow | undefined> {
  const res = await db.query<DeviceRow>(
    `UPDATE devices SET revoked_at = coalesce(revoked_at, $3) WHERE public_id = $1 AND owner_id = $2
     RETURNING ${columns}`,
    [publicId, ownerId, now],
  );
  return res.rows[0];
}

/** The device a token belongs to, revoked or not, marking it seen. */
export async function touchDeviceByToken(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<DeviceRow | undefined> {
  const res = await db.query<DeviceRow>(
    `UPDATE devices SET last_seen_at = CASE WHEN revoked_at IS NULL THEN $2 ELSE last_seen_at END
     WHERE token_hash = $1 RETURNING ${columns}`,
    [tokenHash, now],
  );
  return res.rows[0];
}
