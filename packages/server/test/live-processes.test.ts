import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createPorchlightClient, type PorchlightClient } from '@porchlight/api-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres } from '../src/infra/db/postgres.js';
import { memoryBus, postgresBus } from '../src/infra/live/bus.js';
import { startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';
import { HOME, PASSWORD, makePost, makeUser, offsetMeters } from './support/factories.js';
import { cookieHeader, listen, openLive } from './support/sse.js';

const SERVER = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(SERVER, 'dist/main.js');

interface Post {
  id: string;
  title: string;
  isMine: boolean;
}

describe.runIf(testDatabaseKind() === 'postgres')('live across API processes on PostgreSQL', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  /** Undoes what beforeAll managed to set up, newest first, even when it failed halfway. */
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const started = await Promise.allSettled([startServer(database.url!), startServer(database.url!)]);
    for (const s of started) if (s.status === 'fulfilled') cleanup.push(() => s.value.stop());
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    [a, b] = started.map((s) => (s as PromiseFulfilledResult<ServerProcess>).value) as [
      ServerProcess,
      ServerProcess,
    ];
  });
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  it('a subscriber connected to process B sees posts and comments created through process A', async () => {
    expect(a.origin).not.toBe(b.origin);
    const author = await remoteUser(a.origin, HOME);
    const neighbour = await remoteUser(a.origin, offsetMeters(HOME, 500, -250));
    const stream = await openLive(b.origin, neighbour.jar);
    try {
      const created = await author.api.POST('/api/posts', {
        body: { category: 'safety', title: 'Gas leak on Alder St', body: 'Crews are on site.' },
      });
      expect(created.response.status).toBe(201);
      const id = created.data!.id;

      const got = await stream.next<Post>('post', (p) => p.id === id, 10_000);
      const asNeighbourSeesIt = await neighbour.api.GET('/api/posts/{id}', { params: { path: { id } } });
      expect(got.json).toEqual(asNeighbourSeesIt.data);
      expect(got.json.isMine).toBe(false);

      const comment = await author.api.POST('/api/posts/{id}/comments', {
        params: { path: { id } },
        body: { body: 'Road reopened' },
      });
      const c = await stream.next<{ id: string }>('comment', (x) => x.id === comment.data!.id, 10_000);
      expect(c.json).toEqual(comment.data);
    } finally {
      await stream.close();
    }
  });

  it('keeps delivering after the database drops the LISTEN connections', async () => {
    const author = await remoteUser(a.origin, HOME);
    const neighbour = await remoteUser(a.origin, HOME);
    const stream = await openLive(b.origin, neighbour.jar);
    const admin = openPostgres(database.url!);
    try {
      // What a PostgreSQL restart, a failover or an idle-connection reaper does to each process's listener.
      const listeners = async () =>
        (
          await admin.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
          )
        ).rows.map((r) => r.pid);
      const before = await listeners();
      expect(before).toHaveLength(2);
      await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
      await vi.waitFor(
        async () => {
          const now = await listeners();
          expect(now).toHaveLength(2);
          expect(now.filter((pid) => before.includes(pid))).toEqual([]);
        },
        { timeout: 10_000, interval: 100 },
      );

      const created = await author.api.POST('/api/posts', {
        body: { category: 'community', title: 'After the reconnect', body: 'Still live.' },
      });
      await stream.next<Post>('post', (p) => p.id === created.data!.id, 10_000);
    } finally {
      await stream.close();
      await admin.close();
    }
  });

  it('process B closes its open streams and exits cleanly on SIGTERM', async () => {
    const neighbour = await remoteUser(b.origin, HOME);
    const stream = await openLive(b.origin, neighbour.jar);
    const code = await b.stop();
    await stream.ended;
    expect(code).toBe(0);
  });

  it('two in-process apps, each with its own pool and LISTEN connection, share events', async () => {
    const other = openPostgres(database.url!);
    let appA: TestApp | undefined;
    let appB: TestApp | undefined;
    try {
      appA = await startTestApp({ database });
      appB = await startTestApp({ database: { ...database, db: other }, live: await postgresBus(other) });
      const originB = await listen(appB.app);
      const author = await makeUser(appA);
      const neighbour = await makeUser(appA);
      const stream = await openLive(originB, neighbour.jar);
      const post = await makePost(author, { title: 'Through the other pool' });
      expect((await stream.next<Post>('post', (p) => p.id === post.id)).json.title).toBe(
        'Through the other pool',
      );
      await stream.close();
    } finally {
      await appB?.close();
      await appA?.close();
      await other.close();
    }
  });
});

describe.runIf(testDatabaseKind() === 'pglite')('live across app instances on the in-process bus', () => {
  it('a subscriber on one app instance sees a post created through another sharing the bus', async () => {
    const bus = memoryBus();
    const appA = await startTestApp({ live: bus });
    const appB = await startTestApp({ database: appA.database, live: bus });
    try {
      const originB = await listen(appB.app);
      const author = await makeUser(appA);
      const neighbour = await makeUser(appA, { home: offsetMeters(HOME, -300, 100) });
      const stream = await openLive(originB, neighbour.jar);
      const post = await makePost(author, { title: 'Across instances' });
      const got = await stream.next<Post>('post', (p) => p.id === post.id);
      expect(got.json.title).toBe('Across instances');
      // The publishing instance has no subscribers, so it did no fan-out work of its own.
      expect(appA.services.live.hub.stats.lookups).toBe(0);
      await stream.close();
    } finally {
      await appB.close();
      await appA.close();
    }
  });
});

interface ServerProcess {
  origin: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the built server (`node dist/main.js`) as an operator would, on an ephemeral port, against `databaseUrl`
 * with the PostgreSQL live bus. Resolves once it logs the address it listens on.
 */
function startServer(databaseUrl: string): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: SERVER,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      PORCHLIGHT_LIVE_BUS: 'postgres',
      PORT: '0',
      HOST: '127.0.0.1',
      PORCHLIGHT_DEMO: 'false',
      PORCHLIGHT_WEB_DIR: '/nonexistent',
      AUTH_RATE_LIMIT: '1000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 20 s:\n${output}`));
    }, 20_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      let stopped: Promise<number | null> | undefined;
      resolve({
        origin: m[1]!,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          stopped ??= exited;
          return stopped;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
}

/**
 * Builds the server when `dist/` is missing or older than `src/` (CI builds before testing; a developer may
 * not have), so the processes run the code under test.
 */
function ensureBuilt(): void {
  const newest = (dir: string, ext: string): number =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.name.endsWith(`.test${ext}`))
      .reduce((m, e) => Math.max(m, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs), 0);
  const dist = path.join(SERVER, 'dist');
  if (fs.existsSync(MAIN) && newest(dist, '.js') >= newest(path.join(SERVER, 'src'), '.ts')) return;
  // tsc emits even when another module has a type error; the type check itself is `npm run check`'s job.
  spawnSync(process.execPath, [path.resolve(SERVER, '../../node_modules/typescript/bin/tsc'), '-p', SERVER], {
    stdio: 'ignore',
  });
  if (!fs.existsSync(MAIN))
    throw new Error('could not build the server; run npm run build -w @porchlight/server');
}

/** A user speaking real HTTP to a server process through the typed client, with a cookie jar. */
async function remoteUser(origin: string, home: { lat: number; lng: number }) {
  const jar = new Map<string, string>();
  const api: PorchlightClient = createPorchlightClient({ baseUrl: origin, fetch: jarFetch(jar) });
  await api.GET('/api/session');
  const tag = Math.random().toString(36).slice(2, 10);
  const signup = await api.POST('/api/auth/signup', {
    body: { email: `remote-${tag}@example.test`, password: PASSWORD, displayName: `Remote ${tag}` },
  });
  expect(signup.response.status).toBe(201);
  expect((await api.PUT('/api/me/home', { body: home })).response.status).toBe(200);
  return { api, jar };
}

function jarFetch(jar: Map<string, string>): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    if (jar.size > 0) headers.set('cookie', cookieHeader(jar));
    const body = request.body ? await request.arrayBuffer() : undefined;
    const res = await fetch(request.url, { method: request.method, headers, ...(body ? { body } : {}) });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
}
