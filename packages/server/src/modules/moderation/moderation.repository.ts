import type { ReportRule } from '@porchlight/policy';
import type { DecisionAction } from './moderation.schema.js';
import type { Queryable } from '../../infra/db/index.js';
import { POST_COLUMNS, type PostRow } from '../posts/posts.repository.js';

/** The facts about a post that moderation rules and live fan-out need. Its location is the cell centre only. */
export interface LockedPost {
  id: number;
  public_id: string;
  author_id: number;
  status: 'visible' | 'hidden';
  area_cell: string;
  cell_lat: number;
  cell_lng: number;
}

/**
 * Locks a post row for the rest of the transaction. Every moderation write takes this lock first, so hides,
 * restores, appeals and appeal decisions on one post run one after another, and each sees what the one
 * before it committed (under READ COMMITTED every later statement takes a fresh snapshot).
 */
export async function lockPost(
  tx: Queryable,
  post: { publicId: string } | { id: number },
): Promise<LockedPost | undefined> {
  const [column, value] = 'publicId' in post ? ['public_id', post.publicId] : ['id', post.id];
  const res = await tx.query<LockedPost>(
    `SELECT id, public_id, author_id, status, area_cell, cell_lat, cell_lng FROM posts WHERE ${column} = $1 FOR UPDATE`,
    [value],
  );
  return res.rows[0];
}

export async function setPostStatus(
  tx: Queryable,
  postId: number,
  status: 'visible' | 'hidden',
): Promise<void> {
  await tx.query('UPDATE posts SET status = $2 WHERE id = $1', [postId, status]);
}

/** Marks every open report on a post as handled; returns how many there were. */
export async function resolveReports(tx: Queryable, postId: number): Promise<number> {
  const res = await tx.query(
    'UPDATE reports SET resolved_at = now() WHERE post_id = $1 AND resolved_at IS NULL',
    [postId],
  );
  return res.rowCount;
}

export async function insertDecision(
  tx: Queryable,
  d: { postId: number; moderatorId: number; action: DecisionAction; reason: string },
): Promise<number> {
  const res = await tx.query<{ id: number }>(
    `INSERT INTO moderation_decisions (post_id, moderator_id, action, reason)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [d.postId, d.moderatorId, d.action, d.reason],
  );
  return res.rows[0]!.id;
}

export interface DecisionRow {
  id: number;
  moderator_id: number;
  action: 'hide' | 'restore';
  reason: string;
  created_at: Date;
}

/** The decision currently in force on a post: its most recent one. */
/** The latest hide or restore of the post (dismissed reports leave its standing as it was). */
export async function latestDecision(tx: Queryable, postId: number): Promise<DecisionRow | undefined> {
  const res = await tx.query<DecisionRow>(
    `SELECT id, moderator_id, action, reason, created_at FROM moderation_decisions
     WHERE post_id = $1 AND action <> 'dismiss' ORDER BY id DESC LIMIT 1`,
    [postId],
  );
  return res.rows[0];
}

export interface QueueEntryRow {
  post_id: number;
  /** The oldest open report on the post: the queue's order and cursor key. */
  first_report_id: number;
  report_count: number;
  /** Open reports, oldest first, without reporter identities. */
  reports: { rule: ReportRule; reason: string; created_at: string }[];
}

/**
 * Visible posts with open reports, the post whose oldest open report is oldest first, leaving out the
 * viewer's own posts (they may not decide those). Reporter ids are never selected, so they cannot leak.
 */
export async function queuePage(
  db: Queryable,
  q: { viewerId: number; afterReportId: number | undefined; limit: number; reasonsPerPost: number },
): Promise<QueueEntryRow[]> {
  const res = await db.query<QueueEntryRow>(
    `SELECT r.post_id, min(r.id) AS first_report_id, count(*)::int AS report_count,
            (SELECT jsonb_agg(jsonb_build_object('rule', x.rule, 'reason', x.reason, 'created_at', x.created_at)
                              ORDER BY x.id)
             FROM (SELECT id, rule, reason, created_at FROM reports
                   WHERE post_id = r.post_id AND resolved_at IS NULL ORDER BY id LIMIT $3) x) AS reports
     FROM reports r JOIN posts p ON p.id = r.post_id
     WHERE r.resolved_at IS NULL AND p.status = 'visible' AND p.author_id <> $4
     GROUP BY r.post_id
     HAVING $1::bigint IS NULL OR min(r.id) > $1
     ORDER BY min(r.id) LIMIT $2`,
    [q.afterReportId ?? null, q.limit, q.reasonsPerPost, q.viewerId],
  );
  return res.rows;
}

/** Posts as `viewerId` would see them, in no particular order. */
export async function findPosts(db: Queryable, viewerId: number, postIds: number[]): Promise<PostRow[]> {
  if (postIds.length === 0) return [];
  const res = await db.query<PostRow>(
    `SELECT ${POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ANY($2::bigint[])`,
    [viewerId, postIds],
  );
  return res.rows;
}

export interface AppealRow {
  id: number;
  post_id: number;
  decision_id: number;
  author_id: number;
  statement: string;
  status: 'pending' | 'upheld' | 'overturned';
  created_at: Date;
  /** Who made the decision under appeal; they may not decide the appeal. */
  decision_moderator_id: number;
  decision_reason: string;
  decision_created_at: Date;
}

const APPEAL_COLUMNS = `
  a.id, a.post_id, a.decision_id, a.author_id, a.statement, a.status, a.created_at,
  d.moderator_id AS decision_moderator_id, d.reason AS decision_reason, d.created_at AS decision_created_at`;

/** Files an appeal; returns undefined when the post has been appealed before (one appeal per post, ever). */
export async function insertAppeal(
  tx: Queryable,
  a: { postId: number; decisionId: number; authorId: number; statement: string },
): Promise<number | undefined> {
  const res = await tx.query<{ id: number }>(
    `INSERT INTO appeals (post_id, decision_id, author_id, statement) VALUES ($1, $2, $3, $4)
     ON CONFLICT (post_id) DO NOTHING RETURNING id`,
    [a.postId, a.decisionId, a.authorId, a.statement],
  );
  return res.rows[0]?.id;
}

export async function findAppeal(db: Queryable, appealId: number): Promise<AppealRow | undefined> {
  const res = await db.query<AppealRow>(
    `SELECT ${APPEAL_COLUMNS} FROM appeals a JOIN moderation_decisions d ON d.id = a.decision_id
     WHERE a.id = $1`,
    [appealId],
  );
  return res.rows[0];
}

export async function findAppealForPost(tx: Queryable, postId: number): Promise<AppealRow | undefined> {
  const res = await tx.query<AppealRow>(
    `SELECT ${APPEAL_COLUMNS} FROM appeals a JOIN moderation_decisions d ON d.id = a.decision_id
     WHERE a.post_id = $1`,
    [postId],
  );
  return res.rows[0];
}

/**
 * Pending appeals that `viewerId` may decide, oldest first: not about their own decision, not their own
 * appeal.
 */
export async function pendingAppeals(db: Queryable, viewerId: number, limit: number): Promise<AppealRow[]> {
  const res = await db.query<AppealRow>(
    `SELECT ${APPEAL_COLUMNS} FROM appeals a JOIN moderation_decisions d ON d.id = a.decision_id
     WHERE a.status = 'pending' AND d.moderator_id <> $1 AND a.author_id <> $1
     ORDER BY a.created_at, a.id LIMIT $2`,
    [viewerId, limit],
  );
  return res.rows;
}

/**
 * Records the outcome of a pending appeal. Conditional on the appeal still being pending, so of two
 * moderators deciding at once exactly one gets `true`.
 */
export async function decideAppeal(
  tx: Queryable,
  d: { appealId: number; outcome: 'upheld' | 'overturned'; moderatorId: number; reason: string },
): Promise<boolean> {
  const res = await tx.query(
    `UPDATE appeals SET status = $2, decided_by = $3, decision_reason = $4, decided_at = now()
     WHERE id = $1 AND status = 'pending'`,
    [d.appealId, d.outcome, d.moderatorId, d.reason],
  );
  return res.rowCount > 0;
}

/** One thing that happened to a post in moderation, as the history reads it. Reporter ids are never selected. */
export type HistoryRow =
  | { kind: 'report'; at: Date; rule: ReportRule; reason: string; resolved_at: Date | null }
  | { kind: 'decision'; at: Date; action: DecisionAction; reason: string; moderator: string }
  | {
      kind: 'appeal';
      at: Date;
      statement: string;
      status: 'pending' | 'upheld' | 'overturned';
      decided_at: Date | null;
      decision_reason: string | null;
      decided_by: string | null;
    }
  | { kind: 'edit'; at: Date };

/** A post's reports, decisions, appeal and edits, oldest first. */
export async function postHistory(db: Queryable, postId: number): Promise<HistoryRow[]> {
  const [reports, decisions, appeals, edits] = await Promise.all([
    db.query<HistoryRow>(
      `SELECT 'report' AS kind, created_at AS at, rule, reason, resolved_at FROM reports
       WHERE post_id = $1 ORDER BY id`,
      [postId],
    ),
    db.query<HistoryRow>(
      `SELECT 'decision' AS kind, d.created_at AS at, d.action, d.reason, u.display_name AS moderator
       FROM moderation_decisions d JOIN users u ON u.id = d.moderator_id WHERE d.post_id = $1 ORDER BY d.id`,
      [postId],
    ),
    db.query<HistoryRow>(
      `SELECT 'appeal' AS kind, a.created_at AS at, a.statement, a.status, a.decided_at, a.decision_reason,
              u.display_name AS decided_by
       FROM appeals a LEFT JOIN users u ON u.id = a.decided_by WHERE a.post_id = $1`,
      [postId],
    ),
    db.query<HistoryRow>(
      `SELECT 'edit' AS kind, replaced_at AS at FROM post_revisions WHERE post_id = $1 ORDER BY id`,
      [postId],
    ),
  ]);
  return [...reports.rows, ...decisions.rows, ...appeals.rows, ...edits.rows].sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
}
