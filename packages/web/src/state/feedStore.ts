import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Category, Comment, Post, PostPage } from '../api/types';
import type { LiveEvent } from './live';

/** How far back the feed looks: the last day, week or month; null for no limit. */
export type FeedPeriod = 'day' | 'week' | 'month';

export const FEED_PERIODS: readonly { value: FeedPeriod; label: string; ms: number }[] = [
  { value: 'day', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { value: 'week', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { value: 'month', label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
];

/** What the feed is narrowed to. Every field null (or empty) is the whole feed. */
export interface FeedFilter {
  category: Category | null;
  period: FeedPeriod | null;
  /** Metres from home; never more than the radius (the server caps it). */
  within: number | null;
  /** Words the title or text must contain (any case). */
  q: string;
  /** One map cell (H3 resolution 9) clicked on the map; null for the whole area. */
  cell: string | null;
}

export const NO_FILTER: FeedFilter = { category: null, period: null, within: null, q: '', cell: null };

export const sameFilter = (a: FeedFilter, b: FeedFilter): boolean =>
  a.category === b.category &&
  a.period === b.period &&
  a.within === b.within &&
  a.q === b.q &&
  a.cell === b.cell;

export const isFiltered = (f: FeedFilter): boolean => !sameFilter(f, NO_FILTER);

/** Whether a live post belongs in a feed with this filter (time needs no check: a live post is new). */
function matches(post: Post, f: FeedFilter): boolean {
  if (f.category && post.category !== f.category) return false;
  if (f.cell && post.location.cell !== f.cell) return false;
  const words = f.q.trim().toLowerCase();
  if (words && !`${post.title}\n${post.body}`.toLowerCase().includes(words)) return false;
  return true;
}

export interface FeedState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  filter: FeedFilter;
  items: readonly Post[];
  nextCursor: string | null;
  loadingMore: boolean;
  error: ApiError | null;
  /** The server refused the feed because the user has no home yet. */
  homeRequired: boolean;
  /** Posts that arrived live since the feed was loaded, to mark them as new. */
  fresh: ReadonlySet<string>;
}

const PAGE = 20;

/** Reads one page of the feed; the store's only I/O, passed in so tests can replace it. */
export type FeedReader = (query: { filter: FeedFilter; cursor?: string }) => Promise<PostPage>;

const readFeed: FeedReader = ({ filter, cursor }) => {
  const period = FEED_PERIODS.find((p) => p.value === filter.period);
  const q = filter.q.trim();
  return call(
    api.GET('/api/feed', {
      params: {
        query: {
          limit: PAGE,
          ...(cursor ? { cursor } : {}),
          ...(filter.category ? { category: filter.category } : {}),
          ...(period ? { since: new Date(Date.now() - period.ms).toISOString() } : {}),
          ...(filter.within ? { within: filter.within } : {}),
          ...(q.length >= 2 ? { q } : {}),
          ...(filter.cell ? { cell: filter.cell } : {}),
        },
      },
    }),
  );
};

const initial: FeedState = {
  status: 'idle',
  filter: NO_FILTER,
  items: [],
  nextCursor: null,
  loadingMore: false,
  error: null,
  homeRequired: false,
  fresh: new Set(),
};

/**
 * The signed-in user's feed, kept outside any page so it survives navigation and keeps taking live updates
 * while another page is open. Read it with `useSyncExternalStore(store.subscribe, store.getSnapshot)`.
 */
export class FeedStore {
  private state: FeedState = initial;
  private readonly listeners = new Set<() => void>();
  private readonly countedComments = new Set<string>();
  private readonly uncountedComments = new Set<string>();
  /** Bumped by every first-page load so a slow response for an old filter cannot overwrite a newer one. */
  private generation = 0;

  constructor(private readonly read: FeedReader = readFeed) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): FeedState => this.state;

  /** Loads the first page for `filter` unless it is already loaded or loading. */
  ensure(filter: FeedFilter): void {
    if (this.state.status !== 'idle' && sameFilter(this.state.filter, filter)) return;
    void this.load(filter);
  }

  /** Reads the first page again, e.g. after the home or radius changed. */
  async load(filter: FeedFilter = this.state.filter): Promise<void> {
    const generation = ++this.generation;
    this.set({ ...initial, status: 'loading', filter });
    try {
      const page = await this.read({ filter });
      if (generation !== this.generation) return;
      this.set({ ...this.state, status: 'ready', items: page.items, nextCursor: page.nextCursor });
    } catch (err) {
      if (generation !== this.generation) return;
      const error = toApiError(err);
      this.set({ ...this.state, status: 'error', error, homeRequired: error.code === 'home_required' });
    }
  }

  async loadMore(): Promise<void> {
    const { nextCursor, filter, loadingMore } = this.state;
    if (!nextCursor || loadingMore) return;
    const generation = this.generation;
    this.set({ ...this.state, loadingMore: true, error: null });
    try {
      const page = await this.read({ filter, cursor: nextCursor });
      if (generation !== this.generation) return;
      const known = new Set(this.state.items.map((p) => p.id));
      this.set({
        ...this.state,
        loadingMore: false,
        items: [...this.state.items, ...page.items.filter((p) => !known.has(p.id))],
        nextCursor: page.nextCursor,
      });
    } catch (err) {
      if (generation !== this.generation) return;
      this.set({ ...this.state, loadingMore: false, error: toApiError(err) });
    }
  }

  /** Merges the newest page into the list without losing loaded pages (after the live stream resumed). */
  async catchUp(): Promise<void> {
    if (this.state.status !== 'ready') return;
    const { filter } = this.state;
    const generation = this.generation;
    try {
      const page = await this.read({ filter });
      if (generation !== this.generation) return;
      for (const post of page.items) this.add(post, true);
      for (const post of page.items) this.replace(post);
    } catch {
      // Best effort: the next full load shows everything.
    }
  }

  /** Adds a post at its place (newest first) if it belongs in the loaded part of this feed. */
  add(post: Post, fresh: boolean): void {
    const { items, filter, nextCursor } = this.state;
    if (this.state.status !== 'ready' || post.status !== 'visible') return;
    if (!matches(post, filter)) return;
    if (items.some((p) => p.id === post.id)) return;
    // Ids are random (po_…), so only the time says which post is newer.
    const at = items.findIndex((p) => p.createdAt < post.createdAt);
    // Older than everything loaded while more pages remain: it will come with "Load more".
    if (at === -1 && nextCursor) return;
    const next = [...items];
    next.splice(at === -1 ? next.length : at, 0, post);
    this.set({
      ...this.state,
      items: next,
      fresh: fresh ? new Set([...this.state.fresh, post.id]) : this.state.fresh,
    });
  }

  /** Replaces a post already in the list with a newer copy of it (after a reaction, say). */
  replace(post: Post): void {
    if (!this.state.items.some((p) => p.id === post.id)) return;
    if (post.status !== 'visible') {
      this.remove(post.id);
      return;
    }
    this.set({ ...this.state, items: this.state.items.map((p) => (p.id === post.id ? post : p)) });
  }

  /** Drops every loaded post by this author (after the viewer muted them). */
  removeAuthor(authorId: number): void {
    this.set({ ...this.state, items: this.state.items.filter((p) => p.author.id !== authorId) });
  }

  remove(postId: string): void {
    if (!this.state.items.some((p) => p.id === postId)) return;
    this.set({ ...this.state, items: this.state.items.filter((p) => p.id !== postId) });
  }

  /** Counts a comment once, whether it came from the live stream or from this user's own submit. */
  countComment(comment: Comment): void {
    if (this.countedComments.has(comment.id)) return;
    this.countedComments.add(comment.id);
    this.set({
      ...this.state,
      items: this.state.items.map((p) =>
        p.id === comment.postId ? { ...p, commentCount: p.commentCount + 1 } : p,
      ),
    });
  }

  /** Counts a deleted comment off its post, once (a live event and the author's own delete may both arrive). */
  uncountComment(postId: string, commentId: string): void {
    if (this.uncountedComments.has(commentId)) return;
    this.uncountedComments.add(commentId);
    this.set({
      ...this.state,
      items: this.state.items.map((p) =>
        p.id === postId ? { ...p, commentCount: Math.max(0, p.commentCount - 1) } : p,
      ),
    });
  }

  find(postId: string): Post | undefined {
    return this.state.items.find((p) => p.id === postId);
  }

  apply(event: LiveEvent): void {
    switch (event.type) {
      case 'post':
      case 'post-restored':
        // A distance filter needs the exact home, which only the server has: such a feed takes new posts
        // on its next read rather than guessing here.
        if (this.state.filter.within === null) this.add(event.post, true);
        break;
      case 'post-updated':
        // An edit can move a post out of a filtered feed (another category, other words).
        if (matches(event.post, this.state.filter)) this.replace(event.post);
        else this.remove(event.post.id);
        break;
      case 'post-hidden':
      case 'post-deleted':
        this.remove(event.postId);
        break;
      case 'comment':
        this.countComment(event.comment);
        break;
      case 'comment-updated':
        // The count is unchanged; an open thread replaces the text itself.
        break;
      case 'comment-deleted':
        this.uncountComment(event.postId, event.commentId);
        break;
      case 'resumed':
        void this.catchUp();
        break;
    }
  }

  private set(state: FeedState): void {
    this.state = state;
    for (const l of this.listeners) l();
  }
}
