import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseRedaction, padBox, toPixels, type Box, type Redaction } from '@porchlight/redact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRedaction } from '../packages/hub/src/redact/render.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { CLIP, faceCentreAt, FOUND_PLATE, makeFaceClip, makePlateClip, PLATE } from './support/redact.js';
import {
  detail as detailIn,
  difference as differenceIn,
  frame,
  inRect,
  type Rect,
} from '../packages/hub/test/support/video.js';
import { startServer, type RunningServer } from './support/server.js';

const { w: W, h: H } = CLIP;

let server: RunningServer | undefined;
let owner: Person | undefined;
let dir: string;
let source: string;

const detail = (f: Buffer, r: Rect) => detailIn(f, W, r);
const difference = (a: Buffer, b: Buffer, where: (x: number, y: number) => boolean) =>
  differenceIn(a, b, W, where);

/** 16×16 blocks of a frame whose detail dropped below 40 % of the source's: where a renderer blurred. */
function blurredBlocks(src: Buffer, out: Buffer): Set<number> {
  const blocks = new Set<number>();
  for (let by = 0; by < Math.floor(H / 16); by++)
    for (let bx = 0; bx < W / 16; bx++) {
      const r = { x: bx * 16, y: by * 16, w: 16, h: 16 };
      const before = detail(src, r);
      if (before > 6 && detail(out, r) < before * 0.4) blocks.add(by * 100 + bx);
    }
  return blocks;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-redact-'));
  source = path.join(dir, 'doorbell.mp4');
  await makeFaceClip(source);
  server = await startServer(240_000);
  owner = await openBrowser();
  await signIn(owner.page, server.url, 'alice@demo.porchlight');
}, 420_000);

afterAll(async () => {
  await owner?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('owner-side redaction in Chromium', () => {
  // Detection runs on the CPU backend and rendering in software: minutes on a loaded 2-core machine.
  it(
    'finds the face, takes a hand-drawn plate box, trims, renders; both are blurred and hub and browser agree',
    { timeout: 420_000 },
    async () => {
      const { page } = owner!;
      page.on('console', (m) => {
        if (process.env.REDACT_DEBUG) console.log('[page]', m.text());
      });
      const models: string[] = [];
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (u.pathname.startsWith('/models/')) models.push(u.pathname);
      });
      await page.goto(`${server!.url}/redact`);
      await page.getByRole('heading', { name: 'Redact a video' }).waitFor();
      await page.getByLabel('Video file (MP4)').setInputFiles(source);
      await page.getByRole('button', { name: 'Find faces' }).click();
      await foundOrFailed(page, /^[1-9]\d* faces? and \d+ plates? found in \d+ sampled frames\.$/);

      // The owner draws the plate box by hand on the picture (the overlay spans the video's width; 360/640 high).
      const overlay = page.getByRole('application', { name: /Boxes to blur/ });
      const video = page.getByLabel('Original: doorbell.mp4');
      await page.getByLabel('Position in the clip (s)').fill('0');
      const vb = (await video.boundingBox())!;
      const scale = vb.width / W;
      await page.getByLabel('New boxes cover').selectOption('plate');
      await page.mouse.move(vb.x + (PLATE.x - 4) * scale, vb.y + (PLATE.y - 4) * scale);
      await page.mouse.down();
      await page.mouse.move(vb.x + (PLATE.x + PLATE.w + 4) * scale, vb.y + (PLATE.y + PLATE.h + 4) * scale, {
        steps: 5,
      });
      await page.mouse.up();
      expect(await overlay.getByLabel(/^plate box/).count()).toBe(1);

      await page.getByLabel('Keep from (s)').fill('0.48');
      await page.getByLabel('Keep to (s)').fill('3.48');
      await page.getByText(/1 plate .* blurred; kept 0\.5–3\.5 s; sound kept\./).waitFor();

      await page.getByRole('button', { name: 'Render redacted copy' }).click();
      const link = page.getByRole('link', { name: 'Download redacted copy' });
      await link.waitFor({ timeout: 150_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const redacted = path.join(dir, 'redacted.mp4');
      await download.saveAs(redacted);
      await page.getByLabel('Redacted copy').waitFor();

      // Only BlazeFace's weights and the plate cascade were fetched, and no other model of the package is served.
      expect(new Set(models)).toEqual(
        new Set([
          '/models/redact/blazeface.json',
          '/models/redact/blazeface.bin',
          '/models/redact/haarcascade_russian_plate_number.xml',
        ]),
      );
      for (const name of [
        'faceres.json',
        'faceres.bin',
        'facemesh.json',
        'iris.json',
        'emotion.json',
        'antispoof.json',
      ]) {
        const res = await fetch(`${server!.url}/models/redact/${name}`);
        expect(res.headers.get('content-type') ?? '').not.toMatch(/json|octet-stream/);
      }

      const description: Redaction = parseRedaction(
        JSON.parse((await page.getByTestId('redaction-json').textContent())!),
      );
      const faces = description.tracks.filter((t) => t.kind === 'face');
      expect(faces.length).toBeGreaterThanOrEqual(1);
      expect(description.trim).toEqual({ start: 0.48, end: 3.48 });

      // Source frame 50 (2 s) is output frame 38. The face there is where the photo was drawn (x = 40 + 60 t).
      const src = await frame(source, 50);
      const out = await frame(redacted, 38);
      const faceCentre = faceCentreAt(2);
      const plate = { x: PLATE.x + 4, y: PLATE.y + 4, w: PLATE.w - 8, h: PLATE.h - 8 };
      expect(detail(out, plate)).toBeLessThan(detail(src, plate) * 0.35);
      const faceBox = padBox(boxAtFirstFace(description, 2), description.padding);
      const facePx = toPixels(faceBox, W, H);
      const faceInner = { x: facePx.x + 6, y: facePx.y + 6, w: facePx.w - 12, h: facePx.h - 12 };
      expect(detail(out, faceInner)).toBeLessThan(detail(src, faceInner) * 0.5);
      expect(inRect(facePx, faceCentre.x, faceCentre.y)).toBe(true);
      // Away from every box the picture is the source's, re-encoded.
      const covered = (x: number, y: number) =>
        inRect({ x: facePx.x - 8, y: facePx.y - 8, w: facePx.w + 16, h: facePx.h + 16 }, x, y) ||
        inRect({ x: PLATE.x - 12, y: PLATE.y - 12, w: PLATE.w + 24, h: PLATE.h + 24 }, x, y);
      expect(difference(src, out, (x, y) => !covered(x, y))).toBeLessThan(8);

      // The hub renders the same description with ffmpeg: both blur the same places.
      const hubOut = path.join(dir, 'hub.mp4');
      await renderRedaction(source, hubOut, description);
      const hub = await frame(hubOut, 38);
      const a = blurredBlocks(src, out);
      const b = blurredBlocks(src, hub);
      const both = [...a].filter((k) => b.has(k)).length;
      const iou = both / (a.size + b.size - both);
      await writeFile(
        path.join(dir, 'agreement.txt'),
        `browser ${a.size} hub ${b.size} both ${both} iou ${iou}`,
      );
      expect(a.size).toBeGreaterThan(20);
      expect(iou).toBeGreaterThan(0.8);

      // The detector finds no face in the redacted copy.
      await page.getByLabel('Video file (MP4)').setInputFiles(redacted);
      await page.getByRole('button', { name: 'Find faces' }).click();
      const answer = /^(\d+) faces? and \d+ plates? found in \d+ sampled frames\.$/;
      await foundOrFailed(page, answer);
      expect(await page.getByText(answer).textContent()).toMatch(/^0 faces and/);
      expect(owner!.errors).toEqual([]);
    },
  );
});

describe('licence plates in Chromium', () => {
  it('finds a plate by itself, and the rendered copy has it blurred', { timeout: 300_000 }, async () => {
    const { page } = owner!;
    const clip = path.join(dir, 'car.mp4');
    await makePlateClip(clip);
    await page.goto(`${server!.url}/redact`);
    await page.getByRole('heading', { name: 'Redact a video' }).waitFor();
    await page.getByLabel('Video file (MP4)').setInputFiles(clip);
    await page.getByRole('button', { name: 'Find faces' }).click();
    await foundOrFailed(page, /^0 faces and [1-9]\d* plates? found in \d+ sampled frames\.$/);
    await page
      .getByText(/^0 faces, [1-9]\d* plates? and 0 other boxes blurred/)
      .first()
      .waitFor();
    const description = parseRedaction(JSON.parse((await page.getByTestId('redaction-json').textContent())!));
    const plates = description.tracks.filter((t) => t.kind === 'plate');
    expect(plates.length).toBeGreaterThanOrEqual(1);
    expect(plates.every((t) => t.source === 'detector')).toBe(true);

    await page.getByRole('button', { name: 'Render redacted copy' }).click();
    const link = page.getByRole('link', { name: 'Download redacted copy' });
    await link.waitFor({ timeout: 150_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const redacted = path.join(dir, 'car-redacted.mp4');
    await download.saveAs(redacted);
    const [src, out] = await Promise.all([frame(clip, 25), frame(redacted, 25)]);
    const inner = {
      x: FOUND_PLATE.x + 8,
      y: FOUND_PLATE.y + 6,
      w: FOUND_PLATE.w - 16,
      h: FOUND_PLATE.h - 12,
    };
    expect(detail(out, inner)).toBeLessThan(detail(src, inner) * 0.35);
    expect(owner!.errors).toEqual([]);
  });
});

/** Waits for the detector's answer; a problem the page shows fails the test with its message. */
async function foundOrFailed(page: Person['page'], found: RegExp): Promise<void> {
  const alert = page.locator('section.redact').getByRole('alert');
  await page.getByText(found).or(alert).waitFor({ timeout: 150_000 });
  if (await alert.isVisible()) throw new Error(`the page says: ${await alert.textContent()}`);
}

function boxAtFirstFace(r: Redaction, t: number): Box {
  const face = r.tracks.find((tr) => tr.kind === 'face' && tr.from <= t && tr.to >= t);
  if (!face) throw new Error(`no face track covers ${t} s: ${JSON.stringify(r.tracks)}`);
  let box = face.keyframes[0]!.box;
  for (const k of face.keyframes) if (k.t <= t) box = k.box;
  return box;
}
