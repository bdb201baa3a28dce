import client from 'prom-client';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import { failureCounts, jobCounts, type JobCounts } from './jobs.repository.js';

/**
 * The job queue on `/metrics`, read from the database at each scrape so every API process reports the whole
 * queue, wherever the workers run:
 * - `porchlight_jobs{kind,state}`: waiting (due, not running), scheduled (due later or waiting for a retry),
 *   running, failed (out of attempts; kept until an operator deletes them).
 * - `porchlight_jobs_oldest_waiting_seconds{kind}`: how long the oldest due job has waited; growing means no
 *   worker is running or workers cannot keep up.
 * - `porchlight_job_failures_total{kind}`: failed attempts (each also logged).
 */
export function registerJobMetrics(registry: client.Registry, db: Database, clock: Clock): void {
  // One query serves both gauges of a scrape. With the database down the job series are left out rather than
  // failing the whole scrape: process metrics matter most then, and /readyz says what is wrong.
  let counts: Promise<JobCounts[]> | undefined;
  const current = (): Promise<JobCounts[]> =>
    (counts ??= jobCounts(db, clock.now())
      .catch(() => [])
      .finally(() => (counts = undefined)));
  new client.Gauge({
    name: 'porchlight_jobs',
    help: 'Background jobs by kind and state (waiting, scheduled, running, failed)',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await current()) {
        for (const state of ['waiting', 'scheduled', 'running', 'failed'] as const)
          this.set({ kind: c.kind, state }, c[state]);
      }
    },
  });
  new client.Gauge({
    name: 'porchlight_jobs_oldest_waiting_seconds',
    help: 'Age of the oldest background job that is due and not yet running (0 when none waits)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = clock.now().getTime();
      for (const c of await current())
        this.set({ kind: c.kind }, c.oldest_due ? Math.max(0, (now - c.oldest_due.getTime()) / 1000) : 0);
    },
  });
  new client.Counter({
    name: 'porchlight_job_failures_total',
    help: 'Failed attempts of background jobs, by kind (each is also a log line)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of await failureCounts(db).catch(() => [])) this.inc({ kind: f.kind }, f.failures);
    },
  });
}
