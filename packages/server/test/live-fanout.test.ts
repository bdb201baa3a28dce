import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaCellsCovering, snap, type LatLng } from '../src/geo/cells.js';
import type { LiveSubscriber } from '../src/modules/live/live.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';
import { drained, listen, openLive } from './support/sse.js';

/** Twenty city centres, none within 100 km of the test neighbourhood in Portland. */
const CITIES: LatLng[] = [
  { lat: 47.6062, lng: -122.3321 },
  { lat: 37.7749, lng: -122.4194 },
  { lat: 34.0522, lng: -118.2437 },
  { lat: 39.7392, lng: -104.9903 },
  { lat: 41.8781, lng: -87.6298 },
  { lat: 40.7128, lng: -74.006 },
  { lat: 42.3601, lng: -71.0589 },
  { lat: 25.7617, lng: -80.1918 },
  { lat: 30.2672, lng: -97.7431 },
  { lat: 33.4484, lng: -112.074 },
  { lat: 44.9778, lng: -93.265 },
  { lat: 29.7604, lng: -95.3698 },
  { lat: 32.7157, lng: -117.1611 },
  { lat: 36.1627, lng: -86.7816 },
  { lat: 38.9072, lng: -77.0369 },
  { lat: 39.9526, lng: -75.1652 },
  { lat: 33.749, lng: -84.388 },
  { lat: 43.6532, lng: -79.3832 },
  { lat: 49.2827, lng: -123.1207 },
  { lat: 35.2271, lng: -80.8431 },
];

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await startTestApp();
  origin = await listen(t.app);
});
afterAll(() => t.close());

/** A subscriber registered straight into the hub, standing in for an open stream; counts what it receives. */
function fakeSubscriber(id: number, home: LatLng, radiusM = 1600) {
  const received: string[] = [];
  const s: LiveSubscriber = {
    viewer: { id: 1_000_000 + id, role: 'resident', displayName: `Fake ${id}` },
    home,
    radiusM,
    areaCells: areaCellsCovering(home, radiusM),
    send: (_event, data) => received.push(data),
    close: () => undefined,
  };
  return { s, received };
}

/** Spreads `n` subscribers over a disc of `spreadM` around `centre`, deterministically. */
function around(centre: LatLng, n: number, spreadM: number, offset = 0) {
  return Array.from({ length: n }, (_, i) => {
    const angle = i * 2.399963; // golden angle: an even spread without randomness
    const r = spreadM * Math.sqrt((i + 0.5) / n);
    return fakeSubscriber(offset + i, offsetMeters(centre, r * Math.cos(angle), r * Math.sin(angle)));
  });
}

describe('fan-out cost follows the subscribers near a post, not all subscribers', () => {
  it('touches only the subscribers registered in the post’s area cell when 2,000 others listen elsewhere', async () => {
    const far = CITIES.flatMap((city, c) => around(city, 100, 3_000, c * 100));
    const detach = far.map((f) => t.services.live.attach(f.s));
    const author = await makeUser(t);
    const neighbours = [await makeUser(t, { home: offsetMeters(HOME, 300, 0) }), await makeUser(t)];
    const streams = [await openLive(origin, neighbours[0]!.jar), await openLive(origin, neighbours[1]!.jar)];
    try {
      const { hub } = t.services.live;
      expect(hub.subscriberCount).toBe(2_002);
      const before = { ...hub.stats };

      const post = await makePost(author, { title: 'Road closed on Main St' });
      for (const s of streams) await s.next<{ id: string }>('post', (p) => p.id === post.id);
      const after = { ...hub.stats };
      await drained(t.deps.live, t.services.live);

      expect(after.lookups - before.lookups).toBe(1);
      expect(after.distanceChecks - before.distanceChecks).toBe(2);
      expect(after.matches - before.matches).toBe(2);
      expect(far.every((f) => f.received.length === 0)).toBe(true);
    } finally {
      for (const d of detach) d();
      await Promise.all(streams.map((s) => s.close()));
    }
  });

  it('costs in proportion when the same 2,000 subscribers all live near the post', async () => {
    const author = await makeUser(t);
    const postCell = snap(HOME).areaCell;
    const near = around(HOME, 2_000, 1_000);
    // Precondition: the control really places everyone under the post's area cell.
    expect(near.every((f) => f.s.areaCells.includes(postCell))).toBe(true);
    const detach = near.map((f) => t.services.live.attach(f.s));
    try {
      const { hub } = t.services.live;
      const before = { ...hub.stats };
      const post = await makePost(author, { title: 'Power cut on our street' });
      await drained(t.deps.live, t.services.live);

      // The drain's marker goes to a cell nobody is in: one lookup, no checks.
      expect(hub.stats.distanceChecks - before.distanceChecks).toBe(2_000);
      expect(near.every((f) => f.received.length === 1)).toBe(true);
      expect(new Set(near.map((f) => f.received[0])).size).toBe(1);
      expect(JSON.parse(near[0]!.received[0]!)).toMatchObject({ id: post.id, isMine: false });
    } finally {
      for (const d of detach) d();
    }
  });
});
