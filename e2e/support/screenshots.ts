/**
 * README screenshots: `npm run screenshots` starts the built server on a fresh embedded database with the demo
 * neighbourhood, opens Chromium (/usr/bin/chromium) and writes one PNG per page to docs/screenshots/.
 * `npm run screenshots -- feed post` takes only those. The app must be built first (`npm run build`).
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { openBrowser, signIn } from './browser.js';
import { startServer } from './server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'docs/screenshots');

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

export interface Shot {
  name: string;
  /** What it shows, for the README's alt text. */
  caption: string;
  viewport: { width: number; height: number };
  /** Opens the page and waits until what it shows has loaded. */
  open(page: Page, url: string): Promise<void>;
}

/** Opens the first post in the demo feed. */
async function firstPost(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  const link = page.locator('a[href^="/posts/po_"]').first();
  await link.waitFor();
  const href = (await link.getAttribute('href'))!;
  await page.goto(`${url}${href}`);
  await page.getByRole('button', { name: /^Follow(ing)? this post$/ }).waitFor();
}

const feed = async (page: Page, url: string) => {
  await page.goto(`${url}/`);
  await page.getByRole('heading', { name: 'Your neighbourhood' }).waitFor();
  await page.locator('a[href^="/posts/po_"]').first().waitFor();
};

export const SHOTS: readonly Shot[] = [
  { name: 'feed', caption: 'The neighbourhood feed', viewport: DESKTOP, open: feed },
  {
    name: 'post',
    caption: 'A post with its comments and the Follow button',
    viewport: DESKTOP,
    open: firstPost,
  },
  {
    name: 'map',
    caption: 'Your home area on the built-in offline map',
    viewport: DESKTOP,
    open: async (page, url) => {
      await page.goto(`${url}/home`);
      await page.getByRole('heading', { level: 1, name: 'Your home area' }).waitFor();
      await page.locator('canvas').first().waitFor();
    },
  },
  {
    name: 'vault',
    caption: 'The clip vault: keys made and kept in the browser',
    viewport: DESKTOP,
    open: async (page, url) => {
      await page.goto(`${url}/vault`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
    },
  },
  {
    name: 'requests',
    caption: 'Footage requests, public for anyone to read',
    viewport: DESKTOP,
    open: async (page, url) => {
      await page.goto(`${url}/requests`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
    },
  },
  {
    name: 'dashboard',
    caption: 'The public accountability dashboard',
    viewport: DESKTOP,
    open: async (page, url) => {
      await page.goto(`${url}/dashboard`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
    },
  },
  { name: 'feed-phone', caption: 'The feed on a phone', viewport: PHONE, open: feed },
  {
    name: 'composer',
    caption:
      'Writing a post: the composer asks for behaviour and clothing instead of a race-only description',
    viewport: DESKTOP,
    // Last, though nothing is posted: the server refuses this draft, so the other shots never show it.
    open: async (page, url) => {
      await page.goto(`${url}/new`);
      const form = page.getByRole('form', { name: 'New post' });
      await form.getByRole('radio', { name: 'Suspicious activity' }).check();
      await form.getByLabel('Title').fill('Someone trying car door handles on Alder St');
      await form
        .getByLabel('What happened?')
        .fill(
          'Around 11:40 last night a young Hispanic guy walked down Alder St pulling on the handles of ' +
            'parked cars. My camera caught him at the corner by the school. I have called the non-emergency line.',
        );
      await form.getByRole('button', { name: 'Post to neighbours' }).click();
      // The server's refusal and its guidance, with the person fields it asks for opened.
      await form.getByRole('alert').waitFor();
      // From the page's heading down, so the refusal, the category and the draft all show.
      await page.evaluate(() => {
        const heading = document.getElementById('compose-title')!;
        const header = document.querySelector('header');
        const sticky = header && getComputedStyle(header).position !== 'static' ? header.offsetHeight : 0;
        window.scrollTo(0, heading.getBoundingClientRect().top + window.scrollY - sticky - 16);
      });
    },
  },
];

/**
 * Waits until every map on screen has drawn something: MapLibre loads its code, style and data after the page
 * settles, and until then its canvas is one flat colour. A screenshot, since WebGL canvases are not readable.
 */
async function mapsDrawn(page: Page, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const canvas of await page.locator('canvas.maplibregl-canvas').all()) {
    if (!(await canvas.isVisible())) continue;
    for (;;) {
      // The middle of the map, clear of its zoom buttons and attribution (page elements over the canvas).
      const box = (await canvas.boundingBox())!;
      const view = page.viewportSize()!;
      // A map below the fold is not in the picture.
      if (box.y + box.height * 0.8 > view.height || box.y < 0) break;
      const png = await page.screenshot({
        clip: {
          x: box.x + box.width * 0.2,
          y: box.y + box.height * 0.2,
          width: box.width * 0.6,
          height: box.height * 0.6,
        },
      });
      // The share of pixels that differ clearly from the first one: near 0 while the map is blank.
      const varied = await page.evaluate(
        async (bytes) => {
          const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
          const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
          ctx.drawImage(bitmap, 0, 0);
          const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
          let n = 0;
          for (let i = 0; i < data.length; i += 4) {
            const d =
              Math.abs(data[i]! - data[0]!) +
              Math.abs(data[i + 1]! - data[1]!) +
              Math.abs(data[i + 2]! - data[2]!);
            if (d > 30) n++;
          }
          return n / (data.length / 4);
        },
        [...png],
      );
      if (varied > 0.005) break;
      if (Date.now() > deadline) throw new Error('a map on the page did not draw within 30 s');
      await page.waitForTimeout(500);
    }
  }
}

/**
 * Takes the named shots (all by default) as alice, the demo resident, against a running server, into `dir`.
 * Returns each file and its size in bytes.
 */
export async function takeScreenshots(
  url: string,
  dir: string,
  names: readonly string[] = SHOTS.map((s) => s.name),
): Promise<{ name: string; file: string; bytes: number }[]> {
  const unknown = names.filter((n) => !SHOTS.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new Error(
      `no such screenshot: ${unknown.join(', ')} (known: ${SHOTS.map((s) => s.name).join(', ')})`,
    );
  await mkdir(dir, { recursive: true });
  const written: { name: string; file: string; bytes: number }[] = [];
  const person = await openBrowser(DESKTOP);
  try {
    const { page } = person;
    await signIn(page, url, 'alice@demo.porchlight');
    for (const shot of SHOTS.filter((s) => names.includes(s.name))) {
      await page.setViewportSize(shot.viewport);
      await shot.open(page, url);
      // Let fonts, images and the map settle; a loading spinner in a README helps no one.
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await mapsDrawn(page);
      await page.waitForTimeout(400);
      const file = path.join(dir, `${shot.name}.png`);
      await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      written.push({ name: shot.name, file, bytes: (await stat(file)).size });
    }
    if (person.errors.length > 0) throw new Error(`the page threw: ${person.errors.join('; ')}`);
  } finally {
    await person.close();
  }
  return written;
}

/** Starts a throwaway demo server, takes the screenshots, stops it. */
export async function screenshotDemo(
  dir = SCREENSHOT_DIR,
  names?: readonly string[],
): Promise<{ name: string; file: string; bytes: number }[]> {
  // Creating the embedded database can take minutes on a busy machine.
  const server = await startServer(900_000);
  try {
    return await takeScreenshots(server.url, dir, names);
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const names = process.argv.slice(2);
  screenshotDemo(SCREENSHOT_DIR, names.length > 0 ? names : undefined).then(
    (shots) => {
      let total = 0;
      for (const s of shots) {
        total += s.bytes;
        console.log(`${path.relative(ROOT, s.file)}  ${Math.round(s.bytes / 1000)} kB`);
      }
      console.log(`${shots.length} screenshots, ${Math.round(total / 1000)} kB in all`);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
