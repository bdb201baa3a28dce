import type { VaultKeysRow } from './vault.repository.js';

export function presentVaultKeys(row: VaultKeysRow) {
  return {
    recipient: row.recipient,
    wrappedIdentity: row.wrapped_identity,
    recoveryWrappedIdentity: row.recovery_wrapped_identity,
    createdAt: row.created_at.toISOString(),
  };
}
