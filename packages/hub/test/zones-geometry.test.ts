import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burnInZones, probeVideo } from '../src/ffmpeg.js';
import { displayedFrame, makeCameraClip, type ClipShape } from './support/video.js';

/**
 * G6: a zone is black on every output frame at that frame's displayed geometry — whatever the camera did to
 * the stream's size, rotation or pixel shape — and the rest of the picture is left as the camera saw it.
 * The zones are rectangles so this test can tell inside from outside without the hub's own rasteriser.
 */
const RECTS = [
  { x0: 0.05, y0: 0.05, x1: 0.45, y1: 0.5 },
  { x0: 0.6, y0: 0.55, x1: 0.95, y1: 0.9 },
] as const;
const ZONES = RECTS.map((r) => [r.x0, r.y0, r.x1, r.y0, r.x1, r.y1, r.x0, r.y1].join(','));

/** Distance in pixels from (x, y) to the nearest zone edge: positive inside a zone, negative outside all. */
function depth(x: number, y: number, w: number, h: number): number {
  let best = -Infinity;
  for (const r of RECTS) {
    const px = x + 0.5;
    const py = y + 0.5;
    const d = Math.min(px - r.x0 * w, r.x1 * w - px, py - r.y0 * h, r.y1 * h - py);
    best = Math.max(best, d);
  }
  return best;
}

/** Checks one output frame against the input's displayed frame at the same time. */
async function checkFrame(
  output: string,
  input: string,
  seconds: number,
  { width: w, height: h }: { width: number; height: number },
) {
  const [out, ref] = await Promise.all([
    displayedFrame(output, seconds),
    displayedFrame(input, seconds, w, h),
  ]);
  expect(out.length, `output frame at ${seconds}s is ${w}×${h}`).toBe(w * h);
  let insideMax = 0;
  let inside = 0;
  let diff = 0;
  let outside = 0;
  let refInsideMax = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = depth(x, y, w, h);
      const i = y * w + x;
      // Stay a few pixels off the edges, where scaling and the encoder blend zone and picture.
      if (d >= 3) {
        insideMax = Math.max(insideMax, out[i]!);
        refInsideMax = Math.max(refInsideMax, ref[i]!);
        inside++;
      } else if (d <= -6) {
        diff += Math.abs(out[i]! - ref[i]!);
        outside++;
      }
    }
  }
  // The input really has picture there, so black means the zone was burned in.
  expect(refInsideMax, `input has picture in the zones at ${seconds}s`).toBeGreaterThan(150);
  expect(inside).toBeGreaterThan(0.1 * w * h);
  expect(insideMax, `brightest pixel inside the zones at ${seconds}s`).toBeLessThanOrEqual(20);
  expect(diff / outside, `mean difference outside the zones at ${seconds}s`).toBeLessThan(6);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hub-geometry-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function burn(name: string, segments: ClipShape[]) {
  const input = path.join(dir, `${name}.mp4`);
  const output = path.join(dir, `${name}.out.mp4`);
  await makeCameraClip(input, segments);
  await burnInZones(input, output, ZONES, { workDir: dir });
  return { input, output, info: await probeVideo(output) };
}

describe('privacy zones hold at every frame geometry', { timeout: 180_000 }, () => {
  it('covers the zones after the stream changes size mid-clip (640×360 → 1280×720 → 640×360)', async () => {
    const { input, output, info } = await burn('resize', [
      { width: 640, height: 360, seconds: 2 },
      { width: 1280, height: 720, seconds: 2 },
      { width: 640, height: 360, seconds: 2 },
    ]);
    for (const t of [0.55, 2.05, 3.55, 4.05, 5.55]) await checkFrame(output, input, t, info);
    // One output geometry for the whole clip: the largest the camera sent.
    expect(info).toMatchObject({ width: 1280, height: 720 });
  });

  for (const rotate of [90, 270] as const) {
    it(`covers the zones of the displayed (portrait) picture of a clip with rotate=${rotate} metadata`, async () => {
      const { input, output, info } = await burn(`rot${rotate}`, [
        { width: 640, height: 360, seconds: 3, rotate },
      ]);
      for (const t of [0.55, 2.55]) await checkFrame(output, input, t, info);
      // The frames themselves are upright: no rotation left for a player to apply twice.
      expect(info).toMatchObject({ width: 360, height: 640, rotation: 0 });
    });
  }

  it('covers the zones of a rotated clip that also changes size', async () => {
    const { input, output, info } = await burn('rot-resize', [
      { width: 640, height: 360, seconds: 2, rotate: 90 },
      { width: 1280, height: 720, seconds: 2 },
    ]);
    for (const t of [0.55, 3.05]) await checkFrame(output, input, t, info);
    expect(info).toMatchObject({ width: 720, height: 1280 });
  });

  it('writes square pixels for non-square input (480×360 at SAR 4:3 is shown 640×360)', async () => {
    const { input, output, info } = await burn('sar', [{ width: 480, height: 360, seconds: 2, sar: '4/3' }]);
    await checkFrame(output, input, 1.05, info);
    expect(info).toMatchObject({ width: 640, height: 360, sar: '1:1' });
  });

  it('covers the zones of a portrait camera (360×640)', async () => {
    const { input, output, info } = await burn('portrait', [{ width: 360, height: 640, seconds: 2 }]);
    await checkFrame(output, input, 1.05, info);
    expect(info).toMatchObject({ width: 360, height: 640 });
  });

  it('handles odd frame sizes (321×241), which H.264 4:2:0 cannot store as is', async () => {
    const { input, output, info } = await burn('odd', [{ width: 321, height: 241, seconds: 2 }]);
    await checkFrame(output, input, 1.05, info);
    expect(info).toMatchObject({ width: 320, height: 240 });
  });
});
