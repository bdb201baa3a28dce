import type { Queryable } from '../../infra/db/index.js';

export interface AgencyKeyRow {
  id: number;
  agency_id: number;
  user_id: number | null;
  recipient: string;
  wrapped_identity: string | null;
  recovery_wrapped_identity: string | null;
  added_event_id: number;
  removed_event_id: number | null;
  created_at: Date;
  removed_at: Date | null;
}

/** A key in an agency's recipient history, with the log indices of the entries that added and removed it. */
export interface RecipientHistoryRow {
  recipient: string;
  added_log_index: string | null;
  removed_log_index: string | null;
  removed: boolean;
}

/** The member's current key, locked for the rest of `tx` so two replacements apply one after the other. */
export async function lockCurrentKey(tx: Queryable, userId: number): Promise<AgencyKeyRow | undefined> {
  const res = await tx.query<AgencyKeyRow>(
    'SELECT * FROM agency_keys WHERE user_id = $1 AND removed_at IS NULL FOR UPDATE',
    [userId],
  );
  return res.rows[0];
}

export async function findCurrentKey(q: Queryable, userId: number): Promise<AgencyKeyRow | undefined> {
  const res = await q.query<AgencyKeyRow>(
    'SELECT * FROM agency_keys WHERE user_id = $1 AND removed_at IS NULL',
    [userId],
  );
  return res.rows[0];
}

/** Whether `recipient` is in any agency's current set (another member's, or another agency's). */
export async function recipientInUse(q: Queryable, recipient: string): Promise<boolean> {
  const res = await q.query('SELECT 1 FROM agency_keys WHERE recipient = $1 AND removed_at IS NULL', [
    recipient,
  ]);
  return res.rowCount > 0;
}

export async function insertKey(
  tx: Queryable,
  k: {
    agencyId: number;
    userId: number;
    recipient: string;
    wrappedIdentity: string;
    recoveryWrappedIdentity: string;
    addedEventId: number;
    now: Date;
  },
): Promise<AgencyKeyRow> {
  const res = await tx.query<AgencyKeyRow>(
    `INSERT INTO agency_keys (agency_id, user_id, recipient, wrapped_identity, recovery_wrapped_identity,
                              added_event_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [k.agencyId, k.userId, k.recipient, k.wrappedIdentity, k.recoveryWrappedIdentity, k.addedEventId, k.now],
  );
  return res.rows[0]!;
}

/** Replaces the wrapped copies of a current key (a passphrase change); the recipient stays. */
export async function rewrapKey(
  tx: Queryable,
  id: number,
  wrappedIdentity: string,
  recoveryWrappedIdentity: string,
): Promise<AgencyKeyRow> {
  const res = await tx.query<AgencyKeyRow>(
    `UPDATE agency_keys SET wrapped_identity = $2, recovery_wrapped_identity = $3 WHERE id = $1 RETURNING *`,
    [id, wrappedIdentity, recoveryWrappedIdentity],
  );
  return res.rows[0]!;
}

/** Takes a key out of its agency's set. The wrapped copies go: a removed key must not be recoverable here. */
export async function removeKey(tx: Queryable, id: number, removedEventId: number, now: Date): Promise<void> {
  await tx.query(
    `UPDATE agency_keys SET removed_at = $3, removed_event_id = $2, wrapped_identity = NULL,
                            recovery_wrapped_identity = NULL
     WHERE id = $1 AND removed_at IS NULL`,
    [id, removedEventId, now],
  );
}

/** The agency's current recipients, sorted: the set a disclosure must be encrypted to. */
export async function currentRecipients(q: Queryable, agencyId: number): Promise<string[]> {
  const res = await q.query<{ recipient: string }>(
    'SELECT recipient FROM agency_keys WHERE agency_id = $1 AND removed_at IS NULL ORDER BY recipient',
    [agencyId],
  );
  return res.rows.map((r) => r.recipient);
}

/**
 * Every key the agency ever had, oldest first, with the log index of each add and removal (null until the
 * sequencer has published the event).
 */
export async function recipientHistory(q: Queryable, agencyId: number): Promise<RecipientHistoryRow[]> {
  const res = await q.query<RecipientHistoryRow>(
    `SELECT k.recipient, a.index::text AS added_log_index, r.index::text AS removed_log_index,
            k.removed_at IS NOT NULL AS removed
     FROM agency_keys k
     LEFT JOIN log_entries a ON a.event_id = k.added_event_id
     LEFT JOIN log_entries r ON r.event_id = k.removed_event_id
     WHERE k.agency_id = $1
     ORDER BY k.added_event_id, k.id`,
    [agencyId],
  );
  return res.rows;
}

export async function agencyExists(q: Queryable, agencyId: number): Promise<boolean> {
  const res = await q.query('SELECT 1 FROM agencies WHERE id = $1', [agencyId]);
  return res.rowCount > 0;
}
