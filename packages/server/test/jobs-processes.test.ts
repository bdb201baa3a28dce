/**
 * The job queue as operators scale it: two `PORCHLIGHT_ROLE=worker` processes (the built server, `node
 * dist/main.js`) on one PostgreSQL database. Work that fell due while no worker ran — request deadlines, a
 * disclosure's expiry, a delayed legal notice, a clip's retention — is done once, by whichever worker claims it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../src/infra/blob/index.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';
import { ageEncryptTo, clip, fileRequest, requestWorld, uploadDisclosure } from './support/disclosures.js';
import { lastEventId } from './support/factories.js';
import { uploadClip } from './support/vault.js';

const SERVER = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(SERVER, 'dist/main.js');
const DAY = 86_400_000;

interface Worker {
  output(): string;
  stop(): Promise<number | null>;
  /** kill -9: no shutdown, no cleanup. */
  kill(): Promise<number | null>;
}

/** Each worker's claim on a job lasts 3 s, so a dead worker's job is free again within the test. */
const LEASE_MS = '3000';

describe.runIf(testDatabaseKind() === 'postgres')('two worker processes on PostgreSQL', () => {
  let database: TestDatabase;
  let t: TestApp;
  const workers: Worker[] = [];
  // Everything is made 100 days ago, so by the real clock the workers run on it is all overdue.
  const clock = testClock(new Date(Date.now() - 100 * DAY));
  const made = { requests: [] as string[], disclosure: '', demand: '', clip: '', later: '' };
  let since = 0;
  // The workers' data directory; the API process stores clips in its blobs/ as they will look for them.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-workers-'));
  const blobs = fsBlobStore(path.join(dataDir, 'blobs'));

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    t = await startTestApp({ database, clock, blobs, env: { SESSION_TTL_DAYS: '365' } });
    const world = await requestWorld(t, clock.now());
    made.requests.push(world.request.id, (await fileRequest(world.members[0]!, clock.now())).id);

    const plaintext = clip(4_000);
    const end = clock.now().getTime() - 45 * 3_600_000;
    const shared = await uploadDisclosure(
      t,
      world.owner,
      world.request.id,
      await ageEncryptTo(
        plaintext,
        world.keys.map((k) => k.recipient),
      ),
      {
        plaintextSha256: createHash('sha256').update(plaintext).digest('hex'),
        captureStart: new Date(end - 60_000).toISOString(),
        captureEnd: new Date(end).toISOString(),
        redactions: [],
      },
    );
    expect(shared.statusCode, shared.body).toBe(204);
    made.disclosure = shared.headers['porchlight-disclosure-id'] as string;

    const owner = await t.database.db.query<{ email: string; camera: string; recipient: string }>(
      `SELECT u.email, c.public_id AS camera, k.recipient FROM users u JOIN cameras c ON c.owner_id = u.id
         JOIN vault_keys k ON k.user_id = u.id WHERE u.id = $1`,
      [world.owner.id],
    );
    const o = owner.rows[0]!;
    const ended = clock.now().getTime() - 60_000;
    made.clip = await uploadClip(
      t.app,
      { user: world.owner },
      o.camera,
      await ageEncryptTo(clip(3_000), [o.recipient]),
      { startedAt: new Date(ended - 30_000).toISOString(), endedAt: new Date(ended).toISOString() },
    );

    const demand = await world.admin.raw('POST', '/api/legal-demands', {
      kind: 'subpoena',
      authority: 'Multnomah County Circuit Court',
      docket: '26-GJ-4242',
      date: clock.now().toISOString().slice(0, 10),
      scopeSummary: 'Vault clips of one account from one week',
      documentSha256: 'c'.repeat(64),
      jurisdiction: world.jurisdiction,
      affectedAccount: o.email,
      nonDisclosure: { until: new Date(clock.now().getTime() + 5 * DAY).toISOString(), reason: 'Order 42' },
    });
    expect(demand.statusCode, demand.body).toBe(201);
    made.demand = demand.json<{ id: string }>().id;
    // One more request, not due until the crash test makes it due.
    made.later = (await fileRequest(world.members[0]!, clock.now())).id;
    await t.database.db.query(
      `UPDATE footage_requests SET response_deadline = now() + interval '1 day' WHERE id = $1`,
      [made.later],
    );
    await t.database.db.query(
      `UPDATE jobs SET run_at = now() + interval '1 day' WHERE payload->>'requestId' = $1`,
      [made.later],
    );
    since = await lastEventId(t);
    // The API process is gone before the workers start: only they can do the work.
    await t.app.close();
    await t.deps.live.close();

    const started = await Promise.allSettled([
      startWorker(database.url!, dataDir),
      startWorker(database.url!, dataDir),
    ]);
    for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('each piece of overdue work is done exactly once, and the queue drains', async () => {
    const expected = {
      'request.expired': made.requests,
      'disclosure.expired': [made.disclosure],
      'legal.notice_sent': [made.demand],
      'clip.expired': [made.clip],
    };
    const done = async () => {
      const res = await database.db.query<{ type: string; subject_id: string }>(
        `SELECT type, subject_id FROM events WHERE id > $1 AND type = ANY ($2::text[])`,
        [since, Object.keys(expected)],
      );
      return res.rows;
    };
    const deadline = Date.now() + 30_000;
    let rows = await done();
    while (rows.length < 5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      rows = await done();
    }
    // A moment more: a second run of anything would show up now.
    await new Promise((r) => setTimeout(r, 1_500));
    rows = await done();
    for (const [type, ids] of Object.entries(expected)) {
      const got = rows.filter((r) => r.type === type).map((r) => r.subject_id);
      expect(got.sort(), `${type}\n${workers.map((w) => w.output()).join('\n')}`).toEqual([...ids].sort());
    }
    const due = await database.db.query(
      'SELECT kind, attempts, last_error FROM jobs WHERE failed_at IS NOT NULL OR run_at <= now()',
    );
    expect(due.rows).toEqual([]);
    // The expired clip's and disclosure's ciphertext went with them.
    expect(await blobs.list()).toEqual([]);
  });

  it('a worker killed (kill -9) mid-job: the job runs again on another worker after its lease, once', async () => {
    const [a, b] = workers as [Worker, Worker];
    await b.stop();
    const until = async (what: string, check: () => Promise<boolean>, ms = 20_000) => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${a.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    let jobId: number;
    try {
      // Holds every write to the log's outbox, so the worker that takes the job stalls inside its transaction.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE');
      await database.db.query(
        `UPDATE footage_requests SET response_deadline = now() - interval '1 minute' WHERE id = $1`,
        [made.later],
      );
      const job = await database.db.query<{ id: number }>(
        `UPDATE jobs SET run_at = now() WHERE payload->>'requestId' = $1 RETURNING id`,
        [made.later],
      );
      jobId = job.rows[0]!.id;
      await until('worker A to take the job and stall writing its log entry', async () => {
        const claimed = await database.db.query('SELECT 1 FROM jobs WHERE id = $1 AND attempts = 1', [jobId]);
        const waiting = await database.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return claimed.rowCount > 0 && waiting.rowCount > 0;
      });
      await a.kill();
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }

    const c = await startWorker(database.url!, dataDir);
    workers.push(c);
    await until('worker C to run the dead worker’s job', async () => {
      return (await database.db.query('SELECT 1 FROM jobs WHERE id = $1', [jobId])).rowCount === 0;
    });
    const expired = await database.db.query(
      `SELECT 1 FROM events WHERE type = 'request.expired' AND subject_id = $1`,
      [made.later],
    );
    expect(expired.rowCount).toBe(1);
    const request = await database.db.query<{ status: string }>(
      'SELECT status FROM footage_requests WHERE id = $1',
      [made.later],
    );
    expect(request.rows[0]!.status).toBe('expired');
  });
});

/** Runs the built server as a worker (`PORCHLIGHT_ROLE=worker`); resolves once it says it is running. */
function startWorker(databaseUrl: string, dataDir: string): Promise<Worker> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: SERVER,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      PORCHLIGHT_ROLE: 'worker',
      PORCHLIGHT_JOB_LEASE_MS: LEASE_MS,
      PORCHLIGHT_DATA: dataDir,
      PORCHLIGHT_DEMO: 'false',
      PORCHLIGHT_WEB_DIR: '/nonexistent',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the worker did not start within 20 s:\n${output}`));
    }, 20_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code} before running:\n${output}`));
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      const before = output;
      output += chunk.toString();
      if (before.includes('Porchlight worker is running') || !output.includes('Porchlight worker is running'))
        return;
      clearTimeout(timer);
      let stopped: Promise<number | null> | undefined;
      resolve({
        output: () => output,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          stopped ??= exited;
          return stopped;
        },
        kill: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          return exited;
        },
      });
    });
  });
}

/** Builds the server when `dist/` is missing or older than `src/`, so the workers run the code under test. */
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
