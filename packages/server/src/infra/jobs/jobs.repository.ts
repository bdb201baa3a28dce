import type { Queryable } from '../db/index.js';

/** A job as a worker holds it after claiming it. */
export interface ClaimedJob {
  id: number;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  /** The claim's token; finishing or failing the job needs it. */
  token: string;
}

export interface NewJob {
  kind: string;
  runAt: Date;
  payload?: unknown;
  key?: string;
  maxAttempts: number;
}

/** Inserts a job; with a key, does nothing when a pending job has that key. Returns whether it was inserted. */
export async function insertJob(q: Queryable, job: NewJob): Promise<boolean> {
  const res = await q.query(
    `INSERT INTO jobs (kind, key, payload, run_at, max_attempts) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key) WHERE failed_at IS NULL DO NOTHING`,
    [job.kind, job.key ?? null, JSON.stringify(job.payload ?? {}), job.runAt, job.maxAttempts],
  );
  return res.rowCount > 0;
}

/**
 * Claims the oldest due job of the given kinds until `lockedUntil`. Rows another worker is claiming are skipped,
 * and a committed claim hides the row until its lease ends, so concurrent workers never take the same job.
 */
export async function claimJob(
  q: Queryable,
  kinds: readonly string[],
  now: Date,
  lockedUntil: Date,
  token: string,
): Promise<ClaimedJob | undefined> {
  const res = await q.query<ClaimedJob>(
    `UPDATE jobs SET attempts = attempts + 1, locked_until = $3, locked_by = $4
      WHERE id = (SELECT id FROM jobs
                   WHERE failed_at IS NULL AND run_at <= $2 AND attempts < max_attempts
                     AND (locked_until IS NULL OR locked_until <= $2) AND kind = ANY ($1::text[])
                   ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, payload, attempts, max_attempts, locked_by AS token`,
    [kinds, now, lockedUntil, token],
  );
  return res.rows[0];
}

/** Extends a running job's lease; false when the claim was lost (the lease lapsed and another worker took it). */
export async function extendLease(q: Queryable, job: ClaimedJob, lockedUntil: Date): Promise<boolean> {
  const res = await q.query('UPDATE jobs SET locked_until = $3 WHERE id = $1 AND locked_by = $2', [
    job.id,
    job.token,
    lockedUntil,
  ]);
  return res.rowCount > 0;
}

/** A finished job is deleted: the table holds only work still to do and failures to look at. */
export async function finishJob(q: Queryable, job: ClaimedJob): Promise<void> {
  await q.query('DELETE FROM jobs WHERE id = $1 AND locked_by = $2', [job.id, job.token]);
}

/** Records a failed attempt: retried at `retryAt`, or kept as failed when it was the last attempt. */
export async function failJob(
  q: Queryable,
  job: ClaimedJob,
  error: string,
  now: Date,
  retryAt: Date | null,
): Promise<void> {
  const res = await q.query(
    `UPDATE jobs SET locked_until = NULL, locked_by = NULL, last_error = $3,
            run_at = COALESCE($4, run_at), failed_at = CASE WHEN $4::timestamptz IS NULL THEN $5::timestamptz END
      WHERE id = $1 AND locked_by = $2`,
    [job.id, job.token, error, retryAt, now],
  );
  if (res.rowCount > 0) await countFailure(q, job.kind, error, now);
}

async function countFailure(q: Queryable, kind: string, error: string, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO job_failures (kind, failures, last_failed_at, last_error) VALUES ($1, 1, $2, $3)
     ON CONFLICT (kind) DO UPDATE SET failures = job_failures.failures + 1,
       last_failed_at = EXCLUDED.last_failed_at, last_error = EXCLUDED.last_error`,
    [kind, now, error],
  );
}

/**
 * Marks as failed the jobs whose last attempt's worker died (lease over, no attempts left), so they show up as
 * failures instead of waiting forever. Returns their kinds, one per job.
 */
export async function failAbandoned(q: Queryable, now: Date): Promise<string[]> {
  const error = 'the worker stopped during the last attempt (lease expired)';
  const res = await q.query<{ kind: string }>(
    `UPDATE jobs SET failed_at = $1, last_error = $2, locked_until = NULL, locked_by = NULL
      WHERE failed_at IS NULL AND attempts >= max_attempts AND locked_until <= $1
      RETURNING kind`,
    [now, error],
  );
  for (const r of res.rows) await countFailure(q, r.kind, error, now);
  return res.rows.map((r) => r.kind);
}

/** Creates the sweeps' schedules, due now, where they do not exist. */
export async function ensureSchedules(q: Queryable, kinds: readonly string[], now: Date): Promise<void> {
  await q.query(
    `INSERT INTO job_schedules (kind, next_run_at) SELECT unnest($1::text[]), $2 ON CONFLICT (kind) DO NOTHING`,
    [kinds, now],
  );
}

/**
 * Moves each due sweep's schedule one interval past `now` (also one left further out than that, after its interval
 * was shortened) and returns those kinds. With several processes at once, each kind is returned to exactly one:
 * that one enqueues the sweep.
 */
export async function advanceSchedules(
  q: Queryable,
  sweeps: readonly { kind: string; every: number }[],
  now: Date,
): Promise<string[]> {
  const res = await q.query<{ kind: string }>(
    `UPDATE job_schedules s SET next_run_at = $3::timestamptz + d.every * interval '1 millisecond'
       FROM unnest($1::text[], $2::integer[]) AS d (kind, every)
      WHERE s.kind = d.kind
        AND (s.next_run_at <= $3 OR s.next_run_at > $3::timestamptz + d.every * interval '1 millisecond')
      RETURNING s.kind`,
    [sweeps.map((x) => x.kind), sweeps.map((x) => x.every), now],
  );
  return res.rows.map((r) => r.kind);
}

export interface JobCounts {
  kind: string;
  /** Due and not running. */
  waiting: number;
  /** Due later (scheduled, or waiting for a retry). */
  scheduled: number;
  running: number;
  failed: number;
  /** When the oldest waiting job became due. */
  oldest_due: Date | null;
}

/** Counts per kind, for /metrics. */
export async function jobCounts(q: Queryable, now: Date): Promise<JobCounts[]> {
  const res = await q.query<JobCounts>(
    `SELECT kind,
            count(*) FILTER (WHERE failed_at IS NULL AND run_at <= $1
                               AND (locked_until IS NULL OR locked_until <= $1))::int AS waiting,
            count(*) FILTER (WHERE failed_at IS NULL AND run_at > $1
                               AND (locked_until IS NULL OR locked_until <= $1))::int AS scheduled,
            count(*) FILTER (WHERE failed_at IS NULL AND locked_until > $1)::int AS running,
            count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed,
            min(run_at) FILTER (WHERE failed_at IS NULL AND run_at <= $1
                                  AND (locked_until IS NULL OR locked_until <= $1)) AS oldest_due
       FROM jobs GROUP BY kind`,
    [now],
  );
  return res.rows;
}

/** Failed attempts per kind. */
export async function failureCounts(q: Queryable): Promise<{ kind: string; failures: number }[]> {
  return (await q.query<{ kind: string; failures: number }>('SELECT kind, failures FROM job_failures')).rows;
}
