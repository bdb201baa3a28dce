import { describe, expect, it } from 'vitest';
import { describeDistance, formatKm, relativeTime } from './format';

describe('relativeTime', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

  it.each([
    [10, 'just now'],
    [5 * 60, '5 min ago'],
    [3 * 3600, '3 hr ago'],
    [86_400, 'yesterday'],
  ])('%i s ago reads "%s"', (seconds, text) => {
    expect(relativeTime(ago(seconds), now)).toBe(text);
  });

  it('falls back to a date after a week', () => {
    expect(relativeTime(ago(10 * 86_400), now)).toBe('28 Feb');
  });
});

describe('describeDistance', () => {
  const home = { cell: 'a', lat: 45.5, lng: -122.6 };

  it('says "right around you" for the same cell, without a number', () => {
    expect(describeDistance(home, { ...home })).toBe('Right around you');
  });

  it('rounds to 100 m nearby and to 0.1 km further away, as the cells are coarse anyway', () => {
    expect(describeDistance(home, { cell: 'b', lat: 45.5027, lng: -122.6 })).toBe('About 300 m away');
    expect(describeDistance(home, { cell: 'c', lat: 45.5225, lng: -122.6 })).toBe('About 2.5 km away');
  });
});

describe('formatKm', () => {
  it('keeps one decimal below 10 km', () => {
    expect(formatKm(1600)).toBe('1.6 km');
    expect(formatKm(500)).toBe('0.5 km');
    expect(formatKm(12_400)).toBe('12 km');
  });
});
