import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burnInZones } from '../src/ffmpeg.js';
import { displayTransform, planGeometry } from '../src/geometry.js';
import { checkZonesBurnedIn } from '../src/zone-check.js';
import { parseZone, rasteriseZones } from '../src/zones.js';
import { runCli } from './support/cli.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';
import { makeCameraClip, setDisplayMatrix } from './support/video.js';

/** G6, the other half: when the hub cannot guarantee the zones it uploads nothing and says why. */
let dir: string;
let server: HubTestServer;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hub-fail-closed-'));
  server = await startHubTestServer({ privacyZones: ['0,0,0.5,0,0.5,1,0,1'] });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const ZONE = '0,0,0.5,0,0.5,1,0,1';

describe('privacy zones fail closed', () => {
  it('plans no geometry for a mirrored picture or a rotation that is not a multiple of 90°', () => {
    const stream = { width: 640, height: 360, sar: '1:1' };
    expect(() => planGeometry(stream, { rotation: 180, mirrored: true }, [])).toThrow(
      /cannot be guaranteed.*mirrors the picture/,
    );
    expect(() => planGeometry(stream, { rotation: 315, mirrored: false }, [])).toThrow(
      /rotates by 315°, not a multiple of 90°/,
    );
    expect(
      displayTransform([
        {
          side_data_type: 'Display Matrix',
          displaymatrix: '\n00000000: -65536 0 0\n00000001: 0 65536 0\n00000002: 0 0 1073741824\n',
          rotation: -180,
        },
      ]),
    ).toEqual({ rotation: 180, mirrored: true });
  });

  it('refuses a tilted clip before encoding and leaves no output behind', async () => {
    const input = path.join(dir, 'tilted.mp4');
    await makeCameraClip(input, [{ width: 640, height: 360, seconds: 1 }]);
    await setDisplayMatrix(input, [46341, 46341, -46341, 46341]);
    const output = path.join(dir, 'tilted.out.mp4');
    await expect(burnInZones(input, output, [ZONE], { workDir: dir })).rejects.toThrow(
      /cannot be guaranteed for this clip, so it was not uploaded: .*rotates by 315°, not a multiple of 90°/,
    );
    await expect(copyFile(output, `${output}.copy`)).rejects.toThrow(/ENOENT/);
  });

  it('the frame check catches a video whose zones were not burned in', async () => {
    const input = path.join(dir, 'raw.mp4');
    await makeCameraClip(input, [{ width: 320, height: 180, seconds: 1 }]);
    const mask = rasteriseZones([parseZone(ZONE)], 320, 180);
    await expect(checkZonesBurnedIn(input, mask, 320, 180)).rejects.toThrow(
      /not uploaded: frame 1 shows picture inside a privacy zone/,
    );
    const wrongSize = rasteriseZones([parseZone(ZONE)], 640, 360);
    await expect(checkZonesBurnedIn(input, wrongSize, 640, 360)).rejects.toThrow(/not uploaded/);
  });

  it('a hub given a mirrored clip uploads nothing for it, marks it failed and status says why', async () => {
    const folder = await mkdtemp(path.join(dir, 'folder-'));
    const mirrored = path.join(dir, 'mirrored.mp4');
    const good = path.join(dir, 'good.mp4');
    await makeCameraClip(mirrored, [{ width: 640, height: 360, seconds: 1 }]);
    await setDisplayMatrix(mirrored, [-65536, 0, 0, 65536]);
    await makeCameraClip(good, [{ width: 640, height: 360, seconds: 1 }]);
    const stateDir = await pairedStateDir(server);
    const before = (await server.clips()).length;

    const { hub, lines, waitSettled } = await runHub(stateDir, {
      sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 200 }],
    });
    try {
      await copyFile(mirrored, path.join(folder, 'a-mirrored.mp4'));
      await copyFile(good, path.join(folder, 'b-good.mp4'));
      const settled = await waitSettled(2);
      const failed = settled.find((r) => r.input?.endsWith('a-mirrored.mp4') || r.stage === 'failed');
      expect(failed).toMatchObject({ stage: 'failed' });
      expect(failed!.error).toMatch(/privacy zones cannot be guaranteed.*mirrors the picture/);
      expect(settled.filter((r) => r.stage === 'done')).toHaveLength(1);
      expect(lines.some((l) => /^error: .*mirrors the picture.* — skipped$/.test(l))).toBe(true);
    } finally {
      await hub.stop();
    }
    // Only the good clip reached the server.
    expect(await server.clips()).toHaveLength(before + 1);
    const status = await runCli(['status', '--state-dir', stateDir]);
    expect(status.stdout).toMatch(/failed +folder:\S+ +\(privacy zones cannot be guaranteed.*mirrors/);
    await rm(stateDir, { recursive: true, force: true });
  });
});
