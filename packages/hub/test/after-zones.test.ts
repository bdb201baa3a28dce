import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../src/ffmpeg.js';
import { Journal } from '../src/journal.js';
import type { AfterZones } from '../src/pipeline.js';
import { makeTestClip } from './support/fake-frigate.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';
import { ffmpeg } from './support/video.js';

/** The pipeline's hook for auto-blur at ingest: after the zones, before encryption, once per clip. */
const run = promisify(execFile);
let server: HubTestServer;
let scratch: string;
beforeAll(async () => {
  server = await startHubTestServer();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-after-zones-'));
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('the after-zones step', () => {
  it('runs once on the zoned video, and what it writes is what is encrypted and uploaded', async () => {
    const stateDir = await pairedStateDir(server);
    const folder = await mkdtemp(path.join(scratch, 'drop-'));
    const calls: { input: string; zonedFirst: boolean }[] = [];
    // Stands in for auto-blur: keeps only the first second, so the uploaded video shows whether it was used.
    const afterZones: AfterZones = async (_record, input, output) => {
      calls.push({ input, zonedFirst: input.endsWith('.zoned.mp4') });
      await ffmpeg(['-i', input, '-t', '1', '-c', 'copy', '-y', output]);
      return true;
    };
    const { hub, waitSettled } = await runHub(
      stateDir,
      { sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 200 }] },
      { afterZones },
    );
    try {
      const staged = path.join(scratch, 'staged.mp4');
      await makeTestClip(staged, 3, 160, 120);
      await rename(staged, path.join(folder, 'a.mp4'));
      const [done] = await waitSettled(1);
      expect(done).toMatchObject({ stage: 'done', afterZonesDone: true });
      expect(calls).toEqual([{ input: expect.any(String) as string, zonedFirst: true }]);
      const ct = path.join(scratch, 'a.age');
      const out = path.join(scratch, 'a.mp4');
      const [clip] = await server.clips();
      await writeFile(ct, await server.ciphertext(clip!.id));
      await run('age', ['-d', '-i', server.identityFile, '-o', out, ct]);
      expect((await probeVideo(out)).durationSeconds).toBeCloseTo(1, 0);
      // No plaintext left behind: neither the zoned file nor the step's output.
      expect(await readdir(path.join(stateDir, 'work'))).toEqual([]);
      expect((await Journal.open(stateDir)).get(done!.ref)?.afterZonesDone).toBe(true);
    } finally {
      await hub.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
