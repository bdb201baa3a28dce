import type { Queryable } from '../../infra/db/index.js';
import { deriveFromEvents } from '../events/events.repository.js';
import type { NewEvent } from '../events/events.repository.js';
import { opaqueId } from '../requests/requests.ids.js';
import { enqueueJob } from '../../infra/jobs/index.js';
import { mayReadPost } from '../posts/posts.readability.js';
import * as repo from './notifications.repository.js';
import { findSettings } from './settings.repository.js';

/** Carries each new notification's id to every process, for live delivery to the recipient's open streams. */
export const NOTIFY_CHANNEL = 'porchlight_notifications';
/** Delivery job kinds (notifications.delivery.ts runs them). */
export const JOB = {
  notification: 'notify.notification',
  post: 'notify.post',
  request: 'notify.request',
  digest: 'notify.digest',
} as const;
/** Derived jobs are due at once, whatever the worker's clock says (there is no clock in a transaction). */
const ASAP = new Date(0);
const EXCERPT_CHARS = 140;

const excerpt = (text: string) =>
  text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : text;

/** NOTIFY is transactional: listeners hear it only if, and when, the transaction commits. */
async function announce(tx: Queryable, payload: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, payload]);
}

/**
 * Writes one notification and, per the recipient's settings, its push/email job and live announcement. With
 * in-app alerts off the item is stored already read: it still feeds push and email, but adds no badge.
 */
async function notifyUser(
  tx: Queryable,
  userId: number,
  postId: number,
  kind: Exclude<repo.NotificationKind, 'reaction'>,
  data: repo.NotificationData,
): Promise<void> {
  const settings = await findSettings(tx, userId);
  const id = opaqueId('nt');
  await repo.insertNotification(tx, { id, userId, kind, postId, data, read: settings?.in_app === false });
  if (settings && (settings.push || settings.email !== 'off'))
    await enqueueJob(tx, { kind: JOB.notification, runAt: ASAP, payload: { id } });
  if (settings?.in_app !== false) await announce(tx, id);
}

/** A notification for the post's author (never for the actor's own post). */
async function notifyAuthor(
  tx: Queryable,
  event: NewEvent,
  postRef: unknown,
  kind: Exclude<repo.NotificationKind, 'reaction'>,
  data: (post: repo.PostRef) => Promise<repo.NotificationData>,
): Promise<void> {
  const post = await repo.findPostRef(tx, postRef);
  if (!post || post.author_id === event.actorId) return;
  await notifyUser(tx, post.author_id, post.id, kind, await data(post));
}

/**
 * A comment or an update on a post, to its followers (modules/follows): the author, who follows their own
 * post unless they unfollowed it, hears of a comment as a `reply`; everyone else as `comment` or `update`.
 */
async function notifyFollowers(
  tx: Queryable,
  event: NewEvent,
  postRef: unknown,
  kind: 'comment' | 'update',
  data: (post: repo.PostRef) => Promise<repo.NotificationData>,
): Promise<void> {
  const post = await repo.findPostRef(tx, postRef);
  if (!post) return;
  const recipients = await repo.followersToTell(tx, post, event.actorId);
  if (recipients.length === 0) return;
  const said = await data(post);
  for (const userId of recipients) {
    // A follower who may no longer open the post (moved away, or its author blocked them) hears nothing of it.
    if (!(await mayReadPost(tx, userId, post))) continue;
    if (
      kind === 'update' &&
      said.change &&
      (await repo.foldIntoUpdate(tx, { userId, postId: post.id, change: said.change }))
    )
      continue;
    await notifyUser(
      tx,
      userId,
      post.id,
      kind === 'comment' && userId === post.author_id ? 'reply' : kind,
      said,
    );
  }
}

/**
 * What each event means for notifications, written in the event's own transaction. Footage requests get a
 * delivery job naming only the (public) request: which owners it reached is read from the inbox when it
 * runs, and no notification row records it (G7).
 */
export async function deriveNotifications(tx: Queryable, event: NewEvent): Promise<void> {
  // Most events mean nothing here; an `if` per event that does, rather than a switch listing every type.
  if (event.type === 'comment.created') {
    await notifyFollowers(tx, event, event.data.postId, 'comment', async (post) => ({
      excerpt: excerpt((await repo.latestCommentBy(tx, post.id, event.actorId ?? 0)) ?? ''),
      // So deleting the comment takes its notifications back (deleteReplyNotification).
      comment: String(event.subjectId),
    }));
  } else if (event.type === 'post.edited') {
    await notifyFollowers(tx, event, event.subjectId, 'update', () => Promise.resolve({ change: 'edited' }));
  } else if (event.type === 'post.resolved') {
    const change = event.data.resolved ? 'resolved' : 'reopened';
    await notifyFollowers(tx, event, event.subjectId, 'update', () => Promise.resolve({ change }));
  } else if (event.type === 'reaction.set') {
    const post = await repo.findPostRef(tx, event.subjectId);
    if (!post || post.author_id === event.actorId) return;
    const settings = await findSettings(tx, post.author_id);
    const id = await repo.upsertReaction(tx, {
      id: opaqueId('nt'),
      userId: post.author_id,
      postId: post.id,
      read: settings?.in_app === false,
    });
    if (settings?.in_app !== false) await announce(tx, id);
  } else if (event.type === 'moderation.hidden' || event.type === 'moderation.restored') {
    const data = {
      action: event.type === 'moderation.hidden' ? 'hidden' : 'restored',
      reason: event.data.reason,
    } as const;
    await notifyAuthor(tx, event, event.data.postId, 'moderation', () => Promise.resolve(data));
  } else if (event.type === 'appeal.decided') {
    const data = { outcome: event.data.outcome, reason: event.data.reason };
    await notifyAuthor(tx, event, event.data.postId, 'appeal', () => Promise.resolve(data));
  } else if (event.type === 'post.created') {
    await enqueueJob(tx, { kind: JOB.post, runAt: ASAP, payload: { post: event.subjectId } });
  } else if (event.type === 'request.published') {
    await enqueueJob(tx, { kind: JOB.request, runAt: ASAP, payload: { request: event.data.requestId } });
  }
}

deriveFromEvents('notifications', deriveNotifications);
