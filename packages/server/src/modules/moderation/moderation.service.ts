import type { Deps } from '../../deps.js';
import { AppError, forbidden, invalid, notFound } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import type { LiveMessage } from '../../infra/live/bus.js';
import { authorize, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { presentPost } from '../posts/posts.presenter.js';
import { findPost, moderationNotices } from '../posts/posts.repository.js';
import { presentAppeal, presentHistoryItem, presentQueueItem } from './moderation.presenter.js';
import * as repo from './moderation.repository.js';
import type { DecisionAction } from './moderation.schema.js';

/** Reasons shown per queue entry; `reportCount` still counts them all. */
const REASONS_PER_POST = 50;
const PENDING_APPEALS_LIMIT = 100;

const canModerate = (v: Viewer): boolean => v.role === 'moderator' || v.role === 'admin';
const conflict = (detail: string): AppError => new AppError('conflict', detail);

/** Trimmed text that still has `min` characters, so "   " or " a " does not pass as a stated reason. */
function statedText(value: string, field: string, min: number): string {
  const text = value.trim();
  if (text.length < min) throw invalid(field, `must have at least ${min} characters besides spaces`);
  return text;
}

/**
 * Moderation: moderators hide or restore posts with a stated reason the author sees; the author may appeal a
 * hide once; a moderator other than the one who decided (and other than the author) decides the appeal.
 * Every change writes its outbox event in the same transaction, and carries the reason and post id but no
 * location, because the transparency log publishes it.
 */
export class ModerationService {
  constructor(private readonly deps: Deps) {}

  /** Reported posts awaiting a decision, oldest open report first, so no report waits behind newer ones. */
  async queue(viewer: Viewer | null, q: { cursor?: string | undefined; limit?: number | undefined }) {
    const v = authorize(viewer, 'moderation.queue');
    const limit = q.limit ?? 20;
    const entries = await repo.queuePage(this.deps.db, {
      viewerId: v.id,
      afterReportId: decodeCursor(q.cursor),
      limit: limit + 1,
      reasonsPerPost: REASONS_PER_POST,
    });
    const shown = entries.slice(0, limit);
    const ids = shown.map((e) => e.post_id);
    const rows = new Map((await repo.findPosts(this.deps.db, v.id, ids)).map((r) => [r.id, r]));
    const notices = await moderationNotices(this.deps.db, ids);
    const items = shown.flatMap((e) => {
      const post = rows.get(e.post_id);
      return post ? [presentQueueItem(e, post, v, notices.get(e.post_id))] : [];
    });
    const last = shown.at(-1);
    return { items, nextCursor: entries.length > limit && last ? encodeCursor(last.first_report_id) : null };
  }

  /**
   * Hides or restores a post, or dismisses its open reports and leaves it visible. Hiding resolves its open
   * reports too; a post with a pending appeal waits for it.
   */
  async decide(viewer: Viewer | null, publicId: string, input: { action: DecisionAction; reason: string }) {
    const v = authorize(viewer, 'moderation.decide');
    const reason = statedText(input.reason, '/body/reason', 3);
    const post = await this.deps.db.transaction(async (tx) => {
      const post = await repo.lockPost(tx, { publicId });
      if (!post) throw notFound('post');
      const postId = post.id;
      if (post.author_id === v.id)
        throw forbidden('you cannot moderate your own post; another moderator must decide');
      if (input.action === 'hide') {
        if (post.status === 'hidden') throw conflict('this post is already hidden');
        await repo.setPostStatus(tx, postId, 'hidden');
        const reportsResolved = await repo.resolveReports(tx, postId);
        const decisionId = await repo.insertDecision(tx, {
          postId,
          moderatorId: v.id,
          action: 'hide',
          reason,
        });
        await insertEvent(tx, {
          type: 'moderation.hidden',
          actorId: v.id,
          subjectType: 'post',
          subjectId: publicId,
          data: { postId: publicId, decisionId, reason, reportsResolved },
        });
      } else if (input.action === 'dismiss') {
        if (post.status !== 'visible')
          throw conflict('this post is hidden; restore it or leave it hidden instead of dismissing reports');
        const reportsResolved = await repo.resolveReports(tx, postId);
        if (reportsResolved === 0) throw conflict('this post has no open reports to dismiss');
        const decisionId = await repo.insertDecision(tx, {
          postId,
          moderatorId: v.id,
          action: 'dismiss',
          reason,
        });
        await insertEvent(tx, {
          type: 'moderation.dismissed',
          actorId: v.id,
          subjectType: 'post',
          subjectId: publicId,
          data: { postId: publicId, decisionId, reason, reportsResolved },
        });
      } else {
        if (post.status === 'visible')
          throw conflict('this post is not hidden, so there is nothing to restore');
        // Restoring under a pending appeal would let the moderator who hid the post settle the appeal
        // themselves, or leave the author's one appeal stranded; the appeal decides instead.
        const appeal = await repo.findAppealForPost(tx, postId);
        if (appeal?.status === 'pending')
          throw conflict('this post has a pending appeal; decide the appeal instead of restoring directly');
        await repo.setPostStatus(tx, postId, 'visible');
        const decisionId = await repo.insertDecision(tx, {
          postId,
          moderatorId: v.id,
          action: 'restore',
          reason,
        });
        await insertEvent(tx, {
          type: 'moderation.restored',
          actorId: v.id,
          subjectType: 'post',
          subjectId: publicId,
          data: { postId: publicId, decisionId, reason },
        });
      }
      return post;
    });
    // Dismissing changes nothing anyone's feed shows; only the queue, which is read on demand.
    if (input.action !== 'dismiss')
      await this.publish(input.action === 'hide' ? 'post.hidden' : 'post.restored', post);
    return this.present(v, publicId);
  }

  /** The author contests the hide now in force on their post. Once per post, ever. */
  async appeal(viewer: Viewer | null, publicId: string, statement: string) {
    const v = authorize(viewer, 'appeal.file');
    const text = statedText(statement, '/body/statement', 10);
    await this.deps.db.transaction(async (tx) => {
      const post = await repo.lockPost(tx, { publicId });
      // A hidden post does not exist for anyone but its author and moderators (as in GET /api/posts/:id).
      if (!post || (post.author_id !== v.id && post.status === 'hidden' && !canModerate(v)))
        throw notFound('post');
      const postId = post.id;
      if (post.author_id !== v.id) throw forbidden('only the author of a post can appeal its moderation');
      if (await repo.findAppealForPost(tx, postId)) throw new AppError('appeal_exists');
      const decision = await repo.latestDecision(tx, postId);
      if (post.status !== 'hidden' || decision?.action !== 'hide')
        throw conflict('this post is not hidden, so there is no decision to appeal');
      const appealId = await repo.insertAppeal(tx, {
        postId,
        decisionId: decision.id,
        authorId: v.id,
        statement: text,
      });
      if (appealId === undefined) throw new AppError('appeal_exists');
      await insertEvent(tx, {
        type: 'appeal.filed',
        actorId: v.id,
        subjectType: 'appeal',
        subjectId: appealId,
        // The statement stays out: it is the author's own words, not an accountability fact.
        data: { postId: publicId, decisionId: decision.id },
      });
    });
    return this.present(v, publicId);
  }

  /** Pending appeals the viewer may decide: never one on their own decision or their own post. */
  async pendingAppeals(viewer: Viewer | null) {
    const v = authorize(viewer, 'appeal.decide');
    const appeals = await repo.pendingAppeals(this.deps.db, v.id, PENDING_APPEALS_LIMIT);
    const ids = appeals.map((a) => a.post_id);
    const rows = new Map((await repo.findPosts(this.deps.db, v.id, ids)).map((r) => [r.id, r]));
    const notices = await moderationNotices(this.deps.db, ids);
    const items = appeals.flatMap((a) => {
      const post = rows.get(a.post_id);
      return post ? [presentAppeal(a, presentPost(post, v, notices.get(a.post_id)))] : [];
    });
    return { items };
  }

  /**
   * Decides an appeal. Only a moderator who neither made the appealed decision nor filed the appeal may;
   * of two deciding at once, exactly one succeeds. Overturning restores the post with a new decision.
   */
  async decideAppeal(
    viewer: Viewer | null,
    appealId: number,
    input: { outcome: 'upheld' | 'overturned'; reason: string },
  ) {
    const v = authorize(viewer, 'appeal.decide');
    const reason = statedText(input.reason, '/body/reason', 3);
    // Who decided and who appealed never change after filing, so these checks need no lock.
    const appeal = await repo.findAppeal(this.deps.db, appealId);
    if (!appeal) throw notFound('appeal');
    if (appeal.decision_moderator_id === v.id)
      throw forbidden('you made the decision under appeal; a different moderator must decide the appeal');
    if (appeal.author_id === v.id) throw forbidden('you filed this appeal; another moderator must decide it');

    const post = await this.deps.db.transaction(async (tx) => {
      const post = await repo.lockPost(tx, { id: appeal.post_id });
      if (!post) throw notFound('post');
      const decided = await repo.decideAppeal(tx, {
        appealId,
        outcome: input.outcome,
        moderatorId: v.id,
        reason,
      });
      if (!decided) throw conflict('this appeal has already been decided');
      let restoreDecisionId: number | null = null;
      if (input.outcome === 'overturned') {
        // Cannot normally happen (a direct restore waits for pending appeals); refuse rather than record
        // a restore of a post that is not hidden.
        if (post.status !== 'hidden') throw conflict('this post is no longer hidden');
        await repo.setPostStatus(tx, post.id, 'visible');
        restoreDecisionId = await repo.insertDecision(tx, {
          postId: post.id,
          moderatorId: v.id,
          action: 'restore',
          reason,
        });
      }
      await insertEvent(tx, {
        type: 'appeal.decided',
        actorId: v.id,
        subjectType: 'appeal',
        subjectId: appealId,
        data: { postId: post.public_id, outcome: input.outcome, reason, restoreDecisionId },
      });
      return post;
    });
    if (input.outcome === 'overturned') await this.publish('post.restored', post);
    return this.present(v, post.public_id);
  }

  /** Everything that happened to a post in moderation, for moderators: reports (never who), decisions, appeal, edits. */
  async history(viewer: Viewer | null, publicId: string) {
    const v = authorize(viewer, 'moderation.queue');
    const row = await findPost(this.deps.db, v.id, publicId);
    if (!row) throw notFound('post');
    const rows = await repo.postHistory(this.deps.db, row.id);
    return { items: rows.map(presentHistoryItem) };
  }

  private async present(v: Viewer, publicId: string) {
    const row = await findPost(this.deps.db, v.id, publicId);
    if (!row) throw notFound('post');
    const notices = await moderationNotices(this.deps.db, [row.id]);
    return presentPost(row, v, notices.get(row.id));
  }

  /** Live delivery is best effort after commit: a lost push is recovered by the next feed read. */
  private async publish(kind: 'post.hidden' | 'post.restored', post: repo.LockedPost): Promise<void> {
    const message: LiveMessage = {
      kind,
      postId: post.public_id,
      areaCell: post.area_cell,
      lat: post.cell_lat,
      lng: post.cell_lng,
    };
    try {
      await this.deps.live.publish(message);
    } catch {
      // The change is committed; subscribers catch up on reconnect.
    }
  }
}
