import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createPorchlightClient, type PorchlightClient } from '@porchlight/api-client';
import { expect } from 'vitest';
import { PASSWORD } from './factories.js';
import { cookieHeader } from './sse.js';

export const SERVER = path.resolve(import.meta.dirname, '../..');
export const MAIN = path.join(SERVER, 'dist/main.js');

export interface ServerProcess {
  /** `http://127.0.0.1:<port>`; empty for a worker (no listener). */
  origin: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** kill -9: no shutdown, no cleanup. */
  kill(): Promise<unknown>;
}

/**
 * Runs the built server (`node dist/main.js`) as an operator would, with `env` on top of a quiet test
 * environment. Resolves once an API process listens (or a worker says it runs).
 */
export function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: SERVER,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      PORCHLIGHT_DEMO: 'false',
      PORCHLIGHT_WEB_DIR: '/nonexistent',
      AUTH_RATE_LIMIT: '1000',
      PORCHLIGHT_VAULT_MIN_WORK_FACTOR: '10',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const alive = () => child.exitCode === null && child.signalCode === null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before it was ready:\n${output}`));
    });
    const check = () => {
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!m && !output.includes('Porchlight worker is running')) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve({
        origin: m?.[1] ?? '',
        child,
        output: () => output,
        stop: () => {
          if (alive()) child.kill('SIGTERM');
          return exited;
        },
        kill: () => {
          if (alive()) child.kill('SIGKILL');
          return exited;
        },
      });
    };
    child.stdout.on('data', check);
  });
}

/**
 * Builds the server when `dist/` is missing or older than `src/`, so the processes run the code under test.
 */
export function ensureBuilt(): void {
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

/** A `fetch` with a cookie jar, as a browser would keep one. */
export function jarFetch(jar: Map<string, string>): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    if (jar.size > 0) headers.set('cookie', cookieHeader(jar));
    const csrf = jar.get('pl_csrf');
    if (csrf && !['GET', 'HEAD'].includes(request.method) && !headers.has('x-csrf-token'))
      headers.set('x-csrf-token', csrf);
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

export interface RemoteUser {
  api: PorchlightClient;
  jar: Map<string, string>;
  fetch: typeof fetch;
}

/** A user speaking real HTTP to a server process through the typed client, signed up with a home. */
export async function remoteUser(origin: string, home: { lat: number; lng: number }): Promise<RemoteUser> {
  const jar = new Map<string, string>();
  const f = jarFetch(jar);
  const api: PorchlightClient = createPorchlightClient({ baseUrl: origin, fetch: f });
  await api.GET('/api/session');
  const tag = Math.random().toString(36).slice(2, 10);
  const signup = await api.POST('/api/auth/signup', {
    body: { email: `remote-${tag}@example.test`, password: PASSWORD, displayName: `Remote ${tag}` },
  });
  expect(signup.response.status).toBe(201);
  expect((await api.PUT('/api/me/home', { body: home })).response.status).toBe(200);
  return { api, jar, fetch: f };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
