/**
 * The background job queue (infra/jobs) on this project's database (PGlite and PostgreSQL): jobs committed with
 * the change that needs them, due at their moment, each run once however many workers share the database, retried
 * with backoff after an error or a worker's death, and failures visible on /metrics and in the log.
 */
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/infra/db/postgres.js';
import { enqueueJob, JobWorker, type JobDefinition, type JobLog } from '../src/infra/jobs/index.js';
import { METRICS_AUTH, startTestApp, testClock, type TestApp } from './support/app.js';
import { ageEncryptTo, clip, fileRequest, requestWorld, uploadDisclosure } from './support/disclosures.js';
import { eventsAfter, lastEventId } from './support/factories.js';
import { uploadClip } from './support/vault.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const clock = testClock(new Date());
let a: TestApp;
let b: TestApp;
let world: Awaited<ReturnType<typeof requestWorld>>;
const lines: { level: number; msg: string; job?: string; kind?: string; attempt?: number }[] = [];
const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as (typeof lines)[0]) });
const quiet: JobLog = pino({ level: 'silent' });

beforeAll(async () => {
  const env = { SESSION_TTL_DAYS: '365' };
  a = await startTestApp({ clock, env });
  // A second API process: on PostgreSQL its own connection pool, on PGlite the one embedded database.
  const database = a.database.url ? { ...a.database, db: openPostgres(a.database.url) } : a.database;
  b = await startTestApp({ clock, env, database });
  world = await requestWorld(a, clock.now());
}, 120_000);
afterAll(async () => {
  await b.close();
  if (b.database.db !== a.database.db) await b.database.db.close();
  await a.close();
});

const pendingJobs = async (kind?: string) =>
  (
    await a.database.db.query<{ id: number; kind: string; run_at: Date; payload: Record<string, string> }>(
      `SELECT id, kind, run_at, payload FROM jobs WHERE failed_at IS NULL ${kind ? 'AND kind = $1' : ''}
        ORDER BY run_at`,
      kind ? [kind] : [],
    )
  ).rows;

/** Both processes' workers run the queue at once, twice over. */
const runEverywhere = () =>
  Promise.all([
    a.services.jobs.runDue(quiet),
    b.services.jobs.runDue(quiet),
    a.services.jobs.runDue(quiet),
    b.services.jobs.runDue(quiet),
  ]);

const metrics = async () => {
  const res = await a.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH });
  expect(res.statusCode).toBe(200);
  return res.body;
};

async function shareDisclosure(): Promise<string> {
  const plaintext = clip(4_000);
  const ciphertext = await ageEncryptTo(
    plaintext,
    world.keys.map((k) => k.recipient),
  );
  const end = clock.now().getTime() - 45 * 3_600_000;
  const res = await uploadDisclosure(a, world.owner, world.request.id, ciphertext, {
    plaintextSha256: createHash('sha256').update(plaintext).digest('hex'),
    captureStart: new Date(end - 60_000).toISOString(),
    captureEnd: new Date(end).toISOString(),
    redactions: [],
  });
  expect(res.statusCode, res.body).toBe(204);
  return res.headers['porchlight-disclosure-id'] as string;
}

async function uploadOwnClip(): Promise<string> {
  const { rows } = await a.database.db.query<{ camera: string; recipient: string }>(
    `SELECT c.public_id AS camera, k.recipient FROM cameras c JOIN vault_keys k ON k.user_id = c.owner_id
      WHERE c.owner_id = $1`,
    [world.owner.id],
  );
  const ciphertext = await ageEncryptTo(clip(3_000), [rows[0]!.recipient]);
  return uploadClip(a.app, { user: world.owner }, rows[0]!.camera, ciphertext);
}

async function delayedDemand(days: number): Promise<string> {
  const { rows } = await a.database.db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [
    world.owner.id,
  ]);
  const res = await world.admin.raw('POST', '/api/legal-demands', {
    kind: 'subpoena',
    authority: 'Multnomah County Circuit Court',
    docket: `26-GJ-${Math.floor(Math.random() * 1e4)}`,
    date: clock.now().toISOString().slice(0, 10),
    scopeSummary: 'Vault clips of one account from one week',
    documentSha256: 'b'.repeat(64),
    jurisdiction: world.jurisdiction,
    affectedAccount: rows[0]!.email,
    nonDisclosure: {
      until: new Date(clock.now().getTime() + days * DAY).toISOString(),
      reason: 'Court order 26-GJ-NDO',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

describe('enqueueing in the transaction of the change', () => {
  it('a rolled-back change leaves no job; a committed one leaves exactly its job', async () => {
    const runAt = new Date(clock.now().getTime() + DAY);
    await expect(
      a.database.db.transaction(async (tx) => {
        await enqueueJob(tx, { kind: 'request.expiry', runAt, key: 'rolled-back' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await a.database.db.query(`SELECT 1 FROM jobs WHERE key = 'rolled-back'`)).rowCount).toBe(0);

    await a.database.db.transaction((tx) => enqueueJob(tx, { kind: 'request.expiry', runAt, key: 'kept' }));
    // The same key again while the first waits adds nothing.
    await a.database.db.transaction((tx) => enqueueJob(tx, { kind: 'request.expiry', runAt, key: 'kept' }));
    expect((await a.database.db.query(`SELECT 1 FROM jobs WHERE key = 'kept'`)).rowCount).toBe(1);
    await a.database.db.query(`DELETE FROM jobs WHERE key = 'kept'`);
  });

  it('publishing a request, sharing a disclosure and delaying a notice each commit a job for that moment', async () => {
    const disclosure = await shareDisclosure();
    const demand = await delayedDemand(10);
    const jobs = await pendingJobs();
    const request = await a.database.db.query<{ response_deadline: Date }>(
      'SELECT response_deadline FROM footage_requests WHERE id = $1',
      [world.request.id],
    );
    const at = (kind: string, key: string, id: string) =>
      jobs.filter((j) => j.kind === kind && j.payload[key] === id).map((j) => j.run_at.getTime());
    expect(at('request.expiry', 'requestId', world.request.id)).toEqual([
      request.rows[0]!.response_deadline.getTime(),
    ]);
    const expires = await a.database.db.query<{ expires_at: Date }>(
      'SELECT expires_at FROM disclosures WHERE id = $1',
      [disclosure],
    );
    expect(at('disclosure.retention', 'disclosure', disclosure)).toEqual([
      expires.rows[0]!.expires_at.getTime(),
    ]);
    const due = await a.database.db.query<{ notice_due_at: Date }>(
      'SELECT notice_due_at FROM legal_demands WHERE id = $1',
      [demand],
    );
    expect(due.rows[0]!.notice_due_at.getTime()).toBeGreaterThan(clock.now().getTime() + 9 * DAY);
    expect(at('legal.notice', 'demand', demand)).toEqual([due.rows[0]!.notice_due_at.getTime()]);
  });
});

describe('each job kind on two workers sharing the database', () => {
  it('does its work once: request expiry, disclosure expiry, legal notice, clip retention, session pruning', async () => {
    const request = await fileRequest(world.members[0]!, clock.now());
    const disclosure = await shareDisclosure();
    const demand = await delayedDemand(5);
    const clipId = await uploadOwnClip();
    await a.database.db.query(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)
       SELECT 'expired-' || id, id, 'x', $2 FROM users WHERE id = $1`,
      [world.owner.id, new Date(clock.now().getTime() - DAY)],
    );
    await runEverywhere();
    const since = await lastEventId(a);

    clock.advance(120 * DAY);
    await runEverywhere();
    await runEverywhere();

    const events = await eventsAfter(a, since);
    const count = (type: string, subject: string | number) =>
      events.filter((e) => e.type === type && e.subject_id === String(subject)).length;
    expect(count('request.expired', request.id)).toBe(1);
    expect(count('request.expired', world.request.id)).toBe(1);
    expect(count('disclosure.expired', disclosure)).toBe(1);
    expect(count('legal.notice_sent', demand)).toBe(1);
    expect(count('clip.expired', clipId)).toBe(1);
    expect(
      (await a.database.db.query(`SELECT 1 FROM sessions WHERE token_hash LIKE 'expired-%'`)).rowCount,
    ).toBe(0);
    // Everything due ran and was deleted; only nothing-yet-due could remain.
    expect((await pendingJobs()).filter((j) => j.run_at <= clock.now())).toEqual([]);
  });

  it('enqueues each safety-net sweep once per interval, whichever process gets there first', async () => {
    await runEverywhere();
    clock.advance(16 * MINUTE);
    // Nothing was enqueued for this moment: only the sweeps are due, and runDue enqueues them.
    expect(await a.services.jobs.claim()).toBeUndefined();
    const ran = await Promise.all([a.services.jobs.runDue(quiet), b.services.jobs.runDue(quiet)]);
    // request.expiry, legal.notice and bystander.answer_mail sweep every 15 minutes; the hourly ones are not due.
    expect(ran[0] + ran[1]).toBe(3);
  });
});

describe('a job scheduled for later', () => {
  it('runs at its time, not before', async () => {
    await runEverywhere();
    const request = await fileRequest(world.members[0]!, clock.now());
    const [job] = (await pendingJobs('request.expiry')).filter((j) => j.payload.requestId === request.id);
    const status = async () =>
      (
        await a.database.db.query<{ status: string }>('SELECT status FROM footage_requests WHERE id = $1', [
          request.id,
        ])
      ).rows[0]!.status;

    clock.set(new Date(job!.run_at.getTime() - 1_000));
    await a.services.jobs.runDue(quiet);
    expect(await status()).toBe('open');
    expect((await pendingJobs('request.expiry')).map((j) => j.id)).toContain(job!.id);

    clock.set(new Date(job!.run_at.getTime() + 1_000));
    await a.services.jobs.runDue(quiet);
    expect(await status()).toBe('expired');
    expect((await pendingJobs('request.expiry')).map((j) => j.id)).not.toContain(job!.id);
  });
});

describe('retries and failures', () => {
  /** A test kind on the real queue tables whose handler does what the test says. */
  const flaky = (behaviour: () => void): JobDefinition => ({
    kind: 'test.flaky',
    title: 'flaky test job',
    run: async (payload) => {
      await Promise.resolve();
      behaviour();
      return { done: (payload as { n: number }).n };
    },
  });
  const workers = (def: JobDefinition) => [
    new JobWorker({ db: a.database.db, clock }, [def]),
    new JobWorker({ db: b.database.db, clock }, [def]),
  ];
  const enqueueFlaky = (n: number, maxAttempts?: number) =>
    a.database.db.transaction((tx) =>
      enqueueJob(tx, { kind: 'test.flaky', runAt: clock.now(), payload: { n }, maxAttempts }),
    );

  it('a job whose worker died mid-run runs again on another worker once the lease ends', async () => {
    let runs = 0;
    const [w1, w2] = workers(
      flaky(() => {
        runs++;
      }),
    );
    await enqueueFlaky(1);
    // Worker 1 takes the job and dies before finishing it (kill -9: no error, no release).
    const taken = await w1!.claim();
    expect(taken).toMatchObject({ kind: 'test.flaky', attempts: 1 });
    expect(await w2!.runDue(quiet)).toBe(0);

    clock.advance(4 * MINUTE);
    expect(await w2!.runDue(quiet)).toBe(0);
    clock.advance(2 * MINUTE);
    expect(await w2!.runDue(quiet)).toBe(1);
    expect(runs).toBe(1);
    expect((await a.database.db.query('SELECT 1 FROM jobs WHERE id = $1', [taken!.id])).rowCount).toBe(0);
  });

  it('an error is logged, counted on /metrics and retried after a backoff', async () => {
    let fail = true;
    const [w1] = workers(
      flaky(() => {
        if (fail) throw new Error('smtp server said no');
      }),
    );
    lines.length = 0;
    await enqueueFlaky(2);
    expect(await w1!.runDue(log)).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'flaky test job failed; will retry',
        job: 'test.flaky',
        attempt: 1,
      }),
    ]);
    const body = await metrics();
    expect(body).toContain('porchlight_job_failures_total{kind="test.flaky"} 1');
    expect(body).toContain('porchlight_jobs{kind="test.flaky",state="scheduled"} 1');

    // Not before the backoff (5 s after the first failure).
    fail = false;
    clock.advance(4_000);
    expect(await w1!.runDue(log)).toBe(0);
    clock.advance(1_500);
    expect(await w1!.runDue(log)).toBe(1);
    expect(lines.at(-1)).toMatchObject({ level: 30, msg: 'flaky test job', done: 2 });
    expect((await pendingJobs('test.flaky')).length).toBe(0);
  });

  it('a job out of attempts is kept as failed, logged as an error and shown on /metrics', async () => {
    const [w1, w2] = workers(
      flaky(() => {
        throw new Error('still broken');
      }),
    );
    lines.length = 0;
    await enqueueFlaky(3, 2);
    expect(await w1!.runDue(log)).toBe(1);
    clock.advance(10_000);
    expect(await w2!.runDue(log)).toBe(1);
    clock.advance(DAY);
    expect(await w1!.runDue(log)).toBe(0);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'flaky test job failed; will retry'],
      [50, 'flaky test job failed for good after 2 attempts'],
    ]);
    const failed = await a.database.db.query<{ last_error: string; attempts: number }>(
      `SELECT last_error, attempts FROM jobs WHERE kind = 'test.flaky' AND failed_at IS NOT NULL`,
    );
    expect(failed.rows).toEqual([{ last_error: 'still broken', attempts: 2 }]);
    const body = await metrics();
    expect(body).toContain('porchlight_jobs{kind="test.flaky",state="failed"} 1');
    expect(body).toContain('porchlight_job_failures_total{kind="test.flaky"} 3');
  });

  it('/metrics shows how long the oldest due job has waited when no worker runs it', async () => {
    await a.database.db.transaction((tx) =>
      enqueueJob(tx, { kind: 'test.unserved', runAt: new Date(clock.now().getTime() - 90_000) }),
    );
    const body = await metrics();
    expect(body).toContain('porchlight_jobs{kind="test.unserved",state="waiting"} 1');
    expect(body).toMatch(/porchlight_jobs_oldest_waiting_seconds\{kind="test\.unserved"\} 90\b/);
    await a.database.db.query(`DELETE FROM jobs WHERE kind = 'test.unserved'`);
  });
});
