import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Deps } from '../../deps.js';
import { LiveService, PING_SLOTS } from './live.service.js';

// Keep-alives touch no dependency.
const service = () => new LiveService({} as Deps);

describe('keep-alive pings', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ping every stream once per interval, a slice of them at a time rather than all in one turn', () => {
    const live = service();
    const pings = Array.from({ length: 1000 }, () => 0);
    const stops = pings.map((_, i) =>
      live.everyPing(() => {
        pings[i]!++;
      }),
    );
    const step = live.settings.pingMs / PING_SLOTS;

    const perStep: number[] = [];
    for (let k = 0; k < PING_SLOTS; k++) {
      const before = pings.reduce((a, b) => a + b, 0);
      vi.advanceTimersByTime(step);
      perStep.push(pings.reduce((a, b) => a + b, 0) - before);
    }
    expect(perStep).toEqual(Array.from({ length: PING_SLOTS }, () => 1000 / PING_SLOTS));
    expect(new Set(pings)).toEqual(new Set([1]));

    vi.advanceTimersByTime(live.settings.pingMs);
    expect(new Set(pings)).toEqual(new Set([2]));

    // A stopped stream is not pinged again; with none left, no timer runs.
    stops[0]!();
    vi.advanceTimersByTime(live.settings.pingMs);
    expect(pings[0]).toBe(2);
    expect(pings[1]).toBe(3);
    for (const stop of stops) stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a changed interval applies to the streams already open once another opens (as tests shorten it)', () => {
    const live = service();
    let pinged = 0;
    const stopFirst = live.everyPing(() => {
      pinged++;
    });
    live.settings.pingMs = 1000;
    const stopSecond = live.everyPing(() => undefined);
    vi.advanceTimersByTime(1000);
    expect(pinged).toBe(1);
    vi.advanceTimersByTime(3000);
    expect(pinged).toBe(4);
    stopFirst();
    stopSecond();
    expect(vi.getTimerCount()).toBe(0);
  });
});
