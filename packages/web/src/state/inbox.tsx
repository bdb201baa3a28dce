import { useEffect, useSyncExternalStore } from 'react';
import { toApiError } from '../api/problem';
import { inbox } from '../requests/inbox/api';
import { useAnnounce } from './announcer';
import { useInboxLiveEvents } from './live';

/**
 * How many open footage requests are in the signed-in owner's inbox: the header badge. Kept in a module
 * store so every component that shows or changes it (the badge, the inbox after a dismiss) agrees, and
 * re-read from the server rather than counted locally, so a missed or repeated live event cannot skew it.
 */
let current: { userId: number; count: number } | null = null;
const listeners = new Set<() => void>();
let latestRead = 0;

function set(next: typeof current): void {
  current = next;
  for (const l of listeners) l();
}

/** Re-reads the count for `userId`; a failure keeps the last known count (the badge is a hint, not a record). */
export async function refreshInboxCount(userId: number): Promise<void> {
  const read = ++latestRead;
  try {
    const count = await inbox.count();
    // An older answer arriving after a newer one must not win.
    if (read === latestRead) set({ userId, count });
  } catch (err) {
    if (toApiError(err).problem.status === 401) set(null);
  }
}

/** The inbox count of `userId` (null until known), kept fresh by live `inbox` events while mounted. */
export function useInboxCount(userId: number): number | null {
  const announce = useAnnounce();
  const snapshot = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  useEffect(() => {
    void refreshInboxCount(userId);
  }, [userId]);
  useInboxLiveEvents((event) => {
    if (event.type === 'inbox') announce('A footage request reached one of your cameras. See your inbox.');
    void refreshInboxCount(userId);
  });
  return snapshot?.userId === userId ? snapshot.count : null;
}
