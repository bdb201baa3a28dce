import { describe, expect, it } from 'vitest';
import { inQuietHours, isTimeZone, localMinutes, nextDigest, nextLocal, quietEnd } from './quiet-hours.js';

const at = (iso: string) => new Date(iso);
const overnight = { start: 22 * 60, end: 7 * 60, timeZone: 'Europe/Berlin' };

describe('quiet hours', () => {
  it('reads the local clock of the account’s time zone', () => {
    expect(localMinutes(at('2026-12-03T21:30:00Z'), 'Europe/Berlin')).toBe(22 * 60 + 30);
    expect(localMinutes(at('2026-07-03T21:30:00Z'), 'Europe/Berlin')).toBe(23 * 60 + 30);
    expect(localMinutes(at('2026-12-03T21:30:00Z'), 'America/New_York')).toBe(16 * 60 + 30);
  });

  it('runs past midnight: 22:00–07:00 holds 23:00 and 06:59, not 07:00 or 21:59', () => {
    expect(inQuietHours(at('2026-12-03T22:00:00Z'), overnight)).toBe(true); // 23:00 Berlin
    expect(inQuietHours(at('2026-12-04T05:59:00Z'), overnight)).toBe(true); // 06:59
    expect(inQuietHours(at('2026-12-04T06:00:00Z'), overnight)).toBe(false); // 07:00
    expect(inQuietHours(at('2026-12-03T20:59:00Z'), overnight)).toBe(false); // 21:59
  });

  it('a daytime window, none, and an empty one', () => {
    const day = { start: 9 * 60, end: 17 * 60, timeZone: 'UTC' };
    expect(inQuietHours(at('2026-12-03T12:00:00Z'), day)).toBe(true);
    expect(inQuietHours(at('2026-12-03T18:00:00Z'), day)).toBe(false);
    expect(inQuietHours(at('2026-12-03T12:00:00Z'), { start: null, end: null, timeZone: 'UTC' })).toBe(false);
    expect(inQuietHours(at('2026-12-03T12:00:00Z'), { start: 600, end: 600, timeZone: 'UTC' })).toBe(false);
  });

  it('held alerts go out when quiet hours end; the digest waits for them too', () => {
    expect(quietEnd(at('2026-12-03T23:10:00Z'), overnight).toISOString()).toBe('2026-12-04T06:00:00.000Z');
    expect(quietEnd(at('2026-12-03T12:00:00Z'), overnight).toISOString()).toBe('2026-12-03T12:00:00.000Z');
    // 07:30 Berlin is outside 22:00–07:00, so the digest goes at 07:30.
    expect(nextDigest(at('2026-12-03T12:00:00Z'), overnight).toISOString()).toBe('2026-12-04T06:30:00.000Z');
    const lateRiser = { start: 22 * 60, end: 9 * 60, timeZone: 'UTC' };
    expect(nextDigest(at('2026-12-03T12:00:00Z'), lateRiser).toISOString()).toBe('2026-12-04T09:00:00.000Z');
  });

  it('knows real time zones only', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('ends quiet hours at 07:00 on the clock across a daylight-saving change, not an hour off', () => {
    const ny = { start: 22 * 60, end: 7 * 60, timeZone: 'America/New_York' };
    // Spring forward (2027-03-14, 02:00 EST → 03:00 EDT): 23:00 EST the night before → 07:00 EDT = 11:00Z.
    expect(quietEnd(at('2027-03-14T04:00:00Z'), ny)).toEqual(at('2027-03-14T11:00:00Z'));
    // Fall back (2026-11-01, 02:00 EDT → 01:00 EST): 23:00 EDT → 07:00 EST = 12:00Z.
    expect(quietEnd(at('2026-11-01T03:00:00Z'), ny)).toEqual(at('2026-11-01T12:00:00Z'));
    // The digest's 07:30 likewise.
    expect(nextDigest(at('2026-11-01T03:00:00Z'), { ...ny, start: null, end: null })).toEqual(
      at('2026-11-01T12:30:00Z'),
    );
    // A time the clocks skip comes as late as the skip: 02:30 on the spring-forward night is 03:30 EDT.
    expect(nextLocal(at('2027-03-14T04:00:00Z'), 2 * 60 + 30, 'America/New_York')).toEqual(
      at('2027-03-14T07:30:00Z'),
    );
  });
});
