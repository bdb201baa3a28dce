import { describe, expect, it } from 'vitest';
import { inQuietHours, isTimeZone, localMinutes, nextDigest, quietEnd } from './quiet-hours.js';

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
});
