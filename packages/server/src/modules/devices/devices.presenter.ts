import type { DeviceRow } from './devices.repository.js';

/**
 * A device as its owner sees it. `keyCurrent` is false for a hub paired under an older key generation: after
 * a key rotation it refuses to encrypt (it pinned the old key) until it is paired again.
 */
export function presentDevice(row: DeviceRow & { key_current?: boolean }) {
  return {
    id: row.public_id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    // A freshly paired device is paired under the current key by construction.
    keyCurrent: row.key_current ?? row.key_generation !== null,
  };
}
