import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPmtiles, PMTILES_EARTH, PMTILES_WATER } from '../packages/server/test/support/pmtiles.js';
import { openBrowser, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/** The built-in Natural Earth map's water (packages/web/src/map/basemap.ts): it must not be what draws. */
const NATURAL_EARTH_WATER = [0xca, 0xdb, 0xe6];

/** Counts map pixels near each colour, from a screenshot decoded in the page (WebGL canvases are not readable). */
async function mapPixels(page: Page, colours: number[][]): Promise<{ counts: number[]; total: number }> {
  const png = await page.locator('.map canvas').screenshot();
  return page.evaluate(
    async ({ bytes, colours }) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const counts = colours.map(() => 0);
      for (let i = 0; i < data.length; i += 4) {
        const k = colours.findIndex(
          (c) =>
            Math.abs(data[i]! - c[0]!) + Math.abs(data[i + 1]! - c[1]!) + Math.abs(data[i + 2]! - c[2]!) < 12,
        );
        if (k >= 0) counts[k]!++;
      }
      return { counts, total: data.length / 4 };
    },
    { bytes: [...png], colours },
  );
}

/*
 * An operator serves a street basemap from one PMTiles file (MAP_PMTILES_PATH): a new user's home-area map
 * draws it with the Protomaps style, reading the file by HTTP range requests to this server, and nothing is
 * fetched from anywhere else. The file is built by the test: one tile, water west of Greenwich, land east.
 */
describe('PMTiles street basemap, end to end', () => {
  let dir: string | undefined;
  let server: RunningServer | undefined;
  let person: Person | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-pmtiles-'));
    const file = path.join(dir, 'area.pmtiles');
    await writeFile(file, buildPmtiles());
    // startServer passes this process's environment on to the server it spawns.
    process.env.MAP_PMTILES_PATH = file;
    server = await startServer();
    person = await openBrowser();
  }, 90_000);

  afterAll(async () => {
    await person?.close();
    await server?.stop();
    delete process.env.MAP_PMTILES_PATH;
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('draws the test tile from range requests to this server, and nothing else is fetched', async () => {
    const { page, context } = person!;
    const url = server!.url;
    const requests: { url: string; range: string | undefined }[] = [];
    const tileStatuses: number[] = [];
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Refused to|Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    context.on('request', (r) => requests.push({ url: r.url(), range: r.headers()['range'] }));
    context.on('response', (r) => {
      if (r.url().endsWith('/tiles/basemap.pmtiles')) tileStatuses.push(r.status());
    });

    await page.goto(`${url}/signup`);
    await page.getByLabel('Display name').fill('Pia Tiles');
    await page.getByLabel('Email').fill(`pia-${Date.now().toString(36)}@example.test`);
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your home area' }).waitFor();
    await page.locator('.map canvas').waitFor();

    // The world view is centred on Greenwich: the tile's water fills the west, its land the east.
    const colours = [PMTILES_WATER, PMTILES_EARTH, NATURAL_EARTH_WATER];
    await expect
      .poll(async () => (await mapPixels(page, colours)).counts[1], { timeout: 20_000 })
      .toBeGreaterThan(1000);
    const { counts, total } = await mapPixels(page, colours);
    expect(counts[0]).toBeGreaterThan(total * 0.2);
    expect(counts[1]).toBeGreaterThan(total * 0.2);
    expect(counts[2]).toBe(0);
    // A street basemap is not the built-in world map, so the page does not say it has no streets.
    await expect.poll(() => page.getByText('no streets').count()).toBe(0);

    const tileRequests = requests.filter((r) => r.url === `${url}/tiles/basemap.pmtiles`);
    expect(tileRequests.length).toBeGreaterThan(0);
    expect(tileRequests.every((r) => r.range !== undefined && /^bytes=\d+-\d+$/.test(r.range))).toBe(true);
    expect(tileStatuses.length).toBeGreaterThan(0);
    expect(tileStatuses.every((s) => s === 206)).toBe(true);

    const elsewhere = requests.filter((r) => /^https?:/.test(r.url) && new URL(r.url).origin !== url);
    expect(elsewhere).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(person!.errors).toEqual([]);
  });
});
