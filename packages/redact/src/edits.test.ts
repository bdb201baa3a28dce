import { describe, expect, it } from 'vitest';
import { emptyRedaction, manualTrack, mergeEdits, setBoxAt, summarise, type Redaction } from './index.js';

const detected: Redaction = {
  ...emptyRedaction(),
  trim: { start: 2, end: 12 },
  tracks: [
    manualTrack('d1', 'face', 0, 5, { x: 0.1, y: 0.1, w: 0.1, h: 0.1 }),
    manualTrack('d2', 'face', 0, 5, { x: 0.5, y: 0.1, w: 0.1, h: 0.1 }),
  ].map((t) => ({ ...t, source: 'detector' as const })),
};

describe('mergeEdits', () => {
  it('drops removed tracks, replaces edited ones, adds the owner’s new boxes', () => {
    const moved = setBoxAt(detected.tracks[1]!, 6, { x: 0.6, y: 0.2, w: 0.1, h: 0.1 });
    const plate = manualTrack('m1', 'plate', 3, 8, { x: 0.3, y: 0.8, w: 0.2, h: 0.05 });
    const merged = mergeEdits(detected, { upsert: [moved, plate], remove: ['d1'] });
    expect(merged.tracks.map((t) => [t.id, t.source, t.to])).toEqual([
      ['d2', 'owner', 6],
      ['m1', 'owner', 8],
    ]);
    expect(merged.trim).toEqual(detected.trim);
  });
});

describe('summarise', () => {
  it('counts regions by kind and by who placed them, with the trimmed range', () => {
    const merged = mergeEdits(detected, {
      upsert: [manualTrack('m1', 'plate', 3, 8, { x: 0.3, y: 0.8, w: 0.2, h: 0.05 })],
      remove: [],
    });
    expect(
      summarise({
        ...merged,
        mute: true,
        frameBlur: [
          { start: 1, end: 3 },
          { start: 2, end: 4 },
        ],
      }),
    ).toEqual({
      version: 1,
      trimmed: { start: 2, end: 12 },
      blur: 'gaussian',
      regions: { face: 2, plate: 1, manual: 0 },
      placedBy: { detector: 2, frigate: 0, owner: 1 },
      frameBlurSeconds: 3,
      muted: true,
    });
  });

  it('says nothing about where anything was: moving every box leaves the summary unchanged', () => {
    const shifted = {
      ...detected,
      tracks: detected.tracks.map((t) => ({
        ...t,
        keyframes: t.keyframes.map((k) => ({ ...k, box: { x: 0.7, y: 0.7, w: 0.2, h: 0.2 } })),
      })),
    };
    expect(summarise(shifted)).toEqual(summarise(detected));
    expect(JSON.stringify(summarise(detected))).not.toMatch(/"(x|y|w|h|box|keyframes)"/);
  });
});
