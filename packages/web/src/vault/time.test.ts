import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, fromLocalInput, toLocalInput } from './time';

describe('datetime-local round trip', () => {
  it('gives back the same instant, to the second', () => {
    const ms = Date.parse('2026-11-28T21:07:09.000Z');
    expect(fromLocalInput(toLocalInput(ms))).toBe('2026-11-28T21:07:09.000Z');
  });

  it.each(['', 'yesterday', '2026-13-01T00:00', '2026-11-28'])('%o is not a time', (v) => {
    expect(fromLocalInput(v)).toBeNull();
  });
});

describe('formatting', () => {
  it.each([
    [4_200, '4 s'],
    [65_000, '1 min 05 s'],
    [3_720_000, '1 h 02 min'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [999, '999 B'],
    [812_345, '812 KB'],
    [3_400_000, '3.4 MB'],
    [1_200_000_000, '1.20 GB'],
  ])('%i bytes reads %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});
