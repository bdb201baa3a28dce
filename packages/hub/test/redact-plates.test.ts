import { copyFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { boxAt, emptyRedaction, iou, padBox, type Box } from '@porchlight/redact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../src/ffmpeg.js';
import { loadPlateDetector, plateTracks, platesInImage } from '../src/redact/plates.js';
import { renderRedaction } from '../src/redact/render.js';
import { carWithPlate } from '../../../e2e/support/redact.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer } from './support/server.js';
import { detail, difference, frame, inRect, type Rect } from './support/video.js';

const W = 640;
const H = 360;
let dir: string;

const PLATE: Rect = { x: 220, y: 230, w: 200, h: 46 };
const pixels = (b: Box): Rect => ({ x: b.x * W, y: b.y * H, w: b.w * W, h: b.h * H });
/** Share of `r` inside `box` (0–1). */
function covered(r: Rect, box: Rect): number {
  const w = Math.min(r.x + r.w, box.x + box.w) - Math.max(r.x, box.x);
  const h = Math.min(r.y + r.h, box.y + box.h) - Math.max(r.y, box.y);
  return w <= 0 || h <= 0 ? 0 : (w * h) / (r.w * r.h);
}

/** 3 s at 25 fps: a car (panel and plate, drawn once) slides `speed` px/s to the right from plate x = `x`. */
const drives = new Map<string, Promise<string>>();
function driveClip(x = PLATE.x, speed = 40): Promise<string> {
  const key = `${x}-${speed}`;
  const made = drives.get(key);
  if (made) return made;
  const making = (async () => {
    const clip = path.join(dir, `drive-${key}.mp4`);
    const car: Rect = { x: 70, y: 110, w: PLATE.w, h: PLATE.h };
    await runTool('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=0x606468:s=${W}x${H}:r=25:d=3[bg];` +
        `color=c=0x404448:s=${PLATE.w + 140}x200:r=25:d=3,${carWithPlate(car)}[car];` +
        `[bg][car]overlay=x='${x - car.x}+trunc(${speed}*t)':y=${PLATE.y - car.y}`,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-preset',
      'veryfast',
      clip,
    ]);
    return clip;
  })();
  drives.set(key, making);
  return making;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'porchlight-plates-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('licence-plate detection (opencv-data cascade) on the hub', () => {
  it('boxes a rendered plate in a still image, and finds nothing in the same scene without it', async () => {
    const withPlate = path.join(dir, 'plate.png');
    const without = path.join(dir, 'no-plate.png');
    const scene = `color=c=0x606468:s=${W}x${H}`;
    await runTool('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `${scene},${carWithPlate(PLATE)}`,
      '-frames:v',
      '1',
      withPlate,
    ]);
    await runTool('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `${scene},drawbox=x=150:y=120:w=340:h=200:color=0x404448:t=fill`,
      '-frames:v',
      '1',
      without,
    ]);
    const found = await platesInImage(withPlate);
    expect(found.length).toBeGreaterThanOrEqual(1);
    const best = Math.max(...found.map((d) => covered(PLATE, pixels(padBox(d.box, 0.15)))));
    // The padded box the renderer blurs covers (almost) the whole plate.
    expect(best).toBeGreaterThan(0.95);
    expect(found.every((d) => d.kind === 'plate')).toBe(true);
    expect(await platesInImage(without)).toEqual([]);
  });

  it('tracks a plate moving through a clip and the hub renderer blurs it where it is', async () => {
    const clip = await driveClip();
    const { tracks, frames } = await plateTracks(clip, { sampleFps: 2 });
    expect(frames).toBe(6);
    expect(tracks.length).toBeGreaterThanOrEqual(1);
    expect(tracks.every((t) => t.kind === 'plate' && t.source === 'detector')).toBe(true);
    const main = tracks.reduce((a, b) => (a.keyframes.length >= b.keyframes.length ? a : b));
    expect(main.keyframes.length).toBeGreaterThanOrEqual(5);
    // At 2.2 s (between samples) the interpolated, padded box still covers the moved plate.
    const at = boxAt(main, 2.2)!;
    const moved = { ...PLATE, x: PLATE.x + 88 };
    expect(covered(moved, pixels(padBox(at, 0.15)))).toBeGreaterThan(0.9);
    expect(iou(at, { x: moved.x / W, y: moved.y / H, w: moved.w / W, h: moved.h / H })).toBeGreaterThan(0.3);

    const out = path.join(dir, 'drive-redacted.mp4');
    await renderRedaction(clip, out, { ...emptyRedaction(), blur: 'pixelate', tracks });
    const src = await frame(clip, 55);
    const red = await frame(out, 55);
    const inner = { x: moved.x + 10, y: moved.y + 8, w: moved.w - 20, h: moved.h - 16 };
    expect(detail(red, W, inner)).toBeLessThan(detail(src, W, inner) * 0.35);
  });

  it('names the missing Debian package when the cascade is not installed, and rejects a file that is not one', async () => {
    await expect(loadPlateDetector(path.join(dir, 'nope.xml'))).rejects.toThrow(/opencv-data/);
    const bogus = path.join(dir, 'bogus.xml');
    await writeFile(bogus, '<?xml version="1.0"?><opencv_storage></opencv_storage>');
    await expect(loadPlateDetector(bogus)).rejects.toThrow(/could not be loaded/);
  });
});

describe('auto-blur of licence plates at ingest', () => {
  it('blurs the plate of a camera set to "plates" before the clip is encrypted, and nothing far from it', async () => {
    const server = await startHubTestServer();
    const stateDir = await pairedStateDir(server);
    const folder = await mkdtemp(path.join(dir, 'drop-'));
    const { hub, waitSettled } = await runHub(stateDir, {
      sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 200 }],
      autoBlur: { [server.camera.id]: { plates: true, blur: 'pixelate' } },
    });
    try {
      // In the right half: the test camera's privacy zone blacks out the left half first.
      const clip = await driveClip(380, 15);
      const staged = path.join(dir, 'staged.mp4');
      await copyFile(clip, staged);
      await rename(staged, path.join(folder, 'drive.mp4'));
      const [done] = await waitSettled(1, 120_000);
      expect(done).toMatchObject({ stage: 'done', afterZonesDone: true });
      const ct = path.join(dir, 'vault.age');
      const out = path.join(dir, 'vault.mp4');
      const [stored] = await server.clips();
      await writeFile(ct, await server.ciphertext(stored!.id));
      await runTool('age', ['-d', '-i', server.identityFile, '-o', out, ct]);
      // Top right: above the car's path, outside the zone.
      const corner: Rect = { x: 500, y: 8, w: 130, h: 80 };
      for (const n of [10, 35, 60]) {
        const [before, after] = await Promise.all([frame(clip, n), frame(out, n)]);
        const x = 380 + Math.trunc((15 * n) / 25);
        const inner = { x: x + 10, y: PLATE.y + 8, w: PLATE.w - 20, h: PLATE.h - 16 };
        expect(detail(after, W, inner), `plate at frame ${n}`).toBeLessThan(detail(before, W, inner) * 0.35);
        expect(difference(before, after, W, (px, py) => inRect(corner, px, py))).toBeLessThan(6);
      }
    } finally {
      await hub.stop();
      await rm(stateDir, { recursive: true, force: true });
      await server.close();
    }
  }, 180_000);
});
