import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { runTool } from '../../packages/hub/src/ffmpeg.js';
import { detail, frame, type Rect } from '../../packages/hub/test/support/video.js';

/** The face-and-plate clip's size and rate. */
export const CLIP = { w: 640, h: 360, fps: 25 };
// A real photograph of a face that ships in the detector's npm package (Human's sample sheet): a man at a table.
const PHOTO = path.resolve(import.meta.dirname, '../../node_modules/@vladmandic/human/assets/samples.jpg');
/** A hand-drawn "licence plate": a white plate with black characters, still, bottom right. */
export const PLATE: Rect = { x: 470, y: 270, w: 130, h: 40 };
/**
 * Where the photographed face's centre is `t` seconds into the clip: the face is about 112–192 px across and
 * 20–120 px down inside the 260×220 picture, which slides right from x = 40 at 60 px/s.
 */
export const faceCentreAt = (t: number) => ({ x: 40 + 60 * t + 152, y: 100 });

/**
 * A dark car panel with a white number plate of black glyph strokes (no font needed) at `plate`, as ffmpeg
 * filters — a plate the opencv-data cascade finds (the doorbell clip's plate is deliberately one it does not).
 */
export function carWithPlate(plate: Rect): string {
  const x = `${plate.x}`;
  const glyphs = Array.from({ length: 6 }, (_, i) => {
    const gx = `${x}+${14 + i * 30}`;
    return [
      `drawbox=x=${gx}:y=${plate.y + 9}:w=6:h=${plate.h - 18}:color=black:t=fill`,
      `drawbox=x=${gx}+6:y=${plate.y + 9}:w=12:h=6:color=black:t=fill`,
      `drawbox=x=${gx}+6:y=${plate.y + plate.h - 15}:w=12:h=6:color=black:t=fill`,
      `drawbox=x=${gx}+14:y=${plate.y + 9}:w=6:h=${plate.h - 18}:color=black:t=fill`,
    ].join(',');
  });
  return [
    `drawbox=x=${x}-70:y=${plate.y - 110}:w=${plate.w + 140}:h=200:color=0x404448:t=fill`,
    `drawbox=x=${x}:y=${plate.y}:w=${plate.w}:h=${plate.h}:color=white:t=fill`,
    `drawbox=x=${x}:y=${plate.y}:w=${plate.w}:h=${plate.h}:color=black:t=2`,
    ...glyphs,
  ].join(',');
}

/** A still car with a plate the detector finds, on a plain grey street: `seconds` long, CLIP's size and rate. */
export const FOUND_PLATE: Rect = { x: 300, y: 230, w: 200, h: 46 };
export async function makePlateClip(file: string, seconds = 2): Promise<void> {
  const { w, h, fps } = CLIP;
  await runTool('ffmpeg', [
    ...[
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=0x606468:s=${w}x${h}:r=${fps}:d=${seconds},${carWithPlate(FOUND_PLATE)}`,
    ],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '14', '-pix_fmt', 'yuv420p', '-g', String(fps)],
    ...['-movflags', '+faststart', '-y', file],
  ]);
}

/**
 * A doorbell-like clip with something to redact: fine stripes everywhere (so any blur shows), the face photo
 * sliding right, and a still plate.
 */
export async function makeFaceClip(file: string, seconds = 4): Promise<void> {
  const { w, h, fps } = CLIP;
  const graph = [
    `color=s=${w}x${h}:r=${fps}:d=${seconds},format=gray,geq=lum='128+70*sin(X/2.2)*cos(Y/3)',format=yuv420p[bg]`,
    `[0:v]crop=130:110:372:0,scale=260:220,format=yuv420p[face]`,
    `[bg][face]overlay=x='40+60*t':y=30[withface]`,
    `[withface]drawbox=x=${PLATE.x}:y=${PLATE.y}:w=${PLATE.w}:h=${PLATE.h}:color=white:t=fill,` +
      Array.from(
        { length: 7 },
        (_, i) => `drawbox=x=${PLATE.x + 8 + i * 17}:y=${PLATE.y + 8}:w=9:h=24:color=black:t=fill`,
      ).join(',') +
      '[v]',
  ].join(';');
  await runTool('ffmpeg', [
    ...['-v', 'error', '-loop', '1', '-framerate', String(fps), '-t', String(seconds), '-i', PHOTO],
    ...['-filter_complex', graph, '-map', '[v]', '-t', String(seconds), '-r', String(fps)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '14', '-pix_fmt', 'yuv420p', '-g', String(fps)],
    ...['-movflags', '+faststart', '-y', file],
  ]);
}

/**
 * In a redaction step (`step`, showing `original`, the clip's video): lets the detector find the face, draws a
 * plate box by hand over the plate, and keeps `from`–`to` seconds. Returns how many faces the step's summary
 * says it will blur, once it says so with the plate and the kept range.
 */
export async function findFaceAndDrawPlate(
  page: Page,
  step: Locator,
  original: Locator,
  keep: { from: string; to: string },
): Promise<number> {
  await expect.poll(() => original.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  await step.getByRole('button', { name: /^Find faces/ }).click();
  const alert = step.getByRole('alert');
  const found = step.getByText(/found in \d+ sampled frames\.$/);
  await found.or(alert).first().waitFor({ timeout: 150_000 });
  if (await alert.isVisible()) throw new Error(`the page says: ${await alert.textContent()}`);
  expect(await found.textContent()).toMatch(/^[1-9]\d* faces? /);

  await step.getByLabel('Position in the clip (s)').fill('0');
  await step.getByLabel('New boxes cover').selectOption('plate');
  const vb = (await original.boundingBox())!;
  const scale = vb.width / CLIP.w;
  await page.mouse.move(vb.x + (PLATE.x - 4) * scale, vb.y + (PLATE.y - 4) * scale);
  await page.mouse.down();
  await page.mouse.move(vb.x + (PLATE.x + PLATE.w + 4) * scale, vb.y + (PLATE.y + PLATE.h + 4) * scale, {
    steps: 5,
  });
  await page.mouse.up();
  await step.getByLabel('Keep from (s)').fill(keep.from);
  await step.getByLabel('Keep to (s)').fill(keep.to);
  const kept = `${keep.from}–${keep.to}`.replace(/\./g, '\\.');
  const said = new RegExp(
    `^([1-9]\\d*) faces?, 1 plate and 0 other boxes blurred; kept ${kept} s; sound kept\\.`,
  );
  const summary = step.getByText(said).first();
  await summary.waitFor();
  return Number(said.exec((await summary.textContent())!)![1]);
}

/**
 * Checks a redacted copy against the clip it came from, `t` seconds into the copy (which starts `trimmed`
 * seconds into the clip): the plate and the face have lost their detail; the stripes far from both have not.
 */
export async function expectFaceAndPlateBlurred(
  source: string,
  copy: string,
  t: number,
  trimmed: number,
): Promise<void> {
  const src = await frame(source, Math.round((t + trimmed) * CLIP.fps));
  const out = await frame(copy, Math.round(t * CLIP.fps));
  const plate = { x: PLATE.x + 4, y: PLATE.y + 4, w: PLATE.w - 8, h: PLATE.h - 8 };
  expect(detail(out, CLIP.w, plate)).toBeLessThan(detail(src, CLIP.w, plate) * 0.35);
  const c = faceCentreAt(t + trimmed);
  const face = { x: c.x - 20, y: c.y - 20, w: 40, h: 40 };
  expect(detail(out, CLIP.w, face)).toBeLessThan(detail(src, CLIP.w, face) * 0.5);
  // Bottom left: far from the face (which stays in the top half) and from the plate.
  const away = { x: 16, y: 280, w: 200, h: 64 };
  expect(detail(out, CLIP.w, away)).toBeGreaterThan(detail(src, CLIP.w, away) * 0.7);
}
