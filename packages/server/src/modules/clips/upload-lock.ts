import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Queryable } from '../../infra/db/index.js';

export interface UploadLockTimings {
  /** How long a lease lasts without renewal: how soon a crashed process's lock frees itself. */
  leaseMs: number;
  /** How often the holder renews its lease and checks whether another request wants the lock. */
  renewMs: number;
  /** How often a waiting request tries again. */
  pollMs: number;
  /** How long a request waits for the lock before giving up (tus answers 500, the client retries). */
  timeoutMs: number;
}

const DEFAULT_TIMINGS: UploadLockTimings = { leaseMs: 10_000, renewMs: 500, pollMs: 100, timeoutMs: 30_000 };

/**
 * tus upload locks in the database, so several API processes can serve the same upload: one request at a
 * time writes to it, whichever process it reaches. Like tus's in-memory locker, a request that wants a held
 * lock asks the holder to finish (its `cancelReq`), which matters when a client resumes after a dropped
 * connection that the old request has not noticed yet.
 */
export class DatabaseLocker implements Locker {
  private readonly timings: UploadLockTimings;

  constructor(
    private readonly db: Queryable,
    timings: Partial<UploadLockTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  newLock(id: string): Lock {
    return new DatabaseLock(this.db, id, this.timings);
  }
}

class DatabaseLock implements Lock {
  private readonly holder = randomUUID();
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly id: string,
    private readonly t: UploadLockTimings,
  ) {}

  async lock(signal: AbortSignal, cancelReq: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.t.timeoutMs;
    while (!(await this.tryAcquire())) {
      // tus renders its own error objects ({ status_code, body }); this is the one its lockers throw.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await this.db.query('UPDATE upload_locks SET wanted = true WHERE upload_id = $1', [this.id]);
      await sleep(this.t.pollMs);
    }
    let released = false;
    this.renewal = setInterval(() => {
      this.renew()
        .then(async (keep) => {
          if (keep || released) return;
          released = true;
          await cancelReq();
        })
        .catch(() => undefined); // a failed renewal is retried; the lease covers several intervals
    }, this.t.renewMs);
    this.renewal.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    await this.db.query('DELETE FROM upload_locks WHERE upload_id = $1 AND holder = $2', [
      this.id,
      this.holder,
    ]);
  }

  /** Takes the lock when it is free or its lease ran out (its holder died). */
  private async tryAcquire(): Promise<boolean> {
    const res = await this.db.query(
      `INSERT INTO upload_locks (upload_id, holder, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3 / 1000.0))
       ON CONFLICT (upload_id) DO UPDATE
         SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, wanted = false
         WHERE upload_locks.expires_at < now()
       RETURNING holder`,
      [this.id, this.holder, this.t.leaseMs],
    );
    return res.rowCount === 1;
  }

  /** Extends the lease; false when another request wants the lock (or the lease was lost). */
  private async renew(): Promise<boolean> {
    const res = await this.db.query<{ wanted: boolean }>(
      `UPDATE upload_locks SET expires_at = now() + make_interval(secs => $3 / 1000.0)
       WHERE upload_id = $1 AND holder = $2 RETURNING wanted`,
      [this.id, this.holder, this.t.leaseMs],
    );
    return res.rows[0]?.wanted === false;
  }
}
