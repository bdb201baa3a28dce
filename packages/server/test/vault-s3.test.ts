/**
 * The S3 path against a real S3-compatible server (s3rver): tus multipart uploads (resumed after a cut
 * connection), ciphertext download with ranges, deletion and retention. The bucket holds only age ciphertext.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as tusClient from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openBlobStore, type BlobStore } from '../src/infra/blob/index.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { cookieHeader, listen } from './support/sse.js';
import { startS3 } from './support/vault-s3.js';
import {
  ageDecrypt,
  ageEncrypt,
  clipTimes,
  createUpload,
  makeCamera,
  pairHub,
  setUpVault,
  tus,
  uploadClip,
  type OwnerKeys,
} from './support/vault.js';

let s3: Awaited<ReturnType<typeof startS3>>;
let blobs: BlobStore;
let t: TestApp;
let origin: string;
let alice: TestUser;
let keys: OwnerKeys;
let token: string;
let cameraId: string;
const clock = testClock();

beforeAll(async () => {
  s3 = await startS3();
  // Built from configuration exactly as an operator would set it.
  const config = loadConfig({
    PORCHLIGHT_BLOB_STORE: 's3',
    PORCHLIGHT_VAULT_MIN_WORK_FACTOR: '10', // test keys are wrapped at 2^10 for speed
    PORCHLIGHT_S3_ENDPOINT: s3.s3.endpoint!,
    PORCHLIGHT_S3_BUCKET: s3.s3.bucket,
    PORCHLIGHT_S3_ACCESS_KEY_ID: s3.s3.accessKeyId,
    PORCHLIGHT_S3_SECRET_ACCESS_KEY: s3.s3.secretAccessKey,
    PORCHLIGHT_S3_FORCE_PATH_STYLE: 'true',
  });
  blobs = openBlobStore(config);
  expect(blobs.kind).toBe('s3');
  t = await startTestApp({ blobs, clock });
  origin = await listen(t.app);
  alice = await makeUser(t);
  keys = await setUpVault(alice);
  cameraId = (await makeCamera(alice, { retentionDays: 2 })).id;
  token = (await pairHub(alice)).token;
});
afterAll(async () => {
  await t.close();
  await s3.close();
});

const cookie = () => ({ cookie: cookieHeader(alice.jar) });

function tusUpload(data: Buffer, endpoint: string, uploadUrl?: string) {
  return new Promise<{ url: string; clipId: string | null; error?: Error }>((resolve) => {
    let clipId: string | null = null;
    const u = new tusClient.Upload(data, {
      endpoint,
      ...(uploadUrl ? { uploadUrl } : {}),
      headers: { Authorization: `Bearer ${token}` },
      metadata: { cameraId: cameraId, ...clipTimes() },
      retryDelays: [],
      onAfterResponse: (_req, res) => {
        clipId = res.getHeader('Porchlight-Clip-Id') ?? clipId;
      },
      onSuccess: () => {
        resolve({ url: u.url!, clipId });
      },
      onError: (error) => {
        resolve({ url: u.url!, clipId, error });
      },
    });
    u.start();
  });
}

describe('S3 blob store', () => {
  let clipId: string;
  let ciphertext: Buffer;
  let plaintext: Buffer;

  it('takes a multipart tus upload and serves it back, whole and ranged', async () => {
    plaintext = randomBytes(11 * 1024 * 1024);
    ciphertext = await ageEncrypt(plaintext, keys.recipient);
    const done = await tusUpload(ciphertext, `${origin}/api/uploads`);
    expect(done.error).toBeUndefined();
    clipId = String(done.clipId);
    expect(clipId).toMatch(/^cl_[A-Za-z0-9_-]{22}$/);

    const whole = await fetch(`${origin}/api/clips/${clipId}/ciphertext`, { headers: cookie() });
    expect(whole.status).toBe(200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.equals(ciphertext)).toBe(true);
    expect(whole.headers.get('etag')).toBe(`"${createHash('sha256').update(ciphertext).digest('hex')}"`);
    expect((await ageDecrypt(bytes, keys.identity)).equals(plaintext)).toBe(true);

    const range = await fetch(`${origin}/api/clips/${clipId}/ciphertext`, {
      headers: { ...cookie(), range: 'bytes=9000000-9000099' },
    });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(ciphertext.subarray(9_000_000, 9_000_100))).toBe(
      true,
    );

    // Only ciphertext is left in the bucket: no .info or .part objects beside the clip.
    const key = await blobKey(clipId);
    expect(await blobs.list()).toEqual([key]);
  });

  it('resumes an upload cut mid-request (parts recorded in the database, no ListParts needed)', async () => {
    const net = await import('node:net');
    const { port } = new URL(origin);
    let cut = false;
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(port), '127.0.0.1');
      let sent = 0;
      client.on('data', (d: Buffer) => {
        sent += d.length;
        if (!cut && sent > 7 * 1024 * 1024) {
          cut = true;
          client.destroy();
          upstream.destroy();
        } else upstream.write(d);
      });
      upstream.on('data', (d: Buffer) => client.write(d));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const big = await ageEncrypt(randomBytes(13 * 1024 * 1024), keys.recipient);
    const first = await tusUpload(big, `${proxyOrigin}/api/uploads`);
    proxy.close();
    expect(first.error).toBeDefined();
    const url = first.url.replace(proxyOrigin, origin);
    const head = await fetch(url, {
      method: 'HEAD',
      headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}` },
    });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeLessThan(big.length);

    const second = await tusUpload(big, `${origin}/api/uploads`, url);
    expect(second.error).toBeUndefined();
    const id = String(second.clipId);
    const got = await fetch(`${origin}/api/clips/${id}/ciphertext`, { headers: cookie() });
    expect(Buffer.from(await got.arrayBuffer()).equals(big)).toBe(true);
    await alice.api.DELETE('/api/clips/{id}', { params: { path: { id } } });
  });

  it('deleting a clip deletes its object', async () => {
    const id = await uploadClip(
      t.app,
      { token },
      cameraId,
      await ageEncrypt(Buffer.from('x'), keys.recipient),
    );
    const key = await blobKey(id);
    expect(await blobs.size(key)).toBeGreaterThan(0);
    expect((await alice.api.DELETE('/api/clips/{id}', { params: { path: { id } } })).response.status).toBe(
      204,
    );
    expect(await blobs.size(key)).toBeUndefined();
    expect(await blobs.list()).not.toContain(key);
  });

  it('retention deletes exactly the expired clips and abandoned uploads, objects included', async () => {
    const old = clipTimes(3 * 86_400_000);
    const expiredId = await uploadClip(
      t.app,
      { token },
      cameraId,
      await ageEncrypt(Buffer.from('old'), keys.recipient),
      old,
    );
    const expiredKey = await blobKey(expiredId);
    const abandoned = await createUpload(t.app, { token }, 100, {
      cameraId: cameraId,
      ...clipTimes(),
    });
    expect(abandoned.statusCode).toBe(201);
    const abandonedId = abandoned.headers.location!.split('/').pop()!;
    await tus(
      t.app,
      { token },
      'PATCH',
      abandoned.headers.location!,
      { 'upload-offset': '0' },
      randomBytes(10),
    );
    expect((await blobs.list()).some((k) => k.startsWith(abandonedId))).toBe(true);

    clock.advance(25 * 3_600_000);
    const result = await t.services.clips.runRetention();
    clock.set(new Date());
    expect(result).toMatchObject({ expired: 1, abandoned: 1 });
    expect(
      (await alice.api.GET('/api/clips/{id}', { params: { path: { id: expiredId } } })).response.status,
    ).toBe(404);
    // The recent clip stays, and the bucket holds exactly it.
    expect(
      (await alice.api.GET('/api/clips/{id}', { params: { path: { id: clipId } } })).response.status,
    ).toBe(200);
    expect(await blobs.list()).toEqual([await blobKey(clipId)]);
    expect(expiredKey).not.toBe(await blobKey(clipId));
  });
});

async function blobKey(id: string): Promise<string> {
  const res = await t.database.db.query<{ blob_key: string }>(
    'SELECT blob_key FROM clips WHERE public_id = $1',
    [id],
  );
  return res.rows[0]!.blob_key;
}
