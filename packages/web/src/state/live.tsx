import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Comment, Me, Post } from '../api/types';

/** A change pushed by `GET /api/live` for the signed-in user's area. */
export type LiveEvent =
  | { type: 'post'; post: Post }
  | { type: 'post-restored'; post: Post }
  /** Its author edited it or marked it resolved: replace it where shown. */
  | { type: 'post-updated'; post: Post }
  | { type: 'post-hidden'; postId: string }
  /** Its author deleted it. */
  | { type: 'post-deleted'; postId: string }
  | { type: 'comment'; comment: Comment }
  /** Its author edited it. */
  | { type: 'comment-updated'; comment: Comment }
  /** Its author deleted it. */
  | { type: 'comment-deleted'; postId: string; commentId: string }
  /** The stream came back after a drop; anything pushed meanwhile was missed and must be re-read. */
  | { type: 'resumed' };

/**
 * Addressed to the signed-in user alone: a footage request just reached one of their cameras (`inbox`,
 * carrying the inbox item), or the stream resumed and the inbox must be re-read. Kept apart from the
 * area events above, which every neighbour in the cell gets.
 */
export type InboxLiveEvent = { type: 'inbox'; item: unknown } | { type: 'resumed' };

/** Addressed to the signed-in user alone: a new notification (reply, reaction, moderation decision). */
export type NotificationLiveEvent =
  { type: 'notification'; item: unknown; unread: number } | { type: 'resumed' };

export type LiveStatus = 'off' | 'connecting' | 'open' | 'reconnecting' | 'unavailable';

interface LiveApi {
  status: LiveStatus;
  subscribe: (listener: (event: LiveEvent) => void) => () => void;
  subscribeInbox: (listener: (event: InboxLiveEvent) => void) => () => void;
  subscribeNotifications: (listener: (event: NotificationLiveEvent) => void) => () => void;
}

const LiveContext = createContext<LiveApi>({
  status: 'off',
  subscribe: () => () => undefined,
  subscribeInbox: () => () => undefined,
  subscribeNotifications: () => () => undefined,
});

function parse(data: unknown): unknown {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Holds one Server-Sent Events stream for the signed-in user's area and fans its events out to subscribers.
 * Reopens when the home or radius changes, since the server scopes the stream to them.
 */
export function LiveProvider({ user, children }: { user: Me | null; children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('off');
  const listeners = useRef(new Set<(event: LiveEvent) => void>());
  const inboxListeners = useRef(new Set<(event: InboxLiveEvent) => void>());
  const notificationListeners = useRef(new Set<(event: NotificationLiveEvent) => void>());
  const scope = user?.home ? `${user.id}:${user.home.cell}:${user.radiusM}` : null;

  useEffect(() => {
    if (!scope) {
      setStatus('off');
      return;
    }
    const emit = (event: LiveEvent) => {
      for (const l of listeners.current) l(event);
    };
    const emitInbox = (event: InboxLiveEvent) => {
      for (const l of inboxListeners.current) l(event);
    };
    const emitNotification = (event: NotificationLiveEvent) => {
      for (const l of notificationListeners.current) l(event);
    };
    const source = new EventSource('/api/live');
    let dropped = false;
    setStatus('connecting');
    source.onopen = () => {
      setStatus('open');
      if (dropped) {
        emit({ type: 'resumed' });
        emitInbox({ type: 'resumed' });
        emitNotification({ type: 'resumed' });
      }
      dropped = false;
    };
    source.onerror = () => {
      // CLOSED means the server refused the stream (e.g. not signed in, or no live endpoint); the browser
      // will not retry. CONNECTING means it dropped and the browser is already retrying.
      if (source.readyState === EventSource.CLOSED) setStatus('unavailable');
      else {
        dropped = true;
        setStatus('reconnecting');
      }
    };
    // The stream's payloads are the API's own Post and Comment shapes (see the live module's contract).
    const on = (name: string, wrap: (value: object) => LiveEvent) => {
      source.addEventListener(name, (e: MessageEvent) => {
        const value = parse(e.data);
        if (typeof value === 'object' && value !== null) emit(wrap(value));
      });
    };
    on('post', (post) => ({ type: 'post', post: post as Post }));
    on('post-restored', (post) => ({ type: 'post-restored', post: post as Post }));
    on('post-updated', (post) => ({ type: 'post-updated', post: post as Post }));
    on('post-hidden', (v) => ({ type: 'post-hidden', postId: (v as { postId: string }).postId }));
    on('post-deleted', (v) => ({ type: 'post-deleted', postId: (v as { postId: string }).postId }));
    on('comment', (comment) => ({ type: 'comment', comment: comment as Comment }));
    on('comment-updated', (comment) => ({ type: 'comment-updated', comment: comment as Comment }));
    on('comment-deleted', (v) => ({
      type: 'comment-deleted',
      ...(v as { postId: string; commentId: string }),
    }));
    source.addEventListener('inbox', (e: MessageEvent) => {
      emitInbox({ type: 'inbox', item: parse(e.data) });
    });
    source.addEventListener('notification', (e: MessageEvent) => {
      const value = parse(e.data) as { item?: unknown; unread?: unknown } | undefined;
      if (value && typeof value.unread === 'number')
        emitNotification({ type: 'notification', item: value.item, unread: value.unread });
    });
    return () => {
      source.close();
    };
  }, [scope]);

  const subscribe = useCallback((listener: (event: LiveEvent) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const subscribeInbox = useCallback((listener: (event: InboxLiveEvent) => void) => {
    inboxListeners.current.add(listener);
    return () => {
      inboxListeners.current.delete(listener);
    };
  }, []);
  const subscribeNotifications = useCallback((listener: (event: NotificationLiveEvent) => void) => {
    notificationListeners.current.add(listener);
    return () => {
      notificationListeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<LiveApi>(
    () => ({ status, subscribe, subscribeInbox, subscribeNotifications }),
    [status, subscribe, subscribeInbox, subscribeNotifications],
  );
  return <LiveContext value={value}>{children}</LiveContext>;
}

export function useLiveStatus(): LiveStatus {
  return use(LiveContext).status;
}

/** Calls `handler` for every live event while the component is mounted. */
export function useLiveEvents(handler: (event: LiveEvent) => void): void {
  const { subscribe } = use(LiveContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(
    () =>
      subscribe((e) => {
        latest.current(e);
      }),
    [subscribe],
  );
}

/** Calls `handler` for every inbox event addressed to the signed-in user while the component is mounted. */
export function useInboxLiveEvents(handler: (event: InboxLiveEvent) => void): void {
  const { subscribeInbox } = use(LiveContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(
    () =>
      subscribeInbox((e) => {
        latest.current(e);
      }),
    [subscribeInbox],
  );
}

/** Calls `handler` for every notification event addressed to the signed-in user while the component is mounted. */
export function useNotificationLiveEvents(handler: (event: NotificationLiveEvent) => void): void {
  const { subscribeNotifications } = use(LiveContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(
    () =>
      subscribeNotifications((e) => {
        latest.current(e);
      }),
    [subscribeNotifications],
  );
}
