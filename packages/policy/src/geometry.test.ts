import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalBoundary,
  MAX_BOUNDARY_VERTICES,
  normaliseBoundary,
  pointInPolygon,
  polygonAreaM2,
  polygonWithin,
  validateBoundary,
  type Polygon,
  type Position,
} from './geometry.js';
import { PORTLAND, rect, rectM } from './test-fixtures.js';

const R = 6_378_137;
const rad = (d: number) => (d * Math.PI) / 180;
/** The exact area of a lon/lat rectangle on the sphere: R² · Δλ · (sin φ₂ − sin φ₁). */
const rectArea = (w: number, s: number, e: number, n: number) =>
  R * R * rad(e - w) * (Math.sin(rad(n)) - Math.sin(rad(s)));

/** A star-shaped (so simple) polygon: points at increasing angles around a centre, closed. */
const star = (c: Position, radii: number[]): Polygon => {
  const ring: Position[] = radii.map((r, i) => {
    const a = (2 * Math.PI * i) / radii.length;
    return [c[0] + r * Math.cos(a), c[1] + r * Math.sin(a)];
  });
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
};

/** A convex polygon: points on a circle at the given (distinct) angles, in increasing order, closed. */
const convex = (c: Position, angles: number[]): Polygon => {
  const ring: Position[] = [...new Set(angles)]
    .sort((a, b) => a - b)
    .map((a) => [c[0] + 0.03 * Math.cos(a), c[1] + 0.03 * Math.sin(a)]);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
};

describe('validateBoundary', () => {
  it('accepts a polygon, a polygon with a hole and a multipolygon', () => {
    const hole = rect(-122.7, 45.5, -122.69, 45.51).coordinates[0]!;
    expect(validateBoundary(rect(-122.8, 45.4, -122.6, 45.6))).toEqual([]);
    expect(
      validateBoundary({
        type: 'Polygon',
        coordinates: [rect(-122.8, 45.4, -122.6, 45.6).coordinates[0], hole],
      }),
    ).toEqual([]);
    expect(
      validateBoundary({
        type: 'MultiPolygon',
        coordinates: [rect(0, 0, 1, 1).coordinates, rect(2, 0, 3, 1).coordinates],
      }),
    ).toEqual([]);
  });

  it.each([
    ['not GeoJSON', 'hello', 'must be a GeoJSON object'],
    ['a point', { type: 'Point', coordinates: [0, 0] }, 'type must be Polygon or MultiPolygon'],
    ['an extra field', { ...rect(0, 0, 1, 1), crs: 'x' }, 'crs is not a field of a boundary'],
    [
      'an open ring',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      'coordinates[0] must be closed (last position = first)',
    ],
    [
      'too few positions',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      'coordinates[0] must have at least 4 positions (a closed triangle)',
    ],
    [
      'a latitude out of range',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 91],
            [0, 0],
          ],
        ],
      },
      'coordinates[0][2] latitude must be from -90 to 90',
    ],
    [
      'a longitude out of range',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [181, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'coordinates[0][1] longitude must be from -180 to 180',
    ],
    [
      'a non-number',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, '0'],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'coordinates[0][1] must be [longitude, latitude]',
    ],
    [
      'a bow tie',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [1, 0],
            [0, 2],
            [0, 0],
          ],
        ],
      },
      'coordinates ring 0 crosses itself (edges 0 and 2)',
    ],
    [
      'a hole crossing the outer ring',
      { type: 'Polygon', coordinates: [rect(0, 0, 2, 2).coordinates[0], rect(1, 1, 3, 1.5).coordinates[0]] },
      'coordinates rings 0 and 1 cross (edges 1 and 0)',
    ],
    [
      'a ring with no area',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [2, 0],
            [0, 0],
          ],
        ],
      },
      'coordinates[0] encloses no area',
    ],
  ])('refuses %s', (_what, geo, problem) => {
    expect(validateBoundary(geo)).toEqual([problem]);
  });

  it(`refuses more than ${MAX_BOUNDARY_VERTICES} vertices`, () => {
    const n = MAX_BOUNDARY_VERTICES + 1;
    expect(validateBoundary(star([0, 0], Array<number>(n).fill(1)))).toEqual([
      `must have at most ${MAX_BOUNDARY_VERTICES} vertices`,
    ]);
    expect(validateBoundary(star([0, 0], Array<number>(n - 1).fill(1)))).toEqual([]);
  });

  it('finds random star-shaped polygons valid, and a convex one with two vertices swapped (a bow tie) invalid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 0.05, noNaN: true }), { minLength: 4, maxLength: 30 }),
        (radii) => {
          expect(validateBoundary(star(PORTLAND, radii))).toEqual([]);
          const p = convex(
            PORTLAND,
            radii.map((_, i) => (2 * Math.PI * i) / radii.length),
          );
          const ring = p.coordinates[0]!.slice(0, -1);
          [ring[0], ring[1]] = [ring[1]!, ring[0]!];
          [ring[0], ring[2]] = [ring[2]!, ring[0]];
          const twisted: Polygon = { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
          expect(validateBoundary(twisted).some((e) => e.includes('crosses itself'))).toBe(true);
        },
      ),
    );
  });
});

describe('polygonAreaM2', () => {
  it('matches the exact spherical area of lon/lat rectangles anywhere', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -179, max: 178, noNaN: true }),
        fc.double({ min: -80, max: 79, noNaN: true }),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        (w, s, dw, dh) => {
          const expected = rectArea(w, s, w + dw, s + dh);
          // Relative error from floating-point cancellation on small areas; far below a square metre.
          expect(Math.abs(polygonAreaM2(rect(w, s, w + dw, s + dh)) - expected) / expected).toBeLessThan(
            1e-7,
          );
        },
      ),
    );
  });

  it('is the same for either winding, subtracts holes and adds multipolygon parts', () => {
    const outer = rect(0, 0, 0.02, 0.02);
    const reversed: Polygon = { type: 'Polygon', coordinates: [[...outer.coordinates[0]!].reverse()] };
    expect(polygonAreaM2(reversed)).toBeCloseTo(polygonAreaM2(outer), 3);
    const hole = rect(0.005, 0.005, 0.01, 0.01).coordinates[0]!;
    expect(polygonAreaM2({ type: 'Polygon', coordinates: [outer.coordinates[0]!, hole] })).toBeCloseTo(
      polygonAreaM2(outer) - polygonAreaM2(rect(0.005, 0.005, 0.01, 0.01)),
      3,
    );
    expect(
      polygonAreaM2({
        type: 'MultiPolygon',
        coordinates: [outer.coordinates, rect(1, 0, 1.02, 0.02).coordinates],
      }),
    ).toBeCloseTo(polygonAreaM2(outer) + polygonAreaM2(rect(1, 0, 1.02, 0.02)), 3);
  });

  it('measures a 400 m square in Portland as about 160,000 m²', () => {
    expect(polygonAreaM2(rectM(PORTLAND, 400, 400))).toBeGreaterThan(159_000);
    expect(polygonAreaM2(rectM(PORTLAND, 400, 400))).toBeLessThan(161_000);
  });
});

describe('pointInPolygon', () => {
  it('agrees with a cross-product test on random convex polygons and points', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0, max: 6.28, noNaN: true }), { minLength: 3, maxLength: 20 }),
        fc.double({ min: -0.04, max: 0.04, noNaN: true }),
        fc.double({ min: -0.04, max: 0.04, noNaN: true }),
        (angles, dx, dy) => {
          const p = convex(PORTLAND, angles);
          const pt: Position = [PORTLAND[0] + dx, PORTLAND[1] + dy];
          const ring = p.coordinates[0]!;
          const cross = ring.slice(0, -1).map((a, i) => {
            const b = ring[i + 1]!;
            return (b[0] - a[0]) * (pt[1] - a[1]) - (b[1] - a[1]) * (pt[0] - a[0]);
          });
          // The reference is exact away from edges; points within rounding of an edge are not compared.
          if (cross.some((c) => Math.abs(c) < 1e-12)) return;
          expect(pointInPolygon(p, pt)).toBe(cross.every((c) => c > 0));
        },
      ),
    );
  });

  it('leaves out points in a hole, counts points on an edge, and looks in every part of a multipolygon', () => {
    const withHole: Polygon = {
      type: 'Polygon',
      coordinates: [rect(0, 0, 4, 4).coordinates[0]!, rect(1, 1, 2, 2).coordinates[0]!],
    };
    expect(pointInPolygon(withHole, [0.5, 0.5])).toBe(true);
    expect(pointInPolygon(withHole, [1.5, 1.5])).toBe(false);
    expect(pointInPolygon(withHole, [1, 1.5])).toBe(true);
    expect(pointInPolygon(rect(0, 0, 1, 1), [1, 0.5])).toBe(true);
    const multi = {
      type: 'MultiPolygon' as const,
      coordinates: [rect(0, 0, 1, 1).coordinates, rect(5, 5, 6, 6).coordinates],
    };
    expect(pointInPolygon(multi, [5.5, 5.5])).toBe(true);
    expect(pointInPolygon(multi, [3, 3])).toBe(false);
  });
});

describe('polygonWithin', () => {
  it('agrees with bounds comparison for random rectangles', () => {
    const coord = fc.integer({ min: 0, max: 20 });
    fc.assert(
      fc.property(coord, coord, coord, coord, coord, coord, coord, coord, (a, b, c, d, e, f, g, h) => {
        const [w1, e1] = [Math.min(a, b), Math.max(a, b) + 1];
        const [s1, n1] = [Math.min(c, d), Math.max(c, d) + 1];
        const [w2, e2] = [Math.min(e, f), Math.max(e, f) + 1];
        const [s2, n2] = [Math.min(g, h), Math.max(g, h) + 1];
        const expected = w1 >= w2 && e1 <= e2 && s1 >= s2 && n1 <= n2;
        expect(
          polygonWithin(
            rect(w1 / 100, s1 / 100, e1 / 100, n1 / 100),
            rect(w2 / 100, s2 / 100, e2 / 100, n2 / 100),
          ),
        ).toBe(expected);
      }),
    );
  });

  it('refuses an area over a concave notch or over a hole, though all its corners are inside', () => {
    // A U shape: the square 0..3 with the notch x 1..2, y 1..3 cut out.
    const u: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [3, 3],
          [2, 3],
          [2, 1],
          [1, 1],
          [1, 3],
          [0, 3],
          [0, 0],
        ],
      ],
    };
    expect(polygonWithin(rect(0.2, 2, 2.8, 2.5), u)).toBe(false);
    expect(polygonWithin(rect(0.2, 0.2, 2.8, 0.8), u)).toBe(true);
    const holed: Polygon = {
      type: 'Polygon',
      coordinates: [rect(0, 0, 4, 4).coordinates[0]!, rect(1.5, 1.5, 2, 2).coordinates[0]!],
    };
    expect(polygonWithin(rect(1, 1, 3, 3), holed)).toBe(false);
    expect(polygonWithin(rect(2.5, 2.5, 3, 3), holed)).toBe(true);
  });
});

describe('normaliseBoundary and canonicalBoundary', () => {
  it('round to 7 decimals and spell the boundary one way', () => {
    const b = normaliseBoundary(rect(-122.123456789, 45.1, -122.0000000001, 45.2));
    expect(b.coordinates[0]![0]).toEqual([-122.1234568, 45.1]);
    expect(b.coordinates[0]![1]).toEqual([-122, 45.1]);
    expect(canonicalBoundary(b)).toBe(
      '{"coordinates":[[[-122.1234568,45.1],[-122,45.1],[-122,45.2],[-122.1234568,45.2],[-122.1234568,45.1]]],"type":"Polygon"}',
    );
    expect(canonicalBoundary(JSON.parse(JSON.stringify(b)) as Polygon)).toBe(canonicalBoundary(b));
  });
});
