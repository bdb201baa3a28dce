/**
 * Browser redaction speed (issue 11): the owner's redaction step in real Chromium — the built app's `/redact`
 * page, its worker decoding with WebCodecs, blurring and encoding H.264, muxed by mediabunny — on a camera-like
 * clip (testsrc2 + sensor noise at 15 fps, a face photo sliding across, a still plate). Per run, in the same
 * browser: a plain re-encode (the same trim, no box) and the redaction (faces found by the detector, a plate box
 * drawn by hand, the same trim), each timed from "Render redacted copy" to the download link; the detector's
 * pass is timed apart. Same clip shape as bench/redact-hub.ts, so the two results files compare.
 *
 *   npm run build && npx tsx bench/redact-browser.ts [seconds=30] [size=1920x1080] [runs=1]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runTool } from '../packages/hub/src/ffmpeg.js';
import { openBrowser, signIn } from '../e2e/support/browser.js';
import { startServer } from '../e2e/support/server.js';

const SECONDS = Number(process.argv[2] ?? 30);
const SIZE = process.argv[3] ?? '1920x1080';
const RUNS = Number(process.argv[4] ?? 1);
const [W, H] = SIZE.split('x').map(Number) as [number, number];
const PHOTO = path.resolve(import.meta.dirname, '../node_modules/@vladmandic/human/assets/samples.jpg');
const PLATE = {
  x: Math.round(W * 0.72),
  y: Math.round(H * 0.75),
  w: Math.round(W * 0.2),
  h: Math.round(H * 0.11),
};
const load = () => os.loadavg()[0]!.toFixed(1);
const trim = { from: '1', to: String(SECONDS - 1) };

async function makeSource(file: string): Promise<void> {
  const face = { w: Math.round(W * 0.4), h: Math.round(W * 0.34) };
  const graph = [
    `testsrc2=size=${SIZE}:rate=15:duration=${SECONDS},noise=alls=12:allf=t,format=yuv420p[bg]`,
    `[0:v]crop=130:110:372:0,scale=${face.w}:${face.h},format=yuv420p[face]`,
    `[bg][face]overlay=x='${Math.round(W * 0.05)}+${Math.round((W * 0.5) / SECONDS)}*t':y=${Math.round(H * 0.08)}[withface]`,
    `[withface]drawbox=x=${PLATE.x}:y=${PLATE.y}:w=${PLATE.w}:h=${PLATE.h}:color=white:t=fill[v]`,
  ].join(';');
  await runTool('ffmpeg', [
    ...['-v', 'error', '-loop', '1', '-framerate', '15', '-t', String(SECONDS), '-i', PHOTO],
    ...['-f', 'lavfi', '-i', `sine=f=440:d=${SECONDS}`],
    ...['-filter_complex', graph, '-map', '[v]', '-map', '1:a', '-t', String(SECONDS)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-c:a', 'aac', '-movflags', '+faststart'],
    ...['-y', file],
  ]);
}

/** Opens the redaction page on `file` with the trim set; `boxes` adds the detector's faces and a plate. */
async function prepare(page: Page, url: string, file: string, boxes: boolean): Promise<number> {
  await page.goto(`${url}/redact`);
  await page.getByLabel('Video file (MP4)').setInputFiles(file);
  const video = page.getByLabel(/^Original: /);
  await video.waitFor();
  let detectS = 0;
  if (boxes) {
    const t = performance.now();
    await page.getByRole('button', { name: /^Find faces/ }).click();
    await page.getByText(/found in \d+ sampled frames\.$/).waitFor({ timeout: 1_800_000 });
    detectS = (performance.now() - t) / 1000;
    await page.getByLabel('Position in the clip (s)').fill('0');
    await page.getByLabel('New boxes cover').selectOption('plate');
    const vb = (await video.boundingBox())!;
    const s = vb.width / W;
    await page.mouse.move(vb.x + PLATE.x * s, vb.y + PLATE.y * s);
    await page.mouse.down();
    await page.mouse.move(vb.x + (PLATE.x + PLATE.w) * s, vb.y + (PLATE.y + PLATE.h) * s, { steps: 5 });
    await page.mouse.up();
  }
  await page.getByLabel('Keep from (s)').fill(trim.from);
  await page.getByLabel('Keep to (s)').fill(trim.to);
  return detectS;
}

/** Seconds from "Render redacted copy" to the download link. */
async function render(page: Page): Promise<number> {
  const t = performance.now();
  await page.getByRole('button', { name: 'Render redacted copy' }).click();
  const alert = page.locator('section.redact').getByRole('alert');
  const link = page.getByRole('link', { name: 'Download redacted copy' });
  await link.or(alert).first().waitFor({ timeout: 3_600_000 });
  if (await alert.isVisible()) throw new Error(`the page says: ${await alert.textContent()}`);
  return (performance.now() - t) / 1000;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'redact-browser-'));
const server = await startServer(240_000);
const person = await openBrowser();
try {
  const source = path.join(work, 'source.mp4');
  await makeSource(source);
  await signIn(person.page, server.url, 'alice@demo.porchlight');
  const kept = SECONDS - 2;
  console.log(
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); Chromium ${person.context.browser()?.version() ?? '(persistent context)'}; ` +
      `${SECONDS} s ${SIZE} at 15 fps, kept ${kept} s\n`,
  );
  console.log(
    '| run | plain re-encode s | detect s | redact s | redact × real time | redact / plain | summary | load |',
  );
  console.log(
    '| --: | ----------------: | -------: | -------: | -----------------: | -------------: | --- | ---: |',
  );
  for (let run = 1; run <= RUNS; run++) {
    await prepare(person.page, server.url, source, false);
    const plain = await render(person.page);
    const detect = await prepare(person.page, server.url, source, true);
    const summary =
      (
        await person.page
          .getByText(/boxes blurred; kept/)
          .first()
          .textContent()
      )?.trim() ?? '?';
    const redact = await render(person.page);
    console.log(
      `| ${run} | ${plain.toFixed(1)} | ${detect.toFixed(1)} | ${redact.toFixed(1)} | ${(redact / kept).toFixed(2)} | ` +
        `${(redact / plain).toFixed(2)} | ${summary.split(';')[0]} | ${load()} |`,
    );
  }
  if (person.errors.length > 0) console.log(`\npage errors: ${person.errors.join('; ')}`);
} finally {
  await person.close();
  await server.stop();
  await rm(work, { recursive: true, force: true });
}
