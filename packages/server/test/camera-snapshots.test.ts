/**
 * Camera snapshots for the zone editor: a hub sends one frame per camera, age-encrypted to the owner; only the
 * owner reads it back and decrypts it. Attempts to read someone else's, to store plaintext, or to write with a
 * revoked hub or to another owner's camera are refused, and nothing is stored by them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { ageDecrypt, ageEncrypt, makeCamera, pairHub, setUpVault, type OwnerKeys } from './support/vault.js';

let t: TestApp;
let alice: TestUser;
let aliceKeys: OwnerKeys;
let camera: { id: string };
let hub: { id: string; token: string };

/** Bytes that start like a JPEG; what they are does not matter to a server that cannot read them. */
const FRAME = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]);

beforeAll(async () => {
  t = await startTestApp();
  alice = await makeUser(t);
  aliceKeys = await setUpVault(alice);
  camera = await makeCamera(alice);
  hub = await pairHub(alice);
});
afterAll(() => t.close());

const put = (token: string, cameraId: string, body: Record<string, unknown>) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/hub/cameras/${cameraId}/snapshot`,
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
const snapshotBody = async (bytes = FRAME, width = 1280, height = 720) => ({
  ciphertext: (await ageEncrypt(bytes, aliceKeys.recipient)).toString('base64'),
  width,
  height,
  takenAt: new Date().toISOString(),
});

describe('camera snapshots', () => {
  it('has none until the hub sends one; then the owner decrypts the newest', async () => {
    const none = await alice.raw('GET', `/api/cameras/${camera.id}/snapshot`);
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({
      code: 'not_found',
      detail: expect.stringContaining('no snapshot yet') as unknown,
    });

    expect((await put(hub.token, camera.id, await snapshotBody(FRAME, 640, 360))).statusCode).toBe(204);
    const newer = Buffer.concat([FRAME, Buffer.from('newer')]);
    expect((await put(hub.token, camera.id, await snapshotBody(newer))).statusCode).toBe(204);

    const got = await alice.api.GET('/api/cameras/{id}/snapshot', { params: { path: { id: camera.id } } });
    expect(got.response.status).toBe(200);
    expect(got.data).toMatchObject({ width: 1280, height: 720 });
    const plain = await ageDecrypt(Buffer.from(got.data!.ciphertext, 'base64'), aliceKeys.identity);
    expect(plain.equals(newer)).toBe(true);
    expect(await t.database.db.query('SELECT count(*)::int AS n FROM camera_snapshots')).toMatchObject({
      rows: [{ n: 1 }],
    });
  });

  it('is not stored when it is plaintext, not base64, or a size out of range', async () => {
    const before = (
      await alice.api.GET('/api/cameras/{id}/snapshot', { params: { path: { id: camera.id } } })
    ).data!.ciphertext;
    const cases: [Record<string, unknown>, string][] = [
      [{ ...(await snapshotBody()), ciphertext: FRAME.toString('base64') }, '/body/ciphertext'],
      [{ ...(await snapshotBody()), ciphertext: 'not base64!' }, '/body/ciphertext'],
      [{ ...(await snapshotBody()), width: 8 }, '/body/width'],
      [
        { ...(await snapshotBody()), takenAt: new Date(Date.now() + 86_400_000).toISOString() },
        '/body/takenAt',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await put(hub.token, camera.id, body);
      expect(res.statusCode, field).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
    }
    const after = (await alice.api.GET('/api/cameras/{id}/snapshot', { params: { path: { id: camera.id } } }))
      .data!.ciphertext;
    expect(after).toBe(before);
  });

  it('exists only for its owner: other residents, moderators and other owners’ hubs get 404', async () => {
    const bob = await makeUser(t);
    await setUpVault(bob);
    const bobHub = await pairHub(bob);
    const moderator = await makeUser(t, { role: 'moderator' });
    for (const someone of [bob, moderator]) {
      expect((await someone.raw('GET', `/api/cameras/${camera.id}/snapshot`)).statusCode).toBe(404);
    }
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/cameras/${camera.id}/snapshot` })).statusCode,
    ).toBe(401);
    const res = await put(bobHub.token, camera.id, await snapshotBody(Buffer.from('bob was here')));
    expect(res.statusCode).toBe(404);
    const got = await alice.api.GET('/api/cameras/{id}/snapshot', { params: { path: { id: camera.id } } });
    const plain = await ageDecrypt(Buffer.from(got.data!.ciphertext, 'base64'), aliceKeys.identity);
    expect(plain.toString()).not.toContain('bob was here');
  });

  it('is refused from a revoked hub, and goes with its camera', async () => {
    const other = await makeCamera(alice, { name: 'Back yard' });
    const second = await pairHub(alice, 'Old hub');
    expect((await put(second.token, other.id, await snapshotBody())).statusCode).toBe(204);
    await alice.api.DELETE('/api/devices/{id}', { params: { path: { id: second.id } } });
    const revoked = await put(second.token, other.id, await snapshotBody());
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toMatchObject({ code: 'device_revoked' });

    await alice.api.DELETE('/api/cameras/{id}', { params: { path: { id: other.id } } });
    const rows = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM camera_snapshots');
    expect(rows.rows[0]!.n).toBe(1); // only the first camera's
  });
});
