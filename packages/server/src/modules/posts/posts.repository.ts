import { invalid } from '../../errors.js';
import type { ReactionKind, ReportRule } from '@porchlight/policy';
import { displayCellsWithin, type CellsWithin } from '../../geo/cells.js';
import type { Queryable } from '../../infra/db/index.js';
import type { Role } from '../../policies.js';
import { newPublicId } from '../../public-ids.js';
import type { FeedWindow } from './feed-window.js';
import { POST_MEDIA_COLUMN, type PostMediaJson } from '../media/media.presenter.js';
import type { Category, PersonDescription } from './composer.js';

export type { ReactionKind };

export interface PostRow {
  id: number;
  /** The id the API shows (po_…); `id` never leaves the server. */
  public_id: string;
  author_id: number;
  category: Category;
  title: string;
  body: string;
  cell: string;
  cell_lat: number;
  cell_lng: number;
  area_cell: string;
  person: PersonDescription | null;
  status: 'visible' | 'hidden';
  comment_count: number;
  created_at: Date;
  edited_at: Date | null;
  resolved_at: Date | null;
  author_name: string;
  author_role: Role;
  /** Kept on the post by a trigger (migration 37); a kind nobody chose is absent or 0. */
  reactions: Partial<Record<ReactionKind, number>>;
  my_reaction: ReactionKind | null;
  /** Whether a moderator ever hid or restored it: only then is there a notice to read for it. */
  moderated: boolean;
  media: PostMediaJson[] | null;
}

/** Columns of a post as presented, for one viewer (`$1` is the viewer's id). */
export const POST_COLUMNS = `
  p.id, p.public_id, p.author_id, p.category, p.title, p.body, p.cell, p.cell_lat, p.cell_lng, p.area_cell, p.person,
  p.status, p.comment_count, p.created_at, p.edited_at, p.resolved_at, u.display_name AS author_name, u.role AS author_role,
  p.reaction_counts AS reactions, (SELECT kind FROM reactions WHERE post_id = p.id AND user_id = $1) AS my_reaction,
  p.moderated,
  ${POST_MEDIA_COLUMN}`;

export async function insertPost(
  db: Queryable,
  p: {
    authorId: number;
    category: Category;
    title: string;
    body: string;
    cell: string;
    lat: number;
    lng: number;
    areaCell: string;
    person: PersonDescription | undefined;
  },
): Promise<{ id: number; publicId: string }> {
  const publicId = newPublicId('po');
  const res = await db.query<{ id: number }>(
    `INSERT INTO posts (author_id, category, title, body, cell, cell_lat, cell_lng, area_cell, person, public_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      p.authorId,
      p.category,
      p.title,
      p.body,
      p.cell,
      p.lat,
      p.lng,
      p.areaCell,
      p.person ? JSON.stringify(p.person) : null,
      publicId,
    ],
  );
  return { id: res.rows[0]!.id, publicId };
}

/** A post by its public id (po_…), presented for `viewerId`. */
export async function findPost(
  db: Queryable,
  viewerId: number,
  postId: string,
): Promise<PostRow | undefined> {
  const res = await db.query<PostRow>(
    `SELECT ${POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id WHERE p.public_id = $2`,
    [viewerId, postId],
  );
  return res.rows[0];
}

export interface FeedQuery {
  viewerId: number;
  areaCells: readonly string[];
  home: { lat: number; lng: number };
  radiusM: number;
  beforeId: number | undefined;
  limit: number;
  category: Category | undefined;
  /** Only posts created at or after this time. */
  since?: Date | undefined;
  /** Only posts whose title or body contains these words (as typed, any case). */
  text?: string | undefined;
  /** Only posts shown in this display cell. */
  cell?: string | undefined;
}

/** A LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally. */
const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Posts the viewer may see in the feed: visible, in the candidate cells, cell centre within the radius. */
const FEED_MATCH = `
  q.area_cell = ANY($1::text[]) AND q.status = 'visible'
  AND ($2::bigint IS NULL OR q.id < $2)
  AND ($6::text IS NULL OR q.category = $6)
  AND ($8::timestamptz IS NULL OR q.created_at >= $8)
  AND ($9::text IS NULL OR q.title ILIKE $9 OR q.body ILIKE $9)
  AND ($11::text IS NULL OR q.cell = $11)
  AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE (mu.user_id = $10 AND mu.muted_id = q.author_id)
                  OR (mu.user_id = q.author_id AND mu.muted_id = $10 AND mu.blocked))
  AND 12742017.6 * asin(least(1, sqrt(
        power(sin(radians(q.cell_lat - $3) / 2), 2)
      + cos(radians($3)) * cos(radians(q.cell_lat)) * power(sin(radians(q.cell_lng - $4) / 2), 2)))) <= $5`;

/** POST_COLUMNS with the viewer as the feed query's parameter $10 (POST_COLUMNS names it $1). */
const FEED_POST_COLUMNS = POST_COLUMNS.replace('user_id = $1)', 'user_id = $10)');

/** How many of the newest posts the first plan reads before falling back to per-cell scans. */
const RECENT_WINDOW = 4000;

/**
 * One page of the feed, newest first: visible posts in the given area cells whose display-cell centre lies
 * within `radiusM` of the viewer's home. Distances use the cell centre, so results reveal nothing finer.
 *
 * Two plans, each with bounded cost (bench/feed-query.ts, bench/feed-http.ts). First, the newest few thousand
 * posts anywhere are filtered: where posts are dense that fills a page cheaply, in one statement. If it
 * doesn't, a second statement merges one index range scan per place within the radius, each stopping after a
 * page of matches: per area cell wholly within it, and per display cell elsewhere (`displayCellsWithin`), so
 * no scan reads posts outside the radius — scanning the area cells that the circle only clips read every
 * post in them (tens of thousands of rows at 1,000,000 posts) when few matched. Cost is bounded by places ×
 * page size, where a plain newest-first scan would read back through every newer post in the city to fill a
 * quiet neighbourhood's page. Any match outside the window is older than every post in it, so a full page
 * from the window is exact.
 */
export async function feedPage(db: Queryable, q: FeedQuery, window?: FeedWindow): Promise<PostRow[]> {
  const fromWindow = window === undefined ? undefined : await pageFromWindow(db, window, q);
  if (fromWindow) return fromWindow;
  const params = [
    q.areaCells,
    q.beforeId ?? null,
    q.home.lat,
    q.home.lng,
    q.radiusM,
    q.category ?? null,
    q.limit,
    q.since ?? null,
    q.text === undefined ? null : containsPattern(q.text),
    q.viewerId,
    q.cell ?? null,
  ];
  const recent = await db.query<PostRow>(
    `WITH recent AS MATERIALIZED (
       SELECT q.id FROM (
         SELECT id, author_id, area_cell, cell, status, category, cell_lat, cell_lng, created_at, title, body
         FROM posts
         WHERE ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT ${RECENT_WINDOW}
       ) q WHERE ${FEED_MATCH} ORDER BY q.id DESC LIMIT $7
     )
     SELECT ${FEED_POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
     WHERE p.id IN (SELECT id FROM recent) ORDER BY p.id DESC`,
    params,
  );
  if (recent.rows.length >= q.limit) return recent.rows;
  const within: CellsWithin =
    q.cell === undefined ? displayCellsWithin(q.home, q.radiusM) : { whole: [], partial: [q.cell] };
  const res = await db.query<PostRow>(
    `WITH by_place AS MATERIALIZED (
       SELECT c.id FROM unnest($12::text[]) AS a(area)
       CROSS JOIN LATERAL (
         SELECT q.id FROM posts q WHERE q.area_cell = a.area AND ${FEED_MATCH} ORDER BY q.id DESC LIMIT $7
       ) c
       UNION ALL
       SELECT c.id FROM unnest($13::text[]) AS d(cell)
       CROSS JOIN LATERAL (
         SELECT q.id FROM posts q WHERE q.cell = d.cell AND ${FEED_MATCH} ORDER BY q.id DESC LIMIT $7
       ) c
       ORDER BY id DESC LIMIT $7
     )
     SELECT ${FEED_POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
     WHERE p.id IN (SELECT id FROM by_place) ORDER BY p.id DESC`,
    [...params, within.whole, within.partial],
  );
  return res.rows;
}

/** Candidates beyond the page's size, for posts the page statement drops (muted authors, deleted posts). */
const WINDOW_SLACK = 8;

/**
 * A page whose candidates come from the process's window of recent posts (`FeedWindow`): one statement reads
 * the page's rows by id, checking visibility and mutes again, and the latest change sequence value. If changes
 * newer than the window exist it catches up and asks again, so a page is never staler than its statement.
 * `undefined` — use the database plans — when the window cannot answer exactly.
 */
async function pageFromWindow(
  db: Queryable,
  window: FeedWindow,
  q: FeedQuery,
): Promise<PostRow[] | undefined> {
  await window.ready(db);
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = window.candidates(q, q.limit + WINDOW_SLACK);
    if (!found) return undefined;
    if (found.ids.length < q.limit && !(found.all && window.complete)) return undefined;
    // One row with nulls but the sequence value when no candidate is left (LEFT JOIN).
    type WindowPageRow = { max_seq: number | null } & (PostRow | { id: null });
    const res = await db.query<WindowPageRow>(
      `SELECT s.max_seq, r.* FROM (SELECT max(feed_seq) AS max_seq FROM posts) s
       LEFT JOIN LATERAL (
         SELECT ${POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
         WHERE p.id = ANY($2::bigint[]) AND p.status = 'visible'
           AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE (mu.user_id = $1 AND mu.muted_id = p.author_id)
                           OR (mu.user_id = p.author_id AND mu.muted_id = $1 AND mu.blocked))
         ORDER BY p.id DESC LIMIT $3
       ) r ON true
       ORDER BY r.id DESC`,
      [q.viewerId, found.ids, q.limit],
      // Planning this statement took longer than running it (bench/results/feed-http.md).
      { prepareAs: 'feed_window_page' },
    );
    if ((res.rows[0]?.max_seq ?? 0) !== window.seq) {
      await window.catchUp(db);
      continue;
    }
    const rows = res.rows
      .filter((r): r is WindowPageRow & PostRow => r.id !== null)
      .map(({ max_seq: _, ...row }) => row);
    return rows.length >= q.limit || (found.all && window.complete) ? rows : undefined;
  }
  return undefined;
}

/** Posts by id, newest first, presented for `viewerId`. */
export async function postsByIds(
  db: Queryable,
  viewerId: number,
  ids: readonly number[],
): Promise<PostRow[]> {
  if (ids.length === 0) return [];
  const res = await db.query<PostRow>(
    `SELECT ${POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
     WHERE p.id = ANY($2::bigint[]) ORDER BY p.id DESC`,
    [viewerId, ids],
  );
  return res.rows;
}

/**
 * Each listed user's reaction to one post. Lets live fan-out read a post once without a viewer and then
 * present it to many viewers, instead of one `findPost` per viewer.
 */
export async function reactionsOf(
  db: Queryable,
  postId: number,
  userIds: readonly number[],
): Promise<Map<number, ReactionKind>> {
  if (userIds.length === 0) return new Map();
  const res = await db.query<{ user_id: number; kind: ReactionKind }>(
    'SELECT user_id, kind FROM reactions WHERE post_id = $1 AND user_id = ANY($2::bigint[])',
    [postId, userIds],
  );
  return new Map(res.rows.map((r) => [r.user_id, r.kind]));
}

export async function postsByAuthor(
  db: Queryable,
  q: { authorId: number; beforeId: number | undefined; limit: number },
): Promise<PostRow[]> {
  const res = await db.query<PostRow>(
    `SELECT ${POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
     WHERE p.author_id = $1 AND ($2::bigint IS NULL OR p.id < $2)
     ORDER BY p.id DESC LIMIT $3`,
    [q.authorId, q.beforeId ?? null, q.limit],
  );
  return res.rows;
}

export interface CommentRow {
  id: number;
  public_id: string;
  post_id: number;
  post_public_id: string;
  author_id: number;
  author_name: string;
  author_role: Role;
  body: string;
  created_at: Date;
  edited_at: Date | null;
}

export async function insertComment(
  db: Queryable,
  c: { postId: number; authorId: number; body: string },
): Promise<CommentRow> {
  const res = await db.query<CommentRow>(
    `WITH c AS (INSERT INTO comments (post_id, author_id, body, public_id) VALUES ($1, $2, $3, $4) RETURNING *),
          bump AS (UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1)
     SELECT c.*, p.public_id AS post_public_id, u.display_name AS author_name, u.role AS author_role
     FROM c JOIN users u ON u.id = c.author_id JOIN posts p ON p.id = c.post_id`,
    [c.postId, c.authorId, c.body, newPublicId('co')],
  );
  return res.rows[0]!;
}

/** A comment by its public id (co_…). */
export async function findComment(db: Queryable, id: string): Promise<CommentRow | undefined> {
  const res = await db.query<CommentRow>(
    `SELECT c.*, p.public_id AS post_public_id, u.display_name AS author_name, u.role AS author_role
     FROM comments c JOIN users u ON u.id = c.author_id JOIN posts p ON p.id = c.post_id WHERE c.public_id = $1`,
    [id],
  );
  return res.rows[0];
}

/** Comments oldest first, so a thread reads top to bottom. */
export async function commentsPage(
  db: Queryable,
  q: { postId: number; viewerId: number; afterId: number | undefined; limit: number },
): Promise<CommentRow[]> {
  const res = await db.query<CommentRow>(
    `SELECT c.*, p.public_id AS post_public_id, u.display_name AS author_name, u.role AS author_role
     FROM comments c JOIN users u ON u.id = c.author_id JOIN posts p ON p.id = c.post_id
     WHERE c.post_id = $1 AND ($2::bigint IS NULL OR c.id > $2)
       AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE (mu.user_id = $4 AND mu.muted_id = c.author_id)
                       OR (mu.user_id = c.author_id AND mu.muted_id = $4 AND mu.blocked))
     ORDER BY c.id LIMIT $3`,
    [q.postId, q.afterId ?? null, q.limit, q.viewerId],
  );
  return res.rows;
}

export async function upsertReaction(
  db: Queryable,
  postId: number,
  userId: number,
  kind: ReactionKind,
): Promise<void> {
  await db.query(
    `INSERT INTO reactions (post_id, user_id, kind) VALUES ($1, $2, $3)
     ON CONFLICT (post_id, user_id) DO UPDATE SET kind = EXCLUDED.kind, created_at = now()`,
    [postId, userId, kind],
  );
}

export async function deleteReaction(db: Queryable, postId: number, userId: number): Promise<boolean> {
  const res = await db.query('DELETE FROM reactions WHERE post_id = $1 AND user_id = $2', [postId, userId]);
  return res.rowCount > 0;
}

/** Inserts a report; returns false when this user already reported the post. */
export async function insertReport(
  db: Queryable,
  r: { postId: number; reporterId: number; rule: ReportRule; reason: string },
): Promise<number | undefined> {
  const res = await db.query<{ id: number }>(
    `INSERT INTO reports (post_id, reporter_id, rule, reason) VALUES ($1, $2, $3, $4)
     ON CONFLICT (post_id, reporter_id) DO NOTHING RETURNING id`,
    [r.postId, r.reporterId, r.rule, r.reason],
  );
  return res.rows[0]?.id;
}

export interface ModerationNoticeRow {
  post_id: number;
  action: 'hide' | 'restore';
  reason: string;
  decided_at: Date;
  appeal_status: 'pending' | 'upheld' | 'overturned' | null;
  appeal_statement: string | null;
  appeal_reason: string | null;
  appeal_created_at: Date | null;
  appeal_decided_at: Date | null;
}

/** The latest moderation decision on each given post, with the post's appeal if any. */
export async function moderationNotices(
  db: Queryable,
  postIds: number[],
): Promise<Map<number, ModerationNoticeRow>> {
  if (postIds.length === 0) return new Map();
  const res = await db.query<ModerationNoticeRow>(
    `SELECT DISTINCT ON (d.post_id) d.post_id, d.action, d.reason, d.created_at AS decided_at,
            a.status AS appeal_status, a.statement AS appeal_statement, a.decision_reason AS appeal_reason,
            a.created_at AS appeal_created_at, a.decided_at AS appeal_decided_at
     FROM moderation_decisions d
     -- The appeal belongs to the hide it contested, or to the restore that answered it; a later hide starts
     -- a fresh notice rather than showing the old appeal's outcome under it.
     LEFT JOIN appeals a ON a.post_id = d.post_id AND (a.decision_id = d.id OR (d.action = 'restore' AND d.id > a.decision_id))
     WHERE d.post_id = ANY($1::bigint[]) AND d.action <> 'dismiss'
     ORDER BY d.post_id, d.id DESC`,
    [postIds],
  );
  return new Map(res.rows.map((r) => [r.post_id, r]));
}

/** The row id behind a post's or comment's public id: where a page that ended on it left off. */
export async function rowIdOf(
  db: Queryable,
  table: 'posts' | 'comments',
  publicId: string | undefined,
): Promise<number | undefined> {
  if (publicId === undefined) return undefined;
  const res = await db.query<{ id: number }>(`SELECT id FROM ${table} WHERE public_id = $1`, [publicId]);
  if (!res.rows[0]) throw invalid('/querystring/cursor', 'is not a cursor this server issued');
  return res.rows[0].id;
}

/** Deletes a post with its comments, reactions, reports, moderation decisions, appeal and notifications. */
export async function deletePost(tx: Queryable, id: number): Promise<void> {
  await tx.query('DELETE FROM posts WHERE id = $1', [id]);
}

/** Deletes a comment and counts it off its post. */
export async function deleteComment(tx: Queryable, c: { id: number; postId: number }): Promise<void> {
  await tx.query('DELETE FROM comments WHERE id = $1', [c.id]);
  await tx.query('UPDATE posts SET comment_count = greatest(comment_count - 1, 0) WHERE id = $1', [c.postId]);
}

/** What an author may change in a post; `undefined` leaves a field as it is. */
export interface PostContent {
  category: Category;
  title: string;
  body: string;
  person: PersonDescription | null;
}

/**
 * Replaces a post's content, keeping the version it replaces in `post_revisions` (same transaction), and
 * stamps `edited_at`. The caller has checked that the content really changed.
 */
export async function editPost(tx: Queryable, id: number, next: PostContent): Promise<void> {
  await tx.query(
    `INSERT INTO post_revisions (post_id, category, title, body, person)
     SELECT id, category, title, body, person FROM posts WHERE id = $1`,
    [id],
  );
  await tx.query(
    `UPDATE posts SET category = $2, title = $3, body = $4, person = $5, edited_at = now() WHERE id = $1`,
    [id, next.category, next.title, next.body, next.person ? JSON.stringify(next.person) : null],
  );
}

/** Marks a post resolved (now) or open again. */
export async function setResolved(tx: Queryable, id: number, resolved: boolean): Promise<void> {
  await tx.query('UPDATE posts SET resolved_at = CASE WHEN $2 THEN now() END WHERE id = $1', [id, resolved]);
}

export interface PostRevisionRow extends PostContent {
  replaced_at: Date;
}

/** A post's replaced versions, oldest first. */
export async function postRevisions(db: Queryable, postId: number): Promise<PostRevisionRow[]> {
  const res = await db.query<PostRevisionRow>(
    `SELECT category, title, body, person, replaced_at FROM post_revisions WHERE post_id = $1 ORDER BY id`,
    [postId],
  );
  return res.rows;
}

/** Replaces a comment's body, keeping the replaced one in `comment_revisions`, and stamps `edited_at`. */
export async function editComment(tx: Queryable, id: number, body: string): Promise<void> {
  await tx.query(
    'INSERT INTO comment_revisions (comment_id, body) SELECT id, body FROM comments WHERE id = $1',
    [id],
  );
  await tx.query('UPDATE comments SET body = $2, edited_at = now() WHERE id = $1', [id, body]);
}

/** A comment's replaced bodies, oldest first. */
export async function commentRevisions(
  db: Queryable,
  commentId: number,
): Promise<{ body: string; replaced_at: Date }[]> {
  const res = await db.query<{ body: string; replaced_at: Date }>(
    'SELECT body, replaced_at FROM comment_revisions WHERE comment_id = $1 ORDER BY id',
    [commentId],
  );
  return res.rows;
}
