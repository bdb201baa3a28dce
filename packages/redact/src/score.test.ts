import { describe, expect, it } from 'vitest';
import { coverage, iou, matchDetections, scoreMatches } from './score.js';

const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

describe('iou', () => {
  it('is 1 for the same box, 0 apart or touching, and the overlap share otherwise', () => {
    expect(iou(box(10, 10, 20, 20), box(10, 10, 20, 20))).toBe(1);
    expect(iou(box(0, 0, 10, 10), box(10, 0, 10, 10))).toBe(0);
    expect(iou(box(0, 0, 10, 10), box(50, 50, 10, 10))).toBe(0);
    // Half-shifted squares: 50 shared of 150 covered.
    expect(iou(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(1 / 3);
    // A box inside another: its area over the larger one's.
    expect(iou(box(0, 0, 20, 20), box(5, 5, 10, 10))).toBeCloseTo(0.25);
    expect(iou(box(0, 0, 0, 10), box(0, 0, 0, 10))).toBe(0);
  });
});

describe('coverage', () => {
  it('is the share of the target inside the cover, whatever the cover size', () => {
    expect(coverage(box(10, 10, 20, 20), box(0, 0, 100, 100))).toBe(1);
    expect(coverage(box(0, 0, 100, 100), box(10, 10, 20, 20))).toBeCloseTo(0.04);
    expect(coverage(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(0.5);
    expect(coverage(box(0, 0, 10, 10), box(20, 20, 10, 10))).toBe(0);
  });
});

describe('matchDetections', () => {
  const faces = [box(0, 0, 100, 100), box(200, 0, 100, 100)];

  it('pairs each face with the best detection at IoU ≥ 0.5 and counts the rest as misses and false positives', () => {
    const m = matchDetections(faces, [
      { box: box(10, 10, 100, 100), score: 0.9 }, // IoU 0.68 with face 0
      { box: box(260, 0, 100, 100), score: 0.8 }, // IoU 0.25 with face 1: too little
      { box: box(500, 500, 30, 30), score: 0.4 },
    ]);
    expect(m.pairs).toEqual([{ label: 0, detection: 0, iou: expect.closeTo(0.681, 3) as number }]);
    expect(m.missed).toEqual([1]);
    expect(m.extra).toEqual([1, 2]);
  });

  it('lets a face be matched once: a second, weaker box on it is a false positive', () => {
    const m = matchDetections(faces, [
      { box: box(5, 0, 100, 100), score: 0.5 },
      { box: box(0, 0, 100, 100), score: 0.95 },
    ]);
    expect(m.pairs.map((p) => [p.label, p.detection])).toEqual([[0, 1]]);
    expect(m.extra).toEqual([0]);
    expect(m.missed).toEqual([1]);
  });

  it('is greedy by confidence: the surer detection takes the face it overlaps most', () => {
    const m = matchDetections(
      [box(0, 0, 100, 100), box(60, 0, 100, 100)],
      [
        { box: box(40, 0, 100, 100), score: 0.6 }, // IoU 0.43 with face 0, 0.67 with face 1
        { box: box(55, 0, 100, 100), score: 0.9 }, // IoU 0.29 with face 0, 0.90 with face 1
      ],
    );
    expect(m.pairs.map((p) => [p.label, p.detection])).toEqual([[1, 1]]);
    expect(m.missed).toEqual([0]);
    expect(m.extra).toEqual([0]);
  });

  it('honours a stricter threshold', () => {
    expect(matchDetections(faces, [{ box: box(10, 10, 100, 100), score: 1 }], 0.7).pairs).toEqual([]);
  });
});

describe('scoreMatches', () => {
  it('sums over images into recall and precision, null when nothing was labelled or detected', () => {
    const withFaces = matchDetections(
      [box(0, 0, 10, 10), box(50, 50, 10, 10)],
      [{ box: box(0, 0, 10, 10), score: 1 }],
    );
    const noFaces = matchDetections([], [{ box: box(0, 0, 10, 10), score: 0.5 }]);
    expect(scoreMatches([withFaces, noFaces])).toEqual({
      labels: 2,
      detections: 2,
      truePositives: 1,
      recall: 0.5,
      precision: 0.5,
    });
    expect(scoreMatches([matchDetections([], [])])).toEqual({
      labels: 0,
      detections: 0,
      truePositives: 0,
      recall: null,
      precision: null,
    });
  });
});
