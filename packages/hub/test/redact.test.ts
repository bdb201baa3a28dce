import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emptyRedaction, padBox, toPixels, type BlurKind, type Redaction } from '@porchlight/redact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo, runTool } from '../src/ffmpeg.js';
import { renderRedaction } from '../src/redact/render.js';
import { detail as detailIn, difference as differenceIn, frame, inRect, type Rect } from './support/video.js';

const W = 640;
const H = 360;
const FPS = 25;
let dir: string;
let source: string;
let noise: number;

const detail = (f: Buffer, r: Rect) => detailIn(f, W, r);
const difference = (a: Buffer, b: Buffer, where: (x: number, y: number) => boolean) =>
  differenceIn(a, b, W, where);

const shrink = (r: Rect, by: number): Rect => ({
  x: r.x + by,
  y: r.y + by,
  w: r.w - 2 * by,
  h: r.h - 2 * by,
});
const grow = (r: Rect, by: number): Rect => ({ x: r.x - by, y: r.y - by, w: r.w + 2 * by, h: r.h + 2 * by });

// A face-sized box that moves from the left third to the middle between 1 s and 3 s; the clip is trimmed to
// 0.48–3.48 s (frame 12 onwards), so output frame k is source frame k + 12.
const redaction = (blur: BlurKind, mute = false): Redaction => ({
  ...emptyRedaction(),
  blur,
  mute,
  padding: 0.1,
  trim: { start: 0.48, end: 3.48 },
  tracks: [
    {
      id: 'd1',
      kind: 'face',
      source: 'detector',
      from: 0.8,
      to: 3.2,
      keyframes: [
        { t: 1, box: { x: 0.1, y: 0.3, w: 0.2, h: 0.3 } },
        { t: 3, box: { x: 0.5, y: 0.3, w: 0.2, h: 0.3 } },
      ],
    },
  ],
});
const SHIFT = 12;
// Source frame 50 (t = 2 s): the box is halfway, at x = 0.3.
const midBox = toPixels(padBox({ x: 0.3, y: 0.3, w: 0.2, h: 0.3 }, 0.1), W, H);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'porchlight-redact-'));
  source = path.join(dir, 'source.mp4');
  // Fine moving stripes everywhere: any blur shows as lost detail, and a frame off by one shows as a difference.
  await runTool('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `color=s=${W}x${H}:r=${FPS}:d=4,format=gray,geq=lum='128+90*sin((X+40*T)/2.5)*cos(Y/3)',format=yuv420p`,
    '-f',
    'lavfi',
    '-i',
    'sine=f=440:d=4',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '12',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '25',
    '-c:a',
    'aac',
    '-shortest',
    '-y',
    source,
  ]);
  // The same render with nothing to hide is a plain re-encode: its difference from the source is the
  // encoder noise that pixels outside the boxes may show.
  const plain = path.join(dir, 'plain.mp4');
  await renderRedaction(source, plain, emptyRedaction());
  noise = difference(await frame(source, 50), await frame(plain, 50), () => true);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hub redaction render (real ffmpeg, real video)', () => {
  it('blurs inside the moving box on the frames between keyframes, leaves the rest within encoder noise, trims', async () => {
    const out = path.join(dir, 'gaussian.mp4');
    const result = await renderRedaction(source, out, redaction('gaussian'));
    expect(result.strength).toBeGreaterThanOrEqual(8);
    const info = await probeVideo(out);
    expect(info.durationSeconds).toBeGreaterThan(2.9);
    expect(info.durationSeconds).toBeLessThan(3.15);
    expect(info.hasAudio).toBe(true);

    const original = await frame(source, 50);
    const redacted = await frame(out, 50 - SHIFT);
    const inner = shrink(midBox, 4);
    expect(detail(original, inner)).toBeGreaterThan(4);
    expect(detail(redacted, inner)).toBeLessThan(detail(original, inner) * 0.3);
    expect(difference(original, redacted, (x, y) => inRect(inner, x, y))).toBeGreaterThan(10);
    // Outside the box (and a few pixels of chroma bleed around it) only the re-encode differs: compared with a
    // plain re-encode of the same trim, the same frame differs from the source by about as much.
    const plain = path.join(dir, 'plain-trimmed.mp4');
    await renderRedaction(source, plain, { ...emptyRedaction(), trim: redaction('gaussian').trim! });
    const outside = (x: number, y: number) => !inRect(grow(midBox, 4), x, y);
    const plainNoise = difference(original, await frame(plain, 50 - SHIFT), outside);
    expect(difference(original, redacted, outside)).toBeLessThan(plainNoise * 1.5 + 0.5);
  });

  it('leaves the box’s place untouched once the track has ended', async () => {
    const out = path.join(dir, 'after.mp4');
    await renderRedaction(source, out, redaction('gaussian'));
    // Source frame 83 (3.32 s) is after the track's `to` (3.2 s).
    const endBox = toPixels(padBox({ x: 0.5, y: 0.3, w: 0.2, h: 0.3 }, 0.1), W, H);
    const original = await frame(source, 83);
    const redacted = await frame(out, 83 - SHIFT);
    expect(difference(original, redacted, (x, y) => inRect(endBox, x, y))).toBeLessThan(noise + 0.5);
  });

  it('pixelates into blocks and blacks out with the same boxes; mute drops the audio', async () => {
    const pixelated = path.join(dir, 'pixelate.mp4');
    await renderRedaction(source, pixelated, redaction('pixelate', true));
    expect((await probeVideo(pixelated)).hasAudio).toBe(false);
    const original = await frame(source, 50);
    const p = await frame(pixelated, 50 - SHIFT);
    const inner = shrink(midBox, 4);
    expect(detail(p, inner)).toBeLessThan(detail(original, inner) * 0.5);

    const solid = path.join(dir, 'solid.mp4');
    await renderRedaction(source, solid, redaction('solid'));
    const s = await frame(solid, 50 - SHIFT);
    let max = 0;
    for (let y = inner.y; y < inner.y + inner.h; y++)
      for (let x = inner.x; x < inner.x + inner.w; x++) max = Math.max(max, s[y * W + x]!);
    expect(max).toBeLessThan(30);
  });

  it('blurs the whole picture during a whole-frame range', async () => {
    const out = path.join(dir, 'frame.mp4');
    await renderRedaction(source, out, { ...emptyRedaction(), frameBlur: [{ start: 1, end: 2 }] });
    const full = { x: 0, y: 0, w: W, h: H };
    const original = await frame(source, 40);
    expect(detail(await frame(out, 40), full)).toBeLessThan(detail(original, full) * 0.3);
    expect(difference(await frame(source, 75), await frame(out, 75), () => true)).toBeLessThan(noise + 0.5);
  });

  it('refuses a rotated input instead of blurring the wrong place, and leaves no output', async () => {
    const rotated = path.join(dir, 'rotated.mp4');
    await runTool('ffmpeg', [
      '-v',
      'error',
      '-display_rotation',
      '90',
      '-i',
      source,
      '-c',
      'copy',
      '-y',
      rotated,
    ]).catch(async () => {
      // ffmpeg 5 has no -display_rotation: write the display matrix with the metadata option instead.
      await runTool('ffmpeg', [
        '-v',
        'error',
        '-i',
        source,
        '-c',
        'copy',
        '-metadata:s:v:0',
        'rotate=90',
        '-y',
        rotated,
      ]);
    });
    const out = path.join(dir, 'rotated-out.mp4');
    await expect(renderRedaction(rotated, out, redaction('gaussian'))).rejects.toThrow(/rotated 90°/);
    await expect(stat(out)).rejects.toThrow();
  });
});
