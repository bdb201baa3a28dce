import { describe, expect, it } from 'vitest';
import { toLocalInput } from '../time';
import { NO_TIMES, fixedTimes, guessTimes, prefillTimes, typeTime } from './times';

const guess = { startedAt: '2026-12-01T10:00:00', endedAt: '2026-12-01T10:01:00' };

describe('clip times on the upload form', () => {
  it('a probe that finishes after the person typed both times changes neither', () => {
    let times = typeTime(NO_TIMES, 'startedAt', '2026-11-30T21:00:00');
    times = typeTime(times, 'endedAt', '2026-11-30T21:00:05');
    const after = prefillTimes(times, guess);
    expect([after.startedAt, after.endedAt]).toEqual(['2026-11-30T21:00:00', '2026-11-30T21:00:05']);
  });

  it('fills only the field nobody typed in', () => {
    const onlyStart = prefillTimes(typeTime(NO_TIMES, 'startedAt', '2026-11-30T21:00:00'), guess);
    expect([onlyStart.startedAt, onlyStart.endedAt]).toEqual(['2026-11-30T21:00:00', guess.endedAt]);
    const onlyEnd = prefillTimes(typeTime(NO_TIMES, 'endedAt', '2026-11-30T21:00:05'), guess);
    expect([onlyEnd.startedAt, onlyEnd.endedAt]).toEqual([guess.startedAt, '2026-11-30T21:00:05']);
  });

  it('fills both on an untouched form, and again for the next file', () => {
    const first = prefillTimes(NO_TIMES, guess);
    expect([first.startedAt, first.endedAt]).toEqual([guess.startedAt, guess.endedAt]);
    const next = prefillTimes(first, { startedAt: 'a', endedAt: 'b' });
    expect([next.startedAt, next.endedAt]).toEqual(['a', 'b']);
  });

  it('a field emptied again is filled by the next guess', () => {
    const emptied = typeTime(typeTime(NO_TIMES, 'endedAt', '2026-11-30T21:00:05'), 'endedAt', '');
    expect(prefillTimes(emptied, guess).endedAt).toBe(guess.endedAt);
  });

  it('times fixed by an interrupted upload replace both and are not guessed over', () => {
    const fixed = fixedTimes('2026-11-29T08:00:00', '2026-11-29T08:00:30');
    expect(prefillTimes(fixed, guess).startedAt).toBe('2026-11-29T08:00:00');
  });

  it('the guess ends at the file time and starts its length before, rounded up', () => {
    const end = Date.parse('2026-12-01T10:01:00Z');
    expect(guessTimes(end, 4.2)).toEqual({
      endedAt: toLocalInput(end),
      startedAt: toLocalInput(end - 5000),
    });
  });
});
