/**
 * Issue 9, holes 6 and 7: what the server accepts as vault key material and as a clip.
 * 6 — a wrapped identity is the only thing between a database copy and the owner's clips, so its scrypt work
 *     factor (in the stanza, readable without the passphrase) must be at least age's default, 2^18.
 * 7 — a clip must be age encrypted to X25519 recipients with a size that fits age's chunk layout; a scrypt
 *     header in front of a plain MP4 was stored as a clip.
 */
import { randomBytes } from 'node:crypto';
import { dearmor, generateIdentity, parseHeader, wrapIdentity } from '@porchlight/age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import {
  ageEncrypt,
  clipTimes,
  createUpload,
  makeCamera,
  pairHub,
  tus,
  uploadClip,
  type OwnerKeys,
} from './support/vault.js';

let t: TestApp;
beforeAll(async () => {
  // The production minimum: test apps otherwise lower it to 2^10 for speed.
  t = await startTestApp({ env: { PORCHLIGHT_VAULT_MIN_WORK_FACTOR: '' } });
});
afterAll(() => t.close());

const strong = new Map<string, Promise<string>>();
/** Keys for one identity; 2^18 wrappings are made once per identity (each takes a second or more). */
async function keysWrappedAt(logN: number, recoveryLogN = 18) {
  const { identity, recipient } = await SHARED;
  const wrapped = (secret: string, n: number) => {
    if (n !== 18) return wrapIdentity(identity, secret, { logN: n });
    if (!strong.has(secret)) strong.set(secret, wrapIdentity(identity, secret, { logN: 18 }));
    return strong.get(secret)!;
  };
  return {
    identity,
    recipient,
    wrappedIdentity: await wrapped('a', logN),
    recoveryWrappedIdentity: await wrapped('recovery code', recoveryLogN),
  };
}
const SHARED = generateIdentity();

describe('weak wrapping (hole 6)', () => {
  it.each([1, 10, 17])(
    'refuses vault keys whose passphrase wrapping has work factor 2^%i, and stores nothing',
    async (logN) => {
      const alice = await makeUser(t);
      const k = await keysWrappedAt(logN);
      const res = await alice.api.PUT('/api/vault/keys', {
        body: {
          recipient: k.recipient,
          wrappedIdentity: k.wrappedIdentity,
          recoveryWrappedIdentity: k.recoveryWrappedIdentity,
        },
      });
      expect(res.response.status).toBe(400);
      expect(res.error).toMatchObject({
        code: 'validation_failed',
        errors: [
          {
            field: '/body/wrappedIdentity',
            message: `is wrapped with scrypt work factor 2^${logN}; at least 2^18 is required`,
          },
        ],
      });
      expect((await alice.api.GET('/api/vault/keys')).response.status).toBe(404);
    },
  );

  it('refuses a weak recovery wrapping the same way', async () => {
    const alice = await makeUser(t);
    const k = await keysWrappedAt(18, 4);
    const res = await alice.api.PUT('/api/vault/keys', { body: { ...k, identity: undefined } as never });
    expect(res.response.status).toBe(400);
    expect(res.error?.errors).toEqual([
      {
        field: '/body/recoveryWrappedIdentity',
        message: 'is wrapped with scrypt work factor 2^4; at least 2^18 is required',
      },
    ]);
  });

  it('accepts age’s default work factor, then refuses a weaker passphrase change', async () => {
    const alice = await makeUser(t);
    const k = await keysWrappedAt(18);
    const set = await alice.api.PUT('/api/vault/keys', {
      body: {
        recipient: k.recipient,
        wrappedIdentity: k.wrappedIdentity,
        recoveryWrappedIdentity: k.recoveryWrappedIdentity,
      },
    });
    expect(set.response.status).toBe(201);
    const weak = await wrapIdentity(k.identity, 'b', { logN: 1 });
    const res = await alice.api.PUT('/api/vault/keys/wrapping', { body: { wrappedIdentity: weak } });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({ code: 'validation_failed' });
    expect((await alice.api.GET('/api/vault/keys')).data?.wrappedIdentity).toBe(k.wrappedIdentity);
  });
});

describe('what becomes a clip (hole 7)', () => {
  let owner: TestUser;
  let keys: OwnerKeys;
  let hub: { token: string };
  let cameraId: string;
  beforeAll(async () => {
    owner = await makeUser(t);
    const k = await keysWrappedAt(18);
    await owner.api.PUT('/api/vault/keys', {
      body: {
        recipient: k.recipient,
        wrappedIdentity: k.wrappedIdentity,
        recoveryWrappedIdentity: k.recoveryWrappedIdentity,
      },
    });
    keys = { ...k, passphrase: 'a', recoveryCode: 'recovery code' };
    hub = await pairHub(owner);
    cameraId = (await makeCamera(owner)).id;
  });

  async function upload(bytes: Buffer) {
    const created = await createUpload(t.app, hub, bytes.length, {
      cameraId: cameraId,
      ...clipTimes(),
    });
    expect(created.statusCode, created.body).toBe(201);
    const res = await tus(t.app, hub, 'PATCH', created.headers.location!, { 'upload-offset': '0' }, bytes);
    const clips = await t.database.db.query('SELECT 1 FROM clips WHERE blob_key = $1', [
      created.headers.location!.split('/').pop(),
    ]);
    return { res, stored: clips.rowCount };
  }

  const mp4 = () => Buffer.concat([Buffer.from('\x00\x00\x00\x20ftypisom'), randomBytes(70_000)]);

  it('refuses a scrypt-only age header followed by a plain MP4, and deletes it', async () => {
    const wrapped = dearmor(await wrapIdentity(keys.identity, 'x', { logN: 1 }));
    const header = parseHeader(wrapped)!;
    const forged = Buffer.concat([wrapped.subarray(0, header.headerLength), randomBytes(16), mp4()]);
    const { res, stored } = await upload(forged);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'not_age_ciphertext' });
    expect(res.json<{ detail: string }>().detail).toContain('"scrypt" stanza');
    expect(stored).toBe(0);
  });

  it('refuses an X25519 header followed by bytes that do not fit age’s chunk layout', async () => {
    const real = await ageEncrypt(randomBytes(65536 + 100), keys.recipient);
    const header = parseHeader(real)!;
    // Cut the last chunk to a partial tag: no age implementation wrote this.
    const cut = real.subarray(0, header.headerLength + 16 + 65536 + 16 + 5);
    const { res, stored } = await upload(Buffer.from(cut));
    expect(res.statusCode).toBe(422);
    expect(res.json<{ detail: string }>().detail).toContain('chunk layout');
    expect(stored).toBe(0);
  });

  it('still stores real clips from the age CLI, of sizes at the chunk boundaries', async () => {
    for (const n of [0, 1, 65535, 65536, 65537]) {
      const id = await uploadClip(t.app, hub, cameraId, await ageEncrypt(randomBytes(n), keys.recipient));
      expect(id).toMatch(/^cl_[A-Za-z0-9_-]{22}$/);
    }
  });
});
