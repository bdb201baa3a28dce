/**
 * G1/G7, adversarially: an agency member who filed a request and received a clip tries EVERY operation in
 * /openapi.json — every method, not only reads — with every id it holds or could have learnt or guessed: the
 * request (which is also the owners' inbox item id), the disclosure, its agency, and the owners' account,
 * camera and clip ids. Nothing it gets back names an owner (email, name, account id, vault key), places a
 * camera (its name or its coordinates), counts who was reached, or changes when an owner declines.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import {
  ageEncryptTo,
  clip,
  fileRequest,
  makeOwner,
  requestWorld,
  uploadDisclosure,
} from './support/disclosures.js';
import { ageEncrypt, uploadClip } from './support/vault.js';

interface Owner {
  user: TestUser;
  me: { id: number; email: string; displayName: string };
  camera: { id: string; name: string; location: { lat: number; lng: number } };
  clipId: string;
  recipient: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let t: TestApp;
let world: Awaited<ReturnType<typeof requestWorld>>;
let disclosureId: string;
let requestId: string;
const owners: Owner[] = [];

/** An owner's account, camera and one vault clip, as only the owner sees them. */
async function describeOwner(user: TestUser): Promise<Owner> {
  const me = (await user.raw('GET', '/api/me')).json<Owner['me']>();
  const camera = (await user.raw('GET', '/api/cameras')).json<{ items: Owner['camera'][] }>().items[0]!;
  const recipient = (await user.raw('GET', '/api/vault/keys')).json<{ recipient: string }>().recipient;
  const clipId = await uploadClip(t.app, { user }, camera.id, await ageEncrypt(clip(5000), recipient));
  return { user, me, camera, clipId, recipient };
}

beforeAll(async () => {
  t = await startTestApp();
  const now = new Date();
  world = await requestWorld(t, now);
  // Two owners the request reaches (it is filed once both cameras exist): the first shares a clip, the
  // second will decline.
  owners.push(await describeOwner(world.owner), await describeOwner(await makeOwner(t)));
  requestId = (await fileRequest(world.members[0]!, now)).id;
  const plaintext = clip(3000);
  const end = now.getTime() - 45 * 3_600_000;
  const res = await uploadDisclosure(
    t,
    world.owner,
    requestId,
    await ageEncryptTo(
      plaintext,
      world.keys.map((k) => k.recipient),
    ),
    {
      plaintextSha256: createHash('sha256').update(plaintext).digest('hex'),
      captureStart: new Date(end - 60_000).toISOString(),
      captureEnd: new Date(end).toISOString(),
      redactions: [],
    },
  );
  expect(res.statusCode, res.body).toBe(204);
  disclosureId = res.headers['porchlight-disclosure-id'] as string;
  await t.services.transparency.sequenceNow();
}, 400_000);
afterAll(() => t.close());

/** Every (method, path) in the API document, with its path parameters filled by each id the agency could try. */
async function operations(): Promise<{ method: Method; url: string }[]> {
  const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  const ids = [
    requestId,
    disclosureId,
    String(world.agencyId),
    ...owners.flatMap((o) => [String(o.me.id), o.camera.id, o.clipId]),
  ];
  const out: { method: Method; url: string }[] = [];
  for (const [template, ops] of Object.entries(spec.paths)) {
    // Live streams never end; signing out would end the agency's own session for the rest of the sweep.
    if (template.includes('/live') || template.endsWith('/events')) continue;
    for (const m of Object.keys(ops)) {
      const method = m.toUpperCase() as Method;
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
      if (method === 'DELETE' && template === '/api/session') continue;
      const urls = template.includes('{')
        ? ids.map((v) => template.replace(/\{[^}]+\}/g, encodeURIComponent(v)))
        : [template];
      for (const url of urls) out.push({ method, url });
    }
  }
  return out;
}

/** What the agency gets from each operation: `METHOD url → status body`. */
async function sweep(member: TestUser, ops: { method: Method; url: string }[]): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (const { method, url } of ops) {
    const res =
      method === 'GET' || method === 'DELETE'
        ? await member.raw(method, url)
        : await member.raw(method, url, {});
    seen.set(`${method} ${url}`, `${res.statusCode} ${res.body}`);
  }
  return seen;
}

/** Every way an owner or a camera could show up in a response. */
function traces(): string[] {
  return owners.flatMap((o) => [
    o.me.email,
    o.me.displayName,
    o.recipient,
    o.camera.name,
    String(o.camera.location.lat),
    String(o.camera.location.lng),
    o.camera.location.lat.toFixed(4),
    o.camera.location.lng.toFixed(4),
    `"userId":${o.me.id}`,
    `"ownerId":${o.me.id}`,
    `"authorId":${o.me.id}`,
    `"owner"`,
    `"cameraId"`,
    `"myCameras"`,
    `"matchCount"`,
    `"matched"`,
    `"matches"`,
    `"reached"`,
    `"dismissed"`,
    `"declined"`,
  ]);
}

describe('an agency probing every operation with every id it could try', () => {
  it('finds no owner, camera, match count or decline, and no read changes when an owner declines', async () => {
    const member = world.members[0]!;
    const ops = await operations();
    const reads = ops.filter((o) => o.method === 'GET');
    const writes = ops.filter((o) => o.method !== 'GET');
    expect(reads.length).toBeGreaterThan(100);
    expect(writes.length).toBeGreaterThan(100);

    // A first pass downloads the clip (logged: disclosure.accessed, once a day), so the log is as it stays.
    await sweep(member, reads);
    await t.services.transparency.sequenceNow();
    const before = await sweep(member, reads);
    // The second owner declines; an owner who ignores it and one who declines must look the same.
    const declined = await owners[1]!.user.raw('POST', `/api/inbox/${requestId}/dismiss`);
    expect(declined.statusCode, declined.body).toBe(204);
    await t.services.transparency.sequenceNow();
    const after = await sweep(member, reads);
    // Archives (the evidence export, the account export) carry the time they were made in their tar headers:
    // those are compared by size. Everything else must read byte for byte the same.
    const same = (a = '', b = '') => (a.includes('ustar') ? a.length === b.length : a === b);
    const changed = [...before.keys()].filter((k) => !same(before.get(k), after.get(k)));
    const diff = (a: string, b: string) => {
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      return `${a.slice(Math.max(0, i - 80), i + 120)}\n  vs\n${b.slice(Math.max(0, i - 80), i + 120)}`;
    };
    if (process.env.SWEEP_DEBUG) for (const k of changed) console.log(k, diff(before.get(k)!, after.get(k)!));
    expect(changed).toEqual([]);

    // Writes last: whatever they change, they must not reveal anything either.
    const written = await sweep(member, writes);
    const forbidden = traces();
    for (const seen of [after, written])
      for (const [op, answer] of seen) {
        expect(Number(answer.slice(0, 3)), `${op} → ${answer}`).toBeLessThan(500);
        for (const text of forbidden) expect(answer, `${op} shows ${text}`).not.toContain(text);
      }

    // The same traces are there to be found where they belong: the owners' own sessions.
    expect((await owners[0]!.user.raw('GET', '/api/me')).body).toContain(owners[0]!.me.email);
    expect((await owners[0]!.user.raw('GET', '/api/cameras')).body).toContain(owners[0]!.camera.name);
    expect((await owners[0]!.user.raw('GET', `/api/inbox/${requestId}`)).body).toContain(
      owners[0]!.camera.name,
    );
  }, 600_000);
});
