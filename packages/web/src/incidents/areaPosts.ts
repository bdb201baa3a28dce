import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Category, Post, PostPage } from '../api/types';
import { FEED_PERIODS, type FeedPeriod } from '../state/feedStore';

/** The map reads at most this many of the newest posts (five feed pages); older ones are left off the map. */
export const MAP_POST_LIMIT = 500;
const PAGE = 100;

export interface AreaPosts {
  status: 'loading' | 'ready' | 'error';
  posts: Post[];
  /** More posts matched than the map reads. */
  truncated: boolean;
  error: ApiError | null;
}

/**
 * Every post in the viewer's area matching the category and time range, read through the feed itself so the
 * map shows exactly what the feed would (radius, blocks, mutes, hidden posts), page after page.
 */
export function useAreaPosts(category: Category | null, period: FeedPeriod | null): AreaPosts {
  const [state, setState] = useState<AreaPosts>({
    status: 'loading',
    posts: [],
    truncated: false,
    error: null,
  });
  useEffect(() => {
    // Cleared when the filter changes, so a slow read for the old filter is dropped.
    const run = { live: true };
    setState((s) => ({ ...s, status: 'loading', error: null }));
    const ms = FEED_PERIODS.find((p) => p.value === period)?.ms;
    const since = ms === undefined ? undefined : new Date(Date.now() - ms).toISOString();
    void (async () => {
      const posts: Post[] = [];
      let cursor: string | null = null;
      try {
        do {
          const page: PostPage = await call(
            api.GET('/api/feed', {
              params: {
                query: {
                  limit: PAGE,
                  ...(cursor ? { cursor } : {}),
                  ...(category ? { category } : {}),
                  ...(since ? { since } : {}),
                },
              },
            }),
          );
          posts.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor && posts.length < MAP_POST_LIMIT && run.live);
        if (run.live) setState({ status: 'ready', posts, truncated: cursor !== null, error: null });
      } catch (err) {
        if (run.live) setState({ status: 'error', posts: [], truncated: false, error: toApiError(err) });
      }
    })();
    return () => {
      run.live = false;
    };
  }, [category, period]);
  return state;
}
