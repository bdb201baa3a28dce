import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import * as repo from './jobs.repository.js';

/** Where a worker writes a line per run that did something and per failure (the app's logger). */
export type JobLog = FastifyBaseLogger;

/**
 * One kind of background work. `run` must be idempotent and safe to run in several processes at once: a job runs
 * again after its worker crashed mid-run, and a sweep may overlap a job scheduled for the same moment.
 */
export interface JobDefinition {
  /** Stored in the jobs table and used as the metrics label, e.g. `request.expiry`. */
  kind: string;
  /** What the log line says when a run did something, e.g. `footage request expiry`. */
  title: string;
  /** Runs the kind as a safety-net sweep this often (ms), besides the jobs enqueued for a moment. */
  every?: number;
  /** Does the work; counts it returns are logged when any is non-zero. */
  run(payload: unknown, log: JobLog): Promise<Record<string, number> | undefined>;
}

/** Attempts a job gets unless its enqueue says otherwise; with the backoff, about 10 minutes of retrying. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/** Backoff after the n-th failed attempt (n ≥ 1): 5 s, 10 s, 20 s … at most an hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(3_600_000, 5_000 * 2 ** (attempt - 1));
}

export interface WorkerOptions {
  /** How often to look for due jobs when idle. */
  pollMs?: number;
  /**
   * How long a claim holds a job (default `config.jobLeaseMs`, `PORCHLIGHT_JOB_LEASE_MS`); renewed every third of
   * it while the job runs.
   */
  leaseMs?: number;
}

/**
 * Runs due jobs of the given definitions, one at a time, and enqueues each definition's sweep when its schedule
 * comes round. Any number of workers may share a database: claims use SKIP LOCKED and leases, schedules move in
 * one UPDATE. {@link stop} waits for the job in flight so the database can close.
 */
export class JobWorker {
  readonly #defs: Map<string, JobDefinition>;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> | undefined;
  #stopped = true;
  #stopRequested = false;
  #schedulesReady = false;

  constructor(
    private readonly deps: { db: Database; clock: Clock; config?: { jobLeaseMs: number } },
    definitions: readonly JobDefinition[],
    options: WorkerOptions = {},
  ) {
    this.#defs = new Map(definitions.map((d) => [d.kind, d]));
    this.#pollMs = options.pollMs ?? 1_000;
    this.#leaseMs = options.leaseMs ?? deps.config?.jobLeaseMs ?? 300_000;
  }

  /** The job kinds this worker runs. */
  get kinds(): string[] {
    return [...this.#defs.keys()];
  }

  /** Starts polling: a pass now, then one every `pollMs` after the previous pass ends. */
  start(log: JobLog): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#stopRequested = false;
    // While the database is unreachable: one error line, then quieter polls (up to 30 s apart) until it is back.
    let failures = 0;
    const loop = () => {
      this.#pass = this.runDue(log)
        .then(() => {
          if (failures > 0) log.info({ failures }, 'job queue available again');
          failures = 0;
        })
        .catch((err: unknown) => {
          if (failures === 0) log.error({ err }, 'job queue unavailable; will retry');
          failures++;
        })
        .finally(() => {
          this.#pass = undefined;
          if (this.#stopped) return;
          this.#timer = setTimeout(loop, Math.min(30_000, this.#pollMs * 2 ** Math.min(failures, 5)));
          this.#timer.unref();
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopRequested = true;
    clearTimeout(this.#timer);
    await this.#pass;
  }

  /**
   * One pass: enqueues due sweeps, then runs due jobs until none is left (or the worker is stopped). Returns how
   * many jobs ran, failed ones included. Tests call it to run the queue at a chosen clock time.
   */
  async runDue(log: JobLog): Promise<number> {
    const now = this.deps.clock.now();
    await this.#enqueueSweeps(now);
    for (const kind of await repo.failAbandoned(this.deps.db, now))
      log.error({ kind }, 'background job failed for good: its worker stopped during the last attempt');
    let ran = 0;
    for (;;) {
      // A stopped worker finishes the job in hand but takes no new one.
      if (this.#stopRequested) break;
      const job = await this.claim();
      if (!job) return ran;
      await this.#run(job, log);
      ran++;
    }
    return ran;
  }

  /** Claims the next due job (a worker's first step; tests use it to stand for a worker that then dies). */
  claim(): Promise<repo.ClaimedJob | undefined> {
    const now = this.deps.clock.now();
    const token = randomBytes(12).toString('base64url');
    return repo.claimJob(this.deps.db, this.kinds, now, new Date(now.getTime() + this.#leaseMs), token);
  }

  async #enqueueSweeps(now: Date): Promise<void> {
    const sweeps = [...this.#defs.values()].flatMap((d) =>
      d.every ? [{ kind: d.kind, every: d.every }] : [],
    );
    if (sweeps.length === 0) return;
    if (!this.#schedulesReady) {
      await repo.ensureSchedules(
        this.deps.db,
        sweeps.map((x) => x.kind),
        now,
      );
      this.#schedulesReady = true;
    }
    await this.deps.db.transaction(async (tx) => {
      for (const kind of await repo.advanceSchedules(tx, sweeps, now))
        await repo.insertJob(tx, {
          kind,
          key: `sweep:${kind}`,
          runAt: now,
          maxAttempts: DEFAULT_MAX_ATTEMPTS,
        });
    });
  }

  async #run(job: repo.ClaimedJob, log: JobLog): Promise<void> {
    const def = this.#defs.get(job.kind)!;
    const renew = setInterval(
      () => {
        const until = new Date(this.deps.clock.now().getTime() + this.#leaseMs);
        repo.extendLease(this.deps.db, job, until).catch(() => undefined);
      },
      Math.max(1_000, this.#leaseMs / 3),
    );
    renew.unref();
    try {
      const counts = await def.run(job.payload, log);
      clearInterval(renew);
      await repo.finishJob(this.deps.db, job);
      if (counts && Object.values(counts).some((n) => n > 0))
        log.info({ job: job.kind, ...counts }, def.title);
    } catch (err) {
      clearInterval(renew);
      const now = this.deps.clock.now();
      const last = job.attempts >= job.max_attempts;
      const retryAt = last ? null : new Date(now.getTime() + retryDelayMs(job.attempts));
      const message = err instanceof Error ? err.message : String(err);
      await repo.failJob(this.deps.db, job, message, now, retryAt);
      const detail = { err, job: job.kind, id: job.id, attempt: job.attempts, of: job.max_attempts };
      if (last) log.error(detail, `${def.title} failed for good after ${job.attempts} attempts`);
      else log.warn({ ...detail, retryAt }, `${def.title} failed; will retry`);
    }
  }
}
