/**
 * G1/G7 for disclosures: an agency member who received a clip probes every GET operation in /openapi.json with
 * every id it holds or could guess (the request, the disclosure, its agency, the owner's account and camera ids)
 * and finds no trace of who shared: not the owner's email, name, account id or vault recipient, not the
 * camera's name or exact position.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { ageEncryptTo, clip, requestWorld, uploadDisclosure } from './support/disclosures.js';

let t: TestApp;
let world: Awaited<ReturnType<typeof requestWorld>>;
let disclosureId: string;
let owner: { id: number; email: string; displayName: string };
let camera: { id: number; name: string };
let vaultRecipient: string;

beforeAll(async () => {
  t = await startTestApp();
  const now = new Date();
  world = await requestWorld(t, now);
  const plaintext = clip(3000);
  const ciphertext = await ageEncryptTo(
    plaintext,
    world.keys.map((k) => k.recipient),
  );
  const end = now.getTime() - 45 * 3_600_000;
  const res = await uploadDisclosure(t, world.owner, world.request.id, ciphertext, {
    plaintextSha256: createHash('sha256').update(plaintext).digest('hex'),
    captureStart: new Date(end - 60_000).toISOString(),
    captureEnd: new Date(end).toISOString(),
    redactions: [],
  });
  expect(res.statusCode, res.body).toBe(204);
  disclosureId = res.headers['porchlight-disclosure-id'] as string;
  await t.services.transparency.sequenceNow();
  owner = (await world.owner.raw('GET', '/api/me')).json<typeof owner>();
  camera = (await world.owner.raw('GET', '/api/cameras')).json<{ items: (typeof camera)[] }>().items[0]!;
  vaultRecipient = (await world.owner.raw('GET', '/api/vault/keys')).json<{ recipient: string }>().recipient;
});
afterAll(() => t.close());

describe('what an agency can read about a disclosure', () => {
  it('no GET operation, with any id it could try, names the owner or places the camera', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const values = [
      world.request.id,
      disclosureId,
      String(world.agencyId),
      String(owner.id),
      String(camera.id),
    ];
    const forbidden = [
      owner.email,
      owner.displayName,
      camera.name,
      vaultRecipient,
      `"ownerId":${owner.id}`,
      `"userId":${owner.id}`,
      `"owner"`,
      `"cameraId"`,
    ];
    let probed = 0;
    for (const [template, ops] of Object.entries(spec.paths)) {
      if (!('get' in ops) || template.startsWith('/api/admin') || template.includes('/live')) continue;
      const params = template.match(/\{[^}]+\}/g) ?? [];
      const urls =
        params.length === 0
          ? [template]
          : values.map((v) => template.replace(/\{[^}]+\}/g, encodeURIComponent(v)));
      for (const url of urls) {
        for (const member of world.members) {
          const res = await member.raw('GET', url);
          probed++;
          expect(res.statusCode, url).toBeLessThan(500);
          for (const text of forbidden) expect(res.body, `${url} ${text}`).not.toContain(text);
        }
      }
    }
    expect(probed).toBeGreaterThan(50);
    // The same probe would see them where they are meant to be seen: the owner's own session.
    expect((await world.owner.raw('GET', '/api/me')).body).toContain(owner.email);
    expect((await world.owner.raw('GET', '/api/cameras')).body).toContain(camera.name);
  });

  it('the agency sees the clip itself: its list names the disclosure, its hashes and nothing else', async () => {
    const res = await world.members[0]!.raw('GET', `/api/requests/${world.request.id}/disclosures`);
    const [item] = res.json<{ items: Record<string, unknown>[] }>().items;
    expect(Object.keys(item!).sort()).toEqual(
      [
        'captureEnd',
        'captureStart',
        'ciphertextBytes',
        'ciphertextSha256',
        'createdAt',
        'expiresAt',
        'holds',
        'id',
        'logIndex',
        'plaintextBytes',
        'plaintextSha256',
        'redactions',
        'requestId',
        'status',
      ].sort(),
    );
  });
});
