import type { Queryable } from '../../infra/db/index.js';

export interface MuteRow {
  muted_id: number;
  display_name: string;
  created_at: Date;
}

/** Mutes `mutedId` for `userId`; muting twice changes nothing. */
export async function insertMute(db: Queryable, userId: number, mutedId: number): Promise<void> {
  await db.query('INSERT INTO mutes (user_id, muted_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    userId,
    mutedId,
  ]);
}

export async function deleteMute(db: Queryable, userId: number, mutedId: number): Promise<void> {
  await db.query('DELETE FROM mutes WHERE user_id = $1 AND muted_id = $2', [userId, mutedId]);
}

export async function mutesOf(db: Queryable, userId: number): Promise<MuteRow[]> {
  const res = await db.query<MuteRow>(
    `SELECT m.muted_id, u.display_name, m.created_at FROM mutes m JOIN users u ON u.id = m.muted_id
     WHERE m.user_id = $1 ORDER BY m.created_at DESC`,
    [userId],
  );
  return res.rows;
}

/** Which of `userIds` muted `authorId`: live fan-out leaves them out. */
export async function mutersAmong(
  db: Queryable,
  authorId: number,
  userIds: readonly number[],
): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const res = await db.query<{ user_id: number }>(
    'SELECT user_id FROM mutes WHERE muted_id = $1 AND user_id = ANY($2::bigint[])',
    [authorId, userIds],
  );
  return new Set(res.rows.map((r) => r.user_id));
}
