import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipientsForPost } from '../src/modules/notifications/settings.repository.js';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { eventsAfter, HOME, lastEventId, makePost, makeUser } from './support/factories.js';
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
const comment = (user: TestUser, postId: string, body: string) =>
  user.raw('POST', `/api/posts/${postId}/comments`, { body });
const react = (user: TestUser, postId: string) =>
  user.raw('PUT', `/api/posts/${postId}/reaction`, { kind: 'helpful' });
/** A problem document less its `instance` (the path asked for), to compare two answers. */
const withoutInstance = (body: string) => ({ ...JSON.parse(body), instance: undefined }) as unknown;
const notifications = async (user: TestUser) =>
  (await user.raw('GET', '/api/notifications')).json<{ items: { kind: string; post: { id: string } }[] }>()
    .items;

describe('blocking a neighbour', () => {
  it('hides each from the other in feed and threads, and no one else', async () => {
    const [alice, bob, carol] = [
      await makeUser(t, { name: 'Alice Blocker' }),
      await makeUser(t, { name: 'Bob Blocked' }),
      await makeUser(t),
    ];
    const alicePost = await makePost(alice, { title: 'Fence repaired on Oak St' });
    const bobPost = await makePost(bob, { title: 'Dog barking all night' });
    const carolPost = await makePost(carol, { title: 'Street party on Saturday' });
    expect((await comment(alice, carolPost.id, 'Alice will bring lemonade')).statusCode).toBe(201);
    expect((await comment(bob, carolPost.id, 'Bob will bring chairs')).statusCode).toBe(201);

    const res = await alice.raw('PUT', `/api/me/blocks/${bob.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect((await alice.raw('PUT', `/api/me/blocks/${bob.id}`)).statusCode).toBe(204);
    const list = await alice.api.GET('/api/me/blocks');
    expect(list.data!.items.map((b) => b.user)).toEqual([{ id: bob.id, displayName: 'Bob Blocked' }]);
    // A block is not listed as a mute, and Bob is not told anything.
    expect((await alice.api.GET('/api/me/mutes')).data!.items).toEqual([]);
    expect((await bob.api.GET('/api/me/blocks')).data!.items).toEqual([]);

    // Neither sees the other's posts or comments.
    expect(await feedIds(alice)).not.toContain(bobPost.id);
    expect(await feedIds(bob)).not.toContain(alicePost.id);
    expect(await threadBodies(alice, carolPost.id)).toEqual(['Alice will bring lemonade']);
    expect(await threadBodies(bob, carolPost.id)).toEqual(['Bob will bring chairs']);
    // Carol sees everything.
    expect(await feedIds(carol)).toEqual(expect.arrayContaining([alicePost.id, bobPost.id]) as unknown);
    expect(await threadBodies(carol, carolPost.id)).toEqual([
      'Alice will bring lemonade',
      'Bob will bring chairs',
    ]);

    // Unblocking brings everything back.
    expect((await alice.raw('DELETE', `/api/me/blocks/${bob.id}`)).statusCode).toBe(204);
    expect(await feedIds(bob)).toContain(alicePost.id);
    expect(await feedIds(alice)).toContain(bobPost.id);
    expect((await alice.api.GET('/api/me/blocks')).data!.items).toEqual([]);
  });

  it('stops the blocked person reading, commenting on, reacting to or reporting the blocker’s posts, with the 404 of a post that does not exist', async () => {
    const [alice, bob] = [await makeUser(t), await makeUser(t)];
    const alicePost = await makePost(alice, { title: 'Package stolen from porch' });
    const bobPost = await makePost(bob, { title: 'Car alarm on Elm' });
    await alice.raw('PUT', `/api/me/blocks/${bob.id}`);
    const before = await lastEventId(t);

    const never = await bob.raw('GET', '/api/posts/po_AAAAAAAAAAAAAAAAAAAAAA');
    const attempts = [
      await bob.raw('GET', `/api/posts/${alicePost.id}`),
      await bob.raw('GET', `/api/posts/${alicePost.id}/comments`),
      await comment(bob, alicePost.id, 'You cannot stop me'),
      await react(bob, alicePost.id),
      await bob.raw('POST', `/api/posts/${alicePost.id}/reports`, { rule: 'spam' }),
    ];
    for (const r of attempts) {
      expect(r.statusCode, r.body).toBe(404);
      // Exactly what a post that was never issued answers: nothing says "blocked".
      expect(withoutInstance(r.body)).toEqual(withoutInstance(never.body));
      expect(r.body.toLowerCase()).not.toContain('block');
    }

    // The blocker may still open and report the blocked person's post, but not engage with it.
    expect((await alice.raw('GET', `/api/posts/${bobPost.id}`)).statusCode).toBe(200);
    const aliceComment = await comment(alice, bobPost.id, 'Please stop');
    expect(aliceComment.statusCode).toBe(403);
    expect(aliceComment.json<{ detail: string }>().detail).toContain('you blocked the author');
    expect((await react(alice, bobPost.id)).statusCode).toBe(403);
    expect(
      (await alice.raw('POST', `/api/posts/${bobPost.id}/reports`, { rule: 'harassment', reason: 'threats' }))
        .statusCode,
    ).toBe(201);

    // Nothing from the refused attempts was written, and blocking wrote no event at all (nothing can be logged).
    const events = await eventsAfter(t, before);
    expect(events.map((e) => e.type)).toEqual(['post.reported']);
  });

  it('passes no notification between them, in the app or by push and email', async () => {
    const [alice, bob, carol] = [await makeUser(t), await makeUser(t), await makeUser(t)];
    for (const u of [alice, bob, carol]) {
      const r = await u.raw('PUT', '/api/alerts/settings', {
        categories: ['safety'],
        radiusM: 2000,
        quietHours: null,
        timeZone: 'UTC',
        channels: { inApp: true, push: false, email: 'instant' },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const alicePost = await makePost(alice, { title: 'Broken streetlight', category: 'safety' });
    await alice.raw('PUT', `/api/me/blocks/${bob.id}`);
    // A new nearby post's alert goes to Carol, not to Bob; Bob's goes to Carol, not to Alice.
    const who = async (author: TestUser) =>
      (
        await recipientsForPost(t.database.db, {
          category: 'safety',
          lat: HOME.lat,
          lng: HOME.lng,
          authorId: author.id,
        })
      ).map((r) => r.user_id);
    expect(await who(alice)).toContain(carol.id);
    expect(await who(alice)).not.toContain(bob.id);
    expect(await who(bob)).toContain(carol.id);
    expect(await who(bob)).not.toContain(alice.id);

    // Bob's refused reply and reaction leave Alice's notification centre empty of him.
    await comment(bob, alicePost.id, 'Reported it to the city');
    await react(bob, alicePost.id);
    expect((await notifications(alice)).filter((n) => n.post.id === alicePost.id)).toEqual([]);
  });

  it('keeps the blocked person’s new posts and comments out of the blocker’s live stream, and the blocker’s out of theirs', async () => {
    const [alice, bob, carol] = [await makeUser(t), await makeUser(t), await makeUser(t)];
    await alice.raw('PUT', `/api/me/blocks/${bob.id}`);
    const [aliceLive, bobLive] = [await openLive(origin, alice.jar), await openLive(origin, bob.jar)];
    try {
      const fromBob = await makePost(bob, { title: 'Bob’s live post' });
      const fromAlice = await makePost(alice, { title: 'Alice’s live post' });
      const marker = await makePost(carol, { title: 'Carol’s marker post' });
      await aliceLive.next<{ id: string }>('post', (p) => p.id === marker.id);
      await bobLive.next<{ id: string }>('post', (p) => p.id === marker.id);
      expect(aliceLive.received<{ id: string }>('post').map((p) => p.id)).not.toContain(fromBob.id);
      expect(bobLive.received<{ id: string }>('post').map((p) => p.id)).not.toContain(fromAlice.id);
    } finally {
      await Promise.all([aliceLive.close(), bobLive.close()]);
    }
  });

  it('keeps a mute and a block apart, and names what is wrong', async () => {
    const [alice, bob] = [await makeUser(t), await makeUser(t)];
    await alice.raw('PUT', `/api/me/mutes/${bob.id}`);
    await alice.raw('PUT', `/api/me/blocks/${bob.id}`);
    // Blocking someone muted turns the mute into a block; unmuting does not undo a block.
    expect((await alice.api.GET('/api/me/mutes')).data!.items).toEqual([]);
    expect((await alice.raw('DELETE', `/api/me/mutes/${bob.id}`)).statusCode).toBe(204);
    expect((await alice.api.GET('/api/me/blocks')).data!.items.map((b) => b.user.id)).toEqual([bob.id]);
    // Muting someone blocked keeps the block.
    await alice.raw('PUT', `/api/me/mutes/${bob.id}`);
    expect((await alice.api.GET('/api/me/blocks')).data!.items.map((b) => b.user.id)).toEqual([bob.id]);

    const self = await alice.raw('PUT', `/api/me/blocks/${alice.id}`);
    expect(self.statusCode).toBe(400);
    expect(self.body).toContain('yourself');
    expect((await alice.raw('PUT', '/api/me/blocks/999999999')).statusCode).toBe(404);
    expect((await alice.raw('PUT', '/api/me/blocks/bob')).statusCode).toBe(400);
    const signedOut = await t.app.inject({ method: 'PUT', url: `/api/me/blocks/${bob.id}` });
    expect([401, 403]).toContain(signedOut.statusCode);
  });
});
