/**
 * Clip uploads when parts fail, on PostgreSQL with real server processes: an API process killed with SIGKILL
 * in the middle of a tus PATCH (the upload resumes on the other process), and the S3-compatible store stopped
 * mid-upload (503 with Retry-After while it is away; the upload resumes when it returns). Either way the stored
 * ciphertext is byte-identical and opens with the owner's age identity.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';
import { clip } from './support/disclosures.js';
import { HOME } from './support/factories.js';
import { freePort } from './support/private-postgres.js';
import { ensureBuilt, remoteUser, startServer, type RemoteUser } from './support/processes.js';
import {
  ageDecrypt,
  ageEncrypt,
  CAMERA_POINT,
  clipTimes,
  encodeMetadata,
  ownerKeys,
} from './support/vault.js';

/** A camera id as upload metadata carries it (ids are becoming public `ca_…` strings). */
const idText = (id: string | number): string => String(id);

/** An owner with a vault and a camera, speaking HTTP to `origin`. */
async function remoteOwner(origin: string) {
  const user = await remoteUser(origin, HOME);
  const keys = await ownerKeys();
  const vault = await user.api.PUT('/api/vault/keys', {
    body: {
      recipient: keys.recipient,
      wrappedIdentity: keys.wrappedIdentity,
      recoveryWrappedIdentity: keys.recoveryWrappedIdentity,
    },
  });
  expect(vault.response.status).toBe(201);
  const camera = await user.api.POST('/api/cameras', {
    body: { name: 'Porch', location: CAMERA_POINT, privacyZones: [] },
  });
  expect(camera.response.status).toBe(201);
  return { user, keys, cameraId: idText(camera.data!.id) };
}

const TUS = { 'tus-resumable': '1.0.0' };

function createUpload(user: RemoteUser, origin: string, length: number, cameraId: string) {
  return user.fetch(`${origin}/api/uploads`, {
    method: 'POST',
    headers: {
      ...TUS,
      'upload-length': String(length),
      'upload-metadata': encodeMetadata({ cameraId, ...clipTimes() }),
    },
  });
}

function patch(user: RemoteUser, url: string, offset: number, body: Uint8Array) {
  return user.fetch(url, {
    method: 'PATCH',
    headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body: new Uint8Array(body),
  });
}

async function offsetOf(user: RemoteUser, url: string): Promise<number> {
  const res = await user.fetch(url, { method: 'HEAD', headers: TUS });
  expect(res.status).toBe(200);
  return Number(res.headers.get('upload-offset'));
}

/** The clip's ciphertext as the owner downloads it. */
async function download(user: RemoteUser, origin: string, clipId: string): Promise<Buffer> {
  const res = await user.fetch(`${origin}/api/clips/${clipId}/ciphertext`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe.runIf(testDatabaseKind() === 'postgres')('upload faults with server processes', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
  });

  async function database(): Promise<TestDatabase> {
    const d = await createTestDatabase();
    cleanup.push(() => d.drop());
    return d;
  }

  it('kill -9 of one of two API processes mid-PATCH: the upload resumes on the other, byte-identical', async () => {
    ensureBuilt();
    const db = await database();
    const data = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-kill-upload-'));
    cleanup.push(() => fs.rm(data, { recursive: true, force: true }));
    // One box: both processes share the data directory's blobs/ (several boxes would share an S3 bucket).
    const env = { DATABASE_URL: db.url!, PORCHLIGHT_ROLE: 'api', PORCHLIGHT_DATA: data };
    const a = await startServer(env);
    const b = await startServer(env);
    cleanup.push(
      () => a.stop(),
      () => b.stop(),
    );

    const owner = await remoteOwner(a.origin);
    const plaintext = clip(3_000_000);
    const ciphertext = await ageEncrypt(plaintext, owner.keys.recipient);
    const created = await createUpload(owner.user, a.origin, ciphertext.length, owner.cameraId);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;

    // A PATCH to A that sends 1 MB of the body and then stalls, like a hub on a slow uplink; A is killed.
    const sent = 1_000_000;
    const inFlight = http.request(`${a.origin}${location}`, {
      method: 'PATCH',
      headers: {
        ...TUS,
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(ciphertext.length),
        cookie: [...owner.user.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': owner.user.jar.get('pl_csrf')!,
      },
    });
    inFlight.on('error', () => undefined); // the connection dies with A
    inFlight.write(ciphertext.subarray(0, sent));
    await vi.waitFor(
      async () => {
        const ls = await fs.readdir(path.join(data, 'blobs'));
        const sizes = await Promise.all(
          ls.map((f) => fs.stat(path.join(data, 'blobs', f)).then((s) => s.size)),
        );
        expect(Math.max(0, ...sizes)).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 50 },
    );
    await a.kill();
    inFlight.destroy();

    // The client resumes on B: asks where the upload stands (B waits out A's lock lease) and sends the rest.
    const resumeAt = await offsetOf(owner.user, `${b.origin}${location}`);
    expect(resumeAt).toBeGreaterThan(0);
    expect(resumeAt).toBeLessThanOrEqual(sent);
    const done = await patch(owner.user, `${b.origin}${location}`, resumeAt, ciphertext.subarray(resumeAt));
    expect(done.status, await done.clone().text()).toBe(204);
    const clipId = done.headers.get('porchlight-clip-id')!;
    expect(clipId).toBeTruthy();

    const served = await download(owner.user, b.origin, clipId);
    expect(served.equals(ciphertext)).toBe(true);
    expect((await ageDecrypt(served, owner.keys.identity)).equals(plaintext)).toBe(true);
  }, 60_000);

  it('S3 store stopped mid-upload: 503 with Retry-After, then the upload resumes byte-identical', async () => {
    ensureBuilt();
    const db = await database();
    const s3 = await s3Server();
    cleanup.push(() => s3.close());
    const server = await startServer({
      DATABASE_URL: db.url!,
      PORCHLIGHT_BLOB_STORE: 's3',
      PORCHLIGHT_S3_ENDPOINT: s3.endpoint,
      PORCHLIGHT_S3_BUCKET: 'clips',
      PORCHLIGHT_S3_ACCESS_KEY_ID: 'S3RVER',
      PORCHLIGHT_S3_SECRET_ACCESS_KEY: 'S3RVER',
      PORCHLIGHT_S3_FORCE_PATH_STYLE: 'true',
    });
    cleanup.push(() => server.stop());
    const origin = server.origin;
    const owner = await remoteOwner(origin);
    const plaintext = clip(200_000);
    const ciphertext = await ageEncrypt(plaintext, owner.keys.recipient);
    const created = await createUpload(owner.user, origin, ciphertext.length, owner.cameraId);
    expect(created.status).toBe(201);
    const url = `${origin}${created.headers.get('location')!}`;
    const half = 90_000;
    expect((await patch(owner.user, url, 0, ciphertext.subarray(0, half))).status).toBe(204);

    await s3.stop();
    const during = await patch(owner.user, url, half, ciphertext.subarray(half));
    expect(during.status, await during.clone().text()).toBe(503);
    expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(during.headers.get('content-type')).toContain('application/problem+json');
    const another = await createUpload(owner.user, origin, 1000, owner.cameraId);
    expect(another.status, await another.clone().text()).toBe(503);
    expect(another.headers.get('retry-after')).toMatch(/^\d+$/);

    await s3.start();
    const resumeAt = await offsetOf(owner.user, url);
    expect(resumeAt).toBe(half);
    const done = await patch(owner.user, url, resumeAt, ciphertext.subarray(resumeAt));
    expect(done.status, await done.clone().text()).toBe(204);
    const served = await download(owner.user, origin, done.headers.get('porchlight-clip-id')!);
    expect(served.equals(ciphertext)).toBe(true);
    expect((await ageDecrypt(served, owner.keys.identity)).equals(plaintext)).toBe(true);
    expect(server.child.exitCode).toBeNull();
  }, 60_000);
});

interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
  httpServer?: http.Server;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

/** A real local S3-compatible server (s3rver) that can be stopped and started again on the same port and data. */
async function s3Server() {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-s3-'));
  const port = await freePort();
  let server: S3rverInstance | undefined;
  const start = async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: 'clips' }],
    });
    await server.run();
  };
  const stop = async () => {
    // Like a store process dying: open keep-alive connections go too (close() alone would wait for them).
    server?.httpServer?.closeAllConnections();
    await server?.close();
    server = undefined;
  };
  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    start,
    stop,
    async close() {
      await stop();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
