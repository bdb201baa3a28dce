import { describe, expect, it } from 'vitest';
import { boxAt, linkDetections, type SampledFrame } from './index.js';

const face = (x: number, y = 0.2) => ({ kind: 'face' as const, score: 0.9, box: { x, y, w: 0.1, h: 0.1 } });

describe('linkDetections', () => {
  it('links a face moving across sampled frames into one track, padded by one interval each side', () => {
    const frames: SampledFrame[] = [0, 0.5, 1, 1.5].map((t, i) => ({
      t,
      detections: [face(0.1 + i * 0.15)],
    }));
    const tracks = linkDetections(frames, { interval: 0.5 });
    expect(tracks).toHaveLength(1);
    expect(tracks[0]!.keyframes).toHaveLength(4);
    expect(tracks[0]!.from).toBe(0);
    expect(tracks[0]!.to).toBe(2);
    expect(boxAt(tracks[0]!, 0.25)!.x).toBeCloseTo(0.175);
  });

  it('keeps two faces apart, and faces apart from plates at the same place', () => {
    const frames: SampledFrame[] = [0, 0.5, 1].map((t) => ({
      t,
      detections: [
        face(0.1),
        face(0.7),
        { kind: 'plate' as const, score: 0.8, box: { x: 0.1, y: 0.2, w: 0.1, h: 0.05 } },
      ],
    }));
    const tracks = linkDetections(frames, { interval: 0.5 });
    expect(tracks.map((t) => [t.kind, t.keyframes.length])).toEqual([
      ['face', 3],
      ['face', 3],
      ['plate', 3],
    ]);
    expect(tracks[0]!.keyframes.every((k) => k.box.x === 0.1)).toBe(true);
  });

  it('starts a new track after a gap longer than maxGap', () => {
    const frames: SampledFrame[] = [
      { t: 0, detections: [face(0.1)] },
      { t: 5, detections: [face(0.1)] },
    ];
    expect(linkDetections(frames, { interval: 0.5 })).toHaveLength(2);
  });
});
