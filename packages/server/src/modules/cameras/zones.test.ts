import { describe, expect, it } from 'vitest';
import { zoneProblem } from './zones.js';

describe('privacy zones (Frigate x1,y1,x2,y2,... normalised polygons)', () => {
  it.each([
    '0,0,1,0,1,1',
    '0.034,0.1,0.5,0.1,0.5,0.77,0.034,0.77',
    '1.0,1,0,1,0,0.5',
    '.5,.5,1,.5,1,1',
    // Frigate's own example mask format, with more points.
    '0.000,0.000,0.250,0.000,0.250,0.100,0.125,0.150,0.000,0.100',
  ])('accepts %s', (zone) => {
    expect(zoneProblem(zone)).toBeUndefined();
  });

  it.each([
    ['', 'numbers from 0 to 1'],
    ['0,0,1,1', 'at least 3 points'],
    ['0,0,1,0,1', 'an x and a y'],
    ['0,0,1.01,0,1,1', 'numbers from 0 to 1'],
    ['0,0,-0,0,1,1', 'numbers from 0 to 1'],
    ['0,0, 1,0,1,1', 'without spaces'],
    ['0,0,1e0,0,1,1', 'numbers from 0 to 1'],
    ['0,0,0.5,0.5,1,1', 'enclose an area'],
    [Array.from({ length: 101 }, (_, i) => `${(i / 200).toFixed(3)},${i % 2}`).join(','), 'at most 100'],
  ])('refuses %j', (zone, message) => {
    expect(zoneProblem(zone)).toContain(message);
  });
});
