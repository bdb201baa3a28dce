/**
 * Issue 9 §1: tus must act on exactly the upload the route authorised. An attacker who puts his own upload id
 * in the path and someone else's anywhere else in the URL (a query string, an encoded slash, a trailing
 * segment) must be refused before tus sees the request, and the victim's upload and clip stay untouched.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import {
  ageEncrypt,
  clipTimes,
  createUpload,
  makeCamera,
  setUpVault,
  tus,
  uploadClip,
  type Auth,
} from './support/vault.js';

let t: TestApp;
let alice: Auth;
let aliceUser: TestUser;
let mallory: Auth;
let aliceClipId: string;
let aliceFinishedId: string;
let alicePendingId: string;
let malloryPendingId: string;
const written = randomBytes(100);

const idOf = (location: string) => location.split('/').pop()!;

beforeAll(async () => {
  t = await startTestApp();
  aliceUser = await makeUser(t);
  alice = { user: aliceUser };
  const keys = await setUpVault(aliceUser);
  const aliceCamera = (await makeCamera(aliceUser)).id;
  const ciphertext = await ageEncrypt(randomBytes(4096), keys.recipient);
  const finished = await createUpload(t.app, alice, ciphertext.length, {
    cameraId: aliceCamera,
    ...clipTimes(),
  });
  aliceFinishedId = idOf(finished.headers.location!);
  const done = await tus(
    t.app,
    alice,
    'PATCH',
    finished.headers.location!,
    { 'upload-offset': '0' },
    ciphertext,
  );
  expect(done.statusCode, done.body).toBe(204);
  aliceClipId = String(done.headers['porchlight-clip-id']);

  const pending = await createUpload(t.app, alice, 5000, { cameraId: aliceCamera, ...clipTimes() });
  alicePendingId = idOf(pending.headers.location!);
  const part = await tus(t.app, alice, 'PATCH', pending.headers.location!, { 'upload-offset': '0' }, written);
  expect(part.statusCode, part.body).toBe(204);

  const malloryUser = await makeUser(t);
  mallory = { user: malloryUser };
  const malloryKeys = await setUpVault(malloryUser);
  const malloryCamera = (await makeCamera(malloryUser)).id;
  await uploadClip(t.app, mallory, malloryCamera, await ageEncrypt(randomBytes(512), malloryKeys.recipient));
  const own = await createUpload(t.app, mallory, 5000, { cameraId: malloryCamera, ...clipTimes() });
  malloryPendingId = idOf(own.headers.location!);
});
afterAll(() => t.close());

/** Every way found to smuggle a second id past the route's `:id`. */
const smuggled = (victim: string) => [
  `/api/uploads/${malloryPendingId}?x=/${victim}`,
  `/api/uploads/${malloryPendingId}?/${victim}`,
  `/api/uploads/${malloryPendingId}/?x=/${victim}`,
  `/api/uploads/${malloryPendingId}%2F${victim}`,
  `/api/uploads/${malloryPendingId}%3F%2F${victim}`,
];

async function aliceOffset(): Promise<string | undefined> {
  const head = await tus(t.app, alice, 'HEAD', `/api/uploads/${alicePendingId}`);
  expect(head.statusCode).toBe(200);
  return head.headers['upload-offset'] as string | undefined;
}

describe('an upload id smuggled into the URL', () => {
  it("never reads another resident's upload offset", async () => {
    for (const url of smuggled(alicePendingId)) {
      const res = await tus(t.app, mallory, 'HEAD', url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['upload-offset'], url).toBeUndefined();
    }
  });

  it("never appends to another resident's unfinished upload", async () => {
    for (const url of smuggled(alicePendingId)) {
      const res = await tus(t.app, mallory, 'PATCH', url, { 'upload-offset': '100' }, randomBytes(50));
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
    expect(await aliceOffset()).toBe(String(written.length));
  });

  it("never deletes another resident's unfinished upload or finished clip", async () => {
    for (const victim of [alicePendingId, aliceFinishedId]) {
      for (const url of smuggled(victim)) {
        const res = await tus(t.app, mallory, 'DELETE', url);
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
      }
    }
    expect(await aliceOffset()).toBe(String(written.length));
    const clip = await aliceUser.api.GET('/api/clips/{id}/ciphertext', {
      params: { path: { id: aliceClipId } },
      parseAs: 'arrayBuffer',
    });
    expect(clip.response.status).toBe(200);
    expect((clip.data as ArrayBuffer).byteLength).toBeGreaterThan(4096);
  });

  it("leaves the attacker's own upload usable at its exact URL", async () => {
    const head = await tus(t.app, mallory, 'HEAD', `/api/uploads/${malloryPendingId}`);
    expect(head.statusCode).toBe(200);
    expect(head.headers['upload-offset']).toBe('0');
  });

  it('refuses a query string on creation too, naming the problem', async () => {
    const res = await tus(t.app, mallory, 'POST', `/api/uploads?x=/${alicePendingId}`, {
      'upload-length': '10',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((JSON.parse(res.body) as { detail: string }).detail).toMatch(/query/);
  });
});
