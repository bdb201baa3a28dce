import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ed25519Verifier, leafHash, rootFromLeafHashes, verifyCheckpoint } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvent } from '../src/modules/events/events.repository.js';
import { LOGGED_EVENT_TYPES } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';
import { makePost, makeUser } from './support/factories.js';
import { ensureBuiltCli, porchlight } from './support/cli.js';
import { listen } from './support/sse.js';
import { auditLog, LOG_ORIGIN } from './support/transparency.js';

const SERVER = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(SERVER, 'dist/main.js');

/** Starts the real server as a child process that sequences every 10 ms. */
function startSequencer(databaseUrl: string) {
  const child = spawn(process.execPath, [MAIN], {
    cwd: SERVER,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      PORCHLIGHT_DEMO: 'false',
      PORCHLIGHT_WEB_DIR: '/nonexistent',
      PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN,
      PORCHLIGHT_LOG_INTERVAL_MS: '10',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  return { child, exited, output: () => output };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(testDatabaseKind() === 'postgres')('kill -9 while sequencing', () => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    // tsc emits even when another module has a type error; the type check itself is `npm run check`'s job.
    spawnSync(
      process.execPath,
      [path.resolve(SERVER, '../../node_modules/typescript/bin/tsc'), '-p', SERVER],
      {
        stdio: 'ignore',
      },
    );
    if (!fs.existsSync(MAIN)) throw new Error('could not build the server');
    database = await createTestDatabase();
    t = await startTestApp({ database, env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
    await ensureBuiltCli();
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  it('loses no committed event, never signs what tiles cannot prove, and resumes after restart', async () => {
    const db = database.db;
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(await makeUser(t));
    const checkpointCount = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_checkpoints')).rows[0]!.n;
    const write = (n: number, tag: string) =>
      db.transaction(async (tx) => {
        for (let i = 0; i < n; i++) {
          await insertEvent(tx, {
            type: 'moderation.hidden',
            actorId: mod.id,
            subjectType: 'post',
            subjectId: post.id,
            data: { postId: post.id, reason: `${tag} ${i}` },
          });
        }
      });

    // An outside auditor (the CLI, with its state dir) checks the log after every kill: each checkpoint verifies
    // and is consistent with the one it saw before, so no kill forked or truncated the log.
    const url = `${await listen(t.app)}/log`;
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-audit-'));
    const audit = async () => {
      const vkey = (await db.query<{ vkey: string }>('SELECT vkey FROM log_keys')).rows[0]!.vkey;
      const res = await porchlight('audit', url, '--key', vkey, '--state-dir', stateDir);
      expect(res.code, res.stderr + res.stdout).toBe(0);
    };

    for (let round = 0; round < 3; round++) {
      const server = startSequencer(database.url!);
      const started = (await checkpointCount()) + 1;
      while ((await checkpointCount()) < started) {
        if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.output()}`);
        await sleep(20);
      }
      // Keep the outbox busy so the kill lands while a sequencing transaction is open, at varying points.
      const until = Date.now() + 400 + round * 150;
      while (Date.now() < until) await write(40, `round ${round}`);
      server.child.kill('SIGKILL');
      await server.exited;
      // Warnings and errors only: a sequencing failure would show here.
      expect(server.output()).toBe('');
      await audit();
      await write(25, `between ${round}`);
    }

    // Whatever the kills interrupted, every stored checkpoint is provable from the stored entries.
    const entries = await db.query<{ data: Uint8Array }>('SELECT data FROM log_entries ORDER BY index');
    const leaves = entries.rows.map((r) => leafHash(new Uint8Array(r.data)));
    const vkey = (await db.query<{ vkey: string }>('SELECT vkey FROM log_keys')).rows[0]!.vkey;
    const checkpoints = await db.query<{ note: string }>('SELECT note FROM log_checkpoints ORDER BY size');
    expect(checkpoints.rows.length).toBeGreaterThan(0);
    for (const { note } of checkpoints.rows) {
      const { checkpoint } = verifyCheckpoint(note, LOG_ORIGIN, [ed25519Verifier(vkey)]);
      expect(checkpoint.rootHash).toEqual(rootFromLeafHashes(leaves.slice(0, checkpoint.size)));
    }
    // No entry was stored without the checkpoint that covers it (they commit together).
    expect(checkpoints.rows.at(-1)!.note).toContain(`\n${leaves.length}\n`);

    // A restarted server resumes and publishes everything committed, exactly once.
    // Entry 0 is instance.created; every other accountability event follows in outbox order.
    const outbox = await db.query<{ id: number }>(
      `SELECT id FROM events WHERE type = ANY($1) ORDER BY type = 'instance.created' DESC, id`,
      [LOGGED_EVENT_TYPES],
    );
    const server = startSequencer(database.url!);
    try {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_entries');
        if (n.rows[0]!.n >= outbox.rows.length || Date.now() > deadline) break;
        await sleep(50);
      }
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const log = await db.query<{ event_id: number }>('SELECT event_id FROM log_entries ORDER BY index');
    expect(log.rows.map((r) => r.event_id)).toEqual(outbox.rows.map((r) => r.id));
    const audited = await auditLog(t.app, { proofs: 64 });
    expect(audited.checkpoint.size).toBe(outbox.rows.length);
    await audit();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);
});
