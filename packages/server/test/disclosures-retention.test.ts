/**
 * Disclosure retention (G5) as operators run it: several API processes (each with its own pool on
 * PostgreSQL, or sharing PGlite) run the job at once and each expired copy is deleted and logged exactly once;
 * a blob the store fails to delete stays queued and goes on the next run (as after a crash or restart);
 * abandoned disclosure uploads are dropped with their partial bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsBlobStore, type BlobStore } from '../src/infra/blob/index.js';
import { openPostgres } from '../src/infra/db/postgres.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import { ageEncryptTo, clip, requestWorld, uploadDisclosure } from './support/disclosures.js';
import { eventsAfter, lastEventId } from './support/factories.js';
import { encodeMetadata, tus } from './support/vault.js';

const DAY = 86_400_000;
const clock = testClock(new Date());
let dir: string;
let failNextDelete = false;
let blobs: BlobStore;
let a: TestApp;
let b: TestApp;
let world: Awaited<ReturnType<typeof requestWorld>>;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-retention-'));
  const store = fsBlobStore(dir);
  // The store both processes share; it can be told to fail one delete (a storage outage mid-run).
  blobs = {
    ...store,
    uploadStore: (ledger) => store.uploadStore(ledger),
    delete: async (key) => {
      if (failNextDelete) {
        failNextDelete = false;
        throw new Error('storage unavailable');
      }
      await store.delete(key);
    },
  };
  const env = { SESSION_TTL_DAYS: '365' };
  a = await startTestApp({ clock, blobs, env });
  const database = a.database.url ? { ...a.database, db: openPostgres(a.database.url) } : a.database;
  b = await startTestApp({ clock, blobs, env, database });
  world = await requestWorld(a, clock.now());
}, 120_000);
afterAll(async () => {
  await b.close();
  if (b.database.db !== a.database.db) await b.database.db.close();
  await a.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const sha256 = (x: Uint8Array) => createHash('sha256').update(x).digest('hex');

async function share(): Promise<string> {
  const plaintext = clip(5_000 + Math.floor(Math.random() * 5_000));
  const ciphertext = await ageEncryptTo(
    plaintext,
    world.keys.map((k) => k.recipient),
  );
  const end = clock.now().getTime() - 45 * 3_600_000;
  const res = await uploadDisclosure(a, world.owner, world.request.id, ciphertext, {
    plaintextSha256: sha256(plaintext),
    captureStart: new Date(end - 60_000).toISOString(),
    captureEnd: new Date(end).toISOString(),
    redactions: [],
  });
  expect(res.statusCode, res.body).toBe(204);
  return res.headers['porchlight-disclosure-id'] as string;
}

describe('disclosure retention', () => {
  it('two processes running at once expire each copy exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await share());
    expect(await blobs.list()).toHaveLength(6);
    clock.advance(91 * DAY);
    const since = await lastEventId(a);
    const runs = await Promise.all([
      a.services.disclosures.runRetention(),
      b.services.disclosures.runRetention(),
      a.services.disclosures.runRetention(),
      b.services.disclosures.runRetention(),
    ]);
    expect(runs.reduce((n, r) => n + r.expired, 0)).toBe(6);
    const expired = (await eventsAfter(a, since)).filter((e) => e.type === 'disclosure.expired');
    expect(expired.map((e) => e.subject_id).sort()).toEqual([...ids].sort());
    expect(await blobs.list()).toEqual([]);
  });

  it('a blob the store failed to delete stays queued and goes on the next run, logged once', async () => {
    await share();
    clock.advance(91 * DAY);
    const since = await lastEventId(a);
    failNextDelete = true;
    expect((await a.services.disclosures.runRetention()).expired).toBe(1);
    expect(await blobs.list()).toHaveLength(1);
    // A restarted or other process finds the queued blob; the copy is not expired (or logged) twice.
    expect((await b.services.disclosures.runRetention()).expired).toBe(0);
    expect(await blobs.list()).toEqual([]);
    expect((await eventsAfter(a, since)).filter((e) => e.type === 'disclosure.expired')).toHaveLength(1);
  });

  it('drops a disclosure upload abandoned for a day, and its partial bytes', async () => {
    const created = await tus(a.app, { user: world.owner }, 'POST', '/api/uploads', {
      'upload-length': '1000',
      'upload-metadata': encodeMetadata({
        kind: 'disclosure',
        requestId: world.request.id,
        manifest: JSON.stringify({
          plaintextSha256: 'a'.repeat(64),
          captureStart: new Date(clock.now().getTime() - 3_600_000).toISOString(),
          captureEnd: clock.now().toISOString(),
          redactions: [],
        }),
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const patch = await tus(
      a.app,
      { user: world.owner },
      'PATCH',
      created.headers.location!,
      { 'upload-offset': '0' },
      Buffer.alloc(300, 1),
    );
    expect(patch.statusCode, patch.body).toBe(204);
    expect(await blobs.list()).toHaveLength(1);
    expect((await a.services.disclosures.runRetention()).abandoned).toBe(0);
    clock.advance(DAY + 60_000);
    expect((await b.services.disclosures.runRetention()).abandoned).toBe(1);
    expect(await blobs.list()).toEqual([]);
    const head = await tus(a.app, { user: world.owner }, 'HEAD', created.headers.location!);
    expect(head.statusCode).toBe(404);
  });
});
