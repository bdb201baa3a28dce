import { cellToBoundary, getResolution } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { distanceM } from '../format';
import { cellPolygon, circle, gridWithin, snapToCell } from './geometry';

const home = { lat: 45.5152, lng: -122.6784 };

describe('map geometry', () => {
  it('snaps a point to the resolution-9 cell the server shows', () => {
    expect(getResolution(snapToCell(home))).toBe(9);
  });

  it('draws a cell as a closed GeoJSON ring in [lng, lat] order', () => {
    const cell = snapToCell(home);
    const ring = cellPolygon(cell).geometry.coordinates[0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(ring).toHaveLength(cellToBoundary(cell).length + 1);
    expect(ring[0]![0]).toBeCloseTo(home.lng, 1);
  });

  it('draws the radius as a closed ring whose points are the radius away', () => {
    const ring = circle(home, 1600).geometry.coordinates[0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (const [lng, lat] of ring) expect(distanceM(home, { lat: lat!, lng: lng! })).toBeCloseTo(1600, -1);
  });

  it('covers a larger radius with more grid cells', () => {
    expect(gridWithin(home, 8000).length).toBeGreaterThan(gridWithin(home, 500).length);
  });
});
