import { describe, expect, it } from 'vitest';
import {
  CascadeFormatError,
  detectMultiScale,
  groupRectangles,
  integrals,
  parseHaarCascade,
  type GrayImage,
} from './haar.js';

function randomImage(width: number, height: number, seed: number): GrayImage {
  let s = seed;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height };
}

/** OpenCV's definition of the tilted integral, summed pixel by pixel. */
function tiltedByDefinition(img: GrayImage, X: number, Y: number): number {
  let total = 0;
  for (let y = 0; y < Y; y++) {
    for (let x = 0; x < img.width; x++)
      if (Math.abs(x - X + 1) <= Y - y - 1) total += img.data[y * img.width + x]!;
  }
  return total;
}

/** A one-stage, one-feature cascade: a window whose left half is darker than its right half. */
function edgeCascade(threshold = 0): string {
  return `<?xml version="1.0"?>
<opencv_storage><cascade>
  <stageType>BOOST</stageType><featureType>HAAR</featureType><height>8</height><width>8</width>
  <stageNum>1</stageNum>
  <stages><_><maxWeakCount>1</maxWeakCount><stageThreshold>0</stageThreshold><weakClassifiers>
    <_><internalNodes>0 -1 0 ${threshold}</internalNodes><leafValues>-1 1</leafValues></_>
  </weakClassifiers></_></stages>
  <features><_><rects><_>0 0 8 8 -1.</_><_>4 0 4 8 2.</_></rects><tilted>0</tilted></_></features>
</cascade></opencv_storage>`;
}

describe('Haar cascade evaluator', () => {
  it('builds the sum, squared-sum and 45° tilted integral images exactly', () => {
    const img = randomImage(23, 17, 7);
    const ints = integrals(img, true);
    const s = img.width + 1;
    for (const [X, Y] of [
      [0, 0],
      [5, 3],
      [23, 17],
      [11, 16],
      [23, 1],
    ] as const) {
      let sum = 0;
      let sq = 0;
      for (let y = 0; y < Y; y++) {
        for (let x = 0; x < X; x++) {
          const v = img.data[y * img.width + x]!;
          sum += v;
          sq += v * v;
        }
      }
      expect(ints.sum[X + Y * s]).toBe(sum);
      expect(ints.sqsum[X + Y * s]).toBe(sq);
    }
    for (let Y = 0; Y <= img.height; Y++) {
      for (let X = 0; X <= img.width; X++) {
        expect(ints.tilted![X + ints.pad + Y * ints.tiltedStride]).toBe(tiltedByDefinition(img, X, Y));
      }
    }
  });

  it('sums a tilted rectangle over twice its width × height on a uniform picture', () => {
    const ones: GrayImage = { data: new Uint8Array(40 * 40).fill(1), width: 40, height: 40 };
    const ints = integrals(ones, true);
    const at = (X: number, Y: number) => ints.tilted![X + ints.pad + Y * ints.tiltedStride]!;
    for (const [x, y, w, h] of [
      [10, 5, 4, 3],
      [20, 10, 6, 6],
      [15, 2, 1, 1],
    ] as const) {
      expect(at(x, y) - at(x - h, y + h) - at(x + w, y + w) + at(x + w - h, y + w + h)).toBe(2 * w * h);
    }
  });

  it('finds a dark-to-light edge where it is, at the scales it fits, and nothing in a flat picture', () => {
    const cascade = parseHaarCascade(edgeCascade(0.05));
    const width = 64;
    const height = 48;
    const data = new Uint8Array(width * height).fill(128);
    // A 16×16 square, dark left half and light right half, at (24, 16).
    for (let y = 16; y < 32; y++) for (let x = 24; x < 40; x++) data[y * width + x] = x < 32 ? 20 : 235;
    const hits = detectMultiScale(cascade, { data, width, height }, { scaleFactor: 1.1, minNeighbors: 2 });
    expect(hits.length).toBeGreaterThanOrEqual(1);
    const best = hits.reduce((a, b) => (a.neighbors >= b.neighbors ? a : b));
    // The grouped box sits on the edge between the halves.
    expect(best.x + best.width / 2).toBeGreaterThan(26);
    expect(best.x + best.width / 2).toBeLessThan(38);
    expect(best.y).toBeGreaterThanOrEqual(12);
    expect(best.y + best.height).toBeLessThanOrEqual(36);
    const flat = { data: new Uint8Array(width * height).fill(128), width, height };
    expect(detectMultiScale(cascade, flat, { scaleFactor: 1.1, minNeighbors: 2 })).toEqual([]);
  });

  it('groups overlapping hits, drops lone ones and those inside a stronger group', () => {
    const near = (dx: number) => ({ x: 100 + dx, y: 50 + dx, width: 60, height: 20 });
    const grouped = groupRectangles(
      [near(0), near(1), near(2), near(-1), { x: 300, y: 10, width: 60, height: 20 }],
      2,
    );
    expect(grouped).toEqual([{ x: 101, y: 51, width: 60, height: 20, neighbors: 4 }]);
    const inner = { x: 110, y: 52, width: 30, height: 10 };
    const strong = [near(0), near(0), near(1), near(1), near(2)];
    const withInner = groupRectangles([...strong, inner, inner, inner], 1);
    expect(withInner).toHaveLength(1);
    expect(withInner[0]!.neighbors).toBe(5);
  });

  it('refuses what is not a Haar cascade, naming what is wrong', () => {
    expect(() => parseHaarCascade('<html></html>')).toThrow(CascadeFormatError);
    expect(() => parseHaarCascade(edgeCascade().replace('HAAR', 'LBP'))).toThrow(
      /does not use Haar features/,
    );
    expect(() => parseHaarCascade(edgeCascade().replace('0 -1 0 ', '0 -1 3 '))).toThrow(/feature 3/);
    expect(() => parseHaarCascade(edgeCascade().replace('<stageNum>1', '<stageNum>2'))).toThrow(
      /declares 2 stages/,
    );
    expect(() => parseHaarCascade(edgeCascade().replace('4 0 4 8 2.', '4 0 4 2.'))).toThrow(
      /malformed rectangle/,
    );
  });
});
