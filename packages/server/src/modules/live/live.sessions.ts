import type { Viewer } from '../../policies.js';

/** At most this many sessions per query; a process with more open streams sends several. */
const CHUNK = 1000;

/**
 * Re-checks the sessions of open live streams in batches: every check asked for in the same turn of the event
 * loop (all streams ping at the same keep-alive tick) goes to the database as one query per thousand sessions,
 * instead of one query per stream — 10,000 streams were 400 queries a second, sharing the pool with delivery.
 */
export class SessionBatch {
  private pending = new Map<string, ((viewer: Viewer | undefined | Error) => void)[]>();
  private scheduled = false;

  constructor(private readonly resolveMany: (tokens: string[]) => Promise<Map<string, { viewer: Viewer }>>) {}

  /** The viewer of session `token` now, or undefined when it has ended (signed out, expired, unknown). */
  check(token: string | undefined): Promise<Viewer | undefined> {
    if (!token) return Promise.resolve(undefined);
    return new Promise<Viewer | undefined>((resolve, reject) => {
      const waiting = this.pending.get(token) ?? [];
      waiting.push((v) => {
        if (v instanceof Error) reject(v);
        else resolve(v);
      });
      this.pending.set(token, waiting);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    const tokens = [...batch.keys()];
    for (let i = 0; i < tokens.length; i += CHUNK) {
      const chunk = tokens.slice(i, i + CHUNK);
      let found: Map<string, { viewer: Viewer }> | Error;
      try {
        found = await this.resolveMany(chunk);
      } catch (err) {
        found = err instanceof Error ? err : new Error(String(err));
      }
      for (const token of chunk) {
        const answer = found instanceof Error ? found : found.get(token)?.viewer;
        for (const settle of batch.get(token) ?? []) settle(answer);
      }
    }
  }
}
