import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { notifications } from '../notifications/api';
import type { Notification } from '../notifications/types';
import { setUnread } from '../notifications/unread';
import '../notifications/notifications.css';
import { Link, navigate } from '../router';
import { useAnnounce } from '../state/announcer';
import { useInboxCount } from '../state/inbox';
import { useNotificationLiveEvents } from '../state/live';
import { useMe } from '../state/session';

const KIND_LABEL: Record<Notification['kind'], string> = {
  reply: 'Reply',
  reaction: 'Reactions',
  moderation: 'Moderation',
  appeal: 'Appeal',
  comment: 'Following',
  update: 'Following',
};

/**
 * The notification centre: what happened to the user's posts, newest first, arriving live. Footage requests
 * are not copied here (the inbox is their only record, G7); a line points to the inbox when it holds any.
 */
export function NotificationsPage() {
  const me = useMe();
  const announce = useAnnounce();
  const inboxCount = useInboxCount(me.id);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await notifications.list();
      setItems(list.items);
      setUnread(me.id, list.unread);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
    }
  }, [me.id]);
  useEffect(() => {
    void load();
  }, [load]);
  useNotificationLiveEvents(() => {
    void load();
  });

  const markRead = async (n: Notification) => {
    if (n.read) return;
    setItems((list) => list?.map((x) => (x.id === n.id ? { ...x, read: true } : x)) ?? null);
    try {
      await notifications.markRead(n.id);
    } finally {
      void load();
    }
  };

  const markAll = async () => {
    try {
      const marked = await notifications.markAllRead();
      announce(marked === 1 ? 'One notification marked read.' : `${marked} notifications marked read.`);
      await load();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  const open = (n: Notification) => {
    void markRead(n);
    navigate(n.url);
  };

  const unread = items?.filter((n) => !n.read).length ?? 0;
  return (
    <section className="stack notifications" aria-labelledby="notifications-title">
      <div className="notifications__head">
        <h1 id="notifications-title">Notifications</h1>
        <div className="form-actions form-actions--start">
          <button
            type="button"
            className="button button--ghost"
            onClick={() => void markAll()}
            disabled={unread === 0}
          >
            Mark all read
          </button>
          <Link to="/settings/alerts" className="button button--ghost">
            Alert settings
          </Link>
        </div>
      </div>
      {inboxCount ? (
        <p className="card notifications__inbox">
          <Link to="/inbox">
            {inboxCount === 1
              ? 'A footage request is waiting in your inbox'
              : `${inboxCount} footage requests are waiting in your inbox`}
          </Link>
          <span className="muted"> · only you can see this</span>
        </p>
      ) : null}
      {error ? <ProblemAlert error={error} /> : null}
      {items === null ? (
        error ? null : (
          <p aria-busy="true">Loading your notifications…</p>
        )
      ) : items.length === 0 ? (
        <p>Nothing yet. Replies, reactions and moderators’ decisions on your posts will show up here.</p>
      ) : (
        <ul className="notification-list" aria-label="Notifications">
          {items.map((n) => (
            <li
              key={n.id}
              className={`card notification${n.read ? '' : ' notification--unread'}`}
              data-testid="notification"
            >
              <div className="notification__meta">
                <span className={`notification__kind notification__kind--${n.kind}`}>
                  {KIND_LABEL[n.kind]}
                </span>
                <RelativeTime iso={n.createdAt} />
                {n.read ? null : <span className="visually-hidden">, unread</span>}
              </div>
              <a
                href={n.url}
                className="notification__title"
                onClick={(e) => {
                  e.preventDefault();
                  open(n);
                }}
              >
                {n.title}
              </a>
              {n.body ? <p className="notification__body">{n.body}</p> : null}
              <div className="form-actions form-actions--start">
                {n.canAppeal ? (
                  <Link to={`${n.url}#appeal`} className="button button--primary button--small">
                    Appeal this decision
                  </Link>
                ) : null}
                {n.read ? null : (
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => void markRead(n)}
                  >
                    Mark read
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
