import type { Queryable } from '../db/index.js';
import { insertJob } from './jobs.repository.js';
import { DEFAULT_MAX_ATTEMPTS } from './worker.js';

export { registerJobMetrics } from './metrics.js';
export { DEFAULT_MAX_ATTEMPTS, JobWorker, retryDelayMs } from './worker.js';
export type { JobDefinition, JobLog, WorkerOptions } from './worker.js';

/**
 * Enqueues a job to run at `runAt`, inside the caller's transaction: it exists exactly when the change that
 * needs it commits. With a `key`, a second enqueue while the first waits does nothing. Returns whether a job was
 * added.
 */
export function enqueueJob(
  tx: Queryable,
  job: { kind: string; runAt: Date; key?: string; payload?: unknown; maxAttempts?: number },
): Promise<boolean> {
  return insertJob(tx, { ...job, maxAttempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS });
}
