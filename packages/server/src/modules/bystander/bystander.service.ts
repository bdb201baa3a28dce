import type { Deps } from '../../deps.js';
import { AppError, forbidden, invalid, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { hashToken, randomToken } from '../auth/auth.service.js';
import { enqueueJob } from '../../infra/jobs/index.js';
import { insertEvent } from '../events/events.repository.js';
import type { MailService } from '../mail/mail.service.js';
import { opaqueId } from '../requests/requests.ids.js';
import { BYSTANDER_ANSWER_MAIL_JOB } from './bystander.job.js';
import { answerMail, confirmMail } from './bystander.mails.js';
import * as repo from './bystander.repository.js';

/** Days an owner has to answer before moderators see the request. */
export const OWNER_ANSWER_DAYS = 7;
const DAY_MS = 86_400_000;
const LIST_LIMIT = 200;
/** How long the mailed confirmation link works; unconfirmed requests (and their addresses) go after this. */
export const CONFIRM_HOURS = 24;
/**
 * How long an answer's mail is retried while the mail server refuses it; after this the address is deleted
 * unsent, so a mail outage never keeps it for longer.
 */
export const ANSWER_MAIL_DAYS = 3;
/** Where the web app confirms a request from the mailed link. */
export const CONFIRM_PATH = '/bystander/confirm';

function present(r: repo.BystanderListRow) {
  return {
    id: r.public_id,
    post: r.post_public_id,
    kind: r.kind,
    startSeconds: r.start_ms / 1000,
    endSeconds: r.end_ms / 1000,
    description: r.description,
    filedAt: r.created_at.toISOString(),
    moderatorsSeeFrom: new Date(
      (r.confirmed_at ?? r.created_at).getTime() + OWNER_ANSWER_DAYS * DAY_MS,
    ).toISOString(),
    answer:
      r.outcome && r.answered_at && r.answered_by
        ? {
            outcome: r.outcome,
            reason: r.reason,
            answeredAt: r.answered_at.toISOString(),
            answeredBy: r.answered_by,
          }
        : null,
  };
}

/**
 * The copy that answers "blurred" must be a video the owner uploaded for it, in no post yet, that went through
 * the redaction step with something done (boxes, a blurred stretch or a trim): the answer is then a fact the
 * server holds, not the owner's word. What the boxes cover is the owner's judgement; the post shows the summary.
 */
function checkReplacement(m: repo.ReplacementVideo | undefined, ownerId: number): void {
  const at = '/body/media';
  if (!m || m.owner_id !== ownerId) throw invalid(at, 'must be a video you uploaded');
  if (m.kind !== 'video') throw invalid(at, 'must be a video, not a photo');
  if (m.post_id !== null) throw invalid(at, 'is already in a post: upload the redacted copy anew');
  if (m.status === 'failed') throw invalid(at, 'could not be converted: upload the redacted copy again');
  const r = m.redaction;
  if (!r) throw invalid(at, 'was uploaded without a redaction summary: redact the video first');
  const boxes = Object.values(r.regions).reduce((a, b) => a + b, 0);
  if (boxes === 0 && r.frameBlurSeconds === 0 && r.trimmed === null)
    throw invalid(at, 'blurs and trims nothing: draw a box over the person, blur the picture, or trim');
}

/**
 * Bystander requests (issue 11, G6): anyone shown in a public video post asks, without an account, to be
 * blurred or removed. The request reaches the post's owner once the requester opens the link mailed to the
 * address they gave (so nobody files in another person's name, and junk does not reach owners); after {@link OWNER_ANSWER_DAYS} days unanswered,
 * moderators see it too (a query-time check, no timer). The requester's email is write-only: no API shape
 * holds it; it is read only to mail the answer (a job enqueued with the answer, retried while the mail server
 * refuses) and deleted in the transaction that marks the mail sent, or unsent after {@link ANSWER_MAIL_DAYS}.
 * Each answer is published to the log as an outcome count, naming no requester, post or owner.
 */
export class BystanderService {
  constructor(
    private readonly deps: Deps,
    private readonly mail: MailService,
  ) {}

  /** Files a request on a visible post with video; any other post id is the same 404 as a post that never was. */
  async file(
    postId: string,
    input: {
      kind: repo.BystanderKind;
      startSeconds: number;
      endSeconds: number;
      description: string;
      email: string;
    },
  ) {
    const description = input.description.trim();
    if (description.length < 3)
      throw invalid('/body/description', 'must have at least 3 characters besides spaces');
    if (input.endSeconds <= input.startSeconds)
      throw invalid('/body/endSeconds', 'must be after startSeconds');
    const post = await repo.findVideoPost(this.deps.db, postId);
    if (!post) throw notFound('video post');
    const lengthS = Math.ceil(post.duration_ms / 1000);
    if (input.startSeconds >= lengthS)
      throw invalid('/body/startSeconds', `must be within the video (it is ${lengthS} s long)`);
    if (input.endSeconds > lengthS)
      throw invalid('/body/endSeconds', `must be within the video (it is ${lengthS} s long)`);
    const now = this.deps.clock.now();
    const token = randomToken();
    const email = input.email.trim();
    await repo.deleteUnconfirmed(this.deps.db, new Date(now.getTime() - CONFIRM_HOURS * 3_600_000));
    await this.deps.db.transaction(async (tx) => {
      const id = await repo.insertRequest(tx, {
        publicId: opaqueId('by'),
        postId: post.id,
        ownerId: post.author_id,
        kind: input.kind,
        startMs: Math.round(input.startSeconds * 1000),
        endMs: Math.round(input.endSeconds * 1000),
        description,
        email,
        tokenHash: hashToken(token),
        now,
      });
      await insertEvent(tx, {
        type: 'bystander.requested',
        actorId: null,
        subjectType: 'bystander_request',
        subjectId: id,
      });
    });
    const link = `${this.deps.config.publicUrl}${CONFIRM_PATH}#token=${token}`;
    this.mail.sendLater(confirmMail(email, link, CONFIRM_HOURS), 'bystander confirmation');
    return {
      received: true as const,
      confirmWithinHours: CONFIRM_HOURS,
      answerWithinDays: OWNER_ANSWER_DAYS,
    };
  }

  /** The requester opened the mailed link: the request now reaches the owner. Works once, within a day. */
  async confirm(token: string) {
    const now = this.deps.clock.now();
    const filedAfter = new Date(now.getTime() - CONFIRM_HOURS * 3_600_000);
    const id = await repo.confirmRequest(this.deps.db, hashToken(token), filedAfter, now);
    if (id === undefined) throw new AppError('link_invalid');
    return { confirmed: true as const, answerWithinDays: OWNER_ANSWER_DAYS };
  }

  /** The viewer's requests on their own posts, unanswered first. */
  async mine(viewer: Viewer | null) {
    const v = authorize(viewer, 'post.read');
    const rows = await repo.requestsOfOwner(this.deps.db, v.id, LIST_LIMIT);
    return { items: rows.map(present) };
  }

  /** Requests left unanswered for {@link OWNER_ANSWER_DAYS} days, oldest first. */
  async overdue(viewer: Viewer | null) {
    authorize(viewer, 'moderation.queue');
    const since = new Date(this.deps.clock.now().getTime() - OWNER_ANSWER_DAYS * DAY_MS);
    const rows = await repo.overdueRequests(this.deps.db, since, LIST_LIMIT);
    return { items: rows.map(present) };
  }

  /** The owner answers a request on their post. */
  answerAsOwner(
    viewer: Viewer | null,
    id: string,
    input: { outcome: repo.BystanderOutcome; reason?: string | undefined; media?: string | undefined },
  ) {
    const v = authorize(viewer, 'post.edit');
    return this.answer(v, 'owner', id, input);
  }

  /** A moderator answers an overdue request: remove the video or decline (only the owner can re-share blurred). */
  answerAsModerator(
    viewer: Viewer | null,
    id: string,
    input: { outcome: repo.BystanderOutcome; reason?: string | undefined; media?: string | undefined },
  ) {
    const v = authorize(viewer, 'moderation.decide');
    if (input.outcome === 'blurred')
      throw invalid('/body/outcome', 'only the owner can re-share a blurred copy; remove or decline');
    return this.answer(v, 'moderator', id, input);
  }

  private async answer(
    v: Viewer,
    by: 'owner' | 'moderator',
    id: string,
    input: { outcome: repo.BystanderOutcome; reason?: string | undefined; media?: string | undefined },
  ) {
    const reason = input.reason?.trim() ?? '';
    if (input.outcome === 'declined' && reason.length < 3)
      throw invalid('/body/reason', 'say why you decline (at least 3 characters); the requester reads it');
    if (input.outcome === 'blurred' && input.media === undefined)
      throw invalid('/body/media', 'is required: the redacted copy that replaces the post’s video');
    if (input.outcome !== 'blurred' && input.media !== undefined)
      throw invalid('/body/media', 'is only for "blurred": a redacted copy replaces the video');
    const now = this.deps.clock.now();
    const row = await this.deps.db.transaction(async (tx) => {
      const found = await repo.lockRequest(tx, id);
      if (!found) throw notFound('bystander request');
      if (by === 'owner' && found.owner_id !== v.id) throw notFound('bystander request');
      if (by === 'moderator') {
        if (found.owner_id === v.id) throw forbidden('answer a request about your own post as its owner');
        if (now.getTime() - found.confirmed_at!.getTime() < OWNER_ANSWER_DAYS * DAY_MS)
          throw forbidden(`moderators answer only after the owner has had ${OWNER_ANSWER_DAYS} days`);
      }
      if (found.outcome) throw new AppError('conflict', 'this request has already been answered');
      if (input.outcome === 'removed') await repo.removePostVideo(tx, found.post_id);
      if (input.outcome === 'blurred') {
        checkReplacement(await repo.lockReplacementVideo(tx, input.media!), v.id);
        await repo.replacePostVideo(tx, found.post_id, input.media!);
      }
      await repo.recordAnswer(tx, { id: found.id, outcome: input.outcome, reason: reason || null, by, now });
      // The answer's mail goes out from the job queue, so a mail server that is down delays it, never loses it.
      await enqueueJob(tx, { kind: BYSTANDER_ANSWER_MAIL_JOB, runAt: now, payload: { request: found.id } });
      await insertEvent(tx, {
        type: 'bystander.answered',
        actorId: v.id,
        subjectType: 'bystander_request',
        subjectId: found.id,
        data: { kind: found.kind, outcome: input.outcome, answeredBy: by },
      });
      return { ...found, outcome: input.outcome, reason: reason || null, answered_at: now, answered_by: by };
    });
    return present(row);
  }

  /**
   * Mails one answer ({@link sendAnswerMail}'s job, retried with backoff while the mail server refuses), or, as the
   * 15-minute sweep, every answer whose own job gave up an hour or more ago; then deletes the address. Addresses
   * of answers older than {@link ANSWER_MAIL_DAYS} are deleted unsent. Throws when a send failed, so the job
   * queue retries; a mail that went out is not sent again.
   */
  async sendAnswerMails(request?: number): Promise<{ sent: number; dropped: number }> {
    const now = this.deps.clock.now();
    const db = this.deps.db;
    let dropped = 0;
    let pending: repo.PendingAnswerMail[];
    if (request === undefined) {
      dropped = await repo.forgetStaleAddresses(db, new Date(now.getTime() - ANSWER_MAIL_DAYS * DAY_MS));
      pending = await repo.pendingAnswerMails(db, {
        answeredBefore: new Date(now.getTime() - 3_600_000),
        limit: 100,
      });
    } else {
      pending = await repo.pendingAnswerMails(db, { id: request });
    }
    let sent = 0;
    const failures: unknown[] = [];
    for (const p of pending) {
      try {
        // Outside any transaction: a slow mail server holds no row or connection.
        await this.mail.send(
          answerMail(p.email, {
            outcome: p.outcome,
            reason: p.reason,
            byModerator: p.answered_by === 'moderator',
          }),
        );
      } catch (err) {
        failures.push(err);
        continue;
      }
      await repo.forgetAddress(db, p.id);
      sent++;
    }
    if (failures.length > 0)
      throw new Error(`${failures.length} bystander answer mail(s) not sent (${sent} sent); retrying`, {
        cause: failures[0],
      });
    return { sent, dropped };
  }
}
