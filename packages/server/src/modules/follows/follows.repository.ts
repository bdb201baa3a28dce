import type { Queryable } from '../../infra/db/index.js';

/** Follows the post with this public id; following again changes nothing. */
export async function follow(q: Queryable, userId: number, postPublicId: string): Promise<void> {
  await q.query(
    `INSERT INTO post_follows (user_id, post_id) SELECT $1, p.id FROM posts p WHERE p.public_id = $2
     ON CONFLICT DO NOTHING`,
    [userId, postPublicId],
  );
}

export async function unfollow(q: Queryable, userId: number, postPublicId: string): Promise<void> {
  await q.query(
    'DELETE FROM post_follows WHERE user_id = $1 AND post_id = (SELECT id FROM posts WHERE public_id = $2)',
    [userId, postPublicId],
  );
}

export async function isFollowing(q: Queryable, userId: number, postPublicId: string): Promise<boolean> {
  const res = await q.query(
    `SELECT 1 FROM post_follows f JOIN posts p ON p.id = f.post_id WHERE f.user_id = $1 AND p.public_id = $2`,
    [userId, postPublicId],
  );
  return res.rowCount > 0;
}
