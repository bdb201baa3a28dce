import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/** A neighbourhood far from the demo accounts (Portland); the posts are away from the home cell, which is drawn on top. */
const HOME = { lat: 48.8566, lng: 2.3522 };
const NORTH_500M = { lat: HOME.lat + 0.0045, lng: HOME.lng };
const EAST_700M = { lat: HOME.lat, lng: HOME.lng + 0.0096 };

/** Map colours of the two categories (packages/web/src/format.ts), as RGB. */
const CRIME = [0xc0, 0x39, 0x2b];
const SAFETY = [0x1f, 0x63, 0xc6];
const LAND = [0xf1, 0xef, 0xe6];

/**
 * Where a category's cell is drawn on a map canvas: the centre of the pixels close to its colour laid over the
 * land at `opacity`, and how many there are. A screenshot, since WebGL canvases are not readable after drawing.
 */
async function cellOnMap(page: Page, canvas: Locator, colour: number[], opacity: number) {
  const png = await canvas.screenshot();
  const target = colour.map((c, i) => Math.round(c * opacity + LAND[i]! * (1 - opacity)));
  return page.evaluate(
    async ({ bytes, target }) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      let n = 0;
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d =
          Math.abs(data[i]! - target[0]!) +
          Math.abs(data[i + 1]! - target[1]!) +
          Math.abs(data[i + 2]! - target[2]!);
        if (d < 45) {
          n++;
          sx += (i / 4) % bitmap.width;
          sy += Math.floor(i / 4 / bitmap.width);
        }
      }
      return { pixels: n, x: n ? sx / n : 0, y: n ? sy / n : 0 };
    },
    { bytes: [...png], target },
  );
}

/** Waits until a category's cell is drawn on `canvas`, then clicks its middle. */
async function clickCell(page: Page, canvas: Locator, colour: number[], opacity: number) {
  await expect
    .poll(async () => (await cellOnMap(page, canvas, colour, opacity)).pixels, { timeout: 20_000 })
    .toBeGreaterThan(100);
  const at = await cellOnMap(page, canvas, colour, opacity);
  await canvas.click({ position: { x: at.x, y: at.y } });
}

/** Calls the API from the signed-in page, as the app does (session cookie and CSRF token). */
function apiCall(page: Page, method: string, path: string, body: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    },
    { method, path, body },
  );
}

/** Controls smaller than 44 × 44 in the page, except links inside running text (as e2e/phone measures). */
async function smallTargets(page: Page) {
  return page.evaluate(() => {
    const small: string[] = [];
    for (const el of Array.from(
      document.querySelectorAll<HTMLElement>(
        'main a[href], main button, main input, main select, header button',
      ),
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const target = el.matches('input[type=radio], input[type=checkbox]') ? (el.closest('label') ?? el) : el;
      const box = target.getBoundingClientRect();
      if (el.tagName === 'A' && el.closest('p') !== null && !el.classList.contains('button')) continue;
      if (box.width < 44 || box.height < 44)
        small.push(`${target.tagName.toLowerCase()} "${target.textContent.trim().slice(0, 30)}"`);
    }
    return small;
  });
}

describe('incident map, end to end', () => {
  let server: RunningServer | undefined;
  let person: Person | undefined;
  const titles = {
    bike: `Bike stolen from the rack ${Date.now().toString(36)}`,
    car: `Car window smashed overnight ${Date.now().toString(36)}`,
    ice: `Black ice on the bridge ${Date.now().toString(36)}`,
  };

  beforeAll(async () => {
    server = await startServer();
    person = await openBrowser({ width: 1280, height: 900 });
  }, 90_000);

  afterAll(async () => {
    await person?.close();
    await server?.stop();
  }, 30_000);

  it('shows posts as coloured cells with a legend, a clicked cell’s posts, and narrows the feed to a side-map cell', async () => {
    const { page } = person!;
    const url = server!.url;
    await page.goto(`${url}/signin`);
    const email = `mapper-${Date.now().toString(36)}@example.test`;
    const signup = await apiCall(page, 'POST', '/api/auth/signup', {
      email,
      password: 'a long enough passphrase',
      displayName: 'Mina Mapper',
    });
    expect(signup.status, signup.text).toBe(201);
    expect((await apiCall(page, 'PUT', '/api/me/home', HOME)).status).toBe(200);
    for (const [title, category, location] of [
      [titles.bike, 'crime', NORTH_500M],
      [titles.ice, 'safety', EAST_700M],
      [titles.car, 'crime', NORTH_500M],
    ] as const) {
      const res = await apiCall(page, 'POST', '/api/posts', {
        category,
        title,
        body: 'Seen this morning; take care around here.',
        location,
      });
      expect(res.status, res.text).toBe(201);
    }

    // MapLibre's code is slow to arrive: the page says the map is loading meanwhile.
    await page.route(
      '**/assets/AreaMap-*.js',
      async (route) => {
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue();
      },
      { times: 1 },
    );
    await page.goto(`${url}/map`);
    await page.getByRole('heading', { level: 1, name: 'Incident map' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Loading map…' }).waitFor();
    expect(await page.title()).toBe('Incident map · Porchlight');
    // The main navigation links here.
    const navLink = page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Map', exact: true });
    expect(await navLink.getAttribute('href')).toBe('/map');

    // Both cells are drawn in their category's colour, and the legend names colours and ages.
    const canvas = page.locator('.incident-map__map .map canvas');
    await canvas.waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => (await cellOnMap(page, canvas, SAFETY, 0.8)).pixels, { timeout: 20_000 })
      .toBeGreaterThan(100);
    expect((await cellOnMap(page, canvas, CRIME, 0.8)).pixels).toBeGreaterThan(100);
    const legend = page.locator('.incident-legend');
    for (const text of ['Category', 'Crime', 'Safety', 'Age', 'Last 24 hours', 'Older']) {
      expect(await legend.textContent()).toContain(text);
    }

    // Every cell is also a button in a list, for keyboards and screen readers.
    const cellButtons = page.getByRole('region', { name: 'Cells with posts' }).getByRole('button');
    await expect.poll(() => cellButtons.count()).toBe(2);
    expect(await cellButtons.allTextContents()).toEqual([
      expect.stringContaining('2 posts: Crime'),
      expect.stringContaining('1 post: Safety'),
    ]);
    // The "When" filter (the feed's own select) goes into the address; every post here is from today.
    await page.getByLabel('When').selectOption({ label: 'Last 7 days' });
    await page.waitForURL(/[?&]period=week$/);
    await expect.poll(() => cellButtons.count()).toBe(2);

    // Clicking the crime cell on the map lists exactly its two posts, each a link to its page.
    await clickCell(page, canvas, CRIME, 0.8);
    const panel = page.getByRole('region', { name: '2 posts in this cell' });
    await panel.waitFor();
    const links = panel.getByRole('link');
    expect((await links.allTextContents()).map((t) => t.split('Crime')[0])).toEqual([
      titles.car,
      titles.bike,
    ]);
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
      expect(href).toMatch(/^\/posts\/po_/);
    expect(page.url()).toMatch(/[?&]cell=89[0-9a-f]{13}$/);

    // By keyboard: the other cell's button opens its panel and moves focus to it.
    await page.getByRole('button', { name: /1 post: Safety/ }).focus();
    await page.keyboard.press('Enter');
    const other = page.getByRole('region', { name: '1 post in this cell' });
    await other.waitFor();
    expect(await other.getByRole('link').allTextContents()).toEqual([expect.stringContaining(titles.ice)]);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('1 post in this cell');
    await other.getByRole('link').click();
    await page.waitForURL(/\/posts\/po_/);
    await page.getByRole('heading', { level: 1, name: titles.ice }).waitFor();

    // The category filter leaves only crime's cell.
    await page.goto(`${url}/map`);
    await page.getByRole('radio', { name: 'Crime' }).check();
    await expect.poll(() => cellButtons.count()).toBe(1);
    expect(await cellButtons.first().textContent()).toContain('2 posts: Crime');

    // In the feed, clicking a cell on the side map narrows the feed to that cell's posts, with a way back.
    await page.goto(`${url}/`);
    const feed = page.getByRole('list', { name: 'Posts near you' }).getByRole('article');
    await expect.poll(() => feed.count()).toBe(3);
    const sideMap = page.locator('.feed-layout__aside .map canvas');
    await sideMap.waitFor({ timeout: 30_000 });
    await clickCell(page, sideMap, SAFETY, 0.45);
    await page.getByText('Showing posts from one map cell.').waitFor();
    await expect.poll(() => feed.count()).toBe(1);
    expect(await feed.first().getByRole('heading').textContent()).toBe(titles.ice);
    expect(page.url()).toMatch(/\/\?cell=89[0-9a-f]{13}$/);
    await page.getByRole('button', { name: 'Show the whole area' }).click();
    await expect.poll(() => feed.count()).toBe(3);
    expect(page.url()).toBe(`${url}/`);

    // On a phone the map page does not scroll sideways and every control is a 44-px target.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/map`);
    await cellButtons.first().click();
    await page.locator('.maplibregl-ctrl-zoom-in').waitFor({ timeout: 30_000 });
    await page.getByRole('region', { name: /in this cell$/ }).waitFor();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBe(0);
    expect(await smallTargets(page)).toEqual([]);
    expect(person!.errors).toEqual([]);
  }, 180_000);
});
