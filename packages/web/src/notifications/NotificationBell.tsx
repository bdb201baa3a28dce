import { Link, useLocation } from '../router';
import { useAnnounce } from '../state/announcer';
import { useNotificationLiveEvents } from '../state/live';
import { useUnread } from './unread';
import './notifications.css';

/** The header bell: links to the notification centre and shows the unread count, updated live. */
export function NotificationBell({ userId }: { userId: number }) {
  const unread = useUnread(userId);
  const announce = useAnnounce();
  const { path } = useLocation();
  useNotificationLiveEvents((event) => {
    if (event.type !== 'notification') return;
    const title = (event.item as { title?: unknown } | undefined)?.title;
    announce(typeof title === 'string' ? `New notification: ${title}` : 'You have a new notification.');
  });
  const label = unread ? `Notifications, ${unread} unread` : 'Notifications';
  return (
    <Link
      to="/notifications"
      className="bell"
      aria-label={label}
      title={label}
      aria-current={path === '/notifications' ? 'page' : undefined}
      data-testid="notification-bell"
    >
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread ? (
        <span className="bell__count" data-testid="notification-count" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </Link>
  );
}
