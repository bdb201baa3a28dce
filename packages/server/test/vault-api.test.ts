/**
 * The clip vault API end to end through the generated client and raw tus requests: keys, cameras, hub pairing,
 * uploads of real age files (from the `age` CLI), listing, ranged download and deletion.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cellToLatLng } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { makeUser } from './support/factories.js';
import type { TestUser } from './support/client.js';
import {
  ageDecrypt,
  ageEncrypt,
  CAMERA_POINT,
  clipTimes,
  createUpload,
  makeCamera,
  ownerKeys,
  pairHub,
  setUpVault,
  uploadClip,
  type OwnerKeys,
} from './support/vault.js';

let t: TestApp;
let alice: TestUser;
let keys: OwnerKeys;

beforeAll(async () => {
  t = await startTestApp();
  alice = await makeUser(t);
});
afterAll(() => t.close());

describe('vault keys', () => {
  it('are not there until set up, then come back exactly as stored', async () => {
    const none = await alice.api.GET('/api/vault/keys');
    expect(none.response.status).toBe(404);
    expect(none.error).toMatchObject({ code: 'vault_not_set_up' });

    keys = await setUpVault(alice);
    const got = await alice.api.GET('/api/vault/keys');
    expect(got.data).toMatchObject({
      recipient: keys.recipient,
      wrappedIdentity: keys.wrappedIdentity,
      recoveryWrappedIdentity: keys.recoveryWrappedIdentity,
    });
  });

  it('cannot be set up twice (the recipient every clip is encrypted to never changes)', async () => {
    const other = await ownerKeys();
    const res = await alice.api.PUT('/api/vault/keys', {
      body: {
        recipient: other.recipient,
        wrappedIdentity: other.wrappedIdentity,
        recoveryWrappedIdentity: other.recoveryWrappedIdentity,
      },
    });
    expect(res.response.status).toBe(409);
    expect(res.error).toMatchObject({ code: 'vault_already_set_up' });
    expect((await alice.api.GET('/api/vault/keys')).data!.recipient).toBe(keys.recipient);
  });

  it('re-wraps under a new passphrase, keeping the recipient', async () => {
    const { wrap } = await import('./support/vault.js');
    const rewrapped = await wrap(keys.identity, 'a brand new passphrase');
    const res = await alice.api.PUT('/api/vault/keys/wrapping', { body: { wrappedIdentity: rewrapped } });
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ recipient: keys.recipient, wrappedIdentity: rewrapped });
  });

  it.each([
    ['a recipient with a bad checksum', 'recipient', '/body/recipient'],
    ['an identity that is not armored', 'wrappedIdentity', '/body/wrappedIdentity'],
  ] as const)('refuses %s, naming the field', async (_label, broken, field) => {
    const bob = await makeUser(t);
    const k = await ownerKeys();
    const body = {
      recipient: k.recipient,
      wrappedIdentity: k.wrappedIdentity,
      recoveryWrappedIdentity: k.recoveryWrappedIdentity,
    };
    // One changed character breaks the bech32 checksum; a bare identity is not a wrapped one.
    if (broken === 'recipient')
      body.recipient = `${k.recipient.slice(0, -1)}${k.recipient.endsWith('q') ? 'p' : 'q'}`;
    else body.wrappedIdentity = k.identity;
    const res = await bob.raw('PUT', '/api/vault/keys', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field }] });
    expect((await bob.api.GET('/api/vault/keys')).response.status).toBe(404);
  });

  it('refuses a wrapped identity encrypted to a recipient instead of a passphrase', async () => {
    const bob = await makeUser(t);
    const k = await ownerKeys();
    const { armor } = await import('age-encryption');
    const toRecipient = armor.encode(new Uint8Array(await ageEncrypt(Buffer.from(k.identity), k.recipient)));
    const res = await bob.raw('PUT', '/api/vault/keys', {
      recipient: k.recipient,
      wrappedIdentity: k.wrappedIdentity,
      recoveryWrappedIdentity: toRecipient,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      errors: [
        { field: '/body/recoveryWrappedIdentity', message: 'must have exactly one stanza, of type scrypt' },
      ],
    });
  });
});

describe('cameras', () => {
  it('need vault keys first', async () => {
    const carol = await makeUser(t);
    const res = await carol.api.POST('/api/cameras', {
      body: { name: 'Porch', location: CAMERA_POINT, privacyZones: [] },
    });
    expect(res.response.status).toBe(404);
    expect(res.error).toMatchObject({ code: 'vault_not_set_up' });
  });

  it('show their location only as a cell centre, with 30-day retention and agency requests off by default', async () => {
    const cam = await makeCamera(alice, { name: 'Driveway' });
    const [lat, lng] = cellToLatLng(cam.location.cell);
    expect(cam).toMatchObject({
      name: 'Driveway',
      location: { lat, lng },
      retentionDays: 30,
      acceptAgencyRequests: false,
      privacyZones: ['0,0,0.3,0,0.3,0.2,0,0.2'],
    });
    expect(cam.location.lat).not.toBe(CAMERA_POINT.lat);
    const listed = await alice.api.GET('/api/cameras');
    expect(listed.data!.items.map((c) => c.id)).toContain(cam.id);
  });

  it.each([
    ['a zone with two points', ['0,0,1,1'], '/body/privacyZones/0'],
    ['a coordinate above 1', ['0,0,1.5,0,1,1'], '/body/privacyZones/0'],
    ['a negative coordinate', ['0,0,-0.1,0,1,1'], '/body/privacyZones/0'],
    ['an odd count of numbers', ['0,0,1,0,1'], '/body/privacyZones/0'],
    ['spaces', ['0, 0, 1, 0, 1, 1'], '/body/privacyZones/0'],
    ['points on one line', ['0,0,0.5,0.5,1,1'], '/body/privacyZones/0'],
    ['a bad second zone', ['0,0,1,0,1,1', 'abc'], '/body/privacyZones/1'],
  ])('refuses %s, naming it', async (_label, privacyZones, field) => {
    const res = await alice.raw('POST', '/api/cameras', {
      name: 'Bad',
      location: CAMERA_POINT,
      privacyZones,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field }] });
  });

  it.each([0, 181, 30.5])('refuses retention of %s days', async (retentionDays) => {
    const res = await alice.raw('POST', '/api/cameras', {
      name: 'Bad',
      location: CAMERA_POINT,
      privacyZones: [],
      retentionDays,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errors: [{ field: '/body/retentionDays' }] });
  });

  it('changes settings, and a new retention moves every clip’s expiry', async () => {
    const cam = await makeCamera(alice, { retentionDays: 10 });
    const ct = await ageEncrypt(randomBytes(1000), keys.recipient);
    const clipId = await uploadClip(t.app, { user: alice }, cam.id, ct);
    const before = (await alice.api.GET('/api/clips/{id}', { params: { path: { id: clipId } } })).data!;
    expect(Date.parse(before.expiresAt) - Date.parse(before.endedAt)).toBe(10 * 86_400_000);

    const res = await alice.api.PATCH('/api/cameras/{id}', {
      params: { path: { id: cam.id } },
      body: { retentionDays: 2, acceptAgencyRequests: true, name: 'Side gate' },
    });
    expect(res.data).toMatchObject({ retentionDays: 2, acceptAgencyRequests: true, name: 'Side gate' });
    const after = (await alice.api.GET('/api/clips/{id}', { params: { path: { id: clipId } } })).data!;
    expect(Date.parse(after.expiresAt) - Date.parse(after.endedAt)).toBe(2 * 86_400_000);
  });

  it('deleting a camera deletes its clips, rows and blobs', async () => {
    const cam = await makeCamera(alice);
    const ct = await ageEncrypt(randomBytes(500), keys.recipient);
    const clipId = await uploadClip(t.app, { user: alice }, cam.id, ct);
    const key = await blobKey(clipId);
    expect(await t.deps.blobs!.size(key)).toBe(ct.length);

    const del = await alice.api.DELETE('/api/cameras/{id}', { params: { path: { id: cam.id } } });
    expect(del.response.status).toBe(204);
    expect(
      (await alice.api.GET('/api/clips/{id}', { params: { path: { id: clipId } } })).response.status,
    ).toBe(404);
    expect(await t.deps.blobs!.size(key)).toBeUndefined();
    expect(
      (await alice.api.GET('/api/cameras/{id}', { params: { path: { id: cam.id } } })).response.status,
    ).toBe(404);
  });
});

async function blobKey(clipId: string): Promise<string> {
  const res = await t.database.db.query<{ blob_key: string }>(
    'SELECT blob_key FROM clips WHERE public_id = $1',
    [clipId],
  );
  return res.rows[0]!.blob_key;
}

describe('hub pairing', () => {
  it('a code works once; the token reads the hub config until the device is revoked', async () => {
    const cam = await makeCamera(alice, { name: 'Hub cam', privacyZones: ['0.1,0.1,0.5,0.1,0.5,0.5'] });
    const code = (await alice.api.POST('/api/devices/pairing-codes')).data!;
    expect(Date.parse(code.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);

    const hub = new (await import('./support/client.js')).TestUser(t.app);
    const paired = await hub.api.POST('/api/devices/pair', { body: { code: code.code, name: 'Hub' } });
    expect(paired.response.status).toBe(201);
    const again = await hub.api.POST('/api/devices/pair', { body: { code: code.code, name: 'Hub 2' } });
    expect(again.response.status).toBe(400);
    expect(again.error).toMatchObject({ code: 'pairing_code_invalid', errors: [{ field: '/body/code' }] });

    const token = paired.data!.token;
    const config = await t.app.inject({
      url: '/api/hub/config',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(config.statusCode).toBe(200);
    expect(config.json()).toMatchObject({ recipient: keys.recipient });
    expect(config.json<{ cameras: unknown[] }>().cameras).toContainEqual({
      id: cam.id,
      name: 'Hub cam',
      privacyZones: ['0.1,0.1,0.5,0.1,0.5,0.5'],
      retentionDays: 30,
    });

    const devices = (await alice.api.GET('/api/devices')).data!.items;
    expect(devices.find((d) => d.id === paired.data!.device.id)).toMatchObject({
      name: 'Hub',
      revokedAt: null,
    });

    const revoke = await alice.api.DELETE('/api/devices/{id}', {
      params: { path: { id: paired.data!.device.id } },
    });
    expect(revoke.response.status).toBe(204);
    const after = await t.app.inject({
      url: '/api/hub/config',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'device_revoked' });
  });

  it('refuses a wrong code and an unknown token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/devices/pair',
      payload: { code: 'AAAAA-BBBBB', name: 'Hub' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'pairing_code_invalid' });
    const cfg = await t.app.inject({ url: '/api/hub/config', headers: { authorization: 'Bearer pld_nope' } });
    expect(cfg.statusCode).toBe(401);
    expect(cfg.json()).toMatchObject({ code: 'unauthenticated' });
  });
});

describe('clips', () => {
  let cameraId: string;
  let hub: { token: string };
  const plaintext = randomBytes(200_000);
  let ciphertext: Buffer;
  let clipId: string;

  beforeAll(async () => {
    cameraId = (await makeCamera(alice, { name: 'Clips cam' })).id;
    hub = await pairHub(alice);
    ciphertext = await ageEncrypt(plaintext, keys.recipient);
  });

  it('a hub uploads an age file over tus; the clip decrypts with `age -d` to the original', async () => {
    const times = clipTimes();
    clipId = await uploadClip(t.app, hub, cameraId, ciphertext, { ...times, clientRef: 'frigate-123' });
    const clip = (await alice.api.GET('/api/clips/{id}', { params: { path: { id: clipId } } })).data!;
    expect(clip).toMatchObject({
      cameraId,
      startedAt: times.startedAt,
      endedAt: times.endedAt,
      sizeBytes: ciphertext.length,
      sha256: createHash('sha256').update(ciphertext).digest('hex'),
    });
    const res = await t.app.inject({
      url: `/api/clips/${clipId}/ciphertext`,
      headers: { cookie: [...alice.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe(`"${clip.sha256}"`);
    expect(res.rawPayload.equals(ciphertext)).toBe(true);
    expect((await ageDecrypt(res.rawPayload, keys.identity)).equals(plaintext)).toBe(true);
  });

  it('serves byte ranges, 304 for a matching ETag and 416 past the end', async () => {
    const cookie = [...alice.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const url = `/api/clips/${clipId}/ciphertext`;
    const part = await t.app.inject({ url, headers: { cookie, range: 'bytes=100-1099' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-1099/${ciphertext.length}`);
    expect(part.rawPayload.equals(ciphertext.subarray(100, 1100))).toBe(true);
    const tail = await t.app.inject({ url, headers: { cookie, range: 'bytes=-16' } });
    expect(tail.rawPayload.equals(ciphertext.subarray(-16))).toBe(true);
    const etag = part.headers.etag as string;
    expect((await t.app.inject({ url, headers: { cookie, 'if-none-match': etag } })).statusCode).toBe(304);
    const past = await t.app.inject({ url, headers: { cookie, range: `bytes=${ciphertext.length}-` } });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${ciphertext.length}`);
  });

  it('a second upload with the same clientRef gets 409 clip_exists naming the clip', async () => {
    const res = await createUpload(t.app, hub, ciphertext.length, {
      cameraId: cameraId,
      ...clipTimes(),
      clientRef: 'frigate-123',
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['porchlight-clip-id']).toBe(clipId);
    expect(res.json()).toMatchObject({ code: 'clip_exists' });
    expect(res.json<{ detail: string }>().detail).toContain(clipId);
  });

  it('lists newest first, filtered by camera and time, page by page', async () => {
    const cam2 = (await makeCamera(alice, { name: 'Second' })).id;
    const small = await ageEncrypt(Buffer.from('x'), keys.recipient);
    const base = Date.now() - 3_600_000;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const startedAt = new Date(base + i * 60_000).toISOString();
      const endedAt = new Date(base + i * 60_000 + 30_000).toISOString();
      ids.push(await uploadClip(t.app, hub, cam2, small, { startedAt, endedAt }));
    }
    const page1 = await alice.api.GET('/api/clips', { params: { query: { cameraId: cam2, limit: 2 } } });
    expect(page1.data!.items.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const page2 = await alice.api.GET('/api/clips', {
      params: { query: { cameraId: cam2, limit: 2, cursor: page1.data!.nextCursor! } },
    });
    expect(page2.data).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
    const window = await alice.api.GET('/api/clips', {
      params: {
        query: {
          cameraId: cam2,
          from: new Date(base + 60_000).toISOString(),
          to: new Date(base + 90_000).toISOString(),
        },
      },
    });
    expect(window.data!.items.map((c) => c.id)).toEqual([ids[1]]);
    const bad = await alice.raw('GET', '/api/clips?cursor=bm9wZQ');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ errors: [{ field: '/querystring/cursor' }] });
  });

  it('deleting a clip removes its row and its blob', async () => {
    const id = await uploadClip(t.app, hub, cameraId, await ageEncrypt(Buffer.from('bye'), keys.recipient));
    const key = await blobKey(id);
    const del = await alice.api.DELETE('/api/clips/{id}', { params: { path: { id } } });
    expect(del.response.status).toBe(204);
    expect((await alice.api.GET('/api/clips/{id}', { params: { path: { id } } })).response.status).toBe(404);
    expect(await t.deps.blobs!.size(key)).toBeUndefined();
  });
});
