import type { RetiredKeyRow, VaultKeysRow } from './vault.repository.js';

/** The owner's keys as the API shows them to the owner, with their retired identities (still sealed). */
export function presentVaultKeys(row: VaultKeysRow, retired: RetiredKeyRow[] = []) {
  return {
    recipient: row.recipient,
    wrappedIdentity: row.wrapped_identity,
    recoveryWrappedIdentity: row.recovery_wrapped_identity,
    createdAt: row.created_at.toISOString(),
    generation: row.generation,
    retiredKeys: retired.map((r) => ({
      generation: r.generation,
      recipient: r.recipient,
      sealedIdentity: r.sealed_identity,
      retiredAt: r.retired_at.toISOString(),
    })),
  };
}
