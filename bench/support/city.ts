/**
 * Bench helpers for whole-stack runs: many residents with homes and sessions inserted in bulk, real API
 * processes started from source on one PostgreSQL database, their memory, and percentiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { snap } from '../../packages/server/src/geo/cells.js';
import type { Database } from '../../packages/server/src/infra/db/index.js';
import { hashToken, randomToken } from '../../packages/server/src/modules/auth/auth.service.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const CENTRE = { lat: 45.5152, lng: -122.6784 };

export const offset = (p: { lat: number; lng: number }, northM: number, eastM: number) => ({
  lat: p.lat + northM / 111_320,
  lng: p.lng + eastM / (111_320 * Math.cos((p.lat * Math.PI) / 180)),
});

/** A deterministic generator, so runs seed the same city. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export interface Resident {
  id: number;
  token: string;
  csrf: string;
  home: { lat: number; lng: number };
}

/**
 * `count` residents with homes spread uniformly over a square of `sideM` metres around the centre, each with
 * a session (cookie `pl_session=<token>`, header `x-csrf-token: <csrf>`). Inserted 1,000 rows per statement.
 */
export async function seedResidents(
  db: Database,
  count: number,
  sideM: number,
  prefix = 'r',
): Promise<Resident[]> {
  const rand = rng(7);
  const out: Resident[] = [];
  for (let i = 0; i < count; i += 1000) {
    const n = Math.min(1000, count - i);
    const emails: string[] = [];
    const names: string[] = [];
    const lats: number[] = [];
    const lngs: number[] = [];
    const cells: string[] = [];
    for (let k = 0; k < n; k++) {
      const home = offset(CENTRE, (rand() - 0.5) * sideM, (rand() - 0.5) * sideM);
      emails.push(`${prefix}${i + k}@bench.test`);
      names.push(`Resident ${i + k}`);
      lats.push(home.lat);
      lngs.push(home.lng);
      cells.push(snap(home).cell);
    }
    const ids = (
      await db.query<{ id: number }>(
        `INSERT INTO users (email, display_name, password_hash, home_lat, home_lng, home_cell)
         SELECT e, d, 'x', la, ln, c
         FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::text[]) AS t(e, d, la, ln, c)
         RETURNING id`,
        [emails, names, lats, lngs, cells],
      )
    ).rows.map((r) => r.id);
    const tokens = ids.map(() => randomToken());
    const csrfs = ids.map(() => randomToken());
    await db.query(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, second_factor)
       SELECT h, u, c, now() + interval '1 day', false
       FROM unnest($1::text[], $2::bigint[], $3::text[]) AS t(h, u, c)`,
      [tokens.map(hashToken), ids, csrfs],
    );
    ids.forEach((id, k) =>
      out.push({ id, token: tokens[k]!, csrf: csrfs[k]!, home: { lat: lats[k]!, lng: lngs[k]! } }),
    );
  }
  return out;
}

export interface ApiProcess {
  child: ChildProcess;
  origin: string;
  /** Resident set size now, in bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/**
 * Starts one `PORCHLIGHT_ROLE=api` process from source (`node --import tsx packages/server/src/main.ts`) on
 * `databaseUrl` and waits for `/healthz`. Its output goes to `api.log` in its data directory.
 */
export async function startApi(
  databaseUrl: string,
  port: number,
  extraEnv: Record<string, string> = {},
  /** A checkout to run the server from (another commit, for before/after runs); this one by default. */
  root = ROOT,
): Promise<ApiProcess> {
  const origin = `http://127.0.0.1:${port}`;
  // A process left over from an earlier run would answer /healthz in place of this one.
  const taken = await fetch(`${origin}/healthz`).then(
    () => true,
    () => false,
  );
  if (taken) throw new Error(`port ${port} is already in use (a process left over from an earlier run?)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-bench-api-'));
  const log = fs.openSync(path.join(dataDir, 'api.log'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'packages/server/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORCHLIGHT_ROLE: 'api',
      PORT: String(port),
      HOST: '127.0.0.1',
      PORCHLIGHT_DATA: dataDir,
      PORCHLIGHT_DEMO: 'false',
      PORCHLIGHT_WEB_DIR: '/nonexistent',
      AUTH_RATE_LIMIT: '10000',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  // Never outlive the bench, even when it fails.
  process.once('exit', () => child.kill('SIGKILL'));
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`API process exited (${child.exitCode}); see ${path.join(dataDir, 'api.log')}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`API process on ${port} did not start in 300 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    origin,
    rss: () => processRss(child.pid!),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** VmRSS of a process, in bytes. */
export function processRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** The database URL of a `Database` opened by `withScratchPostgres` (it names its scratch database). */
export async function currentDatabaseUrl(db: Database): Promise<string> {
  const name = (await db.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  return url.toString();
}

export const pct = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
};

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes on one machine. */
export const wallMs = (): number => performance.timeOrigin + performance.now();

export const loadLine = (): string =>
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')} on ${os.cpus().length} cores`;
