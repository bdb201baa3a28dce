import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../src/infra/db/index.js';
import { openPglite } from '../src/infra/db/pglite.js';
import { openPostgres } from '../src/infra/db/postgres.js';
import { memoryBus } from '../src/infra/live/bus.js';
import { METRICS_AUTH, startTestApp, type TestApp } from './support/app.js';
import { countRows, makeUser } from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('health and readiness', () => {
  it('answers /healthz with 200', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 while the database answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz with a 503 problem once the database is gone, while /healthz stays up', async () => {
    // A second connection to a database of the same kind, which this test then closes under a running app.
    const db: Database =
      t.database.kind === 'postgres'
        ? openPostgres(t.database.url!, { max: 1 })
        : await openPglite(undefined);
    const second = await startTestApp({
      database: { db, kind: t.database.kind, url: t.database.url, drop: () => Promise.resolve() },
      live: memoryBus(),
    });
    try {
      expect((await second.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await db.close();
      const res = await second.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        status: 503,
        code: 'unavailable',
        detail: 'database is not reachable',
      });
      expect((await second.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('metrics', () => {
  it('exposes request durations by route and status in Prometheus text format', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    await t.app.inject({ method: 'GET', url: '/api/nope' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE porchlight_http_request_duration_seconds histogram');
    expect(res.body).toMatch(
      /porchlight_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/,
    );
    expect(res.body).toMatch(/porchlight_http_request_duration_seconds_count\{[^}]*status="404"\} [1-9]/);
    expect(res.body).toContain('process_cpu_seconds_total');
  });
});

describe('restarts', () => {
  it('applies no migration twice, so the server starts again on its existing data', async () => {
    await makeUser(t);
    const users = await countRows(t, 'users');
    expect(await migrate(t.database.db)).toEqual([]);
    expect(await countRows(t, 'users')).toBe(users);
  });

  it('counts the rows a query returns the same way on both databases', async () => {
    const res = await t.database.db.query('SELECT id FROM users');
    expect(res.rowCount).toBe(res.rows.length);
    expect(res.rowCount).toBeGreaterThan(0);
  });
});
