import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { armor, Encrypter } from 'age-encryption';
import { expect } from 'vitest';
import type { App } from '../../src/http/types.js';
import type { TestUser } from './client.js';

const run = promisify(execFile);

/** An owner's keys as their browser would hold them, and the wrapped forms the server gets. */
export interface OwnerKeys {
  identity: string;
  recipient: string;
  passphrase: string;
  recoveryCode: string;
  wrappedIdentity: string;
  recoveryWrappedIdentity: string;
}

/** Wraps `identity` under `passphrase` with age's scrypt recipient (typage), ASCII-armored. */
export async function wrap(identity: string, passphrase: string): Promise<string> {
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  e.setScryptWorkFactor(10); // fast for tests; the browser uses the default (18)
  return armor.encode(await e.encrypt(identity));
}

/** A fresh X25519 identity from the real `age-keygen`, wrapped as the browser would. */
export async function ownerKeys(
  passphrase = `pass-${Math.random().toString(36).slice(2)}`,
): Promise<OwnerKeys> {
  const { stdout } = await run('age-keygen');
  const identity = /^AGE-SECRET-KEY-1[0-9A-Z]+$/m.exec(stdout)![0];
  const recipient = /public key: (age1[0-9a-z]+)/.exec(stdout)![1]!;
  const recoveryCode = Array.from({ length: 6 }, () => Math.random().toString(36).slice(2, 7)).join('-');
  return {
    identity,
    recipient,
    passphrase,
    recoveryCode,
    wrappedIdentity: await wrap(identity, passphrase),
    recoveryWrappedIdentity: await wrap(identity, recoveryCode),
  };
}

function pipeThrough(cmd: string, args: string[], input: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${cmd} exited ${code}: ${Buffer.concat(err).toString()}`));
    });
    child.stdin.end(input);
  });
}

/** Encrypts with the real `age` CLI, as an owner's hub or a third-party tool would. */
export const ageEncrypt = (plaintext: Uint8Array, recipient: string): Promise<Buffer> =>
  pipeThrough('age', ['-r', recipient], plaintext);

/** Decrypts with the real `age` CLI: `age -d -i key.txt`. */
export async function ageDecrypt(ciphertext: Uint8Array, identity: string): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-key-'));
  const key = path.join(dir, 'key.txt');
  await fs.writeFile(key, `${identity}\n`, { mode: 0o600 });
  try {
    return await pipeThrough('age', ['-d', '-i', key], ciphertext);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Sets up `user`'s vault through the API. */
export async function setUpVault(user: TestUser, keys?: OwnerKeys): Promise<OwnerKeys> {
  const k = keys ?? (await ownerKeys());
  const res = await user.api.PUT('/api/vault/keys', {
    body: {
      recipient: k.recipient,
      wrappedIdentity: k.wrappedIdentity,
      recoveryWrappedIdentity: k.recoveryWrappedIdentity,
    },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return k;
}

/** A point in the test neighbourhood, well away from its cell's centre. */
export const CAMERA_POINT = { lat: 45.516_111_7, lng: -122.679_333_3 };

export async function makeCamera(
  user: TestUser,
  body: Partial<{
    name: string;
    location: { lat: number; lng: number };
    privacyZones: string[];
    retentionDays: number;
    acceptAgencyRequests: boolean;
  }> = {},
) {
  const res = await user.api.POST('/api/cameras', {
    body: { name: 'Porch', location: CAMERA_POINT, privacyZones: ['0,0,0.3,0,0.3,0.2,0,0.2'], ...body },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return res.data!;
}

/** Pairs a hub with `user`'s vault and returns its device token. */
export async function pairHub(user: TestUser, name = 'Garage hub'): Promise<{ id: string; token: string }> {
  const code = await user.api.POST('/api/devices/pairing-codes');
  expect(code.response.status, JSON.stringify(code.error)).toBe(201);
  const res = await user.api.POST('/api/devices/pair', { body: { code: code.data!.code, name } });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return { id: res.data!.device.id, token: res.data!.token };
}

/** tus `Upload-Metadata`: comma-separated `key base64(value)`. */
export const encodeMetadata = (meta: Record<string, string>): string =>
  Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

/** Clip times: one minute, ending `endedAgoMs` ago. */
export function clipTimes(endedAgoMs = 60_000): { startedAt: string; endedAt: string } {
  const end = Date.now() - endedAgoMs;
  return { startedAt: new Date(end - 60_000).toISOString(), endedAt: new Date(end).toISOString() };
}

/** Who sends a tus request: a hub (device token) or a signed-in browser (cookies + CSRF). */
export type Auth = { token: string } | { user: TestUser } | null;

function authHeaders(auth: Auth): Record<string, string> {
  if (auth === null) return {};
  if ('token' in auth) return { authorization: `Bearer ${auth.token}` };
  const u = auth.user;
  return {
    cookie: [...u.jar].map(([k, v]) => `${k}=${v}`).join('; '),
    ...(u.csrf ? { 'x-csrf-token': u.csrf } : {}),
  };
}

/** A raw tus request through `app.inject`. */
export function tus(
  app: App,
  auth: Auth,
  method: 'POST' | 'HEAD' | 'PATCH' | 'DELETE' | 'OPTIONS',
  url: string,
  headers: Record<string, string> = {},
  body?: Buffer,
) {
  return app.inject({
    method,
    url,
    headers: {
      'tus-resumable': '1.0.0',
      ...authHeaders(auth),
      ...(body ? { 'content-type': 'application/offset+octet-stream' } : {}),
      ...headers,
    },
    ...(body ? { payload: body } : {}),
  });
}

/** Creates an upload; returns the response (Location names the upload). */
export const createUpload = (app: App, auth: Auth, length: number, meta: Record<string, string>) =>
  tus(app, auth, 'POST', '/api/uploads', {
    'upload-length': String(length),
    'upload-metadata': encodeMetadata(meta),
  });

/** Uploads `ciphertext` in one PATCH and returns the clip id (cl_…) from `Porchlight-Clip-Id`. */
export async function uploadClip(
  app: App,
  auth: Auth,
  cameraId: string,
  ciphertext: Buffer,
  meta: Record<string, string> = {},
): Promise<string> {
  const created = await createUpload(app, auth, ciphertext.length, {
    cameraId,
    ...clipTimes(),
    ...meta,
  });
  expect(created.statusCode, created.body).toBe(201);
  const patch = await tus(
    app,
    auth,
    'PATCH',
    created.headers.location!,
    { 'upload-offset': '0' },
    ciphertext,
  );
  expect(patch.statusCode, patch.body).toBe(204);
  return String(patch.headers['porchlight-clip-id']);
}

/**
 * Uploads a post's photo or video over tus in one PATCH, as the web app does, and returns its media id
 * (`Porchlight-Media-Id`). `meta` is the upload's metadata (`filetype`, and `redaction` for a redacted copy).
 */
export async function uploadPostMedia(
  app: App,
  user: TestUser,
  bytes: Buffer,
  meta: Record<string, string>,
): Promise<string> {
  const created = await tus(app, { user }, 'POST', '/api/media/uploads', {
    'upload-length': String(bytes.length),
    'upload-metadata': encodeMetadata(meta),
  });
  expect(created.statusCode, created.body).toBe(201);
  const patch = await tus(app, { user }, 'PATCH', created.headers.location!, { 'upload-offset': '0' }, bytes);
  expect(patch.statusCode, patch.body).toBe(204);
  return patch.headers['porchlight-media-id'] as string;
}
