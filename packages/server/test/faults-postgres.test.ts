/**
 * PostgreSQL stops and starts under two running API processes (a private server: the shared one other tests use
 * is never touched). While it is down /readyz answers 503 and writes get a 503 problem with Retry-After; when it
 * is back, both processes recover without a restart.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabaseKind } from './support/database.js';
import { HOME } from './support/factories.js';
import { ensureBuilt, remoteUser, startServer, type ServerProcess } from './support/processes.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';
import { openLive } from './support/sse.js';

describe.runIf(testDatabaseKind() === 'postgres')('PostgreSQL restarts under two API processes', () => {
  let db: PrivatePostgres;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    db = await startPrivatePostgres();
    const env = { DATABASE_URL: db.url, PORCHLIGHT_ROLE: 'api' };
    // Started together: migrations run once, under an advisory lock.
    const started = await Promise.allSettled([
      startServer(env),
      startServer(env),
      startServer({ DATABASE_URL: db.url, PORCHLIGHT_ROLE: 'worker' }),
    ]);
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await db.destroy();
  });

  it('answers 503 while the database is down and recovers, live events included, without a restart', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const author = await remoteUser(a.origin, HOME);
    const neighbour = await remoteUser(b.origin, HOME);
    for (const s of [a, b]) expect((await fetch(`${s.origin}/readyz`)).status).toBe(200);
    const listeners = async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const r = await c.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN %'`,
        );
        return (r.rows[0] as { n: number }).n;
      } finally {
        await c.end();
      }
    };
    const listening = await listeners();
    expect(listening).toBeGreaterThanOrEqual(2);

    await db.stop();
    for (const s of [a, b]) {
      const ready = await fetch(`${s.origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('content-type')).toContain('application/problem+json');
    }
    const write = await author.api.POST('/api/posts', {
      body: { category: 'community', title: 'While the database is down', body: 'Try again later.' },
    });
    expect(write.response.status).toBe(503);
    expect(write.response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(write.error).toMatchObject({ code: 'unavailable' });

    await db.start();
    // Each process's LISTEN connection comes back by itself (what was notified while it was down is lost).
    await vi.waitFor(
      async () => {
        expect(await listeners()).toBe(listening);
      },
      {
        // Retries are at most 2 s apart; the rest is the restarted database and a loaded CI machine.
        timeout: 30_000,
        interval: 200,
      },
    );
    for (const s of [a, b]) {
      await vi.waitFor(
        async () => {
          expect((await fetch(`${s.origin}/readyz`)).status).toBe(200);
        },
        {
          timeout: 15_000,
          interval: 200,
        },
      );
    }
    // A write succeeds on either process, and a live subscriber on B sees a post made through A.
    const stream = await openLive(b.origin, neighbour.jar);
    try {
      const created = await vi.waitFor(
        async () => {
          const res = await author.api.POST('/api/posts', {
            body: { category: 'community', title: 'Back up', body: 'The database is back.' },
          });
          expect(res.response.status).toBe(201);
          return res.data!;
        },
        { timeout: 15_000, interval: 500 },
      );
      await stream.next<{ id: string }>('post', (p) => p.id === created.id, 15_000);
      const other = await neighbour.api.POST('/api/posts', {
        body: { category: 'community', title: 'Through B', body: 'Also fine.' },
      });
      expect(other.response.status).toBe(201);
    } finally {
      await stream.close();
    }
    // Nothing exited: API processes and the worker rode it out (a worker that quits stops the log and the jobs).
    for (const s of servers) expect(s.child.exitCode, s.output().slice(-3000)).toBeNull();
  }, 90_000);
});
