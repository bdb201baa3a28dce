/**
 * A footage request with everything around it, for disclosure and agency-key tests: an admin, a published
 * policy, a verified agency whose members have age keys, a resident whose camera the request matched. Real
 * keys from `age-keygen`, real ciphertext from the `age` CLI, the real request API.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { armor, Encrypter } from 'age-encryption';
import { expect } from 'vitest';
import type { TestApp } from './app.js';
import type { TestUser } from './client.js';
import { HOME, makeUser, offsetMeters } from './factories.js';
import { publishPolicy } from './policies.js';
import { encodeMetadata, setUpVault, tus } from './vault.js';

const run = promisify(execFile);
const HOUR = 3_600_000;

/** An agency member's keys as their browser holds them (identity) and sends them (wrapped at work factor 16). */
export interface MemberKeys {
  identity: string;
  recipient: string;
  wrappedIdentity: string;
  recoveryWrappedIdentity: string;
}

/** Wraps with age's scrypt recipient at `logN` (the server's minimum for agency keys is 16). */
export async function wrapAt(identity: string, passphrase: string, logN = 16): Promise<string> {
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  e.setScryptWorkFactor(logN);
  return armor.encode(await e.encrypt(identity));
}

export async function memberKeys(logN = 16): Promise<MemberKeys> {
  const { stdout } = await run('age-keygen');
  const identity = /^AGE-SECRET-KEY-1[0-9A-Z]+$/m.exec(stdout)![0];
  const recipient = /public key: (age1[0-9a-z]+)/.exec(stdout)![1]!;
  return {
    identity,
    recipient,
    wrappedIdentity: await wrapAt(identity, 'member passphrase', logN),
    recoveryWrappedIdentity: await wrapAt(identity, 'recovery code words', logN),
  };
}

/** Sets the member's agency key through the API. */
export async function setAgencyKey(member: TestUser, keys?: MemberKeys): Promise<MemberKeys> {
  const k = keys ?? (await memberKeys());
  const res = await member.raw('PUT', '/api/agency/keys', {
    recipient: k.recipient,
    wrappedIdentity: k.wrappedIdentity,
    recoveryWrappedIdentity: k.recoveryWrappedIdentity,
  });
  expect(res.statusCode, res.body).toBe(200);
  return k;
}

/** Registers a verified agency and links `members` fresh agency-role accounts to it. */
export async function makeAgency(
  t: TestApp,
  admin: TestUser,
  jurisdiction: string,
  members = 1,
  name?: string,
) {
  const res = await admin.raw('POST', '/api/admin/agencies', {
    name: name ?? `Agency ${Math.random().toString(36).slice(2, 8)}`,
    jurisdiction,
    contact: 'records@police.example',
    reason: 'Verified by phone with the records unit',
  });
  expect(res.statusCode, res.body).toBe(201);
  const agencyId = res.json<{ id: number }>().id;
  const list: TestUser[] = [];
  for (let i = 0; i < members; i++) list.push(await addMember(t, admin, agencyId));
  return { agencyId, members: list };
}

export async function addMember(t: TestApp, admin: TestUser, agencyId: number): Promise<TestUser> {
  const member = await makeUser(t, { role: 'agency', home: null });
  const link = await admin.raw('PUT', `/api/admin/agencies/${agencyId}/members/${member.id}`);
  expect(link.statusCode, link.body).toBe(200);
  return member;
}

/** A square GeoJSON polygon of `sideM` metres around `centre`. */
export function square(centre: { lat: number; lng: number }, sideM: number) {
  const h = sideM / 2;
  const c = [
    offsetMeters(centre, -h, -h),
    offsetMeters(centre, -h, h),
    offsetMeters(centre, h, h),
    offsetMeters(centre, h, -h),
  ];
  return { type: 'Polygon' as const, coordinates: [[...c, c[0]!].map((p) => [p.lng, p.lat])] };
}

/** Files a footage request around HOME (500 m square, a 6-hour window two days before `now`). */
export async function fileRequest(officer: TestUser, now: Date) {
  const res = await officer.raw('POST', '/api/requests', {
    caseNumber: `PPB-${Math.floor(Math.random() * 1e8)}`,
    offenseCategory: 'burglary',
    legalBasis: 'warrant',
    investigatorName: 'Det. Alex Rivera',
    investigatorContact: 'arivera@police.portland.example',
    narrative:
      'Residential burglary reported on the 1200 block; looking for a vehicle seen leaving around 2 am.',
    area: square(HOME, 500),
    windowStart: new Date(now.getTime() - 48 * HOUR).toISOString(),
    windowEnd: new Date(now.getTime() - 42 * HOUR).toISOString(),
    exigent: false,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; caseNumber: string }>();
}

/** A resident with a vault and an opted-in camera next to HOME (inside {@link fileRequest}'s area). */
export async function makeOwner(t: TestApp): Promise<TestUser> {
  const owner = await makeUser(t);
  await setUpVault(owner);
  const res = await owner.api.POST('/api/cameras', {
    body: {
      name: `Porch camera ${Math.random().toString(36).slice(2, 8)}`,
      location: offsetMeters(HOME, 20, 30),
      privacyZones: [],
      acceptAgencyRequests: true,
    },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return owner;
}

/** The world most disclosure tests start from. */
export async function requestWorld(t: TestApp, now: Date, opts: { members?: number } = {}) {
  const admin = await makeUser(t, { role: 'admin' });
  const jurisdiction = `j${Math.random().toString(36).slice(2, 8)}`;
  await publishPolicy(admin, jurisdiction);
  const { agencyId, members } = await makeAgency(t, admin, jurisdiction, opts.members ?? 2);
  const keys: MemberKeys[] = [];
  for (const m of members) keys.push(await setAgencyKey(m));
  const owner = await makeOwner(t);
  const request = await fileRequest(members[0]!, now);
  return { admin, jurisdiction, agencyId, members, keys, owner, request };
}

/** Encrypts with the real `age` CLI to every recipient (`age -r … -r …`), as a third-party tool would. */
export function ageEncryptTo(plaintext: Uint8Array, recipients: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'age',
      recipients.flatMap((r) => ['-r', r]),
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`age exited ${String(code)}`));
    });
    child.stdin.end(plaintext);
  });
}

/** A clip's plaintext: deterministic bytes (a little over one 64 KiB age chunk by default). */
export function clip(bytes = 70_000): Buffer {
  const plaintext = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) plaintext[i] = (i * 31 + bytes) & 0xff;
  return plaintext;
}

/** Creates and finishes a disclosure upload in one PATCH; returns the final response. */
export async function uploadDisclosure(
  t: TestApp,
  who: TestUser | { token: string } | null,
  requestId: string,
  ciphertext: Buffer,
  manifest: Record<string, unknown>,
) {
  const auth = who === null ? null : 'token' in who ? who : { user: who };
  const created = await tus(t.app, auth, 'POST', '/api/uploads', {
    'upload-length': String(ciphertext.length),
    'upload-metadata': encodeMetadata({ kind: 'disclosure', requestId, manifest: JSON.stringify(manifest) }),
  });
  if (created.statusCode !== 201) return created;
  return tus(t.app, auth, 'PATCH', created.headers.location!, { 'upload-offset': '0' }, ciphertext);
}

export { HOME };
