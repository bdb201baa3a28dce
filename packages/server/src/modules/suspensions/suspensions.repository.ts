import type { ReportRule } from '@porchlight/policy';
import type { Queryable } from '../../infra/db/index.js';

export interface SuspensionRow {
  id: number;
  public_id: string;
  user_id: number;
  moderator_id: number | null;
  rule: ReportRule;
  reason: string;
  created_at: Date;
  ends_at: Date | null;
  lifted_at: Date | null;
  lift_reason: string | null;
  appeal_statement: string | null;
  appealed_at: Date | null;
}

export interface SuspensionListRow extends SuspensionRow {
  display_name: string;
}

/** In force at `now`: not lifted, and either open-ended or ending after `now`. */
const IN_FORCE = 'lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2)';

/** The account's suspension in force at `now`, if any. Ended ones need no clean-up: they simply stop matching. */
export async function activeSuspension(
  db: Queryable,
  userId: number,
  now: Date,
): Promise<SuspensionRow | undefined> {
  const res = await db.query<SuspensionRow>(
    `SELECT * FROM suspensions WHERE user_id = $1 AND ${IN_FORCE} ORDER BY created_at DESC LIMIT 1`,
    [userId, now],
  );
  return res.rows[0];
}

/** Locks the account's row, so two moderators suspending it at once serialise and only one succeeds. */
export async function lockUser(tx: Queryable, userId: number): Promise<boolean> {
  const res = await tx.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
  return res.rows.length > 0;
}

export async function insertSuspension(
  tx: Queryable,
  s: {
    publicId: string;
    userId: number;
    moderatorId: number;
    rule: ReportRule;
    reason: string;
    now: Date;
    endsAt: Date | null;
  },
): Promise<SuspensionRow> {
  const res = await tx.query<SuspensionRow>(
    `INSERT INTO suspensions (public_id, user_id, moderator_id, rule, reason, created_at, ends_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [s.publicId, s.userId, s.moderatorId, s.rule, s.reason, s.now, s.endsAt],
  );
  return res.rows[0]!;
}

/** Lifts the suspension if it is still in force at `now`; returns it, or nothing when it was not. */
export async function liftSuspension(
  tx: Queryable,
  s: { publicId: string; moderatorId: number; reason: string; now: Date },
): Promise<SuspensionRow | undefined> {
  const res = await tx.query<SuspensionRow>(
    `UPDATE suspensions SET lifted_at = $2, lifted_by = $3, lift_reason = $4
     WHERE public_id = $1 AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2) RETURNING *`,
    [s.publicId, s.now, s.moderatorId, s.reason],
  );
  return res.rows[0];
}

export async function findSuspension(db: Queryable, publicId: string): Promise<SuspensionRow | undefined> {
  const res = await db.query<SuspensionRow>('SELECT * FROM suspensions WHERE public_id = $1', [publicId]);
  return res.rows[0];
}

/** Suspensions in force at `now`, appealed ones first, then the newest. */
export async function suspensionsInForce(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<SuspensionListRow[]> {
  const res = await db.query<SuspensionListRow>(
    `SELECT s.*, u.display_name FROM suspensions s JOIN users u ON u.id = s.user_id
     WHERE s.lifted_at IS NULL AND (s.ends_at IS NULL OR s.ends_at > $1)
     ORDER BY (s.appeal_statement IS NULL), s.created_at DESC LIMIT $2`,
    [now, limit],
  );
  return res.rows;
}

/** Records the suspended person's appeal, once: false when one was already filed. */
export async function fileAppeal(
  tx: Queryable,
  a: { id: number; statement: string; now: Date },
): Promise<boolean> {
  const res = await tx.query(
    `UPDATE suspensions SET appeal_statement = $2, appealed_at = $3
     WHERE id = $1 AND appeal_statement IS NULL RETURNING id`,
    [a.id, a.statement, a.now],
  );
  return res.rows.length > 0;
}
