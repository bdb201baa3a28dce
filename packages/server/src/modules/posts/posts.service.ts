import type { ReportRule } from '@porchlight/policy';
import type { Deps } from '../../deps.js';
import { AppError, forbidden, invalid, notFound } from '../../errors.js';
import { cellToParent, getResolution, isValidCell } from 'h3-js';
import { AREA_RESOLUTION, areaCellsCovering, DISPLAY_RESOLUTION, snap } from '../../geo/cells.js';
import { authorize, type Viewer } from '../../policies.js';
import { publicIdCursor, publicIdPage } from '../../public-ids.js';
import { enqueueJob } from '../../infra/jobs/index.js';
import { insertEvent } from '../events/events.repository.js';
import { attachPostMedia, MEDIA_PURGE_JOB } from '../media/media.service.js';
import { blockBetween } from '../mutes/mutes.repository.js';
import { deleteReplyNotification } from '../notifications/notifications.repository.js';
import { assertNotSuspended } from '../suspensions/suspensions.service.js';
import { viewerHome } from '../users/users.presenter.js';
import { findUserById } from '../users/users.repository.js';
import { checkComment, checkComposition, type Category, type PersonDescription } from './composer.js';
import { presentComment, presentPost, presentPostRevision } from './posts.presenter.js';
import { mayReadPost } from './posts.readability.js';
import { FeedWindow } from './feed-window.js';
import * as posts from './posts.repository.js';

const canModerate = (v: Viewer): boolean => v.role === 'moderator' || v.role === 'admin';

export class PostsService {
  /** This process's recent posts, from which feed pages pick their candidates. */
  readonly #window = new FeedWindow();

  constructor(private readonly deps: Deps) {}

  /** The viewer's feed: visible posts within their radius, newest first. */
  async feed(
    viewer: Viewer | null,
    q: {
      cursor?: string | undefined;
      limit?: number | undefined;
      category?: Category | undefined;
      since?: string | undefined;
      within?: number | undefined;
      q?: string | undefined;
      cell?: string | undefined;
    },
  ) {
    const v = authorize(viewer, 'feed.read');
    if (q.cell !== undefined && !(isValidCell(q.cell) && getResolution(q.cell) === DISPLAY_RESOLUTION)) {
      throw invalid('/querystring/cell', 'is not a resolution-9 map cell');
    }
    const place = v.home !== undefined ? v.home : viewerHome(await findUserById(this.deps.db, v.id));
    if (!place) throw new AppError('home_required');
    const home = { lat: place.lat, lng: place.lng };
    const limit = q.limit ?? 20;
    // A distance filter narrows the feed; it never widens it past the radius the viewer chose.
    const radiusM = Math.min(place.radiusM, q.within ?? place.radiusM);
    const since = q.since === undefined ? undefined : new Date(q.since);
    if (since && Number.isNaN(since.getTime())) throw invalid('/querystring/since', 'is not a date and time');
    const text = q.q?.trim();
    // One cell lies in one area cell; the radius check below still applies to it.
    const areaCells = areaCellsCovering(home, radiusM);
    const cellArea = q.cell === undefined ? null : cellToParent(q.cell, AREA_RESOLUTION);
    const rows = await posts.feedPage(
      this.deps.db,
      {
        viewerId: v.id,
        areaCells: cellArea === null ? areaCells : areaCells.filter((c) => c === cellArea),
        home,
        radiusM,
        beforeId: await posts.rowIdOf(this.deps.db, 'posts', publicIdCursor('po', q.cursor)),
        limit: limit + 1,
        category: q.category,
        since,
        text: text || undefined,
        cell: q.cell,
      },
      this.#window,
    );
    return this.presentPage(rows, limit, v);
  }

  /** The viewer's own posts, including hidden ones with the moderator's reason. */
  async mine(viewer: Viewer | null, q: { cursor?: string | undefined; limit?: number | undefined }) {
    const v = authorize(viewer, 'post.read');
    const limit = q.limit ?? 20;
    const rows = await posts.postsByAuthor(this.deps.db, {
      authorId: v.id,
      beforeId: await posts.rowIdOf(this.deps.db, 'posts', publicIdCursor('po', q.cursor)),
      limit: limit + 1,
    });
    return this.presentPage(rows, limit, v);
  }

  async create(
    viewer: Viewer | null,
    input: {
      category: Category;
      title: string;
      body: string;
      location?: { lat: number; lng: number } | undefined;
      person?: PersonDescription | undefined;
      media?: string[] | undefined;
    },
  ) {
    const v = authorize(viewer, 'post.create');
    await assertNotSuspended(this.deps, v.id);
    // Lengths are checked on what is stored: surrounding spaces don't count.
    if (input.title.trim().length < 3)
      throw invalid('/body/title', 'must have at least 3 characters besides spaces');
    const problem = checkComposition(input);
    if (problem) throw new AppError('profiling_risk', problem.explanation, problem.errors);

    let point = input.location;
    if (!point) {
      const user = await findUserById(this.deps.db, v.id);
      if (user?.home_lat == null || user.home_lng == null)
        throw new AppError('home_required', 'set your home or give a location');
      point = { lat: user.home_lat, lng: user.home_lng };
    }
    // Only the snapped cell is stored; the exact point is dropped here.
    const where = snap(point);
    const id = await this.deps.db.transaction(async (tx) => {
      const post = await posts.insertPost(tx, {
        authorId: v.id,
        category: input.category,
        title: input.title.trim(),
        body: input.body.trim(),
        cell: where.cell,
        lat: where.lat,
        lng: where.lng,
        areaCell: where.areaCell,
        person: input.person,
      });
      await attachPostMedia(tx, v.id, post.id, input.media ?? []);
      await insertEvent(tx, {
        type: 'post.created',
        actorId: v.id,
        subjectType: 'post',
        subjectId: post.publicId,
        data: { category: input.category, cell: where.cell },
      });
      return post.publicId;
    });
    await this.publish({
      kind: 'post.created',
      postId: id,
      areaCell: where.areaCell,
      lat: where.lat,
      lng: where.lng,
    });
    return this.get(v, id);
  }

  /**
   * The author deletes their post: it goes, with its comments, reactions, reports and any moderation and appeal
   * on it, and leaves every open feed at once. Moderators hide posts instead; nobody else may delete one. Log
   * entries already published about it (a moderation decision) stay, as every published entry does.
   */
  async delete(viewer: Viewer | null, postId: string): Promise<void> {
    const v = authorize(viewer, 'post.delete');
    const row = await this.readable(v, postId);
    if (row.author_id !== v.id)
      throw forbidden('only its author can delete a post; moderators hide posts instead');
    await this.deps.db.transaction(async (tx) => {
      await posts.deletePost(tx, row.id);
      // Its photos and videos went with it (their blobs queued as orphans): remove those blobs now.
      await enqueueJob(tx, { kind: MEDIA_PURGE_JOB, runAt: this.deps.clock.now(), key: 'post.deleted' });
    });
    await this.publish({
      kind: 'post.deleted',
      postId: row.public_id,
      areaCell: row.area_cell,
      lat: row.cell_lat,
      lng: row.cell_lng,
    });
  }

  /**
   * The author edits their post or marks it resolved. An edit keeps the version it replaces, for moderators
   * (and the author) to read, and must pass the composer's rules again: an edit cannot slip in what the
   * composer would have refused. Moderators hide posts; they do not edit them.
   */
  async edit(
    viewer: Viewer | null,
    postId: string,
    input: {
      category?: Category | undefined;
      title?: string | undefined;
      body?: string | undefined;
      person?: PersonDescription | null | undefined;
      resolved?: boolean | undefined;
    },
  ) {
    const v = authorize(viewer, 'post.edit');
    await assertNotSuspended(this.deps, v.id);
    const row = await this.readable(v, postId);
    if (row.author_id !== v.id) throw forbidden('only its author can edit a post');
    const next: posts.PostContent = {
      category: input.category ?? row.category,
      title: (input.title ?? row.title).trim(),
      body: (input.body ?? row.body).trim(),
      person: input.person === undefined ? row.person : input.person,
    };
    if (next.title.length < 3) throw invalid('/body/title', 'must have at least 3 characters besides spaces');
    const fields = (['category', 'title', 'body', 'person'] as const).filter((f) =>
      f === 'person' ? !samePerson(next.person, row.person) : next[f] !== row[f],
    );
    if (fields.length > 0) {
      const problem = checkComposition({ ...next, person: next.person ?? undefined });
      if (problem) throw new AppError('profiling_risk', problem.explanation, problem.errors);
    }
    const resolve =
      input.resolved !== undefined && input.resolved !== (row.resolved_at !== null)
        ? input.resolved
        : undefined;
    if (fields.length === 0 && resolve === undefined) return this.get(v, postId);
    await this.deps.db.transaction(async (tx) => {
      if (fields.length > 0) {
        await posts.editPost(tx, row.id, next);
        await insertEvent(tx, {
          type: 'post.edited',
          actorId: v.id,
          subjectType: 'post',
          subjectId: row.public_id,
          data: { fields },
        });
      }
      if (resolve !== undefined) {
        await posts.setResolved(tx, row.id, resolve);
        await insertEvent(tx, {
          type: 'post.resolved',
          actorId: v.id,
          subjectType: 'post',
          subjectId: row.public_id,
          data: { resolved: resolve },
        });
      }
    });
    await this.publish({
      kind: 'post.updated',
      postId: row.public_id,
      areaCell: row.area_cell,
      lat: row.cell_lat,
      lng: row.cell_lng,
    });
    return this.get(v, postId);
  }

  /** A post's earlier versions: for its author and moderators; anyone else who can read it gets a 403. */
  async revisions(viewer: Viewer | null, postId: string) {
    const v = authorize(viewer, 'post.read');
    const row = await this.readable(v, postId);
    if (row.author_id !== v.id && !canModerate(v))
      throw forbidden('the edit history of a post is for its author and moderators');
    return { items: (await posts.postRevisions(this.deps.db, row.id)).map(presentPostRevision) };
  }

  /** The author edits their comment; the replaced text is kept for moderators. */
  async editComment(viewer: Viewer | null, commentId: string, body: string) {
    const v = authorize(viewer, 'comment.edit');
    await assertNotSuspended(this.deps, v.id);
    const { comment, post } = await this.readableComment(v, commentId);
    if (comment.author_id !== v.id) throw forbidden('only its author can edit a comment');
    if (post.status !== 'visible') throw new AppError('conflict', 'this post is hidden by a moderator');
    const problem = checkComment(body);
    if (problem) throw new AppError('profiling_risk', problem.explanation, problem.errors);
    const text = body.trim();
    if (text !== comment.body) {
      await this.deps.db.transaction(async (tx) => {
        await posts.editComment(tx, comment.id, text);
        await insertEvent(tx, {
          type: 'comment.edited',
          actorId: v.id,
          subjectType: 'comment',
          subjectId: comment.public_id,
          data: { postId: post.public_id },
        });
      });
      await this.publish({
        kind: 'comment.updated',
        postId: post.public_id,
        commentId: comment.public_id,
        areaCell: post.area_cell,
        lat: post.cell_lat,
        lng: post.cell_lng,
      });
    }
    const updated = await posts.findComment(this.deps.db, commentId);
    if (!updated) throw notFound('comment');
    return presentComment(updated);
  }

  /** A comment's earlier versions: for its author and moderators. */
  async commentRevisions(viewer: Viewer | null, commentId: string) {
    const v = authorize(viewer, 'post.read');
    const { comment } = await this.readableComment(v, commentId);
    if (comment.author_id !== v.id && !canModerate(v))
      throw forbidden('the edit history of a comment is for its author and moderators');
    const rows = await posts.commentRevisions(this.deps.db, comment.id);
    return { items: rows.map((r) => ({ body: r.body, replacedAt: r.replaced_at.toISOString() })) };
  }

  /** One post. Hidden posts exist only for their author and moderators; for anyone else they are not found. */
  async get(viewer: Viewer | null, postId: string) {
    const v = authorize(viewer, 'post.read');
    const row = await this.readable(v, postId);
    const notices = await posts.moderationNotices(this.deps.db, [row.id]);
    return presentPost(row, v, notices.get(row.id));
  }

  async comments(
    viewer: Viewer | null,
    postId: string,
    q: { cursor?: string | undefined; limit?: number | undefined },
  ) {
    const v = authorize(viewer, 'post.read');
    const post = await this.readable(v, postId);
    const limit = q.limit ?? 50;
    // Comments by people the viewer muted are left out, like their posts in the feed.
    const rows = await posts.commentsPage(this.deps.db, {
      postId: post.id,
      viewerId: v.id,
      afterId: await posts.rowIdOf(this.deps.db, 'comments', publicIdCursor('co', q.cursor)),
      limit: limit + 1,
    });
    return publicIdPage(rows, limit, presentComment);
  }

  async comment(viewer: Viewer | null, postId: string, body: string) {
    const v = authorize(viewer, 'comment.create');
    await assertNotSuspended(this.deps, v.id);
    const post = await this.interactable(v, postId);
    const problem = checkComment(body);
    if (problem) throw new AppError('profiling_risk', problem.explanation, problem.errors);
    const row = await this.deps.db.transaction(async (tx) => {
      const c = await posts.insertComment(tx, { postId: post.id, authorId: v.id, body: body.trim() });
      await insertEvent(tx, {
        type: 'comment.created',
        actorId: v.id,
        subjectType: 'comment',
        subjectId: c.public_id,
        data: { postId: post.public_id },
      });
      return c;
    });
    await this.publish({
      kind: 'comment.created',
      postId: post.public_id,
      commentId: row.public_id,
      areaCell: post.area_cell,
      lat: post.cell_lat,
      lng: post.cell_lng,
    });
    return presentComment(row);
  }

  /** The author deletes their comment; it leaves open threads live. Nobody else may delete it. */
  async deleteComment(viewer: Viewer | null, commentId: string): Promise<void> {
    const v = authorize(viewer, 'comment.delete');
    const { comment: c, post } = await this.readableComment(v, commentId);
    if (c.author_id !== v.id) throw forbidden('only its author can delete a comment');
    await this.deps.db.transaction(async (tx) => {
      await posts.deleteComment(tx, { id: c.id, postId: post.id });
      await deleteReplyNotification(tx, { postId: post.id, commentId: c.public_id });
    });
    await this.publish({
      kind: 'comment.deleted',
      postId: post.public_id,
      commentId: c.public_id,
      areaCell: post.area_cell,
      lat: post.cell_lat,
      lng: post.cell_lng,
    });
  }

  async react(viewer: Viewer | null, postId: string, kind: posts.ReactionKind | null) {
    const v = authorize(viewer, 'reaction.set');
    await assertNotSuspended(this.deps, v.id);
    const post = await this.interactable(v, postId);
    await this.deps.db.transaction(async (tx) => {
      if (kind) {
        await posts.upsertReaction(tx, post.id, v.id, kind);
        await insertEvent(tx, {
          type: 'reaction.set',
          actorId: v.id,
          subjectType: 'post',
          subjectId: post.public_id,
          data: { kind },
        });
      } else if (await posts.deleteReaction(tx, post.id, v.id)) {
        await insertEvent(tx, {
          type: 'reaction.removed',
          actorId: v.id,
          subjectType: 'post',
          subjectId: post.public_id,
        });
      }
    });
    return this.get(v, postId);
  }

  /** A report names the rule the post breaks; "other" needs the reporter's own words. */
  async report(
    viewer: Viewer | null,
    postId: string,
    input: { rule?: ReportRule | undefined; reason?: string | undefined },
  ) {
    const v = authorize(viewer, 'report.create');
    await assertNotSuspended(this.deps, v.id);
    const rule = input.rule ?? 'other';
    const reason = (input.reason ?? '').trim();
    if (rule === 'other' && reason.length < 3)
      throw invalid('/body/reason', 'must have at least 3 characters besides spaces when the rule is other');
    const post = await this.visible(v, postId);
    if (post.author_id === v.id) throw new AppError('forbidden', 'you cannot report your own post');
    await this.deps.db.transaction(async (tx) => {
      const id = await posts.insertReport(tx, { postId: post.id, reporterId: v.id, rule, reason });
      if (id === undefined) throw new AppError('already_reported');
      await insertEvent(tx, {
        type: 'post.reported',
        actorId: v.id,
        subjectType: 'post',
        subjectId: post.public_id,
        data: { reportId: id },
      });
    });
    return { reported: true as const };
  }

  private async presentPage(rows: posts.PostRow[], limit: number, v: Viewer) {
    // Most pages hold no post a moderator ever touched: then no second statement is sent.
    const notices = await posts.moderationNotices(
      this.deps.db,
      rows
        .slice(0, limit)
        .filter((r) => r.moderated)
        .map((r) => r.id),
    );
    return publicIdPage(rows, limit, (r) => presentPost(r, v, notices.get(r.id)));
  }

  /**
   * A post the viewer may read (posts.readability.ts: hidden posts and posts outside the viewer's area exist
   * only for their author and moderators; the author's posts do not exist for someone they blocked). Any other
   * answers exactly like an id that was never issued, so nobody learns they were blocked by trying.
   */
  private async readable(v: Viewer, postId: string): Promise<posts.PostRow> {
    const row = await posts.findPost(this.deps.db, v.id, postId);
    if (!row) throw notFound('post');
    if (canModerate(v) || (await mayReadPost(this.deps.db, v.id, row))) return row;
    throw notFound('post');
  }

  /**
   * A post the viewer may comment on or react to: visible, and no block between them and its author. The one
   * blocked gets the 404 of a post that does not exist (moderators too: they may read it, not engage); the one
   * who blocked gets a 403 that says so, since it tells them only what they did.
   */
  private async interactable(v: Viewer, postId: string): Promise<posts.PostRow> {
    const row = await this.visible(v, postId);
    const block = await blockBetween(this.deps.db, v.id, row.author_id);
    if (block === 'by_other') throw notFound('post');
    if (block === 'by_viewer')
      throw forbidden('you blocked the author of this post; unblock them to comment or react');
    return row;
  }

  /** A comment the viewer may read, with its post: a comment on a post they may not read does not exist. */
  private async readableComment(v: Viewer, commentId: string) {
    const comment = await posts.findComment(this.deps.db, commentId);
    if (!comment) throw notFound('comment');
    const post = await this.readable(v, comment.post_public_id).catch((err: unknown) => {
      throw err instanceof AppError && err.code === 'not_found' ? notFound('comment') : err;
    });
    return { comment, post };
  }

  /** A post others can interact with: visible. Hidden posts take no comments, reactions or reports. */
  private async visible(v: Viewer, postId: string): Promise<posts.PostRow> {
    const row = await this.readable(v, postId);
    if (row.status !== 'visible') throw new AppError('conflict', 'this post is hidden by a moderator');
    return row;
  }

  /** Live delivery is best effort after commit: a lost push is recovered by the next feed read. */
  private async publish(message: Parameters<Deps['live']['publish']>[0]): Promise<void> {
    try {
      await this.deps.live.publish(message);
    } catch {
      // The change is committed; subscribers catch up on reconnect.
    }
  }
}

/** Whether two person descriptions say the same thing (jsonb does not keep key order). */
function samePerson(a: PersonDescription | null, b: PersonDescription | null): boolean {
  const canonical = (p: PersonDescription | null) =>
    p === null
      ? 'null'
      : JSON.stringify(
          Object.entries(p)
            .filter(([, value]) => value !== undefined)
            .sort(([x], [y]) => x.localeCompare(y)),
        );
  return canonical(a) === canonical(b);
}
