/**
 * `npm run stack` (packages/server/stack.mjs) from the repository: two API processes and a worker on one
 * PostgreSQL database behind its round-robin proxy. Both processes serve, share live events, and the log grows
 * (the worker sequences); SIGTERM stops everything.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';
import { HOME } from './support/factories.js';
import { ensureBuilt, remoteUser, SERVER } from './support/processes.js';
import { freePort } from './support/private-postgres.js';
import { openLive } from './support/sse.js';

/** A base port with the next `n` ports free too. */
async function freeRange(n: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + n > 65535) continue;
    const probes = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        fetch(`http://127.0.0.1:${base + 1 + i}/`).then(
          () => false,
          () => true,
        ),
      ),
    );
    if (probes.every(Boolean)) return base;
  }
}

describe.runIf(testDatabaseKind() === 'postgres')('npm run stack', () => {
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
  });

  it('runs two API processes and a worker that serve through the proxy and share live events', async () => {
    ensureBuilt();
    database = await createTestDatabase();
    const port = await freeRange(3);
    const stack = spawn(process.execPath, [path.join(SERVER, 'stack.mjs'), '--no-build'], {
      cwd: path.resolve(SERVER, '../..'),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.url!,
        PORT: String(port),
        STACK_API_PROCESSES: '2',
        PORCHLIGHT_WEB_DIR: '/nonexistent',
        PORCHLIGHT_LOG_INTERVAL_MS: '100',
        AUTH_RATE_LIMIT: '1000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    stack.stdout.on('data', (c: Buffer) => (output += c.toString()));
    stack.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => stack.once('exit', resolve));
    try {
      const proxy = `http://127.0.0.1:${port}`;
      const [api1, api2] = [`http://127.0.0.1:${port + 1}`, `http://127.0.0.1:${port + 2}`];
      await vi.waitFor(
        () => {
          expect(output).toContain('[worker]');
          expect(output.match(/\[api\d\] .*Server listening at/g)?.length, output).toBe(2);
          expect(output).toContain('Porchlight worker is running');
        },
        { timeout: 60_000, interval: 200 },
      );
      for (const origin of [proxy, api1, api2]) expect((await fetch(`${origin}/readyz`)).status).toBe(200);

      // A neighbour listening on process 2, an author posting through process 1: live across processes.
      const author = await remoteUser(api1, HOME);
      const neighbour = await remoteUser(api2, HOME);
      const direct = await openLive(api2, neighbour.jar);
      // The same neighbour through the proxy (whichever process it lands on).
      const proxied = await openLive(proxy, neighbour.jar);
      try {
        const created = await author.api.POST('/api/posts', {
          body: { category: 'community', title: 'Through the stack', body: 'Hello from process 1.' },
        });
        expect(created.response.status).toBe(201);
        await direct.next<{ id: string }>('post', (p) => p.id === created.data!.id, 15_000);
        await proxied.next<{ id: string }>('post', (p) => p.id === created.data!.id, 15_000);
      } finally {
        await direct.close();
        await proxied.close();
      }
      // The worker sequences the log: the instance's first entry is published without any API process doing it.
      await vi.waitFor(
        async () => {
          expect((await fetch(`${proxy}/log/checkpoint`)).status).toBe(200);
        },
        {
          timeout: 15_000,
          interval: 200,
        },
      );
    } finally {
      stack.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('stopping 3 processes');
  }, 120_000);
});
