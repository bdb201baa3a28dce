import { emptyRedaction, manualTrack, summarise } from '@porchlight/redact';
import { describe, expect, it } from 'vitest';
import { describeSummary } from './summaryText';

describe('describeSummary', () => {
  it('says what was hidden, the kept range and the sound, in words', () => {
    const r = {
      ...emptyRedaction(),
      trim: { start: 1, end: 4.5 },
      mute: true,
      frameBlur: [{ start: 2, end: 3 }],
      tracks: [
        manualTrack('a', 'face', 0, 1, { x: 0, y: 0, w: 0.1, h: 0.1 }),
        manualTrack('b', 'plate', 0, 1, { x: 0, y: 0, w: 0.1, h: 0.1 }),
      ],
    };
    expect(describeSummary(summarise(r))).toBe(
      '1 face, 1 plate and 0 other boxes blurred; whole picture blurred for 1 s; kept 1.0–4.5 s; sound removed.',
    );
  });
});
