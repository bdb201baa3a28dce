import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from '../src/sources/source.js';

describe('sleep', () => {
  it('leaves no abort listener behind after each sleep on a long-lived signal', async () => {
    const stop = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, stop.signal);
    // Before the fix every call added one listener: 20 here, and a MaxListenersExceededWarning after 11.
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('wakes at once when the signal aborts', async () => {
    const stop = new AbortController();
    const t0 = Date.now();
    setTimeout(() => {
      stop.abort();
    }, 20);
    await sleep(10_000, stop.signal);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
