import { describe, expect, it } from 'vitest';
import { formatZone, parseZone, splitPastedZones, zoneErrors } from './zones';

describe('parseZone', () => {
  it('reads a Frigate polygon', () => {
    expect(parseZone('0.1,0.2, 0.5,0.2,0.5,0.9')).toEqual({
      ok: true,
      points: [
        { x: 0.1, y: 0.2 },
        { x: 0.5, y: 0.2 },
        { x: 0.5, y: 0.9 },
      ],
    });
  });

  it.each([
    ['', 'The zone is empty.'],
    ['0.1,0.2,0.3,0.4', 'A zone needs at least three points.'],
    ['0.1,0.2,0.3,0.4,0.5', 'Coordinates come in x,y pairs; one is missing.'],
    ['0.1,0.2,0.3,1.2,0.5,0.6', 'Value 4 (1.2) is outside 0–1.'],
    ['0.1,0.2,0.3,-0.1,0.5,0.6', 'Value 4 (-0.1) is outside 0–1.'],
    ['0.1,0.2,abc,0.4,0.5,0.6', 'Value 3 (“abc”) is not a number.'],
    ['0.1,,0.3,0.4,0.5,0.6', 'Value 2 (“”) is not a number.'],
  ])('%o is refused: %s', (text, error) => {
    expect(parseZone(text)).toEqual({ ok: false, error });
  });
});

describe('formatZone', () => {
  it('writes three decimals at most, clamps to 0–1, and round-trips', () => {
    const text = formatZone([
      { x: 0.12345, y: 0 },
      { x: 1.2, y: 0.5 },
      { x: 0.3333333, y: 1 },
    ]);
    expect(text).toBe('0.123,0,1,0.5,0.333,1');
    const parsed = parseZone(text);
    expect(parsed.ok && formatZone(parsed.points)).toBe(text);
  });
});

describe('zoneErrors and splitPastedZones', () => {
  it('names each bad zone by position', () => {
    const errors = zoneErrors(['0,0,1,0,1,1', '0,0,1', '0,0,1,0,0,1']);
    expect([...errors]).toEqual([[1, 'Coordinates come in x,y pairs; one is missing.']]);
  });

  it('splits pasted lines, including Frigate YAML', () => {
    expect(splitPastedZones('coordinates: 0,0,1,0,1,1\n\n  - 0.1,0.1,0.2,0.2,0.3,0.1\n')).toEqual([
      '0,0,1,0,1,1',
      '0.1,0.1,0.2,0.2,0.3,0.1',
    ]);
  });
});
