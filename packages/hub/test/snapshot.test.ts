import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredentials } from '../src/state.js';
import { Snapshots, snapshotFrame } from '../src/snapshot.js';
import { memoryReporter } from './support/context.js';
import { pairedStateDir } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';
import { displayedFrame, ffmpeg, makeCameraClip, type ClipShape } from './support/video.js';

/**
 * Issue 10's zone editor draws on a real frame: the hub sends one encrypted JPEG per camera, at exactly the
 * geometry it burns zones at (upright, square pixels, the clip's largest size).
 */
const run = promisify(execFile);
let scratch: string;
let server: HubTestServer;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-snapshot-'));
  server = await startHubTestServer();
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Gray pixels of a JPEG. */
const grayOf = (jpeg: string) => ffmpeg(['-i', jpeg, '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);

describe('camera snapshot for the zone editor', { timeout: 120_000 }, () => {
  for (const [name, shape, size] of [
    [
      'rotate=90 metadata (a portrait doorbell)',
      [{ width: 640, height: 360, seconds: 2, rotate: 90 }],
      [360, 640],
    ],
    [
      'non-square pixels (480×360 at SAR 4:3)',
      [{ width: 480, height: 360, seconds: 2, sar: '4/3' }],
      [640, 360],
    ],
    [
      'a size change mid-clip (640×360 → 1280×720)',
      [
        { width: 640, height: 360, seconds: 2 },
        { width: 1280, height: 720, seconds: 2 },
      ],
      [1280, 720],
    ],
  ] as [string, ClipShape[], [number, number]][]) {
    it(`is the upright picture at the burn-in's geometry: ${name}`, async () => {
      const input = path.join(scratch, `shape-${size.join('x')}.mp4`);
      const jpeg = path.join(scratch, `shape-${size.join('x')}.jpg`);
      await makeCameraClip(input, shape);
      const got = await snapshotFrame(input, jpeg);
      expect([got.width, got.height]).toEqual(size);
      const pixels = await grayOf(jpeg);
      expect(pixels.length).toBe(size[0] * size[1]);
      // The same picture a player shows at that moment (rotation applied), scaled to that size.
      const at = Math.min(1, shape.reduce((t, s) => t + s.seconds, 0) / 2);
      const reference = await displayedFrame(input, at, size[0], size[1]);
      let diff = 0;
      for (let i = 0; i < pixels.length; i++) diff += Math.abs(pixels[i]! - reference[i]!);
      expect(diff / pixels.length).toBeLessThan(12);
    });
  }

  it('is sent encrypted to the owner once a day per camera, and the owner (only) reads and decrypts it', async () => {
    const stateDir = await pairedStateDir(server);
    const credentials = await loadCredentials(stateDir);
    const work = await mkdtemp(path.join(scratch, 'work-'));
    const input = path.join(scratch, 'cam.mp4');
    await makeCameraClip(input, [{ width: 320, height: 180, seconds: 2 }]);
    const reporter = memoryReporter();
    const snapshots = new Snapshots(stateDir, credentials, reporter);
    const camera = { id: server.camera.id, name: server.camera.name };
    await snapshots.maybeTake(camera, input, server.recipient, work);
    await snapshots.maybeTake(camera, input, server.recipient, work);
    // Nothing is left in the work dir: no plaintext JPEG, no ciphertext.
    expect(await readdir(work)).toEqual([]);
    // Sent once (the second call is within the day), with no warning.
    expect(reporter.lines.filter((l) => l.includes('snapshot of camera'))).toEqual([
      expect.stringContaining(`sent an encrypted 320×180 snapshot of camera "${server.camera.name}"`),
    ]);
    const res = await server.owner.raw('GET', `/api/cameras/${server.camera.id}/snapshot`);
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.payload) as { ciphertext: string; width: number; height: number };
    expect(body).toMatchObject({ width: 320, height: 180 });
    const ct = path.join(scratch, 'snap.age');
    await writeFile(ct, Buffer.from(body.ciphertext, 'base64'));
    const { stdout } = await run('age', ['-d', '-i', server.identityFile, ct], { encoding: 'buffer' });
    expect(stdout.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff])); // a JPEG
    await rm(stateDir, { recursive: true, force: true });
  });

  it('is refused when it is not age ciphertext, or names a camera that is not the owner’s', async () => {
    const stateDir = await pairedStateDir(server);
    const { token } = await loadCredentials(stateDir);
    const put = (id: string, ciphertext: string) =>
      fetch(`${server.url}/api/hub/cameras/${id}/snapshot`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ciphertext, width: 320, height: 180, takenAt: new Date().toISOString() }),
      });
    // A plain JPEG dressed as the body: the server must not keep plaintext frames.
    const jpeg = path.join(scratch, 'plain.jpg');
    await snapshotFrame(path.join(scratch, 'cam.mp4'), jpeg);
    const plain = await put(server.camera.id, (await readFile(jpeg)).toString('base64'));
    expect(plain.status).toBe(400);
    expect(await plain.json()).toMatchObject({
      code: 'validation_failed',
      errors: [
        { field: '/body/ciphertext', message: expect.stringContaining('not age ciphertext') as unknown },
      ],
    });
    // Another owner's camera id, or one that does not exist: 404 for the hub, nothing stored.
    const other = await put(`ca_${'A'.repeat(22)}`, (await readFile(jpeg)).toString('base64'));
    expect(other.status).toBe(404);
    // The owner's earlier snapshot (from the test above) is still the one served.
    const res = await server.owner.raw('GET', `/api/cameras/${server.camera.id}/snapshot`);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.payload)).toMatchObject({ width: 320, height: 180 });
    await rm(stateDir, { recursive: true, force: true });
  });
});
