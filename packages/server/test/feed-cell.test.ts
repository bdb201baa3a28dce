import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snap, type LatLng } from '../src/geo/cells.js';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** Far from feed.test.ts's neighbourhoods, so no other test's posts reach these feeds. */
const neighbourhood = (n: number): LatLng => offsetMeters(HOME, -n * 40_000, 0);

interface Page {
  items: { id: string; title: string; location: { cell: string; lat: number; lng: number } }[];
}

async function cellFeed(user: TestUser, cell: string, extra = '') {
  const res = await user.raw('GET', `/api/feed?cell=${cell}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return { page: res.json<Page>(), body: res.body };
}

describe("the feed narrowed to one map cell (the incident map's cell panel)", () => {
  it("lists only that cell's posts, with only the cell's centre as location", async () => {
    const home = neighbourhood(1);
    const viewer = await makeUser(t, { home });
    const author = await makeUser(t, { home });
    // Points chosen off their cells' centres, so an exact point in the answer would be visible.
    const here = offsetMeters(home, 37, 23);
    const there = offsetMeters(home, 600, -410);
    await makePost(author, { title: 'Here one', location: here });
    await makePost(author, { title: 'There', category: 'crime', location: there });
    await makePost(author, { title: 'Here two', category: 'safety', location: here });

    const cell = snap(here).cell;
    expect(snap(there).cell).not.toBe(cell);
    const { page, body } = await cellFeed(viewer, cell);
    expect(page.items.map((p) => p.title)).toEqual(['Here two', 'Here one']);
    expect(page.items.every((p) => p.location.cell === cell)).toBe(true);
    for (const exact of [here.lat, here.lng]) expect(body).not.toContain(String(exact).slice(0, 9));
    expect(page.items[0]!.location.lat).toBeCloseTo(snap(here).lat, 9);

    // It combines with the feed's other filters.
    const safety = await cellFeed(viewer, cell, '&category=safety');
    expect(safety.page.items.map((p) => p.title)).toEqual(['Here two']);
    expect((await cellFeed(viewer, snap(there).cell)).page.items.map((p) => p.title)).toEqual(['There']);
  });

  it('applies the feed’s readability rules: no blocked author, no hidden post, nothing outside the radius', async () => {
    const home = neighbourhood(2);
    const viewer = await makeUser(t, { home });
    const friend = await makeUser(t, { home });
    const blocked = await makeUser(t, { home });
    const moderator = await makeUser(t, { home, role: 'moderator' });
    const spot = offsetMeters(home, 120, 80);
    const cell = snap(spot).cell;
    await makePost(friend, { title: 'Visible', location: spot });
    await makePost(blocked, { title: 'From someone I blocked', location: spot });
    const hidden = await makePost(friend, { title: 'Hidden by a moderator', location: spot });
    expect((await viewer.raw('PUT', `/api/me/blocks/${blocked.id}`)).statusCode).toBe(204);
    const hide = await moderator.api.POST('/api/moderation/posts/{id}/decisions', {
      params: { path: { id: hidden.id } },
      body: { action: 'hide', reason: 'Names a private person' },
    });
    expect(hide.response.status).toBeLessThan(300);

    expect((await cellFeed(viewer, cell)).page.items.map((p) => p.title)).toEqual(['Visible']);
    // Someone who has moved away no longer sees the old neighbourhood's cells.
    const moved = await viewer.api.PUT('/api/me/home', { body: neighbourhood(3) });
    expect(moved.response.status).toBe(200);
    expect((await cellFeed(viewer, cell)).page.items).toEqual([]);
  });

  it('refuses a cell that is not a display cell, naming the parameter', async () => {
    const viewer = await makeUser(t, { home: neighbourhood(4) });
    const coarse = snap(neighbourhood(4)).areaCell;
    for (const bad of ['nonsense', coarse, '89ffffffffffff']) {
      const res = await viewer.raw('GET', `/api/feed?cell=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toContain('cell');
    }
  });
});
