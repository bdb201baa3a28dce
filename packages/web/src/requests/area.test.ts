import { describe, expect, it } from 'vitest';
import { cornersToPolygon, formatArea, formatCorners, parseCorners, polygonToCorners } from './area';

describe('request area', () => {
  it('shows square metres and square miles', () => {
    expect(formatArea(64_750)).toBe('64,750 m² (0.025 mi²)');
    expect(formatArea(1_294_994)).toBe('1,294,994 m² (0.5 mi²)');
  });

  it('closes the ring only once there are three corners', () => {
    expect(
      cornersToPolygon([
        [1, 2],
        [3, 4],
      ]),
    ).toBeNull();
    const polygon = cornersToPolygon([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(polygon?.coordinates[0]).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ]);
    expect(polygonToCorners(polygon!)).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
  });

  it('reads typed corners as latitude, longitude and round-trips them', () => {
    const text = '45.523100, -122.676500\n\n45.5241 -122.6765\n45.5241;-122.6745';
    const parsed = parseCorners(text);
    expect(parsed).toEqual({
      corners: [
        [-122.6765, 45.5231],
        [-122.6765, 45.5241],
        [-122.6745, 45.5241],
      ],
    });
    if ('corners' in parsed) expect(parseCorners(formatCorners(parsed.corners))).toEqual(parsed);
  });

  it('names the line of a corner it cannot read', () => {
    expect(parseCorners('45.5, -122.6\nnear the park')).toEqual({
      error: 'Line 2: write a corner as “latitude, longitude”, e.g. 45.5231, -122.6765.',
    });
    expect(parseCorners('95, 10')).toEqual({
      error: 'Line 1: latitude must be within ±90 and longitude within ±180.',
    });
  });
});
