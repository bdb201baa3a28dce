import { notificationAlert } from './messages.js';
import type { NotificationRow } from './notifications.repository.js';
import type { AlertSettingsRow } from './settings.repository.js';
import { DEFAULT_SETTINGS } from './settings.repository.js';

export function presentNotification(n: NotificationRow) {
  const alert = notificationAlert(n);
  return {
    id: n.id,
    kind: n.kind,
    title: alert.title,
    body: alert.body,
    url: alert.url,
    createdAt: n.created_at.toISOString(),
    read: n.read_at !== null,
    post: { id: n.post_public_id, title: n.post_title, hidden: n.post_status === 'hidden' },
    reason: n.data.reason ?? null,
    canAppeal:
      n.kind === 'moderation' && n.data.action === 'hidden' && n.post_status === 'hidden' && !n.appealed,
  };
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export function presentSettings(
  s: Omit<AlertSettingsRow, 'user_id' | 'unsubscribe_token'> = DEFAULT_SETTINGS,
) {
  return {
    categories: s.categories,
    radiusM: s.radius_m,
    quietHours:
      s.quiet_start === null || s.quiet_end === null
        ? null
        : { start: hhmm(s.quiet_start), end: hhmm(s.quiet_end) },
    timeZone: s.time_zone,
    channels: { inApp: s.in_app, push: s.push, email: s.email },
  };
}
