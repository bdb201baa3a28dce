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
