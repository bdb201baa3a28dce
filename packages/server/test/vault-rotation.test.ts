/**
 * Key rotation (issue 9, hole 5): the owner's browser makes a new identity and seals every retired one to it.
 * Old clips still open (through the sealed copies), new clips and hubs use the new recipient, hubs paired
 * under the old key are shown as needing a new pairing, and no rotation can drop a key old clips need.
 */
import { randomBytes } from 'node:crypto';
import { armor, dearmor, encrypt, decrypt } from '@porchlight/age';
import { armor as typageArmor, Encrypter } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import {
  ageDecrypt,
  ageEncrypt,
  makeCamera,
  ownerKeys,
  pairHub,
  setUpVault,
  uploadClip,
  wrap,
  type OwnerKeys,
} from './support/vault.js';

let t: TestApp;
let alice: TestUser;
let first: OwnerKeys;
let oldHub: { id: string; token: string };
let oldClip: string;
const plaintext = randomBytes(3000);

const seal = async (identity: string, recipient: string) =>
  armor(await encrypt(new TextEncoder().encode(identity), [recipient]));
const unseal = async (sealed: string, identity: string) =>
  new TextDecoder().decode(await decrypt(dearmor(sealed), [identity]));

interface Retired {
  generation: number;
  recipient: string;
  sealedIdentity: string;
}
const rotate = (user: TestUser, body: Record<string, unknown>) =>
  user.raw('POST', '/api/vault/keys/rotation', body);

/** A rotation body from `from` (all identities the browser holds, by generation) to `to`. */
async function rotation(previousRecipient: string, held: Map<number, OwnerKeys>, to: OwnerKeys) {
  const retiredKeys: Retired[] = [];
  for (const [generation, k] of held)
    retiredKeys.push({
      generation,
      recipient: k.recipient,
      sealedIdentity: await seal(k.identity, to.recipient),
    });
  return {
    previousRecipient,
    recipient: to.recipient,
    wrappedIdentity: to.wrappedIdentity,
    recoveryWrappedIdentity: to.recoveryWrappedIdentity,
    retiredKeys,
  };
}

beforeAll(async () => {
  t = await startTestApp();
  alice = await makeUser(t);
  first = await setUpVault(alice);
  const cameraId = (await makeCamera(alice)).id;
  oldHub = await pairHub(alice, 'Old hub');
  oldClip = await uploadClip(t.app, oldHub, cameraId, await ageEncrypt(plaintext, first.recipient));
});
afterAll(() => t.close());

describe('rotating the vault key', () => {
  let second: OwnerKeys;

  it('makes the new key current and keeps the old one only sealed to it; old clips still open', async () => {
    expect((await alice.api.GET('/api/devices')).data!.items[0]).toMatchObject({ keyCurrent: true });
    second = await ownerKeys();
    const res = await rotate(alice, await rotation(first.recipient, new Map([[1, first]]), second));
    expect(res.statusCode, res.body).toBe(200);

    const keys = (await alice.api.GET('/api/vault/keys')).data!;
    expect(keys).toMatchObject({ recipient: second.recipient, generation: 2 });
    expect(keys.retiredKeys).toHaveLength(1);
    expect(keys.retiredKeys[0]).toMatchObject({ generation: 1, recipient: first.recipient });
    // Nothing the server holds opens with the old passphrase any more; the old identity comes back only
    // through the new one, and it still opens the clip from before the rotation.
    expect(JSON.stringify(keys)).not.toContain(first.wrappedIdentity);
    const old = await unseal(keys.retiredKeys[0]!.sealedIdentity, second.identity);
    expect(old).toBe(first.identity);
    const ciphertext = (await alice.raw('GET', `/api/clips/${oldClip}/ciphertext`)).rawPayload;
    expect(await ageDecrypt(ciphertext, old)).toEqual(plaintext);

    // Hubs get the new recipient — a pinned hub refuses it — and the old pairing is shown as stale.
    const config = await t.app.inject({
      method: 'GET',
      url: '/api/hub/config',
      headers: { authorization: `Bearer ${oldHub.token}` },
    });
    expect(config.json()).toMatchObject({ recipient: second.recipient });
    await pairHub(alice, 'New hub');
    const devices = (await alice.api.GET('/api/devices')).data!.items;
    expect(devices.map((d) => [d.name, d.keyCurrent])).toEqual([
      ['Old hub', false],
      ['New hub', true],
    ]);

    const events = await t.database.db.query<{ data: { generation: number } }>(
      "SELECT data FROM events WHERE type = 'vault.keys_rotated'",
    );
    expect(events.rows.map((r) => r.data)).toEqual([{ generation: 2 }]);
  });

  it('refuses a rotation that would drop a key old clips need', async () => {
    const third = await ownerKeys();
    // Generation 1 left out: its clips would become unreadable.
    const body = await rotation(second.recipient, new Map([[2, second]]), third);
    const res = await rotate(alice, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: '/body/retiredKeys', message: expect.stringContaining('(1, 2)') as string }],
    });
    // A recipient swapped for another key is the same as a missing one.
    const swapped = await rotation(
      second.recipient,
      new Map([
        [1, third],
        [2, second],
      ]),
      third,
    );
    expect((await rotate(alice, swapped)).statusCode).toBe(400);
  });

  it('refuses a stale page, a passphrase-sealed copy and a non-new key, with the field named', async () => {
    const third = await ownerKeys();
    const held = new Map([
      [1, first],
      [2, second],
    ]);
    const stale = await rotate(alice, await rotation(first.recipient, held, third));
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      code: 'conflict',
      detail: expect.stringContaining('reload') as string,
    });

    const body = await rotation(second.recipient, held, third);
    body.retiredKeys[0]!.sealedIdentity = await wrap(first.identity, 'a passphrase the operator can guess');
    const scrypt = await rotate(alice, body);
    expect(scrypt.statusCode).toBe(400);
    expect(scrypt.json()).toMatchObject({
      errors: [
        { field: '/body/retiredKeys/0/sealedIdentity', message: expect.stringContaining('X25519') as string },
      ],
    });

    // A rotation cannot weaken the passphrase wrapping below the instance's minimum work factor.
    const weak = new Encrypter();
    weak.setPassphrase(third.passphrase);
    weak.setScryptWorkFactor(5);
    const weakened = await rotation(second.recipient, held, third);
    weakened.wrappedIdentity = typageArmor.encode(await weak.encrypt(third.identity));
    const weakRes = await rotate(alice, weakened);
    expect(weakRes.statusCode).toBe(400);
    expect(weakRes.json()).toMatchObject({
      errors: [
        { field: '/body/wrappedIdentity', message: expect.stringContaining('work factor 2^5') as string },
      ],
    });

    const same = await rotate(alice, await rotation(second.recipient, held, second));
    expect(same.statusCode).toBe(400);
    expect(same.json()).toMatchObject({ errors: [{ field: '/body/recipient' }] });
  });

  it('rotates again, carrying every retired key to the newest one', async () => {
    const third = await ownerKeys();
    const held = new Map([
      [1, first],
      [2, second],
    ]);
    const res = await rotate(alice, await rotation(second.recipient, held, third));
    expect(res.statusCode, res.body).toBe(200);
    const keys = (await alice.api.GET('/api/vault/keys')).data!;
    expect(keys.generation).toBe(3);
    expect(await Promise.all(keys.retiredKeys.map((r) => unseal(r.sealedIdentity, third.identity)))).toEqual([
      first.identity,
      second.identity,
    ]);
  });

  it('is only for the owner of a vault', async () => {
    const bob = await makeUser(t);
    const res = await rotate(bob, await rotation(first.recipient, new Map([[1, first]]), await ownerKeys()));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'vault_not_set_up' });
  });
});
