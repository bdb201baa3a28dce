import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/index.js';
import { registerJobMetrics } from './metrics.js';

const clock = { now: () => new Date('2026-12-03T09:00:00Z') };

/** A database whose queries answer from `rows`, or fail while `down`. */
function fakeDb(state: { down: boolean; queries: number }): Database {
  return {
    query: (sql: string) => {
      state.queries++;
      if (state.down) return Promise.reject(new Error('connection refused'));
      const rows = sql.includes('job_failures')
        ? [{ kind: 'request.expiry', failures: 2 }]
        : [
            {
              kind: 'request.expiry',
              waiting: 3,
              scheduled: 1,
              running: 0,
              failed: 1,
              oldest_due: new Date('2026-12-03T08:58:00Z'),
            },
          ];
      return Promise.resolve({ rows, rowCount: rows.length });
    },
  } as unknown as Database;
}

describe('job queue metrics', () => {
  it('reports depth, failures and the oldest wait from one counts query per scrape', async () => {
    const state = { down: false, queries: 0 };
    const registry = new client.Registry();
    registerJobMetrics(registry, fakeDb(state), clock);
    const text = await registry.metrics();
    expect(text).toContain('porchlight_jobs{kind="request.expiry",state="waiting"} 3');
    expect(text).toContain('porchlight_jobs{kind="request.expiry",state="failed"} 1');
    expect(text).toContain('porchlight_jobs_oldest_waiting_seconds{kind="request.expiry"} 120');
    expect(text).toContain('porchlight_job_failures_total{kind="request.expiry"} 2');
    expect(state.queries).toBe(2);
  });

  it('leaves the job series out instead of failing the scrape while the database is down', async () => {
    const state = { down: true, queries: 0 };
    const registry = new client.Registry();
    registerJobMetrics(registry, fakeDb(state), clock);
    new client.Gauge({ name: 'process_up', help: 'other metrics still scrape', registers: [registry] }).set(
      1,
    );
    const text = await registry.metrics();
    expect(text).toContain('process_up 1');
    expect(text).not.toMatch(/^porchlight_jobs\{/m);
    state.down = false;
    expect(await registry.metrics()).toContain('porchlight_jobs{kind="request.expiry",state="waiting"} 3');
  });
});
