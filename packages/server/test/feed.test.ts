import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceMeters, snap, type LatLng } from '../src/geo/cells.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A separate neighbourhood per test, 40 km apart, so one test's posts never reach another's feed. */
const neighbourhood = (n: number): LatLng => offsetMeters(HOME, 0, n * 40_000);

type FeedQuery = { cursor?: string; limit?: number; category?: 'community' | 'safety' | 'crime' };

async function feed(user: TestUser, query: FeedQuery = {}) {
  const res = await user.api.GET('/api/feed', { params: { query } });
  expect(res.response.status, JSON.stringify(res.error)).toBe(200);
  return res.data!;
}

const titles = async (user: TestUser, query: FeedQuery = {}) =>
  (await feed(user, query)).items.map((p) => p.title);

async function setRadius(user: TestUser, radiusM: number) {
  const res = await user.api.PUT('/api/me/radius', { body: { radiusM } });
  expect(res.response.status, JSON.stringify(res.error)).toBe(200);
  return res.data!;
}

describe('the feed shows nearby posts', () => {
  it('lists posts within the radius, newest first, and leaves out posts beyond it', async () => {
    const home = neighbourhood(1);
    const viewer = await makeUser(t, { home });
    const author = await makeUser(t, { home });
    await makePost(author, { title: 'Near: 150 m north', location: offsetMeters(home, 150, 0) });
    await makePost(author, { title: 'Beyond: 2.5 km south', location: offsetMeters(home, -2500, 0) });
    await makePost(author, { title: 'Inside: 1.2 km east', location: offsetMeters(home, 0, 1200) });
    await makePost(author, { title: 'Across town: 12 km', location: offsetMeters(home, 12_000, 0) });
    await makePost(viewer, { title: 'My own post at home' });

    expect(await titles(viewer)).toEqual(['My own post at home', 'Inside: 1.2 km east', 'Near: 150 m north']);
    const items = (await feed(viewer)).items;
    expect(items.map((p) => p.isMine)).toEqual([true, false, false]);
  });

  it('widens and narrows when the viewer changes the radius', async () => {
    const home = neighbourhood(2);
    const viewer = await makeUser(t, { home });
    const author = await makeUser(t, { home });
    await makePost(author, { title: '150 m', location: offsetMeters(home, 150, 0) });
    await makePost(author, { title: '1.2 km', location: offsetMeters(home, 0, -1200) });
    await makePost(author, { title: '2.5 km', location: offsetMeters(home, -2500, 0) });
    await makePost(author, { title: '7.5 km', location: offsetMeters(home, 0, 7500) });

    expect(await titles(viewer)).toEqual(['1.2 km', '150 m']);
    expect((await setRadius(viewer, 3000)).radiusM).toBe(3000);
    expect(await titles(viewer)).toEqual(['2.5 km', '1.2 km', '150 m']);
    await setRadius(viewer, 8000);
    expect(await titles(viewer)).toEqual(['7.5 km', '2.5 km', '1.2 km', '150 m']);
    await setRadius(viewer, 500);
    expect(await titles(viewer)).toEqual(['150 m']);
  });
  it('reaches across the antimeridian', async () => {
    const home = { lat: -17.8, lng: 179.996 };
    const viewer = await makeUser(t, { home });
    const author = await makeUser(t, { home });
    await makePost(author, { title: 'Just across the date line', location: { lat: -17.801, lng: -179.997 } });
    expect(await titles(viewer)).toEqual(['Just across the date line']);
  });
});

describe('radius bounds', () => {
  it('accepts 500 m and 8000 m', async () => {
    const user = await makeUser(t, { home: neighbourhood(3) });
    expect((await setRadius(user, 500)).radiusM).toBe(500);
    expect((await setRadius(user, 8000)).radiusM).toBe(8000);
  });

  it.each([499, 8001, 0, -1600])(
    'rejects %i m naming /body/radiusM and keeps the old radius',
    async (radiusM) => {
      const user = await makeUser(t, { home: neighbourhood(3), radiusM: 2000 });
      const viaRadius = await user.api.PUT('/api/me/radius', { body: { radiusM } });
      expect(viaRadius.response.status).toBe(400);
      expect(viaRadius.error).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: '/body/radiusM' }],
      });
      const viaHome = await user.api.PUT('/api/me/home', { body: { ...neighbourhood(3), radiusM } });
      expect(viaHome.response.status).toBe(400);
      expect(viaHome.error).toMatchObject({ errors: [{ field: '/body/radiusM' }] });
      expect((await user.api.GET('/api/me')).data?.radiusM).toBe(2000);
    },
  );
});

describe('the radius edge', () => {
  /**
   * Points about `radiusM` from `home` on either side of the rule "distance from the viewer's exact home to the
   * post's cell centre": one whose exact point is outside but whose cell centre is inside (shown), one the
   * other way round (not shown). The shown one's centre distance is not near a whole metre, so the radius can
   * be set just below and just above it.
   */
  function edgePoints(home: LatLng, radiusM: number) {
    let shown: { point: LatLng; centreM: number } | undefined;
    let hidden: LatLng | undefined;
    for (let bearing = 0; bearing < 360 && !(shown && hidden); bearing += 5) {
      const rad = (bearing * Math.PI) / 180;
      for (let d = radiusM - 200; d <= radiusM + 200; d += 2) {
        const point = offsetMeters(home, d * Math.cos(rad), d * Math.sin(rad));
        const exactM = distanceMeters(home, point);
        const centreM = distanceMeters(home, snap(point));
        const frac = centreM % 1;
        if (!shown && exactM > radiusM + 10 && centreM < radiusM - 10 && frac > 0.1 && frac < 0.9) {
          shown = { point, centreM };
        }
        if (!hidden && exactM < radiusM - 10 && centreM > radiusM + 10) hidden = point;
      }
    }
    if (!shown || !hidden) throw new Error('no edge points found; the grid is not what this test expects');
    return { shown, hidden };
  }

  it('measures from the viewer’s exact home to the post’s cell centre, not to where it happened', async () => {
    const home = offsetMeters(neighbourhood(4), 37.3, -61.9);
    const { shown, hidden } = edgePoints(home, 1000);
    const viewer = await makeUser(t, { home, radiusM: 1000 });
    const author = await makeUser(t, { home });
    await makePost(author, { title: 'Exact point inside, cell centre outside', location: hidden });
    await makePost(author, { title: 'Exact point outside, cell centre inside', location: shown.point });

    expect(await titles(viewer)).toEqual(['Exact point outside, cell centre inside']);

    await setRadius(viewer, Math.floor(shown.centreM));
    expect(await titles(viewer)).toEqual([]);
    await setRadius(viewer, Math.ceil(shown.centreM));
    expect(await titles(viewer)).toEqual(['Exact point outside, cell centre inside']);
  });
});

describe('paging', () => {
  it('returns every post exactly once across pages, even when new posts arrive in between', async () => {
    const home = neighbourhood(5);
    const viewer = await makeUser(t, { home });
    const author = await makeUser(t, { home });
    const original: string[] = [];
    for (let i = 1; i <= 7; i++) original.push((await makePost(author, { title: `Post ${i}` })).id);

    const page1 = await feed(viewer, { limit: 3 });
    const late = [
      (await makePost(author, { title: 'Late 1' })).id,
      (await makePost(author, { title: 'Late 2' })).id,
    ];
    const page2 = await feed(viewer, { limit: 3, cursor: page1.nextCursor! });
    const page3 = await feed(viewer, { limit: 3, cursor: page2.nextCursor! });

    expect([page1, page2, page3].map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(page3.nextCursor).toBeNull();
    const seen = [...page1.items, ...page2.items, ...page3.items].map((p) => p.id);
    expect(seen).toEqual([...original].reverse());

    const fresh = await feed(viewer, { limit: 3 });
    expect(fresh.items.map((p) => p.id)).toEqual([late[1], late[0], original[6]]);
  });

  it('gives no cursor when the last page is exactly full', async () => {
    const home = neighbourhood(6);
    const viewer = await makeUser(t, { home });
    for (let i = 0; i < 2; i++) await makePost(viewer, { title: `Post ${i}` });
    const page = await feed(viewer, { limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it.each([
    ['text that is not a cursor', 'garbage'],
    ['an old row-number cursor', Buffer.from('v1:10').toString('base64url')],
    ['a post id never issued', 'po_AAAAAAAAAAAAAAAAAAAAAA'],
    ['a comment id', 'co_AAAAAAAAAAAAAAAAAAAAAA'],
    ['an over-long cursor', 'A'.repeat(201)],
  ])('refuses %s with a 400 naming /querystring/cursor', async (_label, cursor) => {
    const viewer = await makeUser(t, { home: neighbourhood(6) });
    const res = await viewer.api.GET('/api/feed', { params: { query: { cursor } } });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: '/querystring/cursor' }],
    });
  });
});

describe('filtering and access', () => {
  it('filters by category', async () => {
    const home = neighbourhood(7);
    const viewer = await makeUser(t, { home });
    await makePost(viewer, { category: 'safety', title: 'Ice on the hill' });
    await makePost(viewer, { category: 'community', title: 'Book swap' });
    await makePost(viewer, { category: 'safety', title: 'Streetlight out' });
    await makePost(viewer, { category: 'crime', title: 'Bike stolen from a porch' });

    expect(await titles(viewer, { category: 'safety' })).toEqual(['Streetlight out', 'Ice on the hill']);
    expect(await titles(viewer, { category: 'crime' })).toEqual(['Bike stolen from a porch']);
    expect(await titles(viewer)).toHaveLength(4);
    const bad = await viewer.raw('GET', '/api/feed?category=gossip');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: '/querystring/category' }],
    });
  });

  it('asks for a home first: 409 home_required', async () => {
    const viewer = await makeUser(t, { home: null });
    const res = await viewer.api.GET('/api/feed');
    expect(res.response.status).toBe(409);
    expect(res.error).toMatchObject({ code: 'home_required', status: 409 });
  });

  it('refuses a signed-out visitor with 401', async () => {
    const anon = await new TestUser(t.app).begin();
    const res = await anon.api.GET('/api/feed');
    expect(res.response.status).toBe(401);
    expect(res.error).toMatchObject({ code: 'unauthenticated' });
  });
});
