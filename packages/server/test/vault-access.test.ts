/**
 * Only the owner ever sees or touches a vault: keys, cameras, devices, clips, uploads. Everyone else — another
 * resident, a moderator, an admin, an agency member, someone signed out, a revoked hub — gets nothing, and a
 * clip or camera they probe for is indistinguishable from one that does not exist.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/policies.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import {
  ageEncrypt,
  clipTimes,
  createUpload,
  makeCamera,
  pairHub,
  setUpVault,
  tus,
  uploadClip,
  type Auth,
  type OwnerKeys,
} from './support/vault.js';

let t: TestApp;
let alice: TestUser;
let keys: OwnerKeys;
let cameraId: string;
let clipId: string;
let deviceId: string;
let uploadUrl: string;
let revokedToken: string;
const attackers: Record<string, TestUser> = {};

beforeAll(async () => {
  t = await startTestApp();
  alice = await makeUser(t);
  keys = await setUpVault(alice);
  cameraId = (await makeCamera(alice)).id;
  const hub = await pairHub(alice);
  deviceId = hub.id;
  clipId = await uploadClip(t.app, hub, cameraId, await ageEncrypt(randomBytes(2048), keys.recipient));
  const pending = await createUpload(t.app, hub, 5000, { cameraId: cameraId, ...clipTimes() });
  uploadUrl = pending.headers.location!;
  const revoked = await pairHub(alice, 'Old hub');
  revokedToken = revoked.token;
  await alice.api.DELETE('/api/devices/{id}', { params: { path: { id: revoked.id } } });

  for (const role of ['resident', 'moderator', 'admin', 'agency'] as Role[]) {
    const u = await makeUser(t, { role });
    await setUpVault(u); // with keys of their own, they get past "set up your vault" to the ownership check
    attackers[role] = u;
  }
  attackers.anonymous = await new TestUser(t.app).begin();
});
afterAll(() => t.close());

const roles = ['resident', 'moderator', 'admin', 'agency'] as const;

describe.each(roles)('a signed-in %s who is not the owner', (role) => {
  const u = () => attackers[role]!;

  it('sees only their own keys, cameras, devices and clips', async () => {
    const k = await u().api.GET('/api/vault/keys');
    expect(k.data!.recipient).not.toBe(keys.recipient);
    expect(JSON.stringify(k.data)).not.toContain(keys.wrappedIdentity);
    expect((await u().api.GET('/api/cameras')).data!.items.map((c) => c.id)).not.toContain(cameraId);
    expect((await u().api.GET('/api/clips')).data!.items.map((c) => c.id)).not.toContain(clipId);
    expect((await u().api.GET('/api/devices')).data!.items.map((d) => d.id)).not.toContain(deviceId);
    const byCamera = await u().api.GET('/api/clips', { params: { query: { cameraId } } });
    expect(byCamera.data!.items).toEqual([]);
  });

  const urls = {
    camera: () => `/api/cameras/${cameraId}`,
    clip: () => `/api/clips/${clipId}`,
    ciphertext: () => `/api/clips/${clipId}/ciphertext`,
    device: () => `/api/devices/${deviceId}`,
  };
  it.each([
    ['GET', 'camera'],
    ['PATCH', 'camera'],
    ['DELETE', 'camera'],
    ['GET', 'clip'],
    ['GET', 'ciphertext'],
    ['DELETE', 'clip'],
    ['DELETE', 'device'],
  ] as const)('%s of the owner’s %s is 404, exactly like a missing one', async (method, what) => {
    const url = urls[what]();
    const body = method === 'PATCH' ? { retentionDays: 1 } : undefined;
    const res = await u().raw(method, url, body);
    expect(res.statusCode).toBe(404);
    // The same kind of id, never issued.
    const never = url.replace(/\/(ca|cl|dv)_[A-Za-z0-9_-]{22}/, (id) => `${id.slice(0, 4)}${'A'.repeat(22)}`);
    expect(never).not.toBe(url);
    const missing = await u().raw(method, never, body);
    expect(missing.statusCode).toBe(404);
    expect(res.json<{ code: string }>().code).toBe(missing.json<{ code: string }>().code);
  });

  it('cannot upload to the owner’s camera or touch the owner’s upload', async () => {
    const auth: Auth = { user: u() };
    const create = await createUpload(t.app, auth, 100, { cameraId: cameraId, ...clipTimes() });
    expect(create.statusCode).toBe(404);
    expect(create.json()).toMatchObject({ errors: [{ field: '/headers/upload-metadata/cameraId' }] });
    expect((await tus(t.app, auth, 'HEAD', uploadUrl)).statusCode).toBe(404);
    const patch = await tus(t.app, auth, 'PATCH', uploadUrl, { 'upload-offset': '0' }, randomBytes(10));
    expect(patch.statusCode).toBe(404);
    expect((await tus(t.app, auth, 'DELETE', uploadUrl)).statusCode).toBe(404);
  });
});

describe('someone signed out', () => {
  it.each([
    ['GET', '/api/vault/keys'],
    ['GET', '/api/cameras'],
    ['GET', '/api/clips'],
    ['GET', '/api/devices'],
  ] as const)('%s %s is 401', async (method, url) => {
    expect((await attackers.anonymous!.raw(method, url)).statusCode).toBe(401);
  });

  it('cannot read a clip, its ciphertext or an upload', async () => {
    const anon = attackers.anonymous!;
    expect((await anon.raw('GET', `/api/clips/${clipId}`)).statusCode).toBe(401);
    expect((await anon.raw('GET', `/api/clips/${clipId}/ciphertext`)).statusCode).toBe(401);
    expect((await tus(t.app, null, 'HEAD', uploadUrl)).statusCode).toBe(401);
    // With a valid pre-session CSRF token, so it is the missing sign-in that stops it.
    const create = await createUpload(t.app, { user: anon }, 100, {
      cameraId: cameraId,
      ...clipTimes(),
    });
    expect(create.statusCode).toBe(401);
    expect(create.json()).toMatchObject({ code: 'unauthenticated' });
  });
});

describe('device tokens', () => {
  it('a revoked hub gets 401 device_revoked everywhere it used to work', async () => {
    const auth: Auth = { token: revokedToken };
    const cfg = await t.app.inject({
      url: '/api/hub/config',
      headers: { authorization: `Bearer ${revokedToken}` },
    });
    expect(cfg.json()).toMatchObject({ status: 401, code: 'device_revoked' });
    const create = await createUpload(t.app, auth, 100, { cameraId: cameraId, ...clipTimes() });
    expect(create.statusCode).toBe(401);
    expect(create.json()).toMatchObject({ code: 'device_revoked' });
    expect((await tus(t.app, auth, 'HEAD', uploadUrl)).statusCode).toBe(401);
  });

  it('are no key to the browser API: a token without a session reads nothing', async () => {
    const { token } = await pairHub(alice, 'Reader');
    for (const url of ['/api/clips', `/api/clips/${clipId}/ciphertext`, '/api/cameras', '/api/vault/keys']) {
      const res = await t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('a browser upload needs the CSRF token like every other change', async () => {
    const auth: Auth = { user: alice };
    const res = await createUpload(t.app, auth, 100, { cameraId: cameraId, ...clipTimes() });
    expect(res.statusCode).toBe(201);
    const forged = await tus(t.app, null, 'POST', '/api/uploads', {
      cookie: [...alice.jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'upload-length': '100',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ code: 'csrf_failed' });
  });
});

it('after every attempt, the owner still has everything', async () => {
  expect(
    (await alice.api.GET('/api/cameras/{id}', { params: { path: { id: cameraId } } })).data!.retentionDays,
  ).toBe(30);
  expect((await alice.api.GET('/api/clips/{id}', { params: { path: { id: clipId } } })).response.status).toBe(
    200,
  );
  const devices = (await alice.api.GET('/api/devices')).data!.items;
  expect(devices.find((d) => d.id === deviceId)?.revokedAt).toBeNull();
  expect((await tus(t.app, { user: alice }, 'HEAD', uploadUrl)).statusCode).toBe(200);
});
