import {
  cellToChildren,
  cellToLatLng,
  cellToParent,
  getPentagons,
  getResolution,
  gridDisk,
  latLngToCell,
} from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  AREA_RESOLUTION,
  DISPLAY_RESOLUTION,
  areaCellsCovering,
  displayCellsWithin,
  distanceMeters,
  snap,
  type LatLng,
} from './cells.js';

/** A deterministic pseudo-random sequence (Park–Miller), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16_807) % 2_147_483_647) / 2_147_483_647;
}

const centreOf = (cell: string): LatLng => {
  const [lat, lng] = cellToLatLng(cell);
  return { lat, lng };
};

describe('snap', () => {
  it('returns the resolution-9 cell holding the point, that cell’s centre, and its resolution-7 parent', () => {
    const point = { lat: 45.516_731_9, lng: -122.679_113_7 };
    const snapped = snap(point);
    expect(getResolution(snapped.cell)).toBe(DISPLAY_RESOLUTION);
    expect(snapped.cell).toBe(latLngToCell(point.lat, point.lng, DISPLAY_RESOLUTION));
    expect({ lat: snapped.lat, lng: snapped.lng }).toEqual(centreOf(snapped.cell));
    expect(snapped.areaCell).toBe(cellToParent(snapped.cell, AREA_RESOLUTION));
    expect(distanceMeters(point, snapped)).toBeGreaterThan(1);
  });

  it('gives every point in one cell the same output, so nothing finer than the cell leaks', () => {
    const cell = latLngToCell(45.5152, -122.6784, DISPLAY_RESOLUTION);
    const centre = centreOf(cell);
    const nearby = [
      centre,
      { lat: centre.lat + 0.000_3, lng: centre.lng },
      { lat: centre.lat, lng: centre.lng - 0.000_4 },
      { lat: centre.lat - 0.000_2, lng: centre.lng + 0.000_2 },
    ];
    for (const p of nearby) expect(latLngToCell(p.lat, p.lng, DISPLAY_RESOLUTION)).toBe(cell);
    const outputs = new Set(nearby.map((p) => JSON.stringify(snap(p))));
    expect(outputs.size).toBe(1);
  });
});

describe('distanceMeters', () => {
  it('measures one degree of latitude as about 111.2 km and is symmetric', () => {
    const a = { lat: 10, lng: 20 };
    const b = { lat: 11, lng: 20 };
    expect(distanceMeters(a, b)).toBeCloseTo(111_195.08, 1);
    expect(distanceMeters(b, a)).toBe(distanceMeters(a, b));
    expect(distanceMeters(a, a)).toBe(0);
  });

  it('shrinks east–west distances with latitude', () => {
    const atEquator = distanceMeters({ lat: 0, lng: 0 }, { lat: 0, lng: 1 });
    const at60 = distanceMeters({ lat: 60, lng: 0 }, { lat: 60, lng: 1 });
    expect(at60 / atEquator).toBeCloseTo(0.5, 3);
  });
});

/** Display cells whose centre is within `radiusM` of `centre`, found by brute force. */
function bruteForceWithin(centre: LatLng, radiusM: number): string[] {
  const origin = latLngToCell(centre.lat, centre.lng, DISPLAY_RESOLUTION);
  return gridDisk(origin, Math.ceil(radiusM / 150) + 5).filter(
    (c) => distanceMeters(centre, centreOf(c)) <= radiusM,
  );
}

/** Cases: seeded random homes anywhere a home may be set, plus the distorted cells around pentagons. */
function cases(): { centre: LatLng; radiusM: number }[] {
  const next = random(20_240_601);
  const out: { centre: LatLng; radiusM: number }[] = [];
  for (const p of getPentagons(AREA_RESOLUTION)) {
    const centre = centreOf(p);
    if (Math.abs(centre.lat) <= 85) out.push({ centre, radiusM: 8000 });
  }
  for (let i = 0; i < 24; i++) {
    out.push({
      centre: { lat: -85 + 170 * next(), lng: -180 + 360 * next() },
      radiusM: 500 + Math.floor(7500 * next()),
    });
  }
  out.push({ centre: { lat: -17.8, lng: 179.995 }, radiusM: 8000 }); // Fiji, across the antimeridian
  out.push({ centre: { lat: 85, lng: 42 }, radiusM: 8000 }); // the northernmost home allowed
  out.push({ centre: { lat: 45.5152, lng: -122.6784 }, radiusM: 500 });
  out.push({ centre: { lat: 45.5152, lng: -122.6784 }, radiusM: 8000 });
  return out;
}

describe('areaCellsCovering', () => {
  it('includes the area cell of every display cell whose centre lies within the radius', () => {
    const misses: string[] = [];
    for (const { centre, radiusM } of cases()) {
      const covering = new Set(areaCellsCovering(centre, radiusM));
      for (const cell of bruteForceWithin(centre, radiusM)) {
        if (!covering.has(cellToParent(cell, AREA_RESOLUTION))) {
          misses.push(`home ${centre.lat},${centre.lng} radius ${radiusM}: ${cell}`);
        }
      }
    }
    expect(misses).toEqual([]);
  }, 60_000);

  it('returns only resolution-7 cells, without duplicates, and a modest number of them', () => {
    for (const { centre, radiusM } of cases()) {
      const cells = areaCellsCovering(centre, radiusM);
      expect(new Set(cells).size).toBe(cells.length);
      for (const c of cells) expect(getResolution(c)).toBe(AREA_RESOLUTION);
      // An 8 km disc spans about 15 area cells; the query must not degenerate into a scan of the world.
      expect(cells.length).toBeLessThan(120);
    }
  });
});

describe('displayCellsWithin', () => {
  it('names exactly the display cells within the radius (and a metre), whole area cells where all are in', () => {
    const wrong: string[] = [];
    for (const { centre, radiusM } of cases()) {
      const { whole, partial } = displayCellsWithin(centre, radiusM);
      const named = [...whole.flatMap((a) => cellToChildren(a, DISPLAY_RESOLUTION)), ...partial];
      const expected = bruteForceWithin(centre, radiusM + 1).sort();
      if (JSON.stringify([...named].sort()) !== JSON.stringify(expected))
        wrong.push(
          `home ${centre.lat},${centre.lng} radius ${radiusM}: ${named.length} vs ${expected.length}`,
        );
      for (const a of whole) expect(getResolution(a)).toBe(AREA_RESOLUTION);
      // A partial list never holds all of an area cell: those are named whole, one index scan each.
      const perArea = new Map<string, number>();
      for (const c of partial) {
        const area = cellToParent(c, AREA_RESOLUTION);
        perArea.set(area, (perArea.get(area) ?? 0) + 1);
      }
      for (const [a, n] of perArea) expect(n).toBeLessThan(cellToChildren(a, DISPLAY_RESOLUTION).length);
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('names whole area cells for a wide radius, so it does not list thousands of display cells', () => {
    const { whole, partial } = displayCellsWithin({ lat: 45.5152, lng: -122.6784 }, 8000);
    expect(whole.length).toBeGreaterThan(10);
    expect(partial.length).toBeLessThan(1000);
  });
});
