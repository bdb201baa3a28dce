import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGeocoder, type FakeGeocoder } from '../packages/server/test/support/photon.js';
import { openBrowser, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/** The built-in basemap's colours (packages/web/src/map/basemap.ts), as RGB. */
const WATER = [0xca, 0xdb, 0xe6];
const LAND = [0xf1, 0xef, 0xe6];

/**
 * Screenshots the map and counts pixels near the built-in water and land colours, in the page (it has the
 * PNG decoder). WebGL canvases are not readable after drawing, so a screenshot is what a person sees.
 */
async function mapPixels(page: Page): Promise<{ water: number; land: number; total: number }> {
  const png = await page.locator('.map canvas').screenshot();
  return page.evaluate(
    async ({ bytes, water, land }) => {
      // Decoded from bytes, not a data: URL, which the app's Content-Security-Policy (rightly) refuses.
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const near = (i: number, c: number[]) =>
        Math.abs(data[i]! - c[0]!) + Math.abs(data[i + 1]! - c[1]!) + Math.abs(data[i + 2]! - c[2]!) < 12;
      let w = 0;
      let l = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (near(i, water)) w++;
        else if (near(i, land)) l++;
      }
      return { water: w, land: l, total: data.length / 4 };
    },
    { bytes: [...png], water: WATER, land: LAND },
  );
}

/** The signed-in user's home as the API returns it. */
const myHome = (page: Page) =>
  page.evaluate(async () => {
    const me = (await (await fetch('/api/me')).json()) as { home: { lat: number; lng: number } | null };
    return me.home;
  });

/*
 * A new user on a server with no internet map tiles and a local Photon-compatible geocoder: the built-in
 * world map draws, a map click and a search only propose a home, and the confirmation names the place.
 * Signed out, the landing page's links work and an unknown address is a titled 404.
 */
describe('map, address search and public pages, end to end', () => {
  let geocoder: FakeGeocoder | undefined;
  let server: RunningServer | undefined;
  let person: Person | undefined;

  beforeAll(async () => {
    geocoder = await startFakeGeocoder('photon');
    // startServer passes this process's environment on to the server it spawns.
    process.env.GEOCODER_URL = geocoder.url;
    server = await startServer();
    person = await openBrowser();
  }, 90_000);

  afterAll(async () => {
    await person?.close();
    await server?.stop();
    await geocoder?.close();
    delete process.env.GEOCODER_URL;
  }, 30_000);

  it('shows a signed-out visitor the landing page, whose links work, and a titled 404', async () => {
    const { page } = person!;
    const url = server!.url;
    await page.goto(`${url}/`);
    await page.getByRole('heading', { level: 1, name: /without the surveillance/ }).waitFor();
    expect(await page.title()).toBe('Neighbourhood safety, privately · Porchlight');

    for (const [name, path, title] of [
      ['Transparency log', '/transparency', 'Transparency log · Porchlight'],
      ['Request policies', '/policies', 'Request policies · Porchlight'],
      ['Footage requests', '/requests', 'Footage requests · Porchlight'],
    ] as const) {
      await page.goto(`${url}/`);
      await page.getByRole('link', { name, exact: true }).click();
      await page.waitForURL(`${url}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await page.title()).toBe(title);
    }

    await page.goto(`${url}/no-such-page`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    expect(page.url()).toBe(`${url}/no-such-page`);
    expect(await page.title()).toBe('Page not found · Porchlight');
  });

  it('lets a new user find an address, confirm it as home, and see the built-in basemap', async () => {
    const { page } = person!;
    const url = server!.url;
    await page.goto(`${url}/signup`);
    expect(await page.title()).toBe('Create an account · Porchlight');
    await page.getByLabel('Display name').fill('Nadia New');
    await page.getByLabel('Email').fill(`nadia-${Date.now().toString(36)}@example.test`);
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your home area' }).waitFor();
    expect(await page.title()).toBe('Home area · Porchlight');

    // The world map draws from the bundled Natural Earth data: both sea and land are on screen.
    const canvas = page.locator('.map canvas');
    await canvas.waitFor();
    await expect.poll(async () => (await mapPixels(page)).land, { timeout: 15_000 }).toBeGreaterThan(1000);
    const world = await mapPixels(page);
    expect(world.water).toBeGreaterThan(world.total * 0.2);
    expect(world.land).toBeGreaterThan(world.total * 0.05);

    // One click on the map proposes a home and names it; nothing is saved until confirmed.
    await canvas.click({ position: { x: 200, y: 150 } });
    const confirm = page.getByRole('region', { name: /Set your home here\?/ });
    await confirm.waitFor();
    await expect
      .poll(() => confirm.locator('.home-confirm__place').textContent())
      .not.toBe('Finding the place name…');
    expect(await myHome(page)).toBeNull();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await myHome(page)).toBeNull();

    // Search through the local geocoder, pick the result, read the place name, confirm.
    await page.getByLabel('Address or place').fill('701 SW Broadway Portland');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: /^Pioneer Courthouse Square/ }).click();
    await confirm.waitFor();
    expect(await confirm.locator('.home-confirm__place').textContent()).toBe(
      'Pioneer Courthouse Square, SW Broadway 701, 97205 Portland, Oregon, United States',
    );
    expect(await confirm.textContent()).toContain('45.51890, -122.67930');
    expect(await myHome(page)).toBeNull();
    await confirm.getByRole('button', { name: 'Yes, set my home' }).click();
    await page.getByText('Home area saved.').waitFor();
    const home = await myHome(page);
    expect(home!.lat).toBeCloseTo(45.5189, 2);
    expect(home!.lng).toBeCloseTo(-122.6793, 2);
    expect(geocoder!.requests.some((r) => r.startsWith('/api?q=701+SW+Broadway+Portland'))).toBe(true);

    // Zoomed to the neighbourhood, the map is land (Portland is inland), under the home and radius overlays.
    await expect.poll(async () => (await mapPixels(page)).land, { timeout: 15_000 }).toBeGreaterThan(5000);

    // Changing home asks again, as a move.
    await canvas.click({ position: { x: 100, y: 100 } });
    await page.getByRole('region', { name: /Move your home here\?/ }).waitFor();
    expect((await myHome(page))!.lat).toBeCloseTo(45.5189, 2);

    await page.goto(`${url}/not/a/page`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    expect(await page.title()).toBe('Page not found · Porchlight');
    expect(person!.errors).toEqual([]);
  });
});
