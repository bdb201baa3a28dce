import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boxAt,
  containsBox,
  coverage,
  emptyRedaction,
  padBox,
  regionsAt,
  toPixels,
  type Box,
  type Track,
} from './index.js';

const track: Track = {
  id: 't',
  kind: 'face',
  source: 'detector',
  from: 0,
  to: 4,
  keyframes: [
    { t: 1, box: { x: 0, y: 0, w: 0.2, h: 0.2 } },
    { t: 3, box: { x: 0.6, y: 0.4, w: 0.4, h: 0.4 } },
  ],
};

describe('boxAt', () => {
  it('holds the first box before the first keyframe and the last after the last, and nothing outside from–to', () => {
    expect(boxAt(track, 0)).toEqual(track.keyframes[0]!.box);
    expect(boxAt(track, 3.9)).toEqual(track.keyframes[1]!.box);
    expect(boxAt(track, 4.01)).toBeNull();
    expect(boxAt({ ...track, from: 0.5 }, 0.4)).toBeNull();
  });

  it('moves and resizes linearly between keyframes', () => {
    const mid = boxAt(track, 2)!;
    expect(mid.x).toBeCloseTo(0.3);
    expect(mid.y).toBeCloseTo(0.2);
    expect(mid.w).toBeCloseTo(0.3);
  });
});

describe('padBox', () => {
  const close = (a: Box, b: Box) => {
    for (const k of ['x', 'y', 'w', 'h'] as const) expect(a[k]).toBeCloseTo(b[k], 9);
  };
  it('grows by the padding fraction on every side and stays inside the frame', () => {
    close(padBox({ x: 0.4, y: 0.4, w: 0.2, h: 0.1 }, 0.5), { x: 0.3, y: 0.35, w: 0.4, h: 0.2 });
    close(padBox({ x: 0, y: 0.9, w: 0.2, h: 0.1 }, 0.5), { x: 0, y: 0.85, w: 0.3, h: 0.15 });
  });
});

const arbBox = fc
  .record({
    x: fc.double({ min: 0, max: 0.9, noNaN: true }),
    y: fc.double({ min: 0, max: 0.9, noNaN: true }),
    w: fc.double({ min: 0.01, max: 1, noNaN: true }),
    h: fc.double({ min: 0.01, max: 1, noNaN: true }),
  })
  .map((b): Box => ({ ...b, w: Math.min(b.w, 1 - b.x), h: Math.min(b.h, 1 - b.y) }));

const arbTrack = fc
  .array(fc.tuple(fc.double({ min: 0, max: 30, noNaN: true }), arbBox), { minLength: 1, maxLength: 8 })
  .map((ks): Track => {
    const keyframes = ks.map(([t, box]) => ({ t, box })).sort((a, b) => a.t - b.t);
    return {
      id: 'p',
      kind: 'face',
      source: 'detector',
      from: Math.max(0, keyframes[0]!.t - 0.5),
      to: keyframes.at(-1)!.t + 0.5,
      keyframes,
    };
  });

describe('coverage', () => {
  it('covers the interpolated, padded box of every track at every moment (the face never shows between samples)', () => {
    fc.assert(
      fc.property(
        arbTrack,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (tr, f, padding) => {
          const redaction = { ...emptyRedaction(), padding, tracks: [tr] };
          const regions = coverage(redaction, 0.2);
          const t = tr.from + (tr.to - tr.from) * f;
          const want = padBox(boxAt(tr, t)!, padding);
          expect(regionsAt(regions, t).some((r) => containsBox(r, want))).toBe(true);
        },
      ),
    );
  });

  it('covers the motion that starts from the second of two keyframes sharing a time', () => {
    // Found by the property above: the box jumps at t = 0, and the first piece held only the first box.
    const jump: Track = {
      ...track,
      from: 0,
      to: 1.5,
      keyframes: [
        { t: 0, box: { x: 0, y: 0, w: 0.1, h: 0.1 } },
        { t: 0, box: { x: 0.8, y: 0.8, w: 0.1, h: 0.1 } },
        { t: 1, box: { x: 0.5, y: 0.5, w: 0.1, h: 0.1 } },
      ],
    };
    const regions = coverage({ ...emptyRedaction(), padding: 0, tracks: [jump] }, 0.2);
    for (const t of [0.01, 0.05, 0.19]) {
      expect(regionsAt(regions, t).some((r) => containsBox(r, padBox(boxAt(jump, t)!, 0)))).toBe(true);
    }
  });

  it('covers nothing outside a track’s time range and no region is longer than the step', () => {
    const regions = coverage({ ...emptyRedaction(), tracks: [track] }, 0.25);
    expect(regionsAt(regions, 4.2)).toEqual([]);
    for (const r of regions) expect(r.end - r.start).toBeLessThanOrEqual(0.25 + 1e-9);
  });

  it('turns whole-frame ranges into full-frame regions', () => {
    const regions = coverage({ ...emptyRedaction(), frameBlur: [{ start: 2, end: 3 }] });
    expect(regionsAt(regions, 2.5)).toEqual([{ x: 0, y: 0, w: 1, h: 1 }]);
    expect(regionsAt(regions, 3.5)).toEqual([]);
  });
});

describe('toPixels', () => {
  it('rounds outwards so a box never loses an edge pixel', () => {
    expect(toPixels({ x: 0.101, y: 0.5, w: 0.2, h: 0.25 }, 100, 10)).toEqual({ x: 10, y: 5, w: 21, h: 3 });
  });
});
