import type { AgencyKeyRow, RecipientHistoryRow } from './agency-keys.repository.js';

/** The member's own key: the recipient and the identity, wrapped (the server cannot unwrap it). */
export function presentAgencyKey(row: AgencyKeyRow, agencyId: number) {
  return {
    agencyId,
    recipient: row.recipient,
    wrappedIdentity: row.wrapped_identity ?? '',
    recoveryWrappedIdentity: row.recovery_wrapped_identity ?? '',
    createdAt: row.created_at.toISOString(),
  };
}

const index = (v: string | null): number | null => (v === null ? null : Number(v));

/** One entry of an agency's public recipient history. Never the member it belongs to. */
export function presentRecipient(row: RecipientHistoryRow) {
  return {
    recipient: row.recipient,
    addedLogIndex: index(row.added_log_index),
    removedLogIndex: index(row.removed_log_index),
    current: !row.removed,
  };
}
