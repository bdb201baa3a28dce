/**
 * tus interoperability over a real listening port with tus-js-client (the client nobody here wrote): an
 * upload interrupted mid-request resumes from the server's offset and the stored object is byte-identical.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import * as tusClient from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { makeUser } from './support/factories.js';
import { listen } from './support/sse.js';
import {
  ageDecrypt,
  ageEncrypt,
  clipTimes,
  makeCamera,
  pairHub,
  setUpVault,
  type OwnerKeys,
} from './support/vault.js';

let t: TestApp;
let origin: string;
let keys: OwnerKeys;
let token: string;
let cameraId: string;

beforeAll(async () => {
  t = await startTestApp();
  origin = await listen(t.app);
  const alice = await makeUser(t);
  keys = await setUpVault(alice);
  cameraId = (await makeCamera(alice)).id;
  token = (await pairHub(alice)).token;
});
afterAll(() => t.close());

interface Outcome {
  url: string;
  clipId: string | null;
  offsets: number[];
  error?: Error;
}

/**
 * A TCP proxy in front of the server that cuts the connection once `cutAfter` bytes went upstream, like a
 * network failure mid-PATCH (aborting in the client is too late: a local socket takes megabytes at once).
 */
async function cuttingProxy(target: string, cutAfter: number) {
  const { port } = new URL(target);
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), '127.0.0.1');
    let sent = 0;
    client.on('data', (d: Buffer) => {
      sent += d.length;
      if (sent > cutAfter) {
        client.destroy();
        upstream.destroy();
      } else upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.1:${addr.port}`,
    close: () =>
      new Promise<void>((r) =>
        server.close(() => {
          r();
        }),
      ),
  };
}

/** Runs a tus-js-client upload to completion or to its first failure (no retries). */
function upload(
  data: Buffer,
  opts: { base?: string; uploadUrl?: string; metadata?: Record<string, string> },
) {
  return new Promise<Outcome>((resolve) => {
    const offsets: number[] = [];
    let clipId: string | null = null;
    const u = new tusClient.Upload(data, {
      endpoint: `${opts.base ?? origin}/api/uploads`,
      ...(opts.uploadUrl ? { uploadUrl: opts.uploadUrl } : {}),
      headers: { Authorization: `Bearer ${token}` },
      metadata: opts.metadata ?? { cameraId: cameraId, ...clipTimes() },
      retryDelays: [],
      onProgress: (sent) => offsets.push(sent),
      onAfterResponse: (_req, res) => {
        clipId = res.getHeader('Porchlight-Clip-Id') ?? clipId;
      },
      onSuccess: () => {
        resolve({ url: u.url!, clipId, offsets });
      },
      onError: (error) => {
        resolve({ url: u.url!, clipId, offsets, error });
      },
    });
    u.start();
  });
}

async function serverOffset(url: string): Promise<number> {
  const res = await fetch(url, {
    method: 'HEAD',
    headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return Number(res.headers.get('upload-offset'));
}

/** The upload's offset once the server has stored something of it (it finishes writing after a cut). */
async function storedOffset(url: string): Promise<number> {
  let offset = 0;
  for (let i = 0; i < 100 && offset === 0; i++) {
    offset = await serverOffset(url);
    if (offset === 0) await new Promise((r) => setTimeout(r, 100));
  }
  return offset;
}

describe('tus-js-client', () => {
  it('uploads, is interrupted mid-request, resumes from the server offset, and the clip is byte-identical', async () => {
    const plaintext = randomBytes(12 * 1024 * 1024);
    const ciphertext = await ageEncrypt(plaintext, keys.recipient);

    const proxy = await cuttingProxy(origin, 3 * 1024 * 1024);
    const first = await upload(ciphertext, { base: proxy.origin });
    await proxy.close();
    expect(first.error).toBeDefined();
    expect(first.clipId).toBeNull();
    first.url = first.url.replace(proxy.origin, origin);
    // The server keeps what arrived before the connection dropped.
    const offset = await storedOffset(first.url);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(ciphertext.length);

    const second = await upload(ciphertext, { uploadUrl: first.url });
    expect(second.error).toBeUndefined();
    expect(second.url).toBe(first.url);
    // The resumed request started where the server was, not at zero.
    expect(second.offsets[0]).toBeGreaterThanOrEqual(offset);
    expect(second.clipId).toMatch(/^cl_[A-Za-z0-9_-]{22}$/);

    const stored = await fetch(`${origin}/api/clips/${second.clipId}`, {}).then((r) => r.status);
    expect(stored).toBe(401); // the device token is for uploads and the hub config only

    const row = await t.database.db.query<{ blob_key: string; sha256: string; size_bytes: number }>(
      'SELECT blob_key, sha256, size_bytes FROM clips WHERE public_id = $1',
      [second.clipId],
    );
    const clip = row.rows[0]!;
    expect(clip.size_bytes).toBe(ciphertext.length);
    expect(clip.sha256).toBe(createHash('sha256').update(ciphertext).digest('hex'));
    const chunks: Buffer[] = [];
    for await (const c of await t.deps.blobs!.read(clip.blob_key)) chunks.push(c as Buffer);
    const blob = Buffer.concat(chunks);
    expect(blob.equals(ciphertext)).toBe(true);
    expect((await ageDecrypt(blob, keys.identity)).equals(plaintext)).toBe(true);

    // Resuming a finished upload reports it complete and names the clip.
    const head = await fetch(first.url, {
      method: 'HEAD',
      headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}` },
    });
    expect(head.headers.get('upload-offset')).toBe(String(ciphertext.length));
    expect(head.headers.get('porchlight-clip-id')).toBe(second.clipId);
  });

  it('resumes on another API process (same database and blob store) than the one that was cut off', async () => {
    const other = await startTestApp({ database: t.database, blobs: t.deps.blobs! });
    try {
      const otherOrigin = await listen(other.app);
      const ciphertext = await ageEncrypt(randomBytes(6 * 1024 * 1024), keys.recipient);
      const proxy = await cuttingProxy(origin, 2 * 1024 * 1024);
      const first = await upload(ciphertext, { base: proxy.origin });
      await proxy.close();
      expect(first.error).toBeDefined();
      const resumeUrl = first.url.replace(proxy.origin, otherOrigin);
      // The cut-off process stores what arrived after the socket closed; the other process sees it once stored.
      const offset = await storedOffset(resumeUrl);
      expect(offset).toBeGreaterThan(0);
      const second = await upload(ciphertext, { uploadUrl: resumeUrl });
      expect(second.error).toBeUndefined();
      expect(second.offsets[0]).toBeGreaterThanOrEqual(offset);
      const row = await t.database.db.query<{ sha256: string }>(
        'SELECT sha256 FROM clips WHERE public_id = $1',
        [second.clipId],
      );
      expect(row.rows[0]!.sha256).toBe(createHash('sha256').update(ciphertext).digest('hex'));
    } finally {
      await other.close();
    }
  });

  it('gets the 422 for a file that is not age ciphertext, and nothing is kept', async () => {
    const before = await t.deps.blobs!.list();
    const { error } = await upload(randomBytes(4096), {});
    const res = (error as tusClient.DetailedError).originalResponse!;
    expect(res.getStatus()).toBe(422);
    expect(JSON.parse(res.getBody())).toMatchObject({ code: 'not_age_ciphertext' });
    expect(await t.deps.blobs!.list()).toEqual(before);
  });
});
