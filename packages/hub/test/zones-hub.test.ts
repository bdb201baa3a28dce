import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../src/ffmpeg.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';
import { displayedFrame, lumaStats, makeCameraClip } from './support/video.js';

const run = promisify(execFile);
let server: HubTestServer;
let dir: string;
beforeAll(async () => {
  // The left half of the picture as the owner sees it is a neighbour's window.
  server = await startHubTestServer({ privacyZones: ['0,0,0.5,0,0.5,1,0,1'] });
  dir = await mkdtemp(path.join(os.tmpdir(), 'hub-zones-e2e-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a portrait doorbell clip from the folder, through the hub to the vault', () => {
  it('arrives upright with the left half of the displayed picture black on frames before and after a size change', async () => {
    const clip = path.join(dir, 'doorbell.mp4');
    await makeCameraClip(clip, [
      { width: 640, height: 360, seconds: 2, rotate: 90 },
      { width: 1280, height: 720, seconds: 2 },
    ]);
    const folder = await mkdtemp(path.join(dir, 'drop-'));
    const stateDir = await pairedStateDir(server);
    const { hub, waitSettled } = await runHub(stateDir, {
      sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 200 }],
    });
    try {
      await copyFile(clip, path.join(folder, 'doorbell.mp4'));
      const [done] = await waitSettled(1, 120_000);
      expect(done).toMatchObject({ stage: 'done' });
    } finally {
      await hub.stop();
    }
    const [stored] = await server.clips();
    const ct = path.join(dir, 'stored.age');
    const video = path.join(dir, 'stored.mp4');
    await writeFile(ct, await server.ciphertext(stored!.id));
    await run('age', ['-d', '-i', server.identityFile, '-o', video, ct]);
    expect(await probeVideo(video)).toMatchObject({ width: 720, height: 1280, rotation: 0 });
    for (const t of [1.05, 3.05]) {
      const frame = await displayedFrame(video, t);
      expect(lumaStats(frame, 720, (x) => x < 350).max, `left half at ${t}s`).toBeLessThanOrEqual(20);
      expect(lumaStats(frame, 720, (x) => x > 370).mean, `right half at ${t}s`).toBeGreaterThan(40);
    }
    await rm(stateDir, { recursive: true, force: true });
  }, 180_000);
});
