import { POST_CATEGORY_LABELS } from '@porchlight/policy';
import type { PushMessage } from '../push/push.service.js';
import type { NotificationRow, PostRef } from './notifications.repository.js';

/** What one alert says, on any channel: a push notification's title and body, a mail's subject and text. */
export type Alert = PushMessage;

const quote = (title: string) => `“${title}”`;

/** The words of a personal notification, as the centre, a push and a mail show them. */
export function notificationAlert(n: NotificationRow): Alert {
  const url = `/posts/${n.post_public_id}`;
  const tag = `notification-${n.id}`;
  const post = quote(n.post_title);
  switch (n.kind) {
    case 'reply':
      return { title: `New reply to ${post}`, body: n.data.excerpt ?? '', url, tag };
    case 'comment':
      return { title: `New comment on ${post}, which you follow`, body: n.data.excerpt ?? '', url, tag };
    case 'update':
      return {
        title:
          n.data.change === 'resolved'
            ? `${post}, which you follow, was marked resolved`
            : n.data.change === 'reopened'
              ? `${post}, which you follow, was reopened`
              : `${post}, which you follow, was edited`,
        body: '',
        url,
        tag,
      };
    case 'reaction': {
      const count = n.data.count ?? 1;
      return {
        title: `${count === 1 ? 'A neighbour' : `${count} neighbours`} reacted to ${post}`,
        body: '',
        url,
        tag: `reactions-${n.post_public_id}`,
      };
    }
    case 'moderation':
      return n.data.action === 'hidden'
        ? {
            title: `A moderator hid your post ${post}`,
            body: `Reason: ${n.data.reason ?? ''}. You can appeal once, from the post’s page.`,
            url,
            tag,
          }
        : { title: `Your post ${post} is visible again`, body: `Reason: ${n.data.reason ?? ''}`, url, tag };
    case 'appeal':
      return n.data.outcome === 'overturned'
        ? {
            title: `Your appeal succeeded: ${post} is visible again`,
            body: `Reason: ${n.data.reason ?? ''}`,
            url,
            tag,
          }
        : {
            title: `Your appeal was turned down: ${post} stays hidden`,
            body: `Reason: ${n.data.reason ?? ''}`,
            url,
            tag,
          };
  }
}

/** A new post near the recipient. Only what the feed shows: category and title, never a place (G8). */
export function postAlert(p: Pick<PostRef, 'public_id' | 'title' | 'category'>): Alert {
  const label = POST_CATEGORY_LABELS[p.category].label;
  return {
    title: `${label} near you`,
    body: p.title,
    url: `/posts/${p.public_id}`,
    tag: `post-${p.public_id}`,
  };
}

/**
 * A footage request reached one of the recipient's cameras. The words name neither the agency nor the case:
 * a lock screen or a mail server should not learn more than "there is something in your inbox".
 */
export function requestAlert(requestId: string): Alert {
  return {
    title: 'A footage request reached one of your cameras',
    body: 'Open your inbox to review it. Nothing is shared unless you choose to share it.',
    url: `/inbox/${requestId}`,
    tag: `request-${requestId}`,
  };
}
