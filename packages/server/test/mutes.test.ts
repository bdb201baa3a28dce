import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makePost, makeUser } from './support/factories.js';
import { listen, openLive } from './support/sse.js';

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await startTestApp();
  origin = await listen(t.app);
});
afterAll(() => t.close());

const feedIds = async (user: TestUser) =>
  (await user.api.GET('/api/feed', { params: { query: { limit: 100 } } })).data!.items.map((p) => p.id);
const threadBodies = async (user: TestUser, postId: string) =>
  (await user.api.GET('/api/posts/{id}/comments', { params: { path: { id: postId } } })).data!.items.map(
    (c) => c.body,
  );

describe('muting a neighbour', () => {
  it('takes their posts and comments out of your feed, threads and live stream, and no one else’s', async () => {
    const [alice, bob, carol] = [
      await makeUser(t),
      await makeUser(t, { name: 'Loud Bob' }),
      await makeUser(t),
    ];
    const before = await makePost(bob, { title: 'Leaf blowers at 7am again' });
    const hers = await makePost(carol, { title: 'Lost keys by the school' });
    await bob.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: hers.id } },
      body: { body: 'Not my problem' },
    });
    await alice.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: hers.id } },
      body: { body: 'I will keep an eye out' },
    });

    const res = await alice.raw('PUT', `/api/me/mutes/${bob.id}`);
    expect(res.statusCode, res.body).toBe(204);
    // Muting twice is fine.
    expect((await alice.raw('PUT', `/api/me/mutes/${bob.id}`)).statusCode).toBe(204);
    const list = await alice.api.GET('/api/me/mutes');
    expect(list.data!.items.map((m) => m.user)).toEqual([{ id: bob.id, displayName: 'Loud Bob' }]);

    expect(await feedIds(alice)).not.toContain(before.id);
    expect(await feedIds(alice)).toContain(hers.id);
    expect(await threadBodies(alice, hers.id)).toEqual(['I will keep an eye out']);
    // Carol sees everything as before; Bob is not told.
    expect(await feedIds(carol)).toContain(before.id);
    expect(await threadBodies(carol, hers.id)).toEqual(['Not my problem', 'I will keep an eye out']);
    expect((await bob.api.GET('/api/me/mutes')).data!.items).toEqual([]);

    // Live: Bob's new post reaches Carol but not Alice.
    const [aliceLive, carolLive] = [await openLive(origin, alice.jar), await openLive(origin, carol.jar)];
    try {
      const fresh = await makePost(bob, { title: 'Leaf blowers again today' });
      const marker = await makePost(carol, { title: 'Marker post after Bob' });
      await carolLive.next<{ id: string }>('post', (p) => p.id === fresh.id);
      // Alice gets the later post, so anything of Bob's would have arrived before it.
      await aliceLive.next<{ id: string }>('post', (p) => p.id === marker.id);
      expect(aliceLive.received<{ id: string }>('post').map((p) => p.id)).not.toContain(fresh.id);
    } finally {
      await Promise.all([aliceLive.close(), carolLive.close()]);
    }

    expect((await alice.raw('DELETE', `/api/me/mutes/${bob.id}`)).statusCode).toBe(204);
    expect(await feedIds(alice)).toContain(before.id);
  });

  it('names what is wrong', async () => {
    const alice = await makeUser(t);
    const self = await alice.raw('PUT', `/api/me/mutes/${alice.id}`);
    expect(self.statusCode).toBe(400);
    expect(self.body).toContain('yourself');
    expect((await alice.raw('PUT', '/api/me/mutes/999999999')).statusCode).toBe(404);
    expect((await alice.raw('PUT', '/api/me/mutes/bob')).statusCode).toBe(400);
    const signedOut = await t.app.inject({ method: 'GET', url: '/api/me/mutes' });
    expect(signedOut.statusCode).toBe(401);
  });
});
