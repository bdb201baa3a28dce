import type { PostCategory } from '@porchlight/policy';
import type { Queryable } from '../../infra/db/index.js';

/**
 * reply: a comment on your post; comment: a comment on a post you follow; update: a post you follow was
 * edited, resolved or reopened; reaction, moderation, appeal: about your own post.
 */
export type NotificationKind = 'reply' | 'reaction' | 'moderation' | 'appeal' | 'comment' | 'update';

/** What a notification says beyond its kind; each kind fills its own fields. */
export interface NotificationData {
  /** reply, comment: the first characters of the comment. */
  excerpt?: string;
  /** reply, comment: the comment's public id, so deleting the comment deletes this too (never shown). */
  comment?: string;
  /** reaction: how many reactions since the item was last read. */
  count?: number;
  /** moderation: what the moderator did. */
  action?: 'hidden' | 'restored';
  /** appeal: how the appeal was decided. */
  outcome?: 'upheld' | 'overturned';
  /** moderation, appeal: the stated reason. */
  reason?: string;
  /** update: what changed. */
  change?: 'edited' | 'resolved' | 'reopened';
}

export interface NotificationRow {
  id: string;
  user_id: number;
  kind: NotificationKind;
  data: NotificationData;
  created_at: Date;
  read_at: Date | null;
  post_public_id: string;
  post_title: string;
  post_status: 'visible' | 'hidden';
  /** Whether the author has appealed the post's moderation (moderation items offer the appeal otherwise). */
  appealed: boolean;
}

/** The post an event names: by public id (`po_…`, events from migration 16 on) or by row id (older events). */
export interface PostRef {
  id: number;
  author_id: number;
  public_id: string;
  title: string;
  category: PostCategory;
  status: 'visible' | 'hidden';
  cell_lat: number;
  cell_lng: number;
  area_cell: string;
  created_at: Date;
}

/**
 * A post's public id. Read through to_jsonb so this module works on a database from before migration 16
 * (public ids), where the row id stands in; the web app links either.
 */
const PUBLIC_ID = `COALESCE(to_jsonb(p) ->> 'public_id', p.id::text)`;

export async function findPostRef(q: Queryable, ref: unknown): Promise<PostRef | undefined> {
  const byRowId = typeof ref === 'number' || (typeof ref === 'string' && /^\d+$/.test(ref));
  if (!byRowId && typeof ref !== 'string') return undefined;
  const res = await q.query<PostRef>(
    `SELECT p.id, p.author_id, ${PUBLIC_ID} AS public_id, p.title, p.category, p.status, p.cell_lat, p.cell_lng,
            p.area_cell, p.created_at
       FROM posts p WHERE ${byRowId ? 'p.id = $1::bigint' : 'p.public_id = $1'}`,
    [String(ref)],
  );
  return res.rows[0];
}

/** The newest comment `authorId` wrote on a post: inside the comment's own transaction, that comment. */
export async function latestCommentBy(
  q: Queryable,
  postId: number,
  authorId: number,
): Promise<string | undefined> {
  const res = await q.query<{ body: string }>(
    'SELECT body FROM comments WHERE post_id = $1 AND author_id = $2 ORDER BY id DESC LIMIT 1',
    [postId, authorId],
  );
  return res.rows[0]?.body;
}

export async function insertNotification(
  q: Queryable,
  n: {
    id: string;
    userId: number;
    kind: NotificationKind;
    postId: number;
    data: NotificationData;
    read: boolean;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO notifications (id, user_id, kind, post_id, data, read_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END)`,
    [n.id, n.userId, n.kind, n.postId, JSON.stringify(n.data), n.read],
  );
}

/**
 * One more reaction to a post: bumps the author's unread reaction item for it, or starts one. Returns the
 * item's id.
 */
export async function upsertReaction(
  q: Queryable,
  n: { id: string; userId: number; postId: number; read: boolean },
): Promise<string> {
  const res = await q.query<{ id: string }>(
    `INSERT INTO notifications (id, user_id, kind, post_id, data, read_at)
     VALUES ($1, $2, 'reaction', $3, '{"count":1}', CASE WHEN $4 THEN now() END)
     ON CONFLICT (user_id, post_id) WHERE kind = 'reaction' AND read_at IS NULL
     DO UPDATE SET data = jsonb_build_object('count', COALESCE((notifications.data->>'count')::int, 1) + 1),
                   created_at = now()
     RETURNING id`,
    [n.id, n.userId, n.postId, n.read],
  );
  return res.rows[0]!.id;
}

const SELECT = `
  SELECT n.id, n.user_id, n.kind, n.data, n.created_at, n.read_at,
         ${PUBLIC_ID} AS post_public_id, p.title AS post_title, p.status AS post_status,
         EXISTS (SELECT 1 FROM appeals a WHERE a.post_id = p.id) AS appealed
    FROM notifications n JOIN posts p ON p.id = n.post_id`;

/** The account's newest notifications. Every query here is by the owner's id: no one reads another's. */
export async function notificationsOf(
  q: Queryable,
  userId: number,
  limit: number,
): Promise<NotificationRow[]> {
  const res = await q.query<NotificationRow>(
    `${SELECT} WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.seq DESC LIMIT $2`,
    [userId, limit],
  );
  return res.rows;
}

export async function findNotification(q: Queryable, id: string): Promise<NotificationRow | undefined> {
  const res = await q.query<NotificationRow>(`${SELECT} WHERE n.id = $1`, [id]);
  return res.rows[0];
}

/** Notifications of one account created after `since` (a digest's contents). */
export async function notificationsSince(
  q: Queryable,
  userId: number,
  since: Date,
): Promise<NotificationRow[]> {
  const res = await q.query<NotificationRow>(
    `${SELECT} WHERE n.user_id = $1 AND n.created_at > $2 ORDER BY n.created_at, n.seq LIMIT 100`,
    [userId, since],
  );
  return res.rows;
}

export async function unreadCount(q: Queryable, userId: number): Promise<number> {
  const res = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
    [userId],
  );
  return res.rows[0]!.n;
}

/** Marks one of the account's notifications read; false when it has no such notification. */
export async function markRead(q: Queryable, userId: number, id: string): Promise<boolean> {
  const res = await q.query(
    `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  return res.rowCount > 0;
}

export async function markAllRead(q: Queryable, userId: number): Promise<number> {
  const res = await q.query(
    'UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL',
    [userId],
  );
  return res.rowCount;
}

/**
 * Visible posts of the given categories created after `since` in a bounding box, for a digest to `readerId`:
 * not their own, nor ones they would not have been alerted to (mutes and blocks).
 */
export async function postsSince(
  q: Queryable,
  p: { since: Date; categories: string[]; readerId: number; box: [number, number, number, number] },
): Promise<PostRef[]> {
  const res = await q.query<PostRef>(
    `SELECT p.id, p.author_id, ${PUBLIC_ID} AS public_id, p.title, p.category, p.status, p.cell_lat, p.cell_lng,
            p.created_at
       FROM posts p
      WHERE p.created_at > $1 AND p.category = ANY ($2) AND p.status = 'visible' AND p.author_id <> $3
        AND p.cell_lat BETWEEN $4 AND $5 AND p.cell_lng BETWEEN $6 AND $7
        -- As for an instant alert (recipientsForPost): not from an author the reader muted or blocked, nor from
        -- one who blocked the reader.
        AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE (mu.user_id = $3 AND mu.muted_id = p.author_id)
                          OR (mu.user_id = p.author_id AND mu.muted_id = $3 AND mu.blocked))
      ORDER BY p.created_at, p.id LIMIT 200`,
    [p.since, p.categories, p.readerId, ...p.box],
  );
  return res.rows;
}

/** How many open footage requests published after `since` reached the owner's cameras (never which). */
export async function requestsSince(q: Queryable, ownerId: number, since: Date): Promise<number> {
  const res = await q.query<{ n: number }>(
    `SELECT count(DISTINCT r.id)::int AS n FROM request_matches m JOIN footage_requests r ON r.id = m.request_id
      WHERE m.owner_id = $1 AND r.status = 'open' AND r.created_at > $2`,
    [ownerId, since],
  );
  return res.rows[0]!.n;
}

/**
 * Takes back the reply (and follower comment) notifications a deleted comment gave. Reply notifications name
 * their comment from this feature on; older ones hold only an excerpt and stay.
 */
export async function deleteReplyNotification(
  q: Queryable,
  r: { postId: number; commentId: string },
): Promise<void> {
  await q.query(
    `DELETE FROM notifications WHERE kind IN ('reply', 'comment') AND post_id = $1 AND data->>'comment' = $2`,
    [r.postId, r.commentId],
  );
}

/**
 * Who may hear of `actorId`'s comment or update on a post: its followers, less the actor, less anyone who
 * muted or blocked the actor and anyone the actor blocked. While the post is hidden only its author may see
 * it, so only the author is told. (The caller also drops followers who may no longer read the post.)
 */
export async function followersToTell(
  q: Queryable,
  post: PostRef,
  actorId: number | null,
): Promise<number[]> {
  const res = await q.query<{ user_id: number }>(
    `SELECT f.user_id FROM post_follows f
      WHERE f.post_id = $1 AND f.user_id <> COALESCE($2::bigint, 0)
        AND ($3 = 'visible' OR f.user_id = $4)
        AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.user_id = f.user_id AND m.muted_id = $2::bigint)
        AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.user_id = $2::bigint AND m.muted_id = f.user_id AND m.blocked)
      ORDER BY f.user_id`,
    [post.id, actorId, post.status, post.author_id],
  );
  return res.rows.map((r) => r.user_id);
}

/**
 * Folds an update into the follower's update item for the post written earlier in this same transaction (an
 * edit that also resolves the post is one change, so one item): `now()` is the transaction's start time, which
 * every row it inserted carries. Returns whether there was such an item.
 */
export async function foldIntoUpdate(
  q: Queryable,
  r: { userId: number; postId: number; change: NonNullable<NotificationData['change']> },
): Promise<boolean> {
  const res = await q.query(
    `UPDATE notifications SET data = jsonb_set(data, '{change}', to_jsonb($3::text))
      WHERE user_id = $1 AND post_id = $2 AND kind = 'update' AND created_at = now()`,
    [r.userId, r.postId, r.change],
  );
  return res.rowCount > 0;
}
