/**
 * A real Porchlight server for hub tests: the application built exactly as in the server's own tests, on a
 * fresh PGlite copy, listening on an ephemeral port, with an owner who has vault keys, one camera with privacy
 * zones and a pairing code. Reusable by other packages' tests that drive a hub.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { generateIdentity, wrapIdentity } from '@porchlight/age';
import { startTestApp, type TestApp } from '../../../server/test/support/app.js';
import type { TestUser } from '../../../server/test/support/client.js';
import { HOME, makeUser } from '../../../server/test/support/factories.js';

export interface HubTestServer {
  url: string;
  app: TestApp;
  owner: TestUser;
  /** The owner's age identity (AGE-SECRET-KEY-1…) and a key file `age -d -i` can read. */
  identity: string;
  identityFile: string;
  recipient: string;
  camera: { id: string; name: string; privacyZones: string[] };
  /** A fresh single-use pairing code for the owner. */
  pairingCode(): Promise<string>;
  /** The owner's clips, newest first. */
  clips(): Promise<{ id: string; cameraId: string; startedAt: string; endedAt: string; sizeBytes: number }[]>;
  /** A clip's stored ciphertext. */
  ciphertext(id: string): Promise<Buffer>;
  /** Revokes every paired device of the owner. */
  revokeDevices(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server; `privacyZones` default to the left half of the frame. */
export async function startHubTestServer(options: { privacyZones?: string[] } = {}): Promise<HubTestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-server-'));
  const app = await startTestApp({ env: { PORCHLIGHT_DATA: dataDir } });
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
  const owner = await makeUser(app);
  const { identity, recipient } = await generateIdentity();
  const wrapped = await wrapIdentity(identity, 'owner passphrase', { logN: 10 });
  const keys = await owner.api.PUT('/api/vault/keys', {
    body: {
      recipient,
      wrappedIdentity: wrapped,
      recoveryWrappedIdentity: await wrapIdentity(identity, 'recovery', { logN: 10 }),
    },
  });
  if (keys.response.status !== 201)
    throw new Error(`vault keys: ${keys.response.status} ${JSON.stringify(keys.error)}`);
  const created = await owner.api.POST('/api/cameras', {
    body: {
      name: 'Front door',
      location: HOME,
      privacyZones: options.privacyZones ?? ['0,0,0.5,0,0.5,1,0,1'],
    },
  });
  if (!created.data) throw new Error(`camera: ${created.response.status} ${JSON.stringify(created.error)}`);
  const identityFile = path.join(dataDir, 'owner-key.txt');
  await writeFile(identityFile, `${identity}\n`, { mode: 0o600 });

  return {
    url,
    app,
    owner,
    identity,
    identityFile,
    recipient,
    camera: created.data,
    async pairingCode() {
      const res = await owner.api.POST('/api/devices/pairing-codes');
      if (!res.data) throw new Error(`pairing code: ${res.response.status}`);
      return res.data.code;
    },
    async clips() {
      const res = await owner.api.GET('/api/clips', { params: { query: {} } });
      if (!res.data) throw new Error(`clips: ${res.response.status}`);
      return res.data.items;
    },
    async ciphertext(id) {
      const res = await owner.raw('GET', `/api/clips/${id}/ciphertext`);
      if (res.statusCode !== 200) throw new Error(`ciphertext: ${res.statusCode}`);
      return res.rawPayload;
    },
    async revokeDevices() {
      const list = await owner.api.GET('/api/devices');
      for (const d of list.data?.items ?? [])
        await owner.api.DELETE('/api/devices/{id}', { params: { path: { id: d.id } } });
    },
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
