import { describe, expect, it } from 'vitest';
import { areaCellsCovering, distanceMeters, snap, type LatLng } from '../../geo/cells.js';
import { LiveHub, type LiveArea } from './live.hub.js';

const PORTLAND = { lat: 45.5152, lng: -122.6784 };

/** A deterministic pseudo-random sequence (Park–Miller), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16_807) % 2_147_483_647) / 2_147_483_647;
}

const offset = (p: LatLng, northM: number, eastM: number): LatLng => ({
  lat: p.lat + northM / 111_320,
  lng: p.lng + eastM / (111_320 * Math.cos((p.lat * Math.PI) / 180)),
});

const area = (home: LatLng, radiusM: number): LiveArea & { name: string } => ({
  name: `${home.lat},${home.lng}@${radiusM}`,
  home,
  radiusM,
  areaCells: areaCellsCovering(home, radiusM),
});

describe('LiveHub', () => {
  // A correctness check over 3,000 subscribers × 400 places (≈ 4.5 s on a busy 2-core machine): it must not
  // fail on the unit project's 5-s default timeout just because the machine is loaded.
  it(
    'chooses exactly the subscribers that checking everyone by distance would choose',
    { timeout: 60_000 },
    () => {
      const rand = random(42);
      const hub = new LiveHub<LiveArea>();
      const everyone: LiveArea[] = [];
      for (let i = 0; i < 3_000; i++) {
        const home = offset(PORTLAND, (rand() - 0.5) * 30_000, (rand() - 0.5) * 30_000);
        const s = area(home, 500 + Math.floor(rand() * 7_501));
        hub.add(s);
        everyone.push(s);
      }
      let reached = 0;
      for (let i = 0; i < 400; i++) {
        const place = snap(offset(PORTLAND, (rand() - 0.5) * 30_000, (rand() - 0.5) * 30_000));
        const keyed = new Set(hub.near(place));
        expect(keyed).toEqual(new Set(hub.nearScanningAll(place)));
        // The same people the feed's haversine rule picks (ties within a millimetre may round either way).
        const disagree = everyone.filter((s) => {
          const d = distanceMeters(s.home, place);
          return Math.abs(d - s.radiusM) > 0.001 && keyed.has(s) !== d <= s.radiusM;
        });
        expect(disagree).toEqual([]);
        reached += keyed.size;
      }
      // The comparison means something only if posts actually reach people.
      expect(reached).toBeGreaterThan(10_000);
    },
  );

  it('applies the feed’s rule: the display cell’s centre within the radius of the exact home', () => {
    const place = snap(PORTLAND);
    const hub = new LiveHub<LiveArea & { name: string }>();
    const inside = area(offset(place, 0, 1_595), 1_600);
    const outside = area(offset(place, 0, 1_605), 1_600);
    hub.add(inside);
    hub.add(outside);
    expect(distanceMeters(inside.home, place)).toBeLessThan(1_600);
    expect(distanceMeters(outside.home, place)).toBeGreaterThan(1_600);
    expect(hub.near(place).map((s) => s.name)).toEqual([inside.name]);
  });

  it('checks only the subscribers registered under the message’s area cell', () => {
    const hub = new LiveHub<LiveArea>();
    for (let i = 0; i < 500; i++) hub.add(area(offset({ lat: 40.7128, lng: -74.006 }, i * 5, 0), 1_600));
    hub.add(area(PORTLAND, 1_600));
    hub.near(snap(PORTLAND));
    expect(hub.stats).toEqual({ lookups: 1, distanceChecks: 1, matches: 1 });
  });

  it('forgets a removed subscriber and its empty cells; removing twice is harmless', () => {
    const hub = new LiveHub<LiveArea>();
    const a = area(PORTLAND, 1_600);
    const removeA = hub.add(a);
    const removeB = hub.add(area(PORTLAND, 8_000));
    expect(hub.subscriberCount).toBe(2);
    removeA();
    removeA();
    expect(hub.subscriberCount).toBe(1);
    expect(hub.near(snap(PORTLAND))).toHaveLength(1);
    removeB();
    expect(hub.subscriberCount).toBe(0);
    expect(hub.cellCount).toBe(0);
    expect(hub.all()).toEqual([]);
  });
});
