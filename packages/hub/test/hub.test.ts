import { execFile } from 'node:child_process';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../src/ffmpeg.js';
import { runCli } from './support/cli.js';
import { startFakeFrigate, type FakeFrigate } from './support/fake-frigate.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';
import { grayFrame, lumaStats } from './support/video.js';

const run = promisify(execFile);
let server: HubTestServer;
const cleanup: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  // The left half of the frame is a neighbour's window.
  server = await startHubTestServer({ privacyZones: ['0,0,0.5,0,0.5,1,0,1'] });
});
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
  await server.close();
});

/** Downloads a stored clip and decrypts it with the Debian `age` CLI. */
async function decryptWithAgeCli(clipId: string): Promise<string> {
  const dir = path.dirname(server.identityFile);
  const ct = path.join(dir, `clip-${clipId}.age`);
  const out = path.join(dir, `clip-${clipId}.mp4`);
  await writeFile(ct, await server.ciphertext(clipId));
  await run('age', ['-d', '-i', server.identityFile, '-o', out, ct]);
  return out;
}

describe('hub with Frigate and a real server', () => {
  for (const version of ['0.14.1-f4f3cfa', '0.18.0-8f2a1b3']) {
    it(`uploads a Frigate ${version} review as age ciphertext with the privacy zone burned in`, async () => {
      const frigate: FakeFrigate = await startFakeFrigate({ version, width: 640, height: 360 });
      cleanup.push(() => frigate.close());
      const stateDir = await pairedStateDir(server);
      cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
      expect((await stat(path.join(stateDir, 'device.json'))).mode & 0o777).toBe(0o600);
      const before = (await server.clips()).length;

      const { hub, lines, waitSettled } = await runHub(stateDir, {
        sources: [
          {
            type: 'frigate',
            url: frigate.url,
            mqtt: frigate.mqttUrl!,
            cameras: { front_door: server.camera.id },
            pollSeconds: 0,
          },
        ],
      });
      cleanup.push(() => hub.stop());
      await frigate.subscribed();
      const review = await frigate.addReview({ camera: 'front_door', seconds: 4 });
      const [done] = await waitSettled(1);
      expect(done).toMatchObject({ ref: `frigate:${review.id}`, stage: 'done' });
      expect(lines.some((l) => l.endsWith('upload 100%'))).toBe(true);

      const clips = await server.clips();
      expect(clips).toHaveLength(before + 1);
      const clip = clips[0]!;
      expect(clip.cameraId).toBe(server.camera.id);
      expect(Date.parse(clip.startedAt)).toBe(Math.round(review.start_time * 1000));
      // No plaintext (or ciphertext) is left behind in the work dir.
      expect(await readdir(path.join(stateDir, 'work'))).toEqual([]);
      expect((await stat(path.join(stateDir, 'journal.json'))).mode & 0o777).toBe(0o600);

      const ciphertext = await server.ciphertext(clip.id);
      expect(ciphertext.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
      const video = await decryptWithAgeCli(clip.id);
      expect(await probeVideo(video)).toMatchObject({ width: 640, height: 360, videoCodec: 'h264' });
      const frame = await grayFrame(video, 2);
      expect(lumaStats(frame, 640, (x) => x < 316).max).toBeLessThanOrEqual(20);
      expect(lumaStats(frame, 640, (x) => x > 330).mean).toBeGreaterThan(60);
      await hub.stop();

      const status = await runCli(['status', '--state-dir', stateDir]);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`hub "test hub" paired with ${server.url}`);
      expect(status.stdout).toContain('server: ok (1 camera(s): Front door');
      expect(status.stdout).toMatch(
        new RegExp(`clips: 1 done\\n.*done +frigate:${review.id.replace('.', '\\.')}`),
      );
    });
  }
});
