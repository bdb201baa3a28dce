import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { areaCellsCovering, distanceMeters, snap, type LatLng } from '../src/geo/cells.js';
import { METRICS_AUTH, startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';
import { flushed, listen, openLive, requestLive, watchBus, type LiveStream } from './support/sse.js';

type Post = Awaited<ReturnType<typeof makePost>>;
interface Comment {
  id: string;
  postId: string;
  author: { id: number; displayName: string; isAgency: boolean };
  body: string;
  createdAt: string;
}

const SEATTLE = { lat: 47.6062, lng: -122.3321 };

let t: TestApp;
let origin: string;
const streams: LiveStream[] = [];

beforeAll(async () => {
  t = await startTestApp();
  origin = await listen(t.app);
});
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  // The server notices a hang-up a moment later; wait, so counts in the next test start from zero.
  await vi.waitFor(() => {
    expect(t.services.live.hub.subscriberCount).toBe(0);
  });
});
afterAll(() => t.close());

async function live(user: TestUser): Promise<LiveStream> {
  const s = await openLive(origin, user.jar);
  streams.push(s);
  return s;
}

async function getPost(user: TestUser, id: string) {
  const res = await user.api.GET('/api/posts/{id}', { params: { path: { id } } });
  expect(res.response.status).toBe(200);
  return res.data!;
}

/** After this, anything published so far that has not reached these streams is not coming. */
const flush = (...streams: [LiveStream, LatLng][]) => flushed(t.deps.live, streams);

describe('opening the stream', () => {
  it('refuses signed-out clients with 401 and users without a home with 409 home_required', async () => {
    const anon = await requestLive(origin, new Map());
    expect(anon.status).toBe(401);
    expect(anon.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(anon.body)).toMatchObject({ code: 'unauthenticated' });

    const forged = await requestLive(origin, new Map([['pl_session', 'not-a-real-session-token']]));
    expect(forged.status).toBe(401);

    const homeless = await makeUser(t, { home: null });
    const res = await requestLive(origin, homeless.jar);
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'home_required' });
    expect(t.services.live.hub.subscriberCount).toBe(0);
  });

  it('caps the streams one account holds open, and frees a place when one closes', async () => {
    const { settings } = t.services.live;
    const limit = settings.maxStreamsPerUser;
    settings.maxStreamsPerUser = 2;
    try {
      const u = await makeUser(t);
      const other = await makeUser(t);
      const first = await live(u);
      await live(u);
      const third = await requestLive(origin, u.jar);
      expect(third.status).toBe(429);
      expect(third.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(third.body)).toMatchObject({
        code: 'rate_limited',
        detail: expect.stringContaining('2 live streams open') as unknown,
      });
      // The cap is per account: a neighbour is not affected.
      await live(other);
      await first.close();
      await vi.waitFor(async () => {
        const again = await requestLive(origin, u.jar);
        expect(again.status).toBe(200);
      });
    } finally {
      settings.maxStreamsPerUser = limit;
    }
  });

  it('answers with an uncached event stream and a reconnect hint', async () => {
    const u = await makeUser(t);
    const s = await live(u);
    expect(s.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.response.headers['cache-control']).toBe('no-store');
    await vi.waitFor(() => {
      expect(s.parser.retry).toBeGreaterThanOrEqual(3_000);
    });
    expect(s.parser.retry).toBeLessThan(6_000);
  });
});

describe('posts and comments near you', () => {
  it('delivers a neighbour’s post within the radius, exactly as GET /api/posts/:id shows it to them', async () => {
    const author = await makeUser(t, { home: HOME });
    const neighbour = await makeUser(t, { home: offsetMeters(HOME, 900, 300) });
    const s = await live(neighbour);

    const post = await makePost(author, {
      title: 'Lost cat near the park',
      location: offsetMeters(HOME, 50, 0),
    });
    const got = await s.next<Post>('post', (p) => p.id === post.id);

    expect(got.json).toEqual(await getPost(neighbour, post.id));
    expect(got.json).toMatchObject({ isMine: false, myReaction: null, author: { id: author.id } });
    expect(got.id).toMatch(/^\d+$/);
  });

  it('delivers the author’s own post with isMine true', async () => {
    const author = await makeUser(t);
    const s = await live(author);
    const post = await makePost(author, { title: 'My own post' });
    const got = await s.next<Post>('post', (p) => p.id === post.id);
    expect(got.json.isMine).toBe(true);
    expect(got.json).toEqual(await getPost(author, post.id));
  });

  it('does not deliver beyond the radius, even when the post’s area cell is one the subscriber listens to', async () => {
    const author = await makeUser(t);
    // Radius 500 m: find a post location whose area cell this subscriber is registered under but whose
    // display cell centre is farther than 500 m from their home.
    const edgeHome = HOME;
    const covered = areaCellsCovering(edgeHome, 500);
    const where = [600, 700, 800, 900, 1000, 1200, 1400]
      .map((east) => offsetMeters(edgeHome, 0, east))
      .find((p) => covered.includes(snap(p).areaCell) && distanceMeters(edgeHome, snap(p)) > 500);
    expect(where, 'a location in a covered area cell but beyond 500 m').toBeDefined();

    const edge = await makeUser(t, { home: edgeHome, radiusM: 500 });
    const far = await makeUser(t, { home: SEATTLE, radiusM: 8000 });
    const wide = await makeUser(t, { home: edgeHome, radiusM: 8000 });
    const [edgeStream, farStream, wideStream] = [await live(edge), await live(far), await live(wide)];
    const checksBefore = t.services.live.hub.stats.distanceChecks;
    const post = await makePost(author, { title: 'Just beyond the edge', location: where! });
    await wideStream.next<Post>('post', (p) => p.id === post.id);
    // Two candidates by cell, the wide and the edge subscriber; distance refused the edge one.
    expect(t.services.live.hub.stats.distanceChecks - checksBefore).toBe(2);
    await flush([edgeStream, edgeHome], [farStream, SEATTLE]);

    expect(edgeStream.received<Post>('post').map((p) => p.id)).not.toContain(post.id);
    expect(farStream.received<Post>('post').map((p) => p.id)).not.toContain(post.id);
    const feed = await edge.api.GET('/api/feed');
    expect(feed.data!.items.map((p) => p.id)).not.toContain(post.id);
  });

  it('delivers comments to neighbours, as the comment list shows them', async () => {
    const author = await makeUser(t);
    const neighbour = await makeUser(t, { home: offsetMeters(HOME, -400, 200) });
    const post = await makePost(author);
    const s = await live(neighbour);

    const res = await author.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: post.id } },
      body: { body: 'It was found, thanks all' },
    });
    expect(res.response.status).toBe(201);
    const got = await s.next<Comment>('comment', (c) => c.id === res.data!.id);
    const list = await neighbour.api.GET('/api/posts/{id}/comments', { params: { path: { id: post.id } } });
    expect(got.json).toEqual(list.data!.items.find((c) => c.id === got.json.id));
    expect(got.json).toMatchObject({ postId: post.id, body: 'It was found, thanks all' });
  });
});

describe('moderation', () => {
  async function decide(moderator: TestUser, postId: string, action: 'hide' | 'restore') {
    const res = await moderator.raw('POST', `/api/moderation/posts/${postId}/decisions`, {
      action,
      reason: action === 'hide' ? 'Names a private person' : 'The name was removed',
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  it('tells neighbours a post was hidden, then sends the restored post as each viewer may see it', async () => {
    const author = await makeUser(t);
    const reactor = await makeUser(t, { home: offsetMeters(HOME, 300, 0) });
    const bystander = await makeUser(t, { home: offsetMeters(HOME, 0, 300) });
    const moderator = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author);
    await reactor.api.PUT('/api/posts/{id}/reaction', {
      params: { path: { id: post.id } },
      body: { kind: 'thanks' },
    });
    const [a, r, b] = [await live(author), await live(reactor), await live(bystander)];

    await decide(moderator, post.id, 'hide');
    for (const s of [a, r, b]) {
      expect((await s.next<{ postId: string }>('post-hidden')).json).toEqual({ postId: post.id });
    }

    await decide(moderator, post.id, 'restore');
    const [fromA, fromR, fromB] = await Promise.all(
      [a, r, b].map((s) => s.next<Post>('post-restored', (p) => p.id === post.id)),
    );
    expect(fromA!.json).toEqual(await getPost(author, post.id));
    expect(fromR!.json).toEqual(await getPost(reactor, post.id));
    expect(fromB!.json).toEqual(await getPost(bystander, post.id));
    // The moderator's reason goes to the author only; each neighbour sees their own reaction.
    expect(fromA!.json.moderation).toMatchObject({ action: 'restore', reason: 'The name was removed' });
    expect(fromB!.json.moderation).toBeNull();
    expect(fromR!.json.myReaction).toBe('thanks');
    expect(fromB!.json.myReaction).toBeNull();
  });

  it('never sends a hidden post or its comments, even when a message about it arrives', async () => {
    const author = await makeUser(t);
    const neighbourHome = offsetMeters(HOME, 200, 200);
    const neighbour = await makeUser(t, { home: neighbourHome });
    const moderator = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author, { title: 'Soon hidden' });
    const comment = await author.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: post.id } },
      body: { body: 'A comment on a post that will be hidden' },
    });
    await decide(moderator, post.id, 'hide');
    const s = await live(neighbour);
    // A late or replayed message must not resurrect the post for neighbours.
    const place = {
      postId: post.id,
      areaCell: snap(HOME).areaCell,
      lat: post.location.lat,
      lng: post.location.lng,
    };
    const matchesBefore = t.services.live.hub.stats.matches;
    await t.deps.live.publish({ kind: 'post.created', ...place });
    await t.deps.live.publish({ kind: 'post.restored', ...place });
    await t.deps.live.publish({ kind: 'comment.created', commentId: comment.data!.id, ...place });
    await flush([s, neighbourHome]);
    // The neighbour was chosen for each message; the post's hidden status is what withheld them.
    expect(t.services.live.hub.stats.matches - matchesBefore).toBeGreaterThanOrEqual(4);
    expect(s.events.filter((e) => e.event !== 'post-hidden')).toEqual([]);
  });
});

describe('routing cannot be fooled', () => {
  it('does not send a post to another neighbourhood when a message names the wrong place', async () => {
    const author = await makeUser(t);
    const seattle = await makeUser(t, { home: SEATTLE, radiusM: 8000 });
    const post = await makePost(author, { title: 'Portland only' });
    const s = await live(seattle);
    const matchesBefore = t.services.live.hub.stats.matches;
    await t.deps.live.publish({ kind: 'post.created', postId: post.id, ...snap(SEATTLE) });
    await flush([s, SEATTLE]);
    // The Seattle subscriber was chosen by the message's place; the post's real place vetoed it.
    expect(t.services.live.hub.stats.matches - matchesBefore).toBe(2);
    expect(s.received('post')).toEqual([]);
  });
});

describe('G8: no exact location leaves the server through live', () => {
  it('sends cell centres only, in payloads and on the bus', async () => {
    const homes = [offsetMeters(HOME, 123.4, -56.7), offsetMeters(HOME, -311.9, 402.3)];
    const spots = [offsetMeters(HOME, 77.7, 88.8), offsetMeters(HOME, -222.2, 111.1)];
    const [a, b] = [await makeUser(t, { home: homes[0]! }), await makeUser(t, { home: homes[1]! })];
    const [sa, sb] = [await live(a), await live(b)];
    const watch = watchBus(t.deps.live);
    try {
      const p1 = await makePost(a, { title: 'Package thief', location: spots[0]! });
      const p2 = await makePost(b, { title: 'Loose dog', location: spots[1]! });
      const p3 = await makePost(b, { title: 'Posted at home' });
      await b.api.POST('/api/posts/{id}/comments', {
        params: { path: { id: p1.id } },
        body: { body: 'Seen it' },
      });
      for (const s of [sa, sb]) {
        for (const p of [p1, p2, p3]) await s.next<Post>('post', (x) => x.id === p.id);
        await s.next('comment');
      }

      const exact = [...homes, ...spots].flatMap((p) => [p.lat, p.lng]);
      const numbers = [
        ...[sa, sb].flatMap((s) => s.events.flatMap((e) => numbersIn(JSON.parse(e.data)))),
        ...watch.messages.flatMap((m) => numbersIn(m)),
      ];
      for (const x of exact) {
        expect(numbers.filter((n) => Math.abs(n - x) < 1e-7)).toEqual([]);
        expect(sa.text + sb.text).not.toContain(String(x));
      }
      for (const post of [...sa.received<Post>('post'), ...sb.received<Post>('post')]) {
        const centre = snap(post.location);
        expect(post.location).toEqual({ cell: centre.cell, lat: centre.lat, lng: centre.lng });
      }
    } finally {
      watch.stop();
    }
  });
});

describe('stream lifecycle', () => {
  it('unregisters a subscriber when the client disconnects', async () => {
    const u = await makeUser(t);
    const { hub } = t.services.live;
    expect(hub.subscriberCount).toBe(0);
    const s = await openLive(origin, u.jar);
    expect(hub.subscriberCount).toBe(1);
    expect(hub.cellCount).toBeGreaterThan(0);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH });
    expect(metrics.body).toMatch(/^porchlight_live_streams 1$/m);

    await s.close();
    await vi.waitFor(() => {
      expect(hub.subscriberCount).toBe(0);
      expect(hub.cellCount).toBe(0);
    });
  });

  it('ends the stream once the session is signed out', async () => {
    const u = await makeUser(t);
    const { settings } = t.services.live;
    const pingMs = settings.pingMs;
    settings.pingMs = 100;
    try {
      const s = await live(u);
      await vi.waitFor(() => {
        expect(s.parser.comments).toContain('ping');
      });
      await u.api.POST('/api/auth/signout');
      await s.ended;
      expect(t.services.live.hub.subscriberCount).toBe(0);
    } finally {
      settings.pingMs = pingMs;
    }
  });

  it('drops a client that stops reading instead of buffering for it without limit', async () => {
    const u = await makeUser(t);
    const s = await live(u);
    s.response.pause();
    const [subscriber] = t.services.live.hub.all();
    const chunk = JSON.stringify({ postId: 1, padding: 'x'.repeat(64 * 1024) });
    // Far more than the socket buffers hold, so the backlog lands in the server's memory.
    for (let i = 0; i < 400 && t.services.live.hub.subscriberCount > 0; i++) {
      subscriber!.send('post-hidden', chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(t.services.live.hub.subscriberCount).toBe(0);
    s.response.resume();
    await s.ended;
  });

  it('closes open streams on shutdown instead of waiting for clients to hang up', async () => {
    const other = await startTestApp({ database: t.database });
    const otherOrigin = await listen(other.app);
    const u = await makeUser(t);
    const s = await openLive(otherOrigin, u.jar);
    const started = Date.now();
    await other.close();
    await s.ended;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(other.services.live.hub.subscriberCount).toBe(0);
  });
});

/** Every number anywhere in a JSON value. */
function numbersIn(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap(numbersIn);
  if (v && typeof v === 'object') return Object.values(v).flatMap(numbersIn);
  return [];
}
