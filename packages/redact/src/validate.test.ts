import { describe, expect, it } from 'vitest';
import { emptyRedaction, parseRedaction, RedactionError, type Redaction } from './index.js';

const face = {
  id: 'd1',
  kind: 'face',
  source: 'detector',
  from: 0.5,
  to: 3,
  keyframes: [
    { t: 1, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.3 } },
    { t: 2, box: { x: 0.4, y: 0.1, w: 0.2, h: 0.3 } },
  ],
};
const valid = {
  ...emptyRedaction(),
  trim: { start: 0.5, end: 9 },
  tracks: [face],
  frameBlur: [{ start: 4, end: 5 }],
};

function problems(value: unknown): string[] {
  try {
    parseRedaction(value);
  } catch (err) {
    expect(err).toBeInstanceOf(RedactionError);
    return (err as RedactionError).problems;
  }
  throw new Error('accepted');
}

describe('parseRedaction', () => {
  it('round-trips a valid description through JSON', () => {
    const parsed: Redaction = parseRedaction(JSON.parse(JSON.stringify(valid)));
    expect(parsed).toEqual(valid);
  });

  it('names every bad field by its path', () => {
    const bad = {
      ...valid,
      version: 2,
      blur: 'swirl',
      padding: -1,
      trim: { start: 5, end: 2 },
      tracks: [
        {
          ...face,
          kind: 'person',
          keyframes: [
            { t: 2, box: { x: 0.9, y: 0, w: 0.2, h: 0 } },
            { t: 1, box: { x: 0, y: 0, w: 0.1, h: 0.1 } },
          ],
        },
      ],
      extra: true,
    };
    expect(problems(bad)).toEqual(
      expect.arrayContaining([
        '$.extra is not a known field',
        '$.version must be 1',
        '$.trim.end must be after $.trim.start',
        '$.blur must be one of gaussian, pixelate, solid',
        '$.padding must be a number from 0 to 1',
        '$.tracks[0].kind must be one of face, plate, manual',
        '$.tracks[0].keyframes[0].box.h must be greater than 0',
        '$.tracks[0].keyframes[0].box runs past the right edge (x + w > 1)',
        '$.tracks[0].keyframes[1].t must not be before the previous keyframe',
      ]),
    );
  });

  it('refuses keyframes outside the track, duplicate ids, and tracks with no keyframes', () => {
    expect(problems({ ...valid, tracks: [{ ...face, from: 1.5 }] })).toContain(
      '$.tracks[0].keyframes[0].t must lie within $.tracks[0].from–$.tracks[0].to',
    );
    expect(problems({ ...valid, tracks: [face, face] })).toContain('$.tracks[1].id "d1" is used twice');
    expect(problems({ ...valid, tracks: [{ ...face, keyframes: [] }] })).toContain(
      '$.tracks[0].keyframes must be a list of 1 to 10000 keyframes',
    );
  });

  it('refuses non-objects and non-finite numbers', () => {
    expect(problems(null)).toEqual(['the redaction must be a JSON object']);
    expect(problems({ ...valid, frameBlur: [{ start: 0, end: Infinity }] })).toContain(
      '$.frameBlur[0].end must be a number of seconds from 0 to 86400',
    );
  });
});
