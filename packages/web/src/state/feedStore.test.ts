import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import type { Category, Comment, Post, PostPage } from '../api/types';
import { FeedStore, NO_FILTER, type FeedReader } from './feedStore';

/** Test post `n`: a public id that shows `n`, and a time that orders posts by `n` as the server does. */
const idOf = (n: number): string => `po_${String(n).padStart(22, '0')}`;
const numberOf = (id: string): number => Number(id.slice(3));

function post(n: number, over: Partial<Post> = {}): Post {
  return {
    id: idOf(n),
    category: 'community',
    title: `Post ${n}`,
    body: 'Body',
    author: { id: 7, displayName: 'Sam', isAgency: false },
    location: { cell: '8928308280fffff', lat: 45.5, lng: -122.6 },
    person: null,
    createdAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    commentCount: 0,
    reactions: { thanks: 0, helpful: 0, agree: 0, sad: 0 },
    myReaction: null,
    editedAt: null,
    resolvedAt: null,
    media: [],
    status: 'visible',
    isMine: false,
    moderation: null,
    ...over,
  };
}

function comment(n: number, postN: number): Comment {
  return {
    id: `co_${String(n).padStart(22, '0')}`,
    postId: idOf(postN),
    author: { id: 9, displayName: 'Kim', isAgency: false },
    body: 'Seen it too',
    createdAt: '2026-01-01T00:00:00.000Z',
    editedAt: null,
  };
}

/** A store whose reader serves `pages` in order and records the queries it got. */
async function loaded(pages: PostPage[], category: Category | null = null) {
  const queries: Parameters<FeedReader>[0][] = [];
  const store = new FeedStore((q) => {
    queries.push(q);
    const next = pages.shift();
    return next ? Promise.resolve(next) : Promise.reject(new Error('no more pages'));
  });
  await store.load({ ...NO_FILTER, category });
  return { store, queries, ids: () => store.getSnapshot().items.map((p) => numberOf(p.id)) };
}

describe('FeedStore', () => {
  it('puts a live post at the top and marks it new, once', async () => {
    const { store, ids } = await loaded([{ items: [post(5), post(3)], nextCursor: null }]);
    store.apply({ type: 'post', post: post(8) });
    store.apply({ type: 'post', post: post(8) });
    expect(ids()).toEqual([8, 5, 3]);
    expect(store.getSnapshot().fresh.has(idOf(8))).toBe(true);
  });

  it('places a restored older post by its time, and leaves posts older than a partial list to "Load more"', async () => {
    const full = await loaded([{ items: [post(9), post(4)], nextCursor: null }]);
    full.store.apply({ type: 'post-restored', post: post(6) });
    expect(full.ids()).toEqual([9, 6, 4]);

    const partial = await loaded([{ items: [post(9), post(4)], nextCursor: 'c1' }]);
    partial.store.apply({ type: 'post-restored', post: post(2) });
    expect(partial.ids()).toEqual([9, 4]);
  });

  it('ignores live posts outside the chosen category', async () => {
    const { store, ids } = await loaded(
      [{ items: [post(2, { category: 'safety' })], nextCursor: null }],
      'safety',
    );
    store.apply({ type: 'post', post: post(3, { category: 'crime' }) });
    store.apply({ type: 'post', post: post(4, { category: 'safety' }) });
    expect(ids()).toEqual([4, 2]);
  });

  it('takes only live posts with the searched words, and none while a distance filter is on', async () => {
    const store = new FeedStore(() =>
      Promise.resolve({ items: [post(2, { title: 'Lost grey cat' })], nextCursor: null }),
    );
    const ids = () => store.getSnapshot().items.map((p) => numberOf(p.id));
    await store.load({ ...NO_FILTER, q: 'CAT' });
    store.apply({ type: 'post', post: post(3, { title: 'Found a dog' }) });
    store.apply({ type: 'post', post: post(4, { body: 'Black cat on the fence' }) });
    expect(ids()).toEqual([4, 2]);
    await store.load({ ...NO_FILTER, within: 500 });
    store.apply({ type: 'post', post: post(5) });
    expect(ids()).toEqual([2]);
  });

  it('replaces an edited post, and drops it when the edit moves it out of the filter', async () => {
    const { store, ids } = await loaded(
      [{ items: [post(3, { category: 'safety' }), post(2, { category: 'safety' })], nextCursor: null }],
      'safety',
    );
    store.apply({ type: 'post-updated', post: post(3, { category: 'safety', title: 'Now resolved' }) });
    expect(store.getSnapshot().items[0]!.title).toBe('Now resolved');
    store.apply({ type: 'post-updated', post: post(2, { category: 'community' }) });
    expect(ids()).toEqual([3]);
  });

  it('drops a post a moderator hid', async () => {
    const { store, ids } = await loaded([{ items: [post(3), post(2)], nextCursor: null }]);
    store.apply({ type: 'post-hidden', postId: idOf(3) });
    expect(ids()).toEqual([2]);
  });

  it('drops a post its author deleted', async () => {
    const { store, ids } = await loaded([{ items: [post(3), post(2)], nextCursor: null }]);
    store.apply({ type: 'post-deleted', postId: idOf(2) });
    expect(ids()).toEqual([3]);
  });

  it('counts a deleted comment off its post once, however many times it hears of it', async () => {
    const { store } = await loaded([{ items: [post(3)], nextCursor: null }]);
    store.countComment(comment(11, 3));
    store.countComment(comment(12, 3));
    store.apply({ type: 'comment-deleted', postId: idOf(3), commentId: comment(11, 3).id });
    store.uncountComment(idOf(3), comment(11, 3).id);
    expect(store.find(idOf(3))?.commentCount).toBe(1);
  });

  it('counts each comment once, whether it came live or from the form', async () => {
    const { store } = await loaded([{ items: [post(3)], nextCursor: null }]);
    store.countComment(comment(11, 3));
    store.apply({ type: 'comment', comment: comment(11, 3) });
    store.apply({ type: 'comment', comment: comment(12, 3) });
    expect(store.find(idOf(3))?.commentCount).toBe(2);
  });

  it('appends the next page with its cursor and category', async () => {
    const { store, queries, ids } = await loaded(
      [
        { items: [post(9, { category: 'crime' })], nextCursor: 'c1' },
        { items: [post(9, { category: 'crime' }), post(5, { category: 'crime' })], nextCursor: null },
      ],
      'crime',
    );
    await store.loadMore();
    const crime = { ...NO_FILTER, category: 'crime' };
    expect(queries).toEqual([{ filter: crime }, { filter: crime, cursor: 'c1' }]);
    expect(ids()).toEqual([9, 5]);
    expect(store.getSnapshot().nextCursor).toBeNull();
  });

  it('reports a missing home distinctly so the page can ask for one', async () => {
    const store = new FeedStore(() =>
      Promise.reject(
        new ApiError({
          type: 'about:blank',
          title: 'Set your home location first',
          status: 409,
          detail: 'Set your home location first',
          code: 'home_required',
        }),
      ),
    );
    await store.load(NO_FILTER);
    expect(store.getSnapshot()).toMatchObject({ status: 'error', homeRequired: true });
  });
});
