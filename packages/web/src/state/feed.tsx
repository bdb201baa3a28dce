import { createContext, use, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Me } from '../api/types';
import { useAnnounce } from './announcer';
import { FeedStore, type FeedState } from './feedStore';
import { useLiveEvents } from './live';

const FeedContext = createContext<FeedStore | null>(null);

/**
 * One feed store per signed-in user (mount with `key={user.id}`). Applies live events to it and announces
 * neighbours' new posts to screen readers.
 */
export function FeedProvider({ user, children }: { user: Me; children: ReactNode }) {
  const [store] = useState(() => new FeedStore());
  const announce = useAnnounce();
  const scope = `${user.home?.cell ?? ''}:${user.radiusM}`;
  const lastScope = useRef(scope);

  useEffect(() => {
    if (lastScope.current === scope) return;
    lastScope.current = scope;
    if (store.getSnapshot().status !== 'idle') void store.load();
  }, [scope, store]);

  useLiveEvents((event) => {
    if (event.type === 'post' && !event.post.isMine) {
      announce(`New post nearby: ${event.post.title}`);
    }
    if (event.type === 'post-hidden' && store.find(event.postId)?.isMine) {
      announce('A moderator hid one of your posts. See My posts for the reason.');
    }
    store.apply(event);
  });

  return <FeedContext value={store}>{children}</FeedContext>;
}

export function useFeedStore(): FeedStore {
  const store = use(FeedContext);
  if (!store) throw new Error('useFeedStore outside FeedProvider');
  return store;
}

export function useFeed(): FeedState {
  const store = useFeedStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
