import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/index.js';
import { JobWorker, retryDelayMs } from './worker.js';

describe('JobWorker', () => {
  it('backs off 5 s, 10 s, 20 s … up to an hour between attempts', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(20)).toBe(3_600_000);
  });

  it('logs one error while the database is unreachable, polls less often, and says when it is back', async () => {
    let down = true;
    let queries = 0;
    const db = {
      query: () => {
        queries++;
        return down
          ? Promise.reject(new Error('connection refused'))
          : Promise.resolve({ rows: [], rowCount: 0 });
      },
    } as unknown as Database;
    const lines: { level: number; msg: string }[] = [];
    const log = pino(
      { level: 'info' },
      { write: (s: string) => lines.push(JSON.parse(s) as (typeof lines)[0]) },
    );
    const worker = new JobWorker({ db, clock: { now: () => new Date() } }, [], { pollMs: 5 });
    worker.start(log);
    await new Promise((r) => setTimeout(r, 400));
    // 5, 10, 20, 40, 80, 160 ms apart: a handful of tries, not 80.
    expect(queries).toBeGreaterThan(2);
    expect(queries).toBeLessThan(12);
    expect(lines.map((l) => l.msg)).toEqual(['job queue unavailable; will retry']);
    down = false;
    await new Promise((r) => setTimeout(r, 400));
    await worker.stop();
    expect(lines.map((l) => l.msg)).toEqual([
      'job queue unavailable; will retry',
      'job queue available again',
    ]);
  });
});
