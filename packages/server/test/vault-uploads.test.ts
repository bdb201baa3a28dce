/**
 * Bad uploads are refused with a named 4xx before anything is written; a finished upload that is not age
 * ciphertext is deleted; termination and retention leave nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import {
  ageEncrypt,
  clipTimes,
  createUpload,
  encodeMetadata,
  makeCamera,
  pairHub,
  setUpVault,
  tus,
  uploadClip,
  type OwnerKeys,
} from './support/vault.js';

const MAX = 1024 * 1024;
const clock = testClock();
let t: TestApp;
let alice: TestUser;
let keys: OwnerKeys;
let hub: { token: string };
let cameraId: string;

beforeAll(async () => {
  t = await startTestApp({ env: { PORCHLIGHT_MAX_CLIP_BYTES: String(MAX) }, clock });
  alice = await makeUser(t);
  keys = await setUpVault(alice);
  cameraId = (await makeCamera(alice, { retentionDays: 3 })).id;
  hub = await pairHub(alice);
});
afterAll(() => t.close());

async function uploadRows(): Promise<number> {
  const res = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM uploads');
  return res.rows[0]!.n;
}

describe('upload creation', () => {
  const meta = () => ({ cameraId: cameraId, ...clipTimes() });
  const field = (k: string) => `/headers/upload-metadata/${k}`;

  it.each([
    ['no cameraId', { cameraId: undefined }, 400, field('cameraId')],
    ['a cameraId that is not a camera id', { cameraId: 'porch' }, 400, field('cameraId')],
    ['an old numeric cameraId', { cameraId: '3' }, 400, field('cameraId')],
    ['a clip id as the cameraId', { cameraId: 'cl_AAAAAAAAAAAAAAAAAAAAAA' }, 400, field('cameraId')],
    ['no startedAt', { startedAt: undefined }, 400, field('startedAt')],
    ['a startedAt without a zone', { startedAt: '2026-01-01T10:00:00' }, 400, field('startedAt')],
    ['an impossible endedAt', { endedAt: '2026-02-31T10:00:00Z' }, 400, field('endedAt')],
    ['an end before the start', { endedAt: '2000-01-01T00:00:00Z' }, 400, field('endedAt')],
    ['a clientRef over 128 characters', { clientRef: 'x'.repeat(129) }, 400, field('clientRef')],
    ['someone else’s (or no such) camera', { cameraId: 'ca_AAAAAAAAAAAAAAAAAAAAAA' }, 404, field('cameraId')],
  ])('refuses %s, naming it', async (_label, patch, status, name) => {
    const before = await uploadRows();
    const m = Object.fromEntries(
      Object.entries({ ...meta(), ...patch }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const res = await createUpload(t.app, hub, 100, m);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json<{ errors: unknown[] }>().errors).toContainEqual(expect.objectContaining({ field: name }));
    expect(await uploadRows()).toBe(before);
  });

  it('refuses an Upload-Length over PORCHLIGHT_MAX_CLIP_BYTES with 413, naming the limit', async () => {
    const res = await createUpload(t.app, hub, MAX + 1, meta());
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({
      code: 'payload_too_large',
      errors: [{ field: '/headers/upload-length', message: `must be at most ${MAX}` }],
    });
  });

  it('refuses a missing or deferred Upload-Length and unparseable metadata', async () => {
    const noLength = await tus(t.app, hub, 'POST', '/api/uploads', {
      'upload-metadata': encodeMetadata(meta()),
    });
    expect(noLength.statusCode).toBe(400);
    expect(noLength.json()).toMatchObject({ errors: [{ field: '/headers/upload-length' }] });
    const deferred = await tus(t.app, hub, 'POST', '/api/uploads', {
      'upload-defer-length': '1',
      'upload-metadata': encodeMetadata(meta()),
    });
    expect(deferred.statusCode).toBe(400);
    const garbled = await tus(t.app, hub, 'POST', '/api/uploads', {
      'upload-length': '10',
      'upload-metadata': 'cameraId !!!,,',
    });
    expect(garbled.statusCode).toBe(400);
    expect(garbled.json()).toMatchObject({ errors: [{ field: '/headers/upload-metadata' }] });
  });

  it('answers tus protocol errors as problem documents too', async () => {
    const created = await createUpload(t.app, hub, 100, meta());
    const wrongOffset = await tus(
      t.app,
      hub,
      'PATCH',
      created.headers.location!,
      { 'upload-offset': '7' },
      randomBytes(5),
    );
    expect(wrongOffset.statusCode).toBe(409);
    expect(wrongOffset.headers['content-type']).toContain('application/problem+json');
    expect(wrongOffset.json()).toMatchObject({ status: 409, code: 'conflict' });
    const tooMuch = await tus(
      t.app,
      hub,
      'PATCH',
      created.headers.location!,
      { 'upload-offset': '0' },
      randomBytes(101),
    );
    expect(tooMuch.statusCode).toBe(413);
  });
});

describe('cross-origin', () => {
  it('lets no other site’s pages use the upload endpoint (CORS names only this origin)', async () => {
    const res = await tus(t.app, null, 'OPTIONS', '/api/uploads', { origin: 'https://evil.example' });
    expect(res.statusCode).toBeLessThan(300);
    expect(res.headers['tus-version']).toContain('1.0.0');
    expect(res.headers['access-control-allow-origin']).toBe(t.deps.config.publicUrl);
  });
});

describe('finished uploads', () => {
  it.each([
    ['random bytes', () => randomBytes(3000)],
    [
      'an age header with no payload',
      () => Buffer.from('age-encryption.org/v1\n-> X25519 abc\n\n--- ' + 'A'.repeat(43) + '\n'),
    ],
    ['a video file', () => Buffer.concat([Buffer.from('\x00\x00\x00\x20ftypisom'), randomBytes(500)])],
  ])('are refused with 422 not_age_ciphertext when they are %s, and deleted', async (_label, bytes) => {
    const data = bytes();
    const blobsBefore = await t.deps.blobs!.list();
    const created = await createUpload(t.app, hub, data.length, {
      cameraId: cameraId,
      ...clipTimes(),
    });
    const res = await tus(t.app, hub, 'PATCH', created.headers.location!, { 'upload-offset': '0' }, data);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'not_age_ciphertext' });
    expect(res.headers['porchlight-clip-id']).toBeUndefined();
    expect(await t.deps.blobs!.list()).toEqual(blobsBefore);
    expect((await tus(t.app, hub, 'HEAD', created.headers.location!)).statusCode).toBe(404);
    const clips = await t.database.db.query('SELECT 1 FROM clips WHERE blob_key = $1', [
      created.headers.location!.split('/').pop(),
    ]);
    expect(clips.rowCount).toBe(0);
  });

  it('can be uploaded in several PATCHes, and a terminated upload leaves nothing', async () => {
    const ct = await ageEncrypt(randomBytes(5000), keys.recipient);
    const created = await createUpload(t.app, hub, ct.length, { cameraId: cameraId, ...clipTimes() });
    const url = created.headers.location!;
    const first = await tus(t.app, hub, 'PATCH', url, { 'upload-offset': '0' }, ct.subarray(0, 1000));
    expect(first.headers['upload-offset']).toBe('1000');
    expect((await tus(t.app, hub, 'HEAD', url)).headers['upload-offset']).toBe('1000');
    const last = await tus(t.app, hub, 'PATCH', url, { 'upload-offset': '1000' }, ct.subarray(1000));
    expect(last.statusCode).toBe(204);
    expect(last.headers['porchlight-clip-id']).toMatch(/^cl_[A-Za-z0-9_-]{22}$/);

    const before = await t.deps.blobs!.list();
    const other = await createUpload(t.app, hub, 100, { cameraId: cameraId, ...clipTimes() });
    await tus(t.app, hub, 'PATCH', other.headers.location!, { 'upload-offset': '0' }, randomBytes(50));
    const del = await tus(t.app, hub, 'DELETE', other.headers.location!);
    expect(del.statusCode).toBe(204);
    expect(await t.deps.blobs!.list()).toEqual(before);
    expect((await tus(t.app, hub, 'HEAD', other.headers.location!)).statusCode).toBe(404);
  });
});

describe('an upload interrupted between its last write and its clip', () => {
  it('becomes a clip on the next HEAD, which names it', async () => {
    const ct = await ageEncrypt(randomBytes(3000), keys.recipient);
    const created = await createUpload(t.app, hub, ct.length, { cameraId: cameraId, ...clipTimes() });
    const url = created.headers.location!;
    // Every byte lands in the store but the finish hook never runs, as when the process dies right then.
    await t.services.uploads.tus.datastore.write(Readable.from([ct]), url.split('/').pop()!, 0);
    const head = await tus(t.app, hub, 'HEAD', url);
    expect(head.statusCode).toBe(200);
    expect(head.headers['upload-offset']).toBe(String(ct.length));
    const clipId = String(head.headers['porchlight-clip-id']);
    expect(clipId).toMatch(/^cl_[A-Za-z0-9_-]{22}$/);
    expect(
      (await alice.api.GET('/api/clips/{id}', { params: { path: { id: clipId } } })).data!.sizeBytes,
    ).toBe(ct.length);
    expect((await tus(t.app, hub, 'HEAD', url)).headers['porchlight-clip-id']).toBe(clipId);
  });
});

describe('finishing the same upload twice at once', () => {
  it('makes one clip, and both get its id', async () => {
    const ct = await ageEncrypt(randomBytes(2000), keys.recipient);
    const created = await createUpload(t.app, hub, ct.length, { cameraId: cameraId, ...clipTimes() });
    const id = created.headers.location!.split('/').pop()!;
    await t.services.uploads.tus.datastore.write(Readable.from([ct]), id, 0);
    const [a, b] = await Promise.all([t.services.uploads.finish(id), t.services.uploads.finish(id)]);
    expect(a).toBe(b);
    const rows = await t.database.db.query('SELECT 1 FROM clips WHERE blob_key = $1', [id]);
    expect(rows.rowCount).toBe(1);
    expect(await t.deps.blobs!.size(id)).toBe(ct.length);
  });
});

describe('retention', () => {
  it('deletes exactly the expired clips (row, blob, event) and uploads abandoned for a day', async () => {
    const small = () => ageEncrypt(randomBytes(100), keys.recipient);
    const day = 86_400_000;
    // Retention is 3 days: a clip that ended 4 days ago has expired; the edge one expires a minute from now.
    const expired = await uploadClip(t.app, hub, cameraId, await small(), clipTimes(4 * day));
    const edge = await uploadClip(t.app, hub, cameraId, await small(), clipTimes(3 * day - 60_000));
    const kept = await uploadClip(t.app, hub, cameraId, await small(), clipTimes(day));
    const stale = await createUpload(t.app, hub, 100, { cameraId: cameraId, ...clipTimes() });
    const staleId = stale.headers.location!.split('/').pop()!;
    await tus(t.app, hub, 'PATCH', stale.headers.location!, { 'upload-offset': '0' }, randomBytes(10));
    expect(await t.deps.blobs!.list()).toContain(staleId);

    const first = await t.services.clips.runRetention();
    expect(first).toMatchObject({ expired: 1, abandoned: 0 });
    const ids = (
      await alice.api.GET('/api/clips', { params: { query: { cameraId, limit: 100 } } })
    ).data!.items.map((c) => c.id);
    expect(ids).not.toContain(expired);
    expect(ids).toEqual(expect.arrayContaining([edge, kept]));

    clock.advance(25 * 3_600_000);
    const later = await t.services.clips.runRetention();
    clock.set(new Date());
    // A day later the edge clip has expired too; every upload left unfinished (here and above) is gone.
    expect(later.expired).toBe(1);
    expect(later.abandoned).toBeGreaterThanOrEqual(1);
    expect(await t.deps.blobs!.list()).not.toContain(staleId);
    const unfinished = await t.database.db.query('SELECT 1 FROM uploads WHERE clip_id IS NULL');
    expect(unfinished.rowCount).toBe(0);
    const left = (await alice.api.GET('/api/clips', { params: { query: { cameraId, limit: 100 } } })).data!
      .items;
    expect(left.map((c) => c.id)).toContain(kept);
    expect(left.map((c) => c.id)).not.toContain(edge);
    const stored = await t.deps.blobs!.list();
    const rows = await t.database.db.query<{ blob_key: string }>('SELECT blob_key FROM clips');
    expect(stored.sort()).toEqual(rows.rows.map((r) => r.blob_key).sort());
    const events = await t.database.db.query<{ subject_id: string }>(
      `SELECT subject_id FROM events WHERE type = 'clip.expired' ORDER BY id`,
    );
    expect(events.rows.map((r) => r.subject_id)).toEqual([expired, edge]);
  });
});
