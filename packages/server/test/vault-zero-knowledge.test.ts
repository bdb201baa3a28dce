/**
 * G1/G2 zero knowledge: a full vault flow with a known passphrase, recovery code, identity and video, then a
 * search of every table (every column, as text), every stored blob and every server log line for them. The
 * server only ever handled the recipient, wrapped keys and ciphertext, so none of them may appear anywhere.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { fsBlobStore } from '../src/infra/blob/index.js';
import { memoryBus } from '../src/infra/live/bus.js';
import type { TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { createTestDatabase } from './support/database.js';
import { makeUser } from './support/factories.js';
import {
  ageDecrypt,
  ageEncrypt,
  makeCamera,
  ownerKeys,
  pairHub,
  setUpVault,
  uploadClip,
  wrap,
  type OwnerKeys,
} from './support/vault.js';

const run = promisify(execFile);

let t: TestApp;
let blobDir: string;
const logLines: string[] = [];
let keys: OwnerKeys;
let video: Buffer;
const newPassphrase = `rotated ${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  const database = await createTestDatabase();
  blobDir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-zk-'));
  const config = loadConfig({
    PORCHLIGHT_WEB_DIR: '/nonexistent',
    AUTH_RATE_LIMIT: '1000',
    LOG_LEVEL: 'trace',
    PORCHLIGHT_VAULT_MIN_WORK_FACTOR: '10', // test keys are wrapped at 2^10 for speed
  });
  const live = memoryBus();
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const deps = {
    config,
    db: database.db,
    live,
    clock: { now: () => new Date() },
    blobs: fsBlobStore(blobDir),
  };
  const { app, services } = await buildApp(deps, { logger: { level: 'trace', stream } });
  await app.ready();
  t = {
    app,
    services,
    deps,
    database,
    async close() {
      await app.close();
      await live.close();
      await database.drop();
      await fs.rm(blobDir, { recursive: true, force: true });
    },
  };

  // A real (tiny) video, as a camera would produce it.
  const out = path.join(blobDir, '..', `zk-${randomBytes(4).toString('hex')}.mp4`);
  await run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=duration=1:size=160x120:rate=5',
    '-pix_fmt',
    'yuv420p',
    '-y',
    out,
  ]);
  video = await fs.readFile(out);
  await fs.rm(out);
});
afterAll(() => t.close());

describe('a full vault flow', () => {
  let owner: TestUser;

  it('runs: keys, camera, hub pairing, hub and browser uploads, download, passphrase change, delete, retention', async () => {
    owner = await makeUser(t);
    keys = await setUpVault(owner, await ownerKeys(`correct horse ${randomBytes(6).toString('hex')}`));
    const cam = await makeCamera(owner);
    const hub = await pairHub(owner);
    const ciphertext = await ageEncrypt(video, keys.recipient);
    const fromHub = await uploadClip(t.app, hub, cam.id, ciphertext, { clientRef: 'review-1' });
    const fromBrowser = await uploadClip(
      t.app,
      { user: owner },
      cam.id,
      await ageEncrypt(video, keys.recipient),
    );
    const got = await owner.api.GET('/api/clips/{id}/ciphertext', {
      params: { path: { id: fromHub } },
      parseAs: 'arrayBuffer',
    });
    expect((await ageDecrypt(Buffer.from(got.data!), keys.identity)).equals(video)).toBe(true);
    const rewrap = await owner.api.PUT('/api/vault/keys/wrapping', {
      body: { wrappedIdentity: await wrap(keys.identity, newPassphrase) },
    });
    expect(rewrap.response.status).toBe(200);
    expect(
      (await owner.api.DELETE('/api/clips/{id}', { params: { path: { id: fromBrowser } } })).response.status,
    ).toBe(204);
    await t.services.clips.runRetention();
    expect((await owner.api.GET('/api/clips')).data!.items.map((c) => c.id)).toEqual([fromHub]);
    expect(logLines.length).toBeGreaterThan(10);
  });

  /** Windows of the plaintext video, and the secrets, in every encoding they could be stored in. */
  function needles(): { label: string; bytes: Buffer }[] {
    const out: { label: string; bytes: Buffer }[] = [];
    const secret = (label: string, s: string) => {
      out.push({ label, bytes: Buffer.from(s) });
      out.push({ label: `${label} (lowercase)`, bytes: Buffer.from(s.toLowerCase()) });
      out.push({ label: `${label} (base64)`, bytes: Buffer.from(Buffer.from(s).toString('base64')) });
    };
    secret('passphrase', keys.passphrase);
    secret('new passphrase', newPassphrase);
    secret('recovery code', keys.recoveryCode);
    secret('identity', keys.identity);
    for (const at of [64, Math.floor(video.length / 2), video.length - 48]) {
      const w = video.subarray(at, at + 32);
      out.push({ label: `video bytes at ${at}`, bytes: Buffer.from(w) });
      out.push({ label: `video bytes at ${at} (hex)`, bytes: Buffer.from(w.toString('hex')) });
      out.push({
        label: `video bytes at ${at} (base64)`,
        bytes: Buffer.from(w.toString('base64').slice(4, 36)),
      });
    }
    return out;
  }

  it('leaves none of the secrets or the video in any table', async () => {
    const tables = await t.database.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['vault_keys', 'cameras', 'devices', 'clips', 'uploads', 'events']),
    );
    let rows = 0;
    for (const { table_name } of tables.rows) {
      // Every column of every row as PostgreSQL's text form (bytea as hex, jsonb as JSON).
      const res = await t.database.db.query<{ row: string }>(`SELECT x::text AS row FROM "${table_name}" x`);
      for (const r of res.rows) {
        rows++;
        const text = Buffer.from(r.row);
        for (const n of needles()) expect(text.includes(n.bytes), `${n.label} in ${table_name}`).toBe(false);
      }
    }
    expect(rows).toBeGreaterThan(20);
  });

  it('leaves none of them in any stored blob (each of which is age ciphertext)', async () => {
    const files = await fs.readdir(blobDir);
    expect(files.length).toBe(1);
    for (const f of files) {
      const bytes = await fs.readFile(path.join(blobDir, f));
      expect(bytes.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
      for (const n of needles()) expect(bytes.includes(n.bytes), `${n.label} in blob ${f}`).toBe(false);
    }
  });

  it('publishes none of the vault’s private events to the public transparency log', async () => {
    await t.services.transparency.sequenceNow();
    const vault = await t.database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events
       WHERE type LIKE 'vault.%' OR type LIKE 'camera.%' OR type LIKE 'device.%' OR type LIKE 'clip.%'`,
    );
    expect(vault.rows[0]!.n).toBeGreaterThan(5);
    const published = await t.database.db.query<{ type: string }>(
      'SELECT e.type FROM log_entries l JOIN events e ON e.id = l.event_id',
    );
    expect(published.rows.length).toBeGreaterThan(0); // the log did run (instance.created at least)
    expect(published.rows.filter((r) => /^(vault|camera|device|clip)\./.test(r.type))).toEqual([]);
  });

  it('leaves none of them in any server log line', () => {
    const all = Buffer.from(logLines.join('\n'));
    for (const n of needles()) expect(all.includes(n.bytes), `${n.label} in the log`).toBe(false);
  });
});
