import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveMessage } from '../src/infra/live/bus.js';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makePost, makeUser } from './support/factories.js';

let t: TestApp;
const live: LiveMessage[] = [];
beforeAll(async () => {
  t = await startTestApp();
  t.deps.live.subscribe((m) => live.push(m));
});
afterAll(() => t.close());

const remove = (user: TestUser, id: string) => user.raw('DELETE', `/api/posts/${id}`);
describe('deleting your own post', () => {
  it('removes it with its comments, reactions and reports, from every feed, live', async () => {
    const [author, neighbour] = [await makeUser(t), await makeUser(t)];
    const post = await makePost(author, { title: 'Garage sale, Saturday morning' });
    expect(
      (
        await neighbour.api.POST('/api/posts/{id}/comments', {
          params: { path: { id: post.id } },
          body: { body: 'What time does it start?' },
        })
      ).response.status,
    ).toBe(201);
    await neighbour.api.PUT('/api/posts/{id}/reaction', {
      params: { path: { id: post.id } },
      body: { kind: 'thanks' },
    });
    await neighbour.api.POST('/api/posts/{id}/reports', {
      params: { path: { id: post.id } },
      body: { reason: 'Commercial advertising' },
    });
    const before = await t.database.db.query<{ id: number }>('SELECT id FROM posts WHERE public_id = $1', [
      post.id,
    ]);
    const rowId = before.rows[0]!.id;

    const res = await remove(author, post.id);
    expect(res.statusCode, res.body).toBe(204);

    expect((await neighbour.raw('GET', `/api/posts/${post.id}`)).statusCode).toBe(404);
    expect((await author.raw('GET', `/api/posts/${post.id}`)).statusCode).toBe(404);
    const feed = await neighbour.api.GET('/api/feed', { params: { query: { limit: 100 } } });
    expect(feed.data!.items.map((p) => p.id)).not.toContain(post.id);
    for (const table of ['comments', 'reactions', 'reports'])
      expect(
        (
          await t.database.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${table} WHERE post_id = $1`,
            [rowId],
          )
        ).rows[0]!.n,
        table,
      ).toBe(0);
    await vi.waitFor(() => {
      expect(
        live.find((m) => m.kind === 'post.deleted' && 'postId' in m && m.postId === post.id),
      ).toBeDefined();
    });
    // Deleting again finds nothing.
    expect((await remove(author, post.id)).statusCode).toBe(404);
  });

  it('refuses everyone but the author: a neighbour and a moderator get 403, the signed-out 403, and nothing is deleted', async () => {
    const [author, neighbour] = [await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author);
    for (const who of [neighbour, mod]) {
      const res = await remove(who, post.id);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden' });
    }
    // Signed out there is no session, so no CSRF token: refused before the post is even looked up.
    const signedOut = await t.app.inject({ method: 'DELETE', url: `/api/posts/${post.id}` });
    expect(signedOut.statusCode).toBe(403);
    expect((await author.raw('GET', `/api/posts/${post.id}`)).statusCode).toBe(200);
  });

  it('answers 404, like any unknown id, to a resident whose area could not show the post', async () => {
    const author = await makeUser(t);
    const faraway = await makeUser(t, { home: { lat: 47.6062, lng: -122.3321 } });
    const post = await makePost(author);
    expect((await remove(faraway, post.id)).statusCode).toBe(404);
    expect((await remove(author, 'po_AAAAAAAAAAAAAAAAAAAAAA')).statusCode).toBe(404);
    expect((await remove(author, '12')).statusCode).toBe(400);
  });

  it('takes a hidden post’s pending appeal with it out of the moderators’ list', async () => {
    const author = await makeUser(t);
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author);
    await mod.api.POST('/api/moderation/posts/{id}/decisions', {
      params: { path: { id: post.id } },
      body: { action: 'hide', reason: 'Names a neighbour' },
    });
    await author.api.POST('/api/posts/{id}/appeal', {
      params: { path: { id: post.id } },
      body: { statement: 'It names nobody, please look again.' },
    });
    const other = await makeUser(t, { role: 'moderator' });
    const pending = async () =>
      (await other.api.GET('/api/moderation/appeals')).data!.items.map((a) => a.post.id);
    expect(await pending()).toContain(post.id);
    expect((await remove(author, post.id)).statusCode).toBe(204);
    expect(await pending()).not.toContain(post.id);
  });
});

describe('deleting your own comment', () => {
  const comment = async (user: TestUser, postId: string, body: string) => {
    const res = await user.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: postId } },
      body: { body },
    });
    expect(res.response.status, JSON.stringify(res.error)).toBe(201);
    return res.data!;
  };
  const thread = async (user: TestUser, postId: string) =>
    (await user.api.GET('/api/posts/{id}/comments', { params: { path: { id: postId } } })).data!.items.map(
      (c) => c.id,
    );
  const replies = async (user: TestUser) =>
    (await user.api.GET('/api/notifications')).data!.items.filter((n) => n.kind === 'reply');

  it('removes it from the thread and the count, takes back the author’s reply notification, and tells open threads', async () => {
    const [author, neighbour] = [await makeUser(t), await makeUser(t)];
    const post = await makePost(author);
    const kept = await comment(neighbour, post.id, 'Count me in, I will bring lemonade.');
    const gone = await comment(neighbour, post.id, 'Is it cancelled if it rains?');
    await vi.waitFor(async () => {
      expect(await replies(author)).toHaveLength(2);
    });

    const res = await neighbour.raw('DELETE', `/api/comments/${gone.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect(await thread(author, post.id)).toEqual([kept.id]);
    expect(
      (await author.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } })).data!.commentCount,
    ).toBe(1);
    const left = await replies(author);
    expect(left).toHaveLength(1);
    expect(JSON.stringify(left)).not.toContain('cancelled if it rains');
    await vi.waitFor(() => {
      expect(
        live.find((m) => m.kind === 'comment.deleted' && 'commentId' in m && m.commentId === gone.id),
      ).toMatchObject({ postId: post.id });
    });
    expect((await neighbour.raw('DELETE', `/api/comments/${gone.id}`)).statusCode).toBe(404);
  });

  it('refuses the post’s author, moderators and anyone else (403), and strangers to the post (404)', async () => {
    const [author, neighbour] = [await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const faraway = await makeUser(t, { home: { lat: 47.6062, lng: -122.3321 } });
    const post = await makePost(author);
    const c = await comment(neighbour, post.id, 'Which street is it on?');
    for (const who of [author, mod])
      expect((await who.raw('DELETE', `/api/comments/${c.id}`)).statusCode).toBe(403);
    expect((await faraway.raw('DELETE', `/api/comments/${c.id}`)).statusCode).toBe(404);
    expect((await neighbour.raw('DELETE', '/api/comments/po_AAAAAAAAAAAAAAAAAAAAAA')).statusCode).toBe(400);
    expect(await thread(author, post.id)).toEqual([c.id]);
  });
});
