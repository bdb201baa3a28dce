import { useEffect, useSyncExternalStore } from 'react';
import { toApiError } from '../api/problem';
import { useNotificationLiveEvents } from '../state/live';
import { notifications } from './api';

/**
 * The bell's unread count, in a module store so the bell and the centre agree. Live `notification` events carry
 * the server's count; a resumed stream or a page that marks items read re-reads it.
 */
let current: { userId: number; unread: number } | null = null;
const listeners = new Set<() => void>();
let latestRead = 0;

function set(next: typeof current): void {
  current = next;
  for (const l of listeners) l();
}

/** Re-reads the unread count; a failure keeps the last one (the bell is a hint, the centre is the record). */
export async function refreshUnread(userId: number): Promise<void> {
  const read = ++latestRead;
  try {
    const unread = await notifications.unread();
    if (read === latestRead) set({ userId, unread });
  } catch (err) {
    if (toApiError(err).problem.status === 401) set(null);
  }
}

export function setUnread(userId: number, unread: number): void {
  latestRead++;
  set({ userId, unread });
}

/** Unread notifications of `userId` (null until known), kept fresh live while mounted. */
export function useUnread(userId: number): number | null {
  const snapshot = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  useEffect(() => {
    void refreshUnread(userId);
  }, [userId]);
  useNotificationLiveEvents((event) => {
    if (event.type === 'notification') setUnread(userId, event.unread);
    else void refreshUnread(userId);
  });
  return snapshot?.userId === userId ? snapshot.unread : null;
}
