import type { Queryable } from '../../infra/db/index.js';

/**
 * Mutes and blocks share one table (migration 25): a block is a mute row with `blocked` set. A mute hides the
 * muted person from the muter; a block hides each from the other and stops the blocked person interacting with
 * the blocker's posts.
 */
export interface MuteRow {
  muted_id: number;
  display_name: string;
  created_at: Date;
}

/** Mutes `mutedId` for `userId`; muting twice changes nothing, and muting someone you blocked keeps the block. */
export async function insertMute(db: Queryable, userId: number, mutedId: number): Promise<void> {
  await db.query('INSERT INTO mutes (user_id, muted_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    userId,
    mutedId,
  ]);
}

/** Unmutes; a block is not undone by unmuting (only by unblocking). */
export async function deleteMute(db: Queryable, userId: number, mutedId: number): Promise<void> {
  await db.query('DELETE FROM mutes WHERE user_id = $1 AND muted_id = $2 AND NOT blocked', [userId, mutedId]);
}

/** People `userId` muted (and did not block), most recent first. */
export async function mutesOf(db: Queryable, userId: number): Promise<MuteRow[]> {
  const res = await db.query<MuteRow>(
    `SELECT m.muted_id, u.display_name, m.created_at FROM mutes m JOIN users u ON u.id = m.muted_id
     WHERE m.user_id = $1 AND NOT m.blocked ORDER BY m.created_at DESC`,
    [userId],
  );
  return res.rows;
}

/** Blocks `blockedId` for `userId` (a mute becomes a block); blocking twice changes nothing. */
export async function insertBlock(db: Queryable, userId: number, blockedId: number): Promise<void> {
  await db.query(
    `INSERT INTO mutes (user_id, muted_id, blocked) VALUES ($1, $2, true)
     ON CONFLICT (user_id, muted_id) DO UPDATE SET blocked = true, created_at = now() WHERE NOT mutes.blocked`,
    [userId, blockedId],
  );
}

/** Unblocks: the row goes (a mute from before the block goes with it). */
export async function deleteBlock(db: Queryable, userId: number, blockedId: number): Promise<void> {
  await db.query('DELETE FROM mutes WHERE user_id = $1 AND muted_id = $2 AND blocked', [userId, blockedId]);
}

/** People `userId` blocked, most recent first. */
export async function blocksOf(db: Queryable, userId: number): Promise<MuteRow[]> {
  const res = await db.query<MuteRow>(
    `SELECT m.muted_id, u.display_name, m.created_at FROM mutes m JOIN users u ON u.id = m.muted_id
     WHERE m.user_id = $1 AND m.blocked ORDER BY m.created_at DESC`,
    [userId],
  );
  return res.rows;
}

/** Whether a block stands between two accounts, and which way: `viewerId` blocked `otherId`, or the reverse. */
export async function blockBetween(
  db: Queryable,
  viewerId: number,
  otherId: number,
): Promise<'by_viewer' | 'by_other' | null> {
  if (viewerId === otherId) return null;
  const res = await db.query<{ user_id: number }>(
    `SELECT user_id FROM mutes
     WHERE blocked AND ((user_id = $1 AND muted_id = $2) OR (user_id = $2 AND muted_id = $1))`,
    [viewerId, otherId],
  );
  if (res.rows.length === 0) return null;
  return res.rows.some((r) => r.user_id === viewerId) ? 'by_viewer' : 'by_other';
}

/**
 * Which of `userIds` must not see `authorId`'s posts and comments: those who muted or blocked the author, and
 * those the author blocked. Live fan-out leaves them out.
 */
export async function mutersAmong(
  db: Queryable,
  authorId: number,
  userIds: readonly number[],
): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const res = await db.query<{ user_id: number }>(
    `SELECT user_id FROM mutes WHERE muted_id = $1 AND user_id = ANY($2::bigint[])
     UNION SELECT muted_id FROM mutes WHERE user_id = $1 AND blocked AND muted_id = ANY($2::bigint[])`,
    [authorId, userIds],
  );
  return new Set(res.rows.map((r) => r.user_id));
}
