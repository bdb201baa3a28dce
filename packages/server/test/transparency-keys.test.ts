import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  decodeEntry,
  ed25519Signer,
  ed25519Verifier,
  formatCheckpoint,
  parseCheckpoint,
  parseNote,
  signNote,
  verifyNote,
  generateSigner,
} from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyFile, nextKey, readKeyFile } from '../src/modules/transparency/transparency.keys.js';
import { METRICS_AUTH, startTestApp, type TestApp } from './support/app.js';
import { testDatabaseKind } from './support/database.js';
import { ensureBuiltCli, porchlight } from './support/cli.js';
import { makePost, makeUser } from './support/factories.js';
import { listen } from './support/sse.js';
import { LOG_ORIGIN } from './support/transparency.js';

const run = promisify(execFile);
const SERVER = path.resolve(import.meta.dirname, '..');
const ROOT = path.resolve(SERVER, '../..');

let tmp: string;
beforeAll(async () => {
  await ensureBuiltCli();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-keys-test-'));
}, 120_000);
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const text = (app: TestApp, url: string) =>
  app.app.inject({ method: 'GET', url, headers: METRICS_AUTH }).then((r) => r.body);

/** Signature names/keys on a note that verify with `vkey`. */
function signedBy(note: string, vkey: string): boolean {
  try {
    verifyNote(note, [ed25519Verifier(vkey)]);
    return true;
  } catch {
    return false;
  }
}

/** A moderation decision, i.e. one accountability event in the outbox. */
async function moderate(t: TestApp, reason: string): Promise<void> {
  const mod = await makeUser(t, { role: 'moderator' });
  const post = await makePost(await makeUser(t));
  const res = await mod.api.POST('/api/moderation/posts/{id}/decisions', {
    params: { path: { id: post.id } },
    body: { action: 'hide', reason },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBeLessThan(300);
}

describe('key rotation', () => {
  let t: TestApp;
  let url: string;
  let stateDir: string;
  let oldKey: string;
  let newKey: string;
  let transition: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
    url = `${await listen(t.app)}/log`;
    stateDir = path.join(tmp, 'rotation-state');
    await moderate(t, 'Before the rotation');
    await t.services.transparency.sequenceNow();
    oldKey = await text(t, '/log/key');
    // An auditor pins the old key.
    const first = await porchlight('audit', url, '--key', oldKey, '--state-dir', stateDir);
    expect(first.code, first.stderr).toBe(0);

    await moderate(t, 'Waiting when the key rotates');
    const rotation = await t.services.transparency.rotateKey(await nextKey(t.deps, undefined));
    newKey = rotation.new;
    transition = rotation.size;
    expect(rotation).toMatchObject({ old: oldKey, index: transition - 1 });
    await moderate(t, 'After the rotation');
    await t.services.transparency.sequenceNow();
  });
  afterAll(() => t.close());

  it('appends log.key_rotated as the last entry of a checkpoint signed by both keys', async () => {
    const note = await text(t, `/log/checkpoints/${transition}`);
    expect(signedBy(note, oldKey)).toBe(true);
    expect(signedBy(note, newKey)).toBe(true);
    const row = await t.database.db.query<{ data: Uint8Array }>(
      'SELECT data FROM log_entries WHERE index = $1',
      [transition - 1],
    );
    expect(decodeEntry(new Uint8Array(row.rows[0]!.data))).toMatchObject({
      type: 'log.key_rotated',
      data: { old: oldKey, new: newKey },
    });
    // The event that was waiting is published before it, under the same transition checkpoint.
    expect(transition).toBe(4);
  });

  it('signs every later checkpoint with the new key only, and serves the key history', async () => {
    const latest = await text(t, '/log/checkpoint');
    expect(parseCheckpoint(parseNote(latest).text).size).toBe(transition + 1);
    expect(signedBy(latest, newKey)).toBe(true);
    expect(signedBy(latest, oldKey)).toBe(false);
    expect(await text(t, '/log/key')).toBe(newKey);
    expect(await text(t, '/log/keys')).toBe(`${oldKey}\n${newKey}\n`);
  });

  it('erases the retired private key from the database', async () => {
    const rows = await t.database.db.query<{ vkey: string; secret: boolean; active: boolean }>(
      'SELECT vkey, skey IS NOT NULL AS secret, active FROM log_keys ORDER BY id',
    );
    expect(rows.rows).toEqual([
      { vkey: oldKey, secret: false, active: false },
      { vkey: newKey, secret: true, active: true },
    ]);
  });

  it('the auditor that pinned the old key follows the rotation, then trusts the new key', async () => {
    const result = await porchlight('audit', url, '--state-dir', stateDir);
    expect(result.stderr).toContain('trusting the verifier key served by');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`key rotated at entry ${transition - 1}: ${oldKey} -> ${newKey}`);
    const again = await porchlight('audit', url, '--key', newKey, '--state-dir', stateDir);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('key rotated');
  });

  it('refuses a new key when the transition checkpoint is missing', async () => {
    const dir = path.join(tmp, 'pinned-old-1');
    await fs.mkdir(dir);
    await fs.cp(stateDir, dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'porchlight.test_log', 'key'), `${oldKey}\n`);
    const saved = await t.database.db.query<{ note: string }>(
      'SELECT note FROM log_checkpoints WHERE size = $1',
      [transition],
    );
    await t.database.db.query('DELETE FROM log_checkpoints WHERE size = $1', [transition]);
    try {
      const result = await porchlight('audit', url, '--key', newKey, '--state-dir', dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `log.key_rotated entry ${transition - 1} (to ${newKey}) has no transition checkpoint`,
      );
    } finally {
      await t.database.db.query(
        `INSERT INTO log_checkpoints (size, root, note, created_at)
         VALUES ($1, decode($2, 'hex'), $3, now())`,
        [
          transition,
          Buffer.from(parseCheckpoint(parseNote(saved.rows[0]!.note).text).rootHash).toString('hex'),
          saved.rows[0]!.note,
        ],
      );
    }
  });

  it('refuses a key swapped in without a rotation entry, even with a valid signature by it', async () => {
    // An insider replaces the key in the database and re-signs the latest checkpoint with a key of their own.
    const intruder = generateSigner(LOG_ORIGIN);
    const latest = await text(t, '/log/checkpoint');
    const forged = signNote(formatCheckpoint(parseCheckpoint(parseNote(latest).text)), [
      ed25519Signer(intruder.skey),
    ]);
    const size = parseCheckpoint(parseNote(latest).text).size;
    await t.database.db.query('UPDATE log_checkpoints SET note = $1 WHERE size = $2', [forged, size]);
    await t.database.db.query('UPDATE log_keys SET vkey = $1 WHERE active', [intruder.vkey]);
    try {
      const result = await porchlight('audit', url, '--state-dir', stateDir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `verifier key for ${LOG_ORIGIN} changed from ${newKey} (trusted since an earlier audit) to ${intruder.vkey}`,
      );
      expect(result.stderr).toContain('no log.key_rotated entry');
    } finally {
      await t.database.db.query('UPDATE log_checkpoints SET note = $1 WHERE size = $2', [latest, size]);
      await t.database.db.query('UPDATE log_keys SET vkey = $1 WHERE active', [newKey]);
    }
    expect((await porchlight('audit', url, '--state-dir', stateDir)).code).toBe(0);
  });
});

describe('PORCHLIGHT_LOG_KEY_FILE', () => {
  let t: TestApp;
  let keyFile: string;
  let fileKey: string;

  beforeAll(async () => {
    keyFile = path.join(tmp, 'log.key');
    fileKey = (await generateKeyFile(keyFile, LOG_ORIGIN)).vkey;
    t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN, PORCHLIGHT_LOG_KEY_FILE: keyFile } });
  });
  afterAll(() => t.close());

  it('signs with the key in the file, and the database holds no private key', async () => {
    expect((await fs.stat(keyFile)).mode & 0o777).toBe(0o600);
    await moderate(t, 'Signed with the file key');
    expect((await t.services.transparency.sequenceNow()).size).toBe(2);
    expect(await text(t, '/log/key')).toBe(fileKey);
    expect(signedBy(await text(t, '/log/checkpoint'), fileKey)).toBe(true);
    const secrets = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM log_keys WHERE skey IS NOT NULL',
    );
    expect(secrets.rows[0]!.n).toBe(0);
  });

  it('rotation needs a new key file, and servers stop signing until the file holds the new key', async () => {
    await expect(nextKey(t.deps, undefined)).rejects.toThrow(/pass --new-key-file/);
    const newFile = path.join(tmp, 'next.key');
    const next = await generateKeyFile(newFile, LOG_ORIGIN);
    const rotation = await t.services.transparency.rotateKey(await nextKey(t.deps, newFile));
    expect(rotation).toMatchObject({ old: fileKey, new: next.vkey });
    const secrets = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM log_keys WHERE skey IS NOT NULL',
    );
    expect(secrets.rows[0]!.n).toBe(0);

    // PORCHLIGHT_LOG_KEY_FILE still holds the retired key: nothing may be signed with it any more.
    await moderate(t, 'After rotation, before the file is replaced');
    const before = await text(t, '/log/checkpoint');
    await expect(t.services.transparency.sequenceNow()).rejects.toThrow(
      /PORCHLIGHT_LOG_KEY_FILE .* holds .* but the log's active key is .*put the new key in the file/,
    );
    expect(await text(t, '/log/checkpoint')).toBe(before);

    await fs.copyFile(newFile, keyFile);
    expect((await readKeyFile(keyFile)).vkey).toBe(next.vkey);
    const step = await t.services.transparency.sequenceNow();
    expect(step.appended).toBe(1);
    const latest = await text(t, '/log/checkpoint');
    expect(signedBy(latest, next.vkey)).toBe(true);
    expect(signedBy(latest, fileKey)).toBe(false);
  });

  it('a key file with another key than the log’s is refused before anything is signed', async () => {
    const other = path.join(tmp, 'other.key');
    await generateKeyFile(other, LOG_ORIGIN);
    const wrong = await startTestApp({
      database: t.database,
      env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN, PORCHLIGHT_LOG_KEY_FILE: other },
    });
    try {
      const before = await text(wrong, '/log/checkpoint');
      await moderate(wrong, 'Never signed by a stranger key');
      await expect(wrong.services.transparency.sequenceNow()).rejects.toThrow(/PORCHLIGHT_LOG_KEY_FILE/);
      expect(await text(wrong, '/log/checkpoint')).toBe(before);
    } finally {
      await wrong.close();
    }
  });
});

describe('moving a database-held key to PORCHLIGHT_LOG_KEY_FILE', () => {
  it('keeps signing with the same key and erases it from the database', async () => {
    const t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
    try {
      await t.services.transparency.sequenceNow();
      const vkey = await text(t, '/log/key');
      // The operator exports the key (what `psql -c 'SELECT skey FROM log_keys WHERE active'` would give).
      const row = await t.database.db.query<{ skey: string }>('SELECT skey FROM log_keys WHERE active');
      const file = path.join(tmp, 'exported.key');
      await fs.writeFile(file, `${row.rows[0]!.skey}\n`, { mode: 0o600 });

      const moved = await startTestApp({
        database: t.database,
        env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN, PORCHLIGHT_LOG_KEY_FILE: file },
      });
      try {
        await moderate(moved, 'Signed from the key file now');
        expect((await moved.services.transparency.sequenceNow()).appended).toBe(1);
        expect(signedBy(await text(moved, '/log/checkpoint'), vkey)).toBe(true);
        const secrets = await t.database.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM log_keys WHERE skey IS NOT NULL',
        );
        expect(secrets.rows[0]!.n).toBe(0);
      } finally {
        await moved.close();
      }
      // A process still configured without the file can no longer sign: the key is not in the database.
      const stale = await startTestApp({ database: t.database, env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
      try {
        await expect(stale.services.transparency.sequenceNow()).rejects.toThrow(
          /set PORCHLIGHT_LOG_KEY_FILE/,
        );
      } finally {
        await stale.close();
      }
    } finally {
      await t.close();
    }
  });
});

describe('/metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
  });
  afterAll(() => t.close());

  const metric = async (name: string): Promise<number> => {
    const body = await text(t, '/metrics');
    const line = body.split('\n').find((l) => l.startsWith(`${name} `));
    if (line === undefined) throw new Error(`no ${name} in /metrics`);
    return Number(line.split(' ')[1]);
  };

  it('reports the log size, events waiting to be sequenced and the age of the last checkpoint', async () => {
    await t.services.transparency.sequenceNow();
    expect(await metric('porchlight_log_size')).toBe(1);
    expect(await metric('porchlight_log_events_waiting')).toBe(0);
    await moderate(t, 'Waiting for the sequencer');
    await moderate(t, 'Also waiting');
    expect(await metric('porchlight_log_events_waiting')).toBe(2);
    const age = await metric('porchlight_log_checkpoint_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
    await t.services.transparency.sequenceNow();
    expect(await metric('porchlight_log_size')).toBe(3);
    expect(await metric('porchlight_log_events_waiting')).toBe(0);
  });
});

describe.runIf(testDatabaseKind() === 'postgres')('rotate-log-key, the admin command', () => {
  let t: TestApp;

  beforeAll(async () => {
    // tsc emits even when another module has a type error; the type check itself is `npm run check`'s job.
    await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', SERVER]).catch(
      () => undefined,
    );
    t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
  }, 180_000);
  afterAll(() => t.close());

  it('rotates the key of a running server, which then signs with the new key only', async () => {
    await t.services.transparency.sequenceNow();
    const oldKey = await text(t, '/log/key');
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: t.database.url,
      PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN,
      PORCHLIGHT_WEB_DIR: '/nonexistent',
    };
    const { stdout } = await run(process.execPath, [path.join(SERVER, 'dist/cli/rotate-log-key.js')], {
      env,
    });
    const newKey = await text(t, '/log/key');
    expect(newKey).not.toBe(oldKey);
    expect(stdout).toContain(`old key     ${oldKey}`);
    expect(stdout).toContain(`new key     ${newKey} (kept in the database)`);
    expect(stdout).toContain('log entry   1 (log.key_rotated), in checkpoint 2 signed by both keys');

    // The running server still holds the old key in memory; it must notice and never sign with it again.
    await moderate(t, 'After the command rotated the key');
    expect((await t.services.transparency.sequenceNow()).size).toBe(3);
    const latest = await text(t, '/log/checkpoint');
    expect(signedBy(latest, newKey)).toBe(true);
    expect(signedBy(latest, oldKey)).toBe(false);

    const bad = await run(
      process.execPath,
      [path.join(SERVER, 'dist/cli/rotate-log-key.js'), '--new-key-file', '/nonexistent/key'],
      {
        env,
      },
    ).catch((err: unknown) => err as { code: number; stderr: string });
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toContain('cannot read the log key file /nonexistent/key');
  });
});
